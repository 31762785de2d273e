import { resolve } from "node:path";
import { writeFileNoFollow } from "../io/write-user-file.js";
import { defineSpec, type OptionsOf } from "../cli/args.js";
import { UsageError, type Io } from "../cli/io.js";
import { readRunnerMap } from "../config/runner-map.js";
import { resolveRepo } from "../github/repo-ref.js";
import { runSuccessRates } from "../github/success-rate.js";
import { formatSuccessRateTable } from "../results/success-rate.js";

export const spec = defineSpec({
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
});

export type SuccessRateOptions = OptionsOf<typeof spec>;

function runIdOf(o: SuccessRateOptions, env: NodeJS.ProcessEnv): number {
  if (o.runId !== undefined) {
    const id = o.runId;
    if (id <= 0) throw new UsageError(`--run-id: expected a positive run id, got ${id}`);
    return id;
  }
  if (env.GITHUB_RUN_ID && /^\d+$/.test(env.GITHUB_RUN_ID)) return Number(env.GITHUB_RUN_ID);
  throw new UsageError("--run-id is required outside a workflow (GITHUB_RUN_ID is not set)");
}

export async function run(o: SuccessRateOptions, io: Io): Promise<number> {
  const runId = runIdOf(o, io.env);
  const where = resolveRepo(o.repo, io.env);
  const runners = readRunnerMap(resolve(io.cwd, o.runnerConfig));
  // (loaded here: @actions/github is heavy)
  const { octokitFromEnv } = await import("../github/octokit.js");
  const octokit = octokitFromEnv(io.env);
  const { jobs, result } = await runSuccessRates(octokit, { ...where, runId }, runners);

  const json = JSON.stringify(result.stats, null, 2) + "\n";
  const out = o.out;
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
    for (const u of result.unattributed) io.err(`  job ${u.id} (attempt ${u.run_attempt}, ${u.conclusion ?? "unfinished"}): ${u.name}\n    ${u.reason}\n`);
    if (o.strict) return 1;
  }
  return 0;
}
