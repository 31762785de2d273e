/**
 * process-result step of a benchmark job: `processResultFile` (what `infx
 * process-result` runs) on the raw result(s) of this job (one per concurrency
 * for multi-node entries), then the aggregate rows uploaded as artifact
 * `bmk_<entry name>`.
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { UserError } from "../../errors.js";
import { processResultFile } from "../../results/process-file.js";
import { ActionError, appendSummary, input, type ActionDeps } from "./runtime.js";

/** The result files one job produces: `<base>` or `<base>_conc<C>` per concurrency. */
export function resultFilenames(base: string, concList: string): { filename: string; conc?: string }[] {
  const concs = concList.split(/[\s,]+/).filter(Boolean);
  if (!concs.length) return [{ filename: base }];
  for (const c of concs) if (!/^\d+$/.test(c)) throw new ActionError(`input 'conc-list': '${c}' is not a concurrency`);
  return concs.map((c) => ({ filename: `${base}_conc${c}`, conc: c }));
}

export async function runProcessResult(deps: ActionDeps): Promise<void> {
  const base = input(deps, "result-filename") || deps.env.RESULT_FILENAME || "";
  if (!base) throw new ActionError("no result file: set input 'result-filename' or RESULT_FILENAME");
  const dir = resolve(deps.cwd, input(deps, "working-directory") || ".");
  const artifactName = input(deps, "artifact-name");
  const files: string[] = [];
  for (const { filename, conc } of resultFilenames(base, input(deps, "conc-list"))) {
    if (!existsSync(join(dir, `${filename}.json`))) {
      throw new ActionError(`no raw result ${join(dir, `${filename}.json`)}: the launch script must write <RESULT_FILENAME>.json (runners/README.md)`);
    }
    const env = { ...deps.env, RESULT_FILENAME: filename, ...(conc ? { CONC: conc } : {}) };
    let outPath: string;
    try {
      ({ outPath } = processResultFile(dir, env));
    } catch (e) {
      if (e instanceof UserError) throw new ActionError([e.message, ...e.details].join("\n"));
      throw e;
    }
    deps.core.info(`wrote ${outPath}`);
    files.push(outPath);
  }
  deps.core.setOutput("rows", String(files.length));
  deps.core.setOutput("files", JSON.stringify(files));
  if (artifactName) {
    const art = await deps.artifacts.upload(artifactName, files, dir);
    deps.core.info(`uploaded ${files.length} row file(s) as artifact ${artifactName} (id ${art.id})`);
  }
  const digest = deps.env.IMAGE_DIGEST?.trim();
  const provenance = digest ? ` Image \`${deps.env.IMAGE ?? ""}\` ran by digest \`${digest}\`.` : "";
  await appendSummary(deps, `Processed ${files.length} result(s) of \`${base}\`${artifactName ? ` → artifact \`${artifactName}\`` : ""}.${provenance}`);
}
