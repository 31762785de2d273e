/** Sticky issue/PR comments: one comment per marker, found across all pages and updated in place. */
import { githubError } from "./github-error.js";
import type { Octokit, RepoRef } from "./octokit.js";

export interface StickyCommentResult {
  action: "created" | "updated";
  id: number;
  url: string;
  /** Other comments that also start with the marker (left alone; only the oldest is updated). */
  duplicates: number[];
}

/** A comment is ours when its body starts with the marker (a quote of it in a reply starts with `>`). */
export function isStickyComment(body: string | undefined | null, marker: string): boolean {
  return typeof body === "string" && body.trimStart().startsWith(marker);
}

/** Comments on an issue/PR that carry `marker`, oldest first (all pages). */
export async function findStickyComments(
  octokit: Octokit,
  where: RepoRef & { issueNumber: number; marker: string },
): Promise<{ id: number; html_url: string; body: string }[]> {
  try {
    const all = await octokit.paginate(octokit.rest.issues.listComments, {
      owner: where.owner,
      repo: where.repo,
      issue_number: where.issueNumber,
      per_page: 100,
    });
    return all
      .filter((c) => isStickyComment(c.body, where.marker))
      .sort((a, b) => a.id - b.id)
      .map((c) => ({ id: c.id, html_url: c.html_url, body: c.body ?? "" }));
  } catch (e) {
    throw githubError(e, `listing the comments of #${where.issueNumber} in ${where.owner}/${where.repo}`);
  }
}

/** Creates the comment that starts with `marker`, or updates the existing one. `body` must start with the marker. */
export async function upsertStickyComment(
  octokit: Octokit,
  where: RepoRef & { issueNumber: number; marker: string; body: string },
): Promise<StickyCommentResult> {
  if (!isStickyComment(where.body, where.marker)) throw new Error("sticky comment body must start with its marker");
  const found = await findStickyComments(octokit, where);
  const [first, ...rest] = found;
  if (first) {
    try {
      const { data } = await octokit.rest.issues.updateComment({ owner: where.owner, repo: where.repo, comment_id: first.id, body: where.body });
      return { action: "updated", id: data.id, url: data.html_url, duplicates: rest.map((c) => c.id) };
    } catch (e) {
      throw githubError(e, `updating comment ${first.id} on #${where.issueNumber}`);
    }
  }
  try {
    const { data } = await octokit.rest.issues.createComment({ owner: where.owner, repo: where.repo, issue_number: where.issueNumber, body: where.body });
    return { action: "created", id: data.id, url: data.html_url, duplicates: [] };
  } catch (e) {
    throw githubError(e, `commenting on #${where.issueNumber} in ${where.owner}/${where.repo}`);
  }
}
