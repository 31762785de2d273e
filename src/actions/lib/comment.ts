/**
 * comment job: gathers this run's sweep-plan, results_bmk, eval_results_all
 * and run-stats artifacts (whichever exist: the job runs even when benchmarks
 * failed) and creates or updates the PR's sticky comment with `infx comment`.
 */
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as commentCommand from "../../commands/comment.js";
import { downloadMatching } from "../../github/artifact.js";
import { ActionError, infx, input, type ActionDeps } from "./runtime.js";

/** Artifact → file inside it → `infx comment` option. */
export const COMMENT_INPUTS = [
  { artifact: "sweep-plan", file: "plan.json", option: "--plan" },
  { artifact: "results_bmk", file: "agg_bmk.json", option: "--results" },
  { artifact: "eval_results_all", file: "agg_eval_all.json", option: "--evals" },
  { artifact: "run-stats", file: "run_stats.json", option: "--run-stats" },
  { artifact: "comparison", file: "comparison.json", option: "--comparison" },
  { artifact: "comparison", file: "no-baseline.json", option: "--comparison" },
] as const;

function prNumber(deps: ActionDeps): number {
  const raw = input(deps, "pr-number");
  if (raw) {
    if (!/^\d+$/.test(raw)) throw new ActionError(`input 'pr-number': expected a number, got '${raw}'`);
    return Number(raw);
  }
  const path = deps.env.GITHUB_EVENT_PATH;
  const event = path && existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as Record<string, any>) : {};
  const n = Number(event.pull_request?.number ?? event.issue?.number);
  if (!Number.isInteger(n) || n <= 0) throw new ActionError("no pull request: set input 'pr-number' (this event has none)");
  return n;
}

export async function runComment(deps: ActionDeps): Promise<void> {
  const token = input(deps, "github-token", { required: true });
  const pr = prNumber(deps);
  const dir = mkdtempSync(join(deps.env.RUNNER_TEMP || tmpdir(), "comment-"));
  const wanted = new Set<string>(COMMENT_INPUTS.map((c) => c.artifact));
  const got = await downloadMatching(deps.artifacts, (n) => wanted.has(n), dir);
  const args: string[] = [];
  for (const c of COMMENT_INPUTS) {
    const f = join(dir, c.artifact, c.file);
    if (got.some((a) => a.name === c.artifact) && existsSync(f)) args.push(c.option, f);
    else if (!COMMENT_INPUTS.some((o) => o !== c && o.artifact === c.artifact && existsSync(join(dir, o.artifact, o.file))))
      deps.core.info(`no ${c.artifact} artifact in this run: that section of the comment says so`);
  }
  const sha = input(deps, "sha");
  const { stdout } = await infx(deps, commentCommand, ["--pr", String(pr), ...args, ...(sha ? ["--sha", sha] : [])], {
    env: { ...deps.env, GITHUB_TOKEN: token },
  });
  deps.core.info(stdout.trim());
  const m = /^(created|updated) comment (\d+) on #\d+: (\S+)/m.exec(stdout);
  if (!m) throw new ActionError(`infx comment did not report the comment it wrote: ${stdout.trim()}`);
  deps.core.setOutput("action", m[1]);
  deps.core.setOutput("comment-id", m[2]);
  deps.core.setOutput("comment-url", m[3]);
}
