/**
 * collect job: downloads this run's bmk_* (or eval_*) artifacts, aggregates
 * them with `collectToFile` as `infx collect` does (one corrupt file never
 * loses the others), uploads results_bmk / eval_results_all and writes the
 * tables (`renderSummary`, as `infx summarize`) to the step summary. For
 * benchmark rows it also uploads the HTML page of `infx report` as artifact
 * `report` (the sticky comment links it); a page that cannot be made is a
 * warning, never a lost collection.
 */
import { existsSync, mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { UserError } from "../../errors.js";
import { downloadEach } from "../../github/artifact.js";
import { DEFAULT_MAX_BYTES, renderSummary } from "../../report/summary.js";
import { readSummaryRows } from "../../report/summary-rows.js";
import { collectExitCode, collectSummaryText, collectToFile, type CollectOutcome } from "../../results/collect-file.js";
import { ActionError, appendSummary, input, type ActionDeps } from "./runtime.js";

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
  deps.core.info(`collecting ${kindName} rows from ${downloads} into ${out}`);
  let outcome: CollectOutcome;
  try {
    outcome = await collectToFile({
      dir: downloads,
      kind: kindName,
      out,
      report,
      thresholds: thresholds ? resolve(deps.cwd, thresholds) : undefined,
      cwd: deps.cwd,
    });
  } catch (e) {
    if (e instanceof UserError) throw new ActionError(`collect: ${[e.message, ...e.details].join("\n")}`);
    throw e;
  }
  const text = collectSummaryText(outcome);
  for (const line of text.trimEnd().split("\n")) deps.core.info(line);
  const rows = outcome.report.rows;
  await deps.artifacts.upload(artifactName, [out], outDir);
  deps.core.setOutput("rows", String(rows));
  deps.core.setOutput("file", out);
  deps.core.setOutput("artifacts", String(got.length));

  const tables = summaryTables(deps, kindName, out);
  const lost = failed.length
    ? `${failed.length} artifact(s) could not be downloaded:\n${failed.map((f) => `- \`${f.name}\`: ${f.reason}`).join("\n")}\n\n`
    : "";
  await appendSummary(deps, `${rows} row(s) from ${got.length} artifact(s) → \`${artifactName}\`\n\n` + lost + (tables ?? `\`\`\`\n${text}\`\`\`\n`));
  if (kindName === "bmk" && rows) await uploadReport(deps, out, work);
  if (collectExitCode(outcome, false) !== 0)
    throw new ActionError(`${kindName === "eval" ? "some evals are below their thresholds" : "collection failed"} (see the summary)`);
}

/** The tables `infx summarize --bmk|--eval <file>` prints, or undefined (logged) when the file cannot be summarized. */
function summaryTables(deps: ActionDeps, kind: "bmk" | "eval", file: string): string | undefined {
  try {
    const warn = (line: string) => deps.core.info(line);
    const { bmk, evals } = readSummaryRows(kind === "bmk" ? file : undefined, kind === "eval" ? file : undefined, warn);
    return renderSummary({ bmk, evals, title: kind === "bmk" ? "Benchmark results" : "Eval results", maxBytes: DEFAULT_MAX_BYTES, charts: true });
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    deps.core.info(`cannot summarize ${file}: ${e.message}`);
    return undefined;
  }
}

/** Artifact of the HTML report page (`infx report`). */
export const REPORT_ARTIFACT = "report";

/** report.html of the collected rows (as `infx report --bmk <file>`), uploaded as artifact `report`; never fails the step. */
async function uploadReport(deps: ActionDeps, bmkFile: string, work: string): Promise<void> {
  const dir = join(work, "report");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "report.html");
  const log = (t: string) => {
    for (const line of t.trimEnd().split("\n")) if (line) deps.core.info(line);
  };
  try {
    const { run: writeReport } = await import("../../commands/report.js");
    const code = await writeReport({ bmk: bmkFile, out: file, title: "Benchmark results" }, { out: log, err: log, cwd: deps.cwd, env: deps.env, isTTY: false });
    if (code !== 0 || !existsSync(file)) {
      deps.core.warning(`no HTML report (infx report exited ${code}; see the log)`);
      return;
    }
    await deps.artifacts.upload(REPORT_ARTIFACT, [file], dir);
    deps.core.setOutput("report", file);
  } catch (e) {
    deps.core.warning(`no HTML report: ${(e as Error).message}`);
  }
}
