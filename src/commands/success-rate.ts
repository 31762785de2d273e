import { resolve } from "node:path";
import { writeFileNoFollow } from "../io/write-user-file.js";
import { readUserFile } from "../io/read-user-file.js";
import type { CommandSpec, ParsedArgs } from "../cli/args.js";
import { UsageError, UserError, type Io } from "../cli/io.js";
import { planningInputsFromTexts } from "../config/load.js";
import { listAllRunJobs } from "../github/jobs.js";
import { resolveRepo } from "../github/repo-ref.js";
import { computeSuccessRates, formatSuccessRateTable, type RunnerMap } from "../results/success-rate.js";

export const spec: CommandSpec = {
  name: "success-rate",
  summary: "Job success rate per GPU type for a workflow run (all attempts) → run_stats.json",
  description: `
Reads every job of every attempt of a workflow run from the GitHub API
(filter=all, all pages) and counts, per GPU type, the benchmark jobs that
succeeded and the total. Skipped jobs are left out; cancelled, failed,
timed-out and unfinished jobs count as not successful.

A benchmark job is recognised by its display name, 'bmk [<runner-label>] <entry>'
(as the sweep workflows name it; a reusable-workflow prefix 'caller / ' is fine).
The runner label is a key of the runner config or one of its node labels; the
GPU type is the key's part before the first '-' (b200-trt -> b200). Benchmark
jobs whose label maps to no GPU type (or to several) are listed, not dropped;
--strict then fails the command.

Environment: GITHUB_TOKEN or GH_TOKEN (required), GITHUB_API_URL (default
https://api.github.com), GITHUB_REPOSITORY (when --repo is not given).
Output: {"<gpu>": {"n_success": N, "total": N}, ...} in runner-config order.`,
  options: [
    { name: "run-id", kind: "int", metavar: "N", help: "Workflow run id (default: $GITHUB_RUN_ID, i.e. this run inside a workflow)" },
    { name: "repo", kind: "string", metavar: "OWNER/NAME", help: "Repository (default: $GITHUB_REPOSITORY)" },
    { name: "runner-config", kind: "string", metavar: "FILE", default: "configs/runners.yaml", help: "Runner map: runner key -> list of node labels" },
    { name: "out", kind: "string", short: "o", metavar: "FILE", default: "run_stats.json", help: "Where to write the stats ('-' for stdout only)" },
    { name: "strict", kind: "flag", help: "Exit 1 when a benchmark job cannot be attributed to a GPU type" },
  ],
  examples: [
    "GITHUB_TOKEN=... infx success-rate --run-id 12345678 --repo acme/inferencex",
    "infx success-rate --run-id ${{ github.run_id }} --out run_stats.json   # in a workflow step",
  ],
};

/**
 * Reads runners.yaml (runner key → list of node labels) with the planner's
 * validating loader, so errors name the file, line and key.
 */
export function readRunnerMap(path: string): RunnerMap {
  let text: string;
  try {
    text = readUserFile(path);
  } catch (e) {
    throw new UserError(`cannot read runner config ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return planningInputsFromTexts([], { file: path, text }).runners;
}

function runIdOf(args: ParsedArgs, env: NodeJS.ProcessEnv): number {
  if (args["run-id"] !== undefined) {
    const id = args["run-id"] as number;
    if (id <= 0) throw new UsageError(`--run-id: expected a positive run id, got ${id}`);
    return id;
  }
  if (env.GITHUB_RUN_ID && /^\d+$/.test(env.GITHUB_RUN_ID)) return Number(env.GITHUB_RUN_ID);
  throw new UsageError("--run-id is required outside a workflow (GITHUB_RUN_ID is not set)");
}

export async function run(args: ParsedArgs, io: Io): Promise<number> {
  const runId = runIdOf(args, io.env);
  const where = resolveRepo(args.repo as string | undefined, io.env);
  const runners = readRunnerMap(resolve(io.cwd, args["runner-config"] as string));
  // (loaded here: @actions/github is heavy, and the success-rate action only reads the runner map from this module)
  const { octokitFromEnv } = await import("../github/octokit.js");
  const octokit = octokitFromEnv(io.env);
  const jobs = await listAllRunJobs(octokit, { ...where, runId });
  const result = computeSuccessRates(jobs, runners);

  const json = JSON.stringify(result.stats, null, 2) + "\n";
  const out = args.out as string;
  if (out !== "-") writeFileNoFollow(resolve(io.cwd, out), json);

  const attempts = new Set(jobs.map((j) => j.run_attempt)).size;
  // With --out -, stdout carries only the JSON (for pipes); the table goes to stderr.
  const say = out === "-" ? io.err : io.out;
  say(formatSuccessRateTable(result.stats));
  say(
    `run ${runId}: ${jobs.length} jobs in ${attempts} attempt(s); ${result.counted} benchmark jobs counted, ` +
      `${result.skipped} skipped, ${result.ignored} other jobs ignored` +
      (result.incomplete ? `, ${result.incomplete} not finished (counted as not successful)` : "") +
      "\n",
  );
  if (out === "-") io.out(json);
  else io.out(`wrote ${out}\n`);
  if (result.unattributed.length) {
    io.err(`${result.unattributed.length} benchmark job(s) could not be attributed to a GPU type (not counted):\n`);
    for (const u of result.unattributed)
      io.err(`  job ${u.id} (attempt ${u.run_attempt}, ${u.conclusion ?? "unfinished"}): ${u.name}\n    ${u.reason}\n`);
    if (args.strict) return 1;
  }
  return 0;
}
