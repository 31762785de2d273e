/**
 * collect job: downloads this run's bmk_* (or eval_*) artifacts, aggregates
 * them with `infx collect` (one corrupt file never loses the others), uploads
 * results_bmk / eval_results_all and writes the tables to the step summary.
 * For benchmark rows it also uploads the HTML page of `infx report` as
 * artifact `report` (the sticky comment links it); a page that cannot be made
 * is a warning, never a lost collection.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import * as collectCommand from "../../commands/collect.js";
import * as reportCommand from "../../commands/report.js";
import * as summarizeCommand from "../../commands/summarize.js";
import { downloadMatching } from "../../github/artifact.js";
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
  const got = await downloadMatching(deps.artifacts, (n) => n.startsWith(kind.prefix), downloads);
  deps.core.info(`downloaded ${got.length} ${kind.prefix}* artifact(s)`);
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
    `${rows.length} row(s) from ${got.length} artifact(s) → \`${artifactName}\`\n\n` + (summary.code === 0 ? summary.stdout : `\`\`\`\n${stdout}\`\`\`\n`),
  );
  if (kindName === "bmk" && rows.length) await uploadReport(deps, out, work);
  if (code !== 0) throw new ActionError(`${kindName === "eval" ? "some evals are below their thresholds" : "collection failed"} (see the summary)`);
}

/** Artifact of the HTML report page (`infx report`). */
export const REPORT_ARTIFACT = "report";

async function uploadReport(deps: ActionDeps, bmkFile: string, work: string): Promise<void> {
  const dir = join(work, "report");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "report.html");
  try {
    const r = await infx(deps, reportCommand, ["--bmk", bmkFile, "--out", file, "--title", "Benchmark results"], { allowExit: [1, 2] });
    if (r.code !== 0 || !existsSync(file)) {
      deps.core.warning(`no HTML report (infx report exited ${r.code}; see the log)`);
      return;
    }
    await deps.artifacts.upload(REPORT_ARTIFACT, [file], dir);
    deps.core.setOutput("report", file);
  } catch (e) {
    deps.core.warning(`no HTML report: ${(e as Error).message}`);
  }
}
