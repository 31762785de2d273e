/**
 * compare job (mode `compare`): finds the baseline (the newest successful run of
 * this workflow on the base branch with a `results_bmk` artifact, or the
 * `baseline-run-id` input) and up to `history` earlier ones, downloads their
 * rows with @actions/artifact (`findBy` another run), compares this run's
 * `results_bmk` with `infx compare`, writes the step summary and uploads the
 * `comparison` artifact (comparison.json + comparison.md, or no-baseline.json).
 *
 * regression gate (mode `gate`): reads this run's `comparison` artifact and the
 * PR's labels as they are now (so re-running the job after adding the label
 * turns it green) and fails on a regression unless the label policy
 * (`decideRegressionGate`) accepts it: the label counts only when its last
 * adder has write permission (`labelGrants`, asked only when
 * `gateLabelsToCheck` names the label).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CompareOptions } from "../../commands/compare.js";
import type { Comparison } from "../../compare/types.js";
import { downloadMatching, type OtherRun } from "../../github/artifact.js";
import { resolveRepo, type RepoRef } from "../../github/repo-ref.js";
import { labelGrants } from "../../github/label-grants.js";
import { getPullHead } from "../../github/repo.js";
import { findRunsWithArtifact, getRunWithArtifact, type FoundRun } from "../../github/runs.js";
import { decideRegressionGate, gateLabelsToCheck } from "../../plan/labels.js";
import { ActionError, appendSummary, input, intInput, type ActionDeps } from "./runtime.js";

/** The artifact contract of the comparison. */
export const COMPARISON_ARTIFACT = "comparison";
export const COMPARISON_FILES = { json: "comparison.json", markdown: "comparison.md", noBaseline: "no-baseline.json" } as const;
const ROWS_ARTIFACT = "results_bmk";
const ROWS_FILE = "agg_bmk.json";

/** The payload of the triggering event (GITHUB_EVENT_PATH), or {}. */
function eventPayload(deps: ActionDeps): Record<string, any> {
  const path = deps.env.GITHUB_EVENT_PATH;
  return path && existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as Record<string, any>) : {};
}

/** The workflow file of this run, from GITHUB_WORKFLOW_REF (`owner/repo/.github/workflows/run-sweep.yml@refs/...`). */
export function currentWorkflowFile(env: NodeJS.ProcessEnv): string | undefined {
  const m = /\/\.github\/workflows\/([^@/]+)@/.exec(env.GITHUB_WORKFLOW_REF ?? "");
  return m?.[1];
}

export async function runCompare(deps: ActionDeps): Promise<void> {
  const mode = input(deps, "mode") || "compare";
  if (mode === "gate") return runGate(deps);
  if (mode !== "compare") throw new ActionError(`input 'mode': expected 'compare' or 'gate', got '${mode}'`);
  const token = input(deps, "github-token", { required: true });
  const repo = resolveRepo(undefined, deps.env);
  const baseRef = input(deps, "base-branch") || eventPayload(deps).pull_request?.base?.ref || deps.env.GITHUB_REF_NAME || "main";
  const work = mkdtempSync(join(deps.env.RUNNER_TEMP || tmpdir(), "compare-"));

  const headDir = join(work, "head");
  const got = await downloadMatching(deps.artifacts, (n) => n === ROWS_ARTIFACT, headDir);
  if (!got.length || !existsSync(join(headDir, ROWS_ARTIFACT, ROWS_FILE))) {
    throw new ActionError(`this run has no ${ROWS_ARTIFACT} artifact with ${ROWS_FILE}: nothing to compare (did the collect job run?)`);
  }
  const runs = await baselineRuns(deps, token, repo, baseRef);
  deps.core.setOutput("base-branch", baseRef);
  if (!runs.baseline) return noBaseline(deps, work, baseRef, runs.why);
  const from = (r: FoundRun): OtherRun => ({ token, runId: r.id, owner: repo.owner, repo: repo.repo });
  const baseDir = join(work, "baseline");
  await download(deps, runs.baseline, baseDir, from(runs.baseline));
  const histDir = join(work, "history");
  for (const h of runs.history) {
    try {
      await download(deps, h, join(histDir, String(h.id)), from(h));
    } catch (e) {
      deps.core.warning(`history run ${h.id}: ${(e as Error).message}; left out of the noise estimate`);
    }
  }
  await compareAndPublish(deps, work, { headDir, baseDir, histDir: existsSync(histDir) ? histDir : undefined, baseRef, baseline: runs.baseline });
}

async function download(deps: ActionDeps, run: FoundRun, dir: string, from: OtherRun): Promise<void> {
  if (!deps.artifacts.downloadFromRun) throw new ActionError("this artifact store cannot download from another run");
  deps.core.info(`downloading ${run.artifact.name} of run ${run.id} (${run.headSha.slice(0, 7)})`);
  await deps.artifacts.downloadFromRun(run.artifact.id, dir, from);
}

/** The baseline run and the history runs before it; `why` says why there is no baseline. */
async function baselineRuns(
  deps: ActionDeps,
  token: string,
  repo: RepoRef,
  baseRef: string,
): Promise<{ baseline?: FoundRun; history: FoundRun[]; why: string }> {
  const octokit = await deps.octokit(token);
  const historyCount = intInput(deps, "history", 5);
  const pinned = input(deps, "baseline-run-id");
  const workflow = input(deps, "workflow") || currentWorkflowFile(deps.env) || "run-sweep.yml";
  const current = Number(deps.env.GITHUB_RUN_ID) || undefined;
  const event = input(deps, "event") || "push";
  const query = {
    ...repo,
    workflow,
    branch: baseRef,
    artifact: ROWS_ARTIFACT,
    ...(event && event !== "any" ? { event } : {}),
    exclude: current ? [current] : [],
  };
  if (pinned) {
    if (!/^\d+$/.test(pinned)) throw new ActionError(`input 'baseline-run-id': expected a run id (a number), got '${pinned}'`);
    const baseline = await getRunWithArtifact(octokit, { ...repo, runId: Number(pinned), artifact: ROWS_ARTIFACT });
    if (!baseline)
      return { history: [], why: `run ${pinned} (input 'baseline-run-id') has no ${ROWS_ARTIFACT} artifact (expired, or the run collected nothing)` };
    const history = historyCount ? await findRunsWithArtifact(octokit, { ...query, limit: historyCount, exclude: [...query.exclude, baseline.id] }) : [];
    return { baseline, history: history.filter((h) => h.createdAt <= baseline.createdAt), why: "" };
  }
  const found = await findRunsWithArtifact(octokit, { ...query, limit: 1 + historyCount });
  const [baseline, ...history] = found;
  return {
    ...(baseline ? { baseline } : {}),
    history,
    why: `no successful ${workflow} run on '${baseRef}'${query.event ? ` (event ${query.event})` : ""} has a ${ROWS_ARTIFACT} artifact`,
  };
}

async function compareAndPublish(
  deps: ActionDeps,
  work: string,
  w: { headDir: string; baseDir: string; histDir?: string; baseRef: string; baseline: FoundRun },
): Promise<void> {
  const out = join(work, "out");
  mkdirSync(out, { recursive: true });
  const json = join(out, COMPARISON_FILES.json);
  const md = join(out, COMPARISON_FILES.markdown);
  const floors = input(deps, "floor")
    .split(/[\s,]+/)
    .filter(Boolean);
  const options: CompareOptions = {
    baseline: w.baseDir,
    head: w.headDir,
    history: w.histDir ? [w.histDir] : undefined,
    format: "markdown",
    out: md,
    jsonOut: json,
    stepSummary: false,
    failOn: "none",
    floor: floors.length ? floors : undefined,
    allMetrics: false,
    curveFloor: undefined,
    baselineRef: w.baseRef,
    baselineSha: w.baseline.headSha,
    baselineUrl: w.baseline.htmlUrl,
    title: `Comparison with \`${w.baseRef}\` @ \`${w.baseline.headSha.slice(0, 7)}\``,
  };
  const log = (t: string) => {
    for (const line of t.trimEnd().split("\n")) if (line) deps.core.info(line);
  };
  // The comparison's code loads here, when there is something to compare: a misconfigured job fails before it loads.
  const [compareCommand, { comparisonJson }] = await Promise.all([import("../../commands/compare.js"), import("../../compare/render.js")]);
  await compareCommand.run(options, { out: log, err: log, cwd: deps.cwd, env: deps.env, isTTY: false });
  const cmp = JSON.parse(readFileSync(json, "utf8")) as Comparison;
  cmp.baseline.run_id = w.baseline.id;
  writeFileSync(json, comparisonJson(cmp));
  await appendSummary(deps, readFileSync(md, "utf8"));
  await deps.artifacts.upload(COMPARISON_ARTIFACT, [json, md], out);
  const s = cmp.summary;
  deps.core.setOutput("verdict", s.regressions || s.curves.regressions ? "regression" : "ok");
  deps.core.setOutput("regressions", String(s.regressions));
  deps.core.setOutput("curve-regressions", String(s.curves.regressions));
  deps.core.setOutput("improvements", String(s.improvements));
  deps.core.setOutput("baseline-run-id", String(w.baseline.id));
  deps.core.setOutput("baseline-sha", w.baseline.headSha);
  deps.core.info(
    `vs ${w.baseRef} @ ${w.baseline.headSha.slice(0, 7)} (run ${w.baseline.id}): ${s.regressions} regression(s), ${s.improvements} improvement(s), ${s.unchanged} unchanged, ${s.inconclusive} inconclusive, ${s.new} new, ${s.missing} missing`,
  );
}

async function noBaseline(deps: ActionDeps, work: string, baseRef: string, why: string): Promise<void> {
  const out = join(work, "out");
  mkdirSync(out, { recursive: true });
  const file = join(out, COMPARISON_FILES.noBaseline);
  writeFileSync(file, JSON.stringify({ no_baseline: why, base_ref: baseRef }, null, 1) + "\n");
  await deps.artifacts.upload(COMPARISON_ARTIFACT, [file], out);
  await appendSummary(deps, `## Comparison with \`${baseRef}\`\n\n_No comparison: ${why}._\n`);
  deps.core.warning(`no comparison: ${why}`);
  deps.core.setOutput("verdict", "no-baseline");
  deps.core.setOutput("regressions", "0");
  deps.core.setOutput("curve-regressions", "0");
  deps.core.setOutput("improvements", "0");
}

// --- gate ------------------------------------------------------------------------

function prNumber(deps: ActionDeps): number {
  const raw = input(deps, "pr-number");
  if (raw && !/^\d+$/.test(raw)) throw new ActionError(`input 'pr-number': expected a number, got '${raw}'`);
  const event = eventPayload(deps);
  const n = Number(raw || event.pull_request?.number || event.issue?.number);
  if (!Number.isInteger(n) || n <= 0) throw new ActionError("no pull request: set input 'pr-number' (this event has none)");
  return n;
}

/** The comparison of this run: its counts, or undefined when it had no baseline. */
async function readComparison(deps: ActionDeps): Promise<{ regressions: number; curveRegressions: number } | { noBaseline: string }> {
  const dir = mkdtempSync(join(deps.env.RUNNER_TEMP || tmpdir(), "gate-"));
  const got = await downloadMatching(deps.artifacts, (n) => n === COMPARISON_ARTIFACT, dir);
  if (!got.length) throw new ActionError(`this run has no '${COMPARISON_ARTIFACT}' artifact: the compare job did not finish, so there is nothing to gate`);
  const art = join(dir, COMPARISON_ARTIFACT);
  if (existsSync(join(art, COMPARISON_FILES.json))) {
    const cmp = JSON.parse(readFileSync(join(art, COMPARISON_FILES.json), "utf8")) as Comparison;
    return { regressions: cmp.summary.regressions, curveRegressions: cmp.summary.curves.regressions };
  }
  if (existsSync(join(art, COMPARISON_FILES.noBaseline)))
    return { noBaseline: String(JSON.parse(readFileSync(join(art, COMPARISON_FILES.noBaseline), "utf8")).no_baseline) };
  throw new ActionError(`the '${COMPARISON_ARTIFACT}' artifact has neither ${COMPARISON_FILES.json} nor ${COMPARISON_FILES.noBaseline}`);
}

async function runGate(deps: ActionDeps): Promise<void> {
  const token = input(deps, "github-token", { required: true });
  const repo = resolveRepo(undefined, deps.env);
  const pr = prNumber(deps);
  const cmp = await readComparison(deps);
  const octokit = await deps.octokit(token);
  const { labels } = await getPullHead(octokit, { ...repo, pullNumber: pr });
  const facts = "noBaseline" in cmp ? { labels } : { ...cmp, labels };
  const check = gateLabelsToCheck(facts);
  const grants = check.length ? await labelGrants(octokit, { ...repo, issueNumber: pr }, check) : [];
  const decision = decideRegressionGate({ ...facts, grants });
  deps.core.setOutput("pass", String(decision.pass));
  deps.core.setOutput("reason", decision.reason);
  await appendSummary(deps, `## Regression gate: ${decision.pass ? "✅ pass" : "❌ fail"}\n\n${decision.reason}.\n`);
  if (!decision.pass) throw new ActionError(`regression gate: ${decision.reason}`);
  deps.core.info(`regression gate: ${decision.reason}`);
}
