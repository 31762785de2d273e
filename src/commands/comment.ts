import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { load } from "js-yaml";
import type { CommandSpec, ParsedArgs } from "../cli/args.js";
import { UsageError, UserError, type Io } from "../cli/io.js";
// The GitHub modules (and @actions/github, ~0.3 s to import) load only when the comment is posted.
import type { Octokit } from "../github/octokit.js";
import { resolveRepo, type RepoRef } from "../github/repo-ref.js";
import { renderSweepComment, STICKY_MARKER, summarizePlan, type ArtifactLink, type CommentInput } from "../report/comment.js";
import { parseJson } from "../results/json.js";
import type { RunStats } from "../results/success-rate.js";
import { applyThresholds, parseThresholds, type Thresholds } from "../results/thresholds.js";
import type { AggRow, EvalRow } from "../results/types.js";
import type { Comparison } from "../compare/types.js";

/** Artifacts of the run that the comment links (the per-job ones are too many). */
export const LINKED_ARTIFACTS = ["results_bmk", "eval_results_all", "run-stats", "sweep-plan", "changelog-metadata", "comparison"];

export const spec: CommandSpec = {
  name: "comment",
  summary: "Create or update the sticky sweep comment on a pull request",
  description: `
Posts one comment per PR, found again by the hidden marker
${STICKY_MARKER} (all pages of comments are searched) and updated in place on
every run, never duplicated. The body shows what was planned (jobs per
sequence-length bucket, canary), the success rate per GPU, the best results per
model and sequence length, the eval table with pass/fail, and links to the run
and its artifacts. Tables are cut, with a note, to stay under GitHub's
65,536-character limit.

Every input file is optional; a file that is given but missing is reported and
its section says so (the comment job runs even when benchmarks failed). A file
that exists but is not valid JSON is an error.

--thresholds FILE gives minimum eval scores, in the format of
'infx collect --thresholds' (evals/thresholds.yaml: 'default: {task: min}',
'models: {<model or prefix>: {task: min}}'). Without it, pass/fail comes from
rows already gated by 'infx collect --thresholds'.

Environment: GITHUB_TOKEN or GH_TOKEN (required unless --dry-run), GITHUB_API_URL,
GITHUB_REPOSITORY (when --repo is not given); --run-url defaults to
$GITHUB_SERVER_URL/$GITHUB_REPOSITORY/actions/runs/$GITHUB_RUN_ID.`,
  options: [
    { name: "pr", kind: "int", required: true, metavar: "N", help: "Pull request number" },
    { name: "repo", kind: "string", metavar: "OWNER/NAME", help: "Repository (default: $GITHUB_REPOSITORY)" },
    { name: "run-url", kind: "string", metavar: "URL", help: "Workflow run URL (default: from GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_RUN_ID)" },
    { name: "plan", kind: "string", metavar: "FILE", help: "Sweep plan (matrix array or changelog plan JSON)" },
    { name: "results", kind: "string", metavar: "FILE", help: "agg_bmk.json from 'infx collect --kind bmk'" },
    { name: "evals", kind: "string", metavar: "FILE", help: "agg_eval_all.json from 'infx collect --kind eval'" },
    { name: "run-stats", kind: "string", metavar: "FILE", help: "run_stats.json from 'infx success-rate'" },
    { name: "comparison", kind: "string", metavar: "FILE", help: "comparison.json from 'infx compare' (or no-baseline.json of the compare action)" },
    { name: "thresholds", kind: "string", metavar: "FILE", help: "Minimum eval scores per task (YAML, as evals/thresholds.yaml)" },
    { name: "sha", kind: "string", metavar: "SHA", help: "Commit the sweep ran on (shown in the comment)" },
    { name: "skip-artifacts", kind: "flag", help: "Do not list the run's artifacts for links" },
    { name: "dry-run", kind: "flag", help: "Print the comment body instead of posting it" },
  ],
  examples: [
    "infx comment --pr 42 --results agg_bmk.json --evals agg_eval_all.json --run-stats run_stats.json --plan plan.json",
    "infx comment --pr 42 --run-url https://github.com/acme/inferencex/actions/runs/123 --results agg_bmk.json --dry-run",
  ],
};

/** Reads an optional JSON input: undefined (with a warning) when missing, an error when malformed. */
function readJsonInput(io: Io, option: string, file: string | undefined, warnings: string[]): unknown {
  if (file === undefined) return undefined;
  const path = resolve(io.cwd, file);
  if (!existsSync(path)) {
    warnings.push(`--${option} ${file}: file not found; that section is left out`);
    return undefined;
  }
  const parsed = parseJson(readFileSync(path, "utf8"));
  if (!parsed.ok) throw new UserError(`--${option} ${file}: not valid JSON: ${parsed.error}`);
  return parsed.value;
}

function expectArray<T>(value: unknown, option: string, file: string, check: (v: Record<string, unknown>) => string | undefined): T[] {
  if (!Array.isArray(value)) throw new UserError(`--${option} ${file}: expected a JSON array of rows, got ${typeof value}`);
  value.forEach((v, i) => {
    if (typeof v !== "object" || v === null || Array.isArray(v)) throw new UserError(`--${option} ${file}: [${i}] is not an object`);
    const problem = check(v as Record<string, unknown>);
    if (problem) throw new UserError(`--${option} ${file}: [${i}]: ${problem}`);
  });
  return value as T[];
}

const missingField = (v: Record<string, unknown>, fields: [string, string][]) => {
  for (const [f, t] of fields) if (typeof v[f] !== t) return `field '${f}' must be a ${t}`;
  return undefined;
};

function checkRunStats(value: unknown, file: string): RunStats {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new UserError(`--run-stats ${file}: expected {"<gpu>": {"n_success": N, "total": N}}`);
  for (const [gpu, s] of Object.entries(value)) {
    const st = s as Record<string, unknown>;
    if (!Number.isInteger(st?.n_success) || !Number.isInteger(st?.total))
      throw new UserError(`--run-stats ${file}: '${gpu}' needs integer n_success and total`);
  }
  return value as RunStats;
}

/** A comparison (infx compare --format json) or the compare action's no-baseline note. */
function checkComparison(value: unknown, file: string): NonNullable<CommentInput["comparison"]> {
  const v = (typeof value === "object" && value !== null ? value : {}) as Record<string, any>;
  if (typeof v.no_baseline === "string") return { noBaseline: v.no_baseline, ...(typeof v.base_ref === "string" ? { baseRef: v.base_ref } : {}) };
  if (typeof v.summary !== "object" || !Array.isArray(v.points) || !Array.isArray(v.curves))
    throw new UserError(`--comparison ${file}: expected the JSON of 'infx compare --format json' (summary, points, curves) or {"no_baseline": "..."}`);
  return { comparison: v as Comparison };
}

/** Reads the accuracy gate file (the format of `infx collect --thresholds`, src/results/thresholds.ts); errors name the file. */
function readThresholdsFile(path: string, label: string): Thresholds {
  let doc: unknown;
  try {
    doc = load(readFileSync(path, "utf8"));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(code ? `--thresholds ${label}: cannot read it (${code})` : `--thresholds ${label}: not valid YAML: ${(e as Error).message.split("\n")[0]}`);
  }
  const t = parseThresholds(doc);
  if (!t.ok) throw new UserError(`--thresholds ${label}: invalid thresholds`, t.errors.map((e) => `  ${e}`));
  return t.value;
}

function runUrlOf(args: ParsedArgs, env: NodeJS.ProcessEnv, where: () => RepoRef): string {
  const flag = args["run-url"] as string | undefined;
  if (flag) {
    if (!/^https?:\/\//.test(flag)) throw new UsageError(`--run-url: expected an http(s) URL, got '${flag}'`);
    return flag;
  }
  if (env.GITHUB_RUN_ID) {
    const { owner, repo } = where();
    return `${(env.GITHUB_SERVER_URL ?? "https://github.com").replace(/\/$/, "")}/${owner}/${repo}/actions/runs/${env.GITHUB_RUN_ID}`;
  }
  throw new UsageError("--run-url is required outside a workflow (GITHUB_RUN_ID is not set)");
}

async function artifactLinks(octokit: Octokit, where: RepoRef, runUrl: string, warnings: string[]): Promise<ArtifactLink[]> {
  const m = /\/actions\/runs\/(\d+)/.exec(runUrl);
  if (!m) {
    warnings.push(`--run-url ${runUrl}: no run id in it; artifacts are not linked`);
    return [];
  }
  try {
    const { listRunArtifacts } = await import("../github/repo.js");
    const arts = await listRunArtifacts(octokit, { ...where, runId: Number(m[1]) });
    const base = runUrl.replace(/\/attempts\/\d+$/, "").replace(/\/+$/, "");
    return LINKED_ARTIFACTS.flatMap((name) => {
      const a = arts.filter((x) => x.name === name && !x.expired).sort((x, y) => y.id - x.id)[0];
      return a ? [{ name, url: `${base}/artifacts/${a.id}`, size_in_bytes: a.size_in_bytes }] : [];
    });
  } catch (e) {
    warnings.push(`${(e as Error).message}; artifacts are not linked`);
    return [];
  }
}

export async function run(args: ParsedArgs, io: Io): Promise<number> {
  const pr = args.pr as number;
  if (pr <= 0) throw new UsageError(`--pr: expected a positive pull request number, got ${pr}`);
  const repoOf = () => resolveRepo(args.repo as string | undefined, io.env);
  const runUrl = runUrlOf(args, io.env, repoOf);
  const warnings: string[] = [];

  const input: CommentInput = { runUrl };
  if (args.sha) input.sha = args.sha as string;
  const plan = readJsonInput(io, "plan", args.plan as string | undefined, warnings);
  if (plan !== undefined) {
    if (typeof plan !== "object" || plan === null) throw new UserError(`--plan ${args.plan}: expected a matrix array or a plan object`);
    input.plan = summarizePlan(plan);
  }
  const results = readJsonInput(io, "results", args.results as string | undefined, warnings);
  if (results !== undefined)
    input.results = expectArray<AggRow>(results, "results", args.results as string, (v) =>
      missingField(v, [["model", "string"], ["hw", "string"], ["isl", "number"], ["osl", "number"], ["conc", "number"], ["tput_per_gpu", "number"]]),
    );
  const evals = readJsonInput(io, "evals", args.evals as string | undefined, warnings);
  if (evals !== undefined) {
    let rows = expectArray<EvalRow>(evals, "evals", args.evals as string, (v) =>
      missingField(v, [["model", "string"], ["hw", "string"], ["task", "string"]]),
    );
    if (args.thresholds) {
      rows = rows.map((r) => ({ ...r }));
      applyThresholds(rows, readThresholdsFile(resolve(io.cwd, args.thresholds as string), args.thresholds as string));
    }
    input.evals = rows;
  }
  const comparison = readJsonInput(io, "comparison", args.comparison as string | undefined, warnings);
  if (comparison !== undefined) input.comparison = checkComparison(comparison, args.comparison as string);
  const stats = readJsonInput(io, "run-stats", args["run-stats"] as string | undefined, warnings);
  if (stats !== undefined) input.runStats = checkRunStats(stats, args["run-stats"] as string);

  if (args["dry-run"]) {
    for (const w of warnings) io.err(`warning: ${w}\n`);
    io.out(renderSweepComment(input));
    return 0;
  }
  const where = repoOf();
  const { octokitFromEnv } = await import("../github/octokit.js");
  const octokit = octokitFromEnv(io.env);
  const { upsertStickyComment } = await import("../github/comments.js");
  if (!args["skip-artifacts"]) input.artifacts = await artifactLinks(octokit, where, runUrl, warnings);
  for (const w of warnings) io.err(`warning: ${w}\n`);
  const body = renderSweepComment(input);
  const res = await upsertStickyComment(octokit, { ...where, issueNumber: pr, marker: STICKY_MARKER, body });
  io.out(`${res.action} comment ${res.id} on #${pr}: ${res.url} (${body.length} characters)\n`);
  if (res.duplicates.length)
    io.err(`warning: ${res.duplicates.length} older duplicate sweep comment(s) left as they are: ${res.duplicates.join(", ")}\n`);
  return 0;
}
