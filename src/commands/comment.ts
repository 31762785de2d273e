import { defineSpec, type OptionsOf } from "../cli/args.js";
import { UsageError, type Io } from "../cli/io.js";
// The GitHub modules (and @actions/github, ~0.3 s to import) load only when the comment is posted.
import { resolveRepo, workflowRunUrl, type RepoRef } from "../github/repo-ref.js";
import { renderSweepComment, STICKY_MARKER, type CommentInput } from "../report/comment.js";
import { readCommentInput } from "../report/comment-input.js";

export const spec = defineSpec({
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
});

export type CommentOptions = OptionsOf<typeof spec>;

function runUrlOf(flag: string | undefined, env: NodeJS.ProcessEnv, where: () => RepoRef): string {
  if (flag) {
    if (!/^https?:\/\//.test(flag)) throw new UsageError(`--run-url: expected an http(s) URL, got '${flag}'`);
    return flag;
  }
  const url = workflowRunUrl(env, where);
  if (url) return url;
  throw new UsageError("--run-url is required outside a workflow (GITHUB_RUN_ID is not set)");
}

export async function run(o: CommentOptions, io: Io): Promise<number> {
  const pr = o.pr;
  if (pr <= 0) throw new UsageError(`--pr: expected a positive pull request number, got ${pr}`);
  const repoOf = () => resolveRepo(o.repo, io.env);
  const runUrl = runUrlOf(o.runUrl, io.env, repoOf);
  const warnings: string[] = [];
  const input: CommentInput = { runUrl };
  if (o.sha) input.sha = o.sha;
  readCommentInput(input, o, io.cwd, warnings);

  if (o.dryRun) {
    for (const w of warnings) io.err(`warning: ${w}\n`);
    io.out(renderSweepComment(input));
    return 0;
  }
  const where = repoOf();
  const { octokitFromEnv } = await import("../github/octokit.js");
  const { postSweepComment } = await import("../github/sweep-comment.js");
  const res = await postSweepComment(octokitFromEnv(io.env), where, pr, input, {
    skipArtifacts: o.skipArtifacts,
    warnings,
    warn: (w) => io.err(`warning: ${w}\n`),
  });
  io.out(`${res.action} comment ${res.id} on #${pr}: ${res.url} (${res.length} characters)\n`);
  if (res.duplicates.length) io.err(`warning: ${res.duplicates.length} older duplicate sweep comment(s) left as they are: ${res.duplicates.join(", ")}\n`);
  return 0;
}
