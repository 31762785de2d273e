/**
 * `/sweep [<sha>] <generator args>` on a PR: the commenter must have write,
 * maintain or admin permission; the sweep runs the commit the commenter saw
 * (see `headMovedReason`): the named SHA, or the head as of the comment, and
 * is refused when the head has moved since; the reply links the run.
 */
import { readFileSync } from "node:fs";
import type { Octokit, RepoRef } from "../../github/octokit.js";
import { canWrite, getPullHead, getRepoRole } from "../../github/repo.js";
import { resolveRepo } from "../../github/repo-ref.js";
import { ActionError, appendSummary, input, type ActionDeps } from "./runtime.js";

export const SWEEP_COMMAND = "/sweep";

/** The generator command line of a `/sweep` comment (first line only), or null when the comment is not one. */
export function parseSweepComment(body: string): string | null {
  const first = body.trimStart().split(/\r?\n/, 1)[0] ?? "";
  if (first !== SWEEP_COMMAND && !first.startsWith(`${SWEEP_COMMAND} `)) return null;
  return first.slice(SWEEP_COMMAND.length).trim();
}

/** A leading commit SHA (7 to 40 hex digits) of a `/sweep` line, and the generator command after it. */
export function splitPinnedSha(line: string): { sha?: string; rest: string } {
  const m = /^([0-9a-fA-F]{7,40})(?:\s+|$)(.*)$/s.exec(line.trim());
  return m ? { sha: m[1]!.toLowerCase(), rest: m[2]! } : { rest: line };
}

/**
 * Why a `/sweep` must not run on the PR's current head, or undefined: with a
 * named SHA, the head must be that commit; without one, the head commit must
 * be no newer than the comment (a push after the comment is refused; its
 * committer date is the pusher's word, so naming the SHA is the sure way).
 */
export function headMovedReason(w: { pinned?: string; headSha: string; headCommittedAt?: string; commentedAt?: string }): string | undefined {
  const head = w.headSha.toLowerCase();
  if (w.pinned) {
    return head.startsWith(w.pinned)
      ? undefined
      : `the head of this PR is now ${head.slice(0, 12)}, not the ${w.pinned.slice(0, 12)} you named: review it and comment again`;
  }
  const at = Date.parse(w.commentedAt ?? "");
  const committed = Date.parse(w.headCommittedAt ?? "");
  if (!Number.isFinite(at) || !Number.isFinite(committed))
    return `cannot tell whether the head ${head.slice(0, 12)} is the commit you saw: comment \`/sweep ${head.slice(0, 12)} ...\` to name it`;
  if (committed > at)
    return `the head ${head.slice(0, 12)} was committed after your comment: review it and comment \`/sweep ${head.slice(0, 12)} ...\` to sweep it`;
  return undefined;
}

export async function runSweepCommand(deps: ActionDeps): Promise<void> {
  const token = input(deps, "github-token", { required: true });
  const eventPath = deps.env.GITHUB_EVENT_PATH;
  if (!eventPath) throw new ActionError("GITHUB_EVENT_PATH is not set (this action runs on issue_comment events)");
  const event = JSON.parse(readFileSync(eventPath, "utf8")) as Record<string, any>;
  const deny = (why: string) => {
    deps.core.setOutput("allowed", "false");
    deps.core.info(why);
  };
  const body = String(event.comment?.body ?? "");
  const login = String(event.comment?.user?.login ?? "");
  const number = Number(event.issue?.number);
  if (!event.issue?.pull_request || !Number.isInteger(number)) return deny("not a pull request comment: nothing to do");
  const fullLine = parseSweepComment(body);
  if (fullLine === null) return deny("not a /sweep command: nothing to do");
  const { sha: pinned, rest: line } = splitPinnedSha(fullLine);

  const repo = resolveRepo(undefined, deps.env);
  const octokit = await deps.octokit(token);
  const reply = async (text: string) => {
    await octokit.rest.issues.createComment({ ...repo, issue_number: number, body: text });
  };

  const role = await getRepoRole(octokit, { ...repo, username: login });
  if (!canWrite(role)) {
    await reply(
      `Thanks for the interest, @${login}! \`/sweep\` starts benchmark jobs on shared GPU runners, so it is limited to people with write, maintain or admin permission on this repository (yours: ${role}). A maintainer can run it for you.`,
    );
    return deny(`@${login} has '${role}' permission: refused`);
  }

  let argv: string[];
  // The matrix commands' option specs load only for a permitted /sweep (most comments are not one).
  const { GENERATORS, generatorArgv } = await import("./argv.js");
  try {
    argv = generatorArgv(line || "", "/sweep");
    GENERATORS[argv[0]!]!.check(argv.slice(1));
  } catch (e) {
    await reply(
      `@${login} I could not start that sweep: ${(e as Error).message}\n\nUsage: \`/sweep full-sweep --single-node --model-prefix dsr1 --runner-type b200 --max-conc 16\``,
    );
    return deny(`bad /sweep arguments: ${(e as Error).message}`);
  }

  const pr = await getPullHead(octokit, { ...repo, pullNumber: number });
  if (pr.isFork) {
    await reply(
      `@${login} this pull request comes from a fork (${pr.headRepo}); its code never runs on the self-hosted benchmark runners, so \`/sweep\` is not available here.`,
    );
    return deny("fork pull request: refused");
  }
  const headCommittedAt = pinned ? undefined : await commitDate(octokit, repo, pr.headSha);
  const moved = headMovedReason({ pinned, headSha: pr.headSha, headCommittedAt, commentedAt: event.comment?.created_at });
  if (moved) {
    await reply(`@${login} not started: ${moved}.`);
    return deny(`head moved: ${moved}`);
  }
  const server = (deps.env.GITHUB_SERVER_URL ?? "https://github.com").replace(/\/+$/, "");
  const runUrl = `${server}/${repo.owner}/${repo.repo}/actions/runs/${deps.env.GITHUB_RUN_ID ?? ""}`;
  const command = argv.join(" ");
  const shown = command.replace(/`/g, "'");
  await reply(`Starting \`${shown}\` on ${pr.headSha.slice(0, 12)} (the head of this PR now; later pushes are not included): ${runUrl}`);
  deps.core.setOutput("allowed", "true");
  deps.core.setOutput("sha", pr.headSha);
  deps.core.setOutput("generate-cli-command", command);
  deps.core.setOutput("test-name", `pr-${number}`);
  await appendSummary(deps, `### /sweep by @${login}\n\n\`${shown}\` on \`${pr.headSha}\`\n`);
}

/** The committer date of a commit (ISO), or undefined when it cannot be read. */
async function commitDate(octokit: Octokit, repo: RepoRef, sha: string): Promise<string | undefined> {
  try {
    const { data } = await octokit.rest.git.getCommit({ ...repo, commit_sha: sha });
    return data.committer?.date;
  } catch {
    return undefined;
  }
}
