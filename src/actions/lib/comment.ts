/**
 * comment job: gathers this run's sweep-plan, results_bmk, eval_results_all
 * and run-stats artifacts (whichever exist: the job runs even when benchmarks
 * failed) and creates or updates the PR's sticky comment as `infx comment`
 * does (`readCommentInput`, `postSweepComment`).
 */
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UserError } from "../../errors.js";
import { downloadMatching } from "../../github/artifact.js";
import { resolveRepo, workflowRunUrl } from "../../github/repo-ref.js";
import type { CommentInput } from "../../report/comment.js";
import type { CommentFiles } from "../../report/comment-input.js";
import { ActionError, input, type ActionDeps } from "./runtime.js";

/** Artifact → file inside it → the comment input it fills (`infx comment --plan`, `--results`, ...). */
export const COMMENT_INPUTS = [
  { artifact: "sweep-plan", file: "plan.json", input: "plan" },
  { artifact: "results_bmk", file: "agg_bmk.json", input: "results" },
  { artifact: "eval_results_all", file: "agg_eval_all.json", input: "evals" },
  { artifact: "run-stats", file: "run_stats.json", input: "runStats" },
  { artifact: "comparison", file: "comparison.json", input: "comparison" },
  { artifact: "comparison", file: "no-baseline.json", input: "comparison" },
] as const satisfies readonly { artifact: string; file: string; input: keyof CommentFiles }[];

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
  const files: CommentFiles = {};
  for (const c of COMMENT_INPUTS) {
    const f = join(dir, c.artifact, c.file);
    if (got.some((a) => a.name === c.artifact) && existsSync(f)) files[c.input] = f;
    else if (!COMMENT_INPUTS.some((o) => o !== c && o.artifact === c.artifact && existsSync(join(dir, o.artifact, o.file))))
      deps.core.info(`no ${c.artifact} artifact in this run: that section of the comment says so`);
  }
  const repo = resolveRepo(undefined, deps.env);
  const runUrl = workflowRunUrl(deps.env, () => repo);
  if (!runUrl) throw new ActionError("GITHUB_RUN_ID is not set: the comment links this workflow run");
  const commentInput: CommentInput = { runUrl };
  const sha = input(deps, "sha");
  if (sha) commentInput.sha = sha;
  const warnings: string[] = [];
  let res;
  // The comment's code loads here, once the inputs are known to be there: a misconfigured job fails before it loads.
  const [{ readCommentInput }, { postSweepComment }] = await Promise.all([import("../../report/comment-input.js"), import("../../github/sweep-comment.js")]);
  try {
    readCommentInput(commentInput, files, deps.cwd, warnings);
    res = await postSweepComment(await deps.octokit(token), repo, pr, commentInput, {
      skipArtifacts: false,
      warnings,
      warn: (w) => deps.core.info(`warning: ${w}`),
    });
  } catch (e) {
    if (e instanceof UserError) throw new ActionError(`comment: ${[e.message, ...e.details].join("\n")}`);
    throw e;
  }
  deps.core.info(`${res.action} comment ${res.id} on #${pr}: ${res.url} (${res.length} characters)`);
  if (res.duplicates.length)
    deps.core.info(`warning: ${res.duplicates.length} older duplicate sweep comment(s) left as they are: ${res.duplicates.join(", ")}`);
  deps.core.setOutput("action", res.action);
  deps.core.setOutput("comment-id", String(res.id));
  deps.core.setOutput("comment-url", res.url);
}
