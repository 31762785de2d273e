/**
 * collect job: downloads this run's bmk_* (or eval_*) artifacts, aggregates
 * them with `infx collect` (one corrupt file never loses the others), uploads
 * results_bmk / eval_results_all and writes the tables to the step summary.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import * as collectCommand from "../../commands/collect.js";
import * as summarizeCommand from "../../commands/summarize.js";
import { downloadEach } from "../../github/artifact.js";
import { ActionError, appendSummary, infx, input, type ActionDeps } from "./runtime.js";

export interface CollectKind {
  /** Prefix of the per-job artifacts. */
  prefix: string;
  /** Aggregate artifact and file names. */
  artifact: string;
  file: string;
}

/** The artifact contract: per-job `bmk_<name>` → `results_bmk/agg_bmk.json`, `eval_<name>` → `eval_results_all/agg_eval_all.json`. */
export const COLLECT_KINDS: Record<"bmk" | "eval", CollectKind> = {
  bmk: { prefix: "bmk_", artifact: "results_bmk", file: "agg_bmk.json" },
  eval: { prefix: "eval_", artifact: "eval_results_all", file: "agg_eval_all.json" },
};

export async function runCollect(deps: ActionDeps): Promise<void> {
  const kindName = input(deps, "kind", { required: true });
  if (kindName !== "bmk" && kindName !== "eval") throw new ActionError(`input 'kind': expected 'bmk' or 'eval', got '${kindName}'`);
  const kind = COLLECT_KINDS[kindName];
  const artifactName = input(deps, "artifact-name") || kind.artifact;
  const thresholds = input(deps, "thresholds");

  const work = mkdtempSync(join(deps.env.RUNNER_TEMP || tmpdir(), `collect-${kindName}-`));
  const downloads = join(work, "artifacts");
  mkdirSync(downloads);
  const { downloaded: got, failed } = await downloadEach(deps.artifacts, (n) => n.startsWith(kind.prefix), downloads);
  deps.core.info(`downloaded ${got.length} ${kind.prefix}* artifact(s)`);
  for (const f of failed) deps.core.warning(`artifact ${f.name} could not be downloaded (its rows are missing): ${f.reason}`);
  if (!got.length) deps.core.warning(`no ${kind.prefix}* artifacts in this run: every benchmark job failed or none ran`);

  const outDir = join(work, "out");
  mkdirSync(outDir);
  const out = join(outDir, kind.file);
  const report = join(work, "collect-report.json");
  const { code, stdout } = await infx(
    deps,
    collectCommand,
    [
      downloads,
      "--kind",
      kindName,
      "--out",
      out,
      "--report",
      report,
      ...(thresholds ? ["--thresholds", resolve(deps.cwd, thresholds)] : []),
    ],
    { allowExit: thresholds ? [1] : [] },
  );
  if (!existsSync(out)) throw new ActionError(`infx collect wrote no ${out}`);
  const rows = JSON.parse(readFileSync(out, "utf8")) as unknown[];
  await deps.artifacts.upload(artifactName, [out], outDir);
  deps.core.setOutput("rows", String(rows.length));
  deps.core.setOutput("file", out);
  deps.core.setOutput("artifacts", String(got.length));

  const summary = await infx(deps, summarizeCommand, [kindName === "bmk" ? "--bmk" : "--eval", out, "--title", kindName === "bmk" ? "Benchmark results" : "Eval results"], { allowExit: [1, 2] });
  await appendSummary(
    deps,
    `${rows.length} row(s) from ${got.length} artifact(s) → \`${artifactName}\`\n\n` +
      (failed.length ? `${failed.length} artifact(s) could not be downloaded:\n${failed.map((f) => `- \`${f.name}\`: ${f.reason}`).join("\n")}\n\n` : "") + (summary.code === 0 ? summary.stdout : `\`\`\`\n${stdout}\`\`\`\n`),
  );
  if (code !== 0) throw new ActionError(`${kindName === "eval" ? "some evals are below their thresholds" : "collection failed"} (see the summary)`);
}
