/**
 * `postSweepComment`: links the run's artifacts (`artifactLinks`), renders the
 * sweep comment and creates or updates the PR's sticky comment
 * (`upsertStickyComment`), as `infx comment` and the comment action both do.
 */
import { renderSweepComment, STICKY_MARKER, type ArtifactLink, type CommentInput } from "../report/comment.js";
import { upsertStickyComment } from "./comments.js";
import type { Octokit } from "./octokit.js";
import { listRunArtifacts } from "./repo.js";
import type { RepoRef } from "./repo-ref.js";

/** Artifacts of the run that the comment links (the per-job ones are too many). */
export const LINKED_ARTIFACTS = ["report", "results_bmk", "eval_results_all", "run-stats", "sweep-plan", "changelog-metadata", "comparison"];

export async function artifactLinks(octokit: Octokit, where: RepoRef, runUrl: string, warnings: string[]): Promise<ArtifactLink[]> {
  const m = /\/actions\/runs\/(\d+)/.exec(runUrl);
  if (!m) {
    warnings.push(`--run-url ${runUrl}: no run id in it; artifacts are not linked`);
    return [];
  }
  try {
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

export interface PostedComment {
  action: "created" | "updated";
  id: number;
  url: string;
  /** Characters of the body. */
  length: number;
  duplicates: number[];
}

/** Posts `input` on PR `pr`; `warnings` (artifacts not linked) are reported through `warn` before posting. */
export async function postSweepComment(
  octokit: Octokit,
  where: RepoRef,
  pr: number,
  input: CommentInput,
  opts: { skipArtifacts: boolean; warnings: string[]; warn(text: string): void },
): Promise<PostedComment> {
  if (!opts.skipArtifacts) input.artifacts = await artifactLinks(octokit, where, input.runUrl, opts.warnings);
  for (const w of opts.warnings) opts.warn(w);
  const body = renderSweepComment(input);
  const res = await upsertStickyComment(octokit, { ...where, issueNumber: pr, marker: STICKY_MARKER, body });
  return { action: res.action, id: res.id, url: res.url, length: body.length, duplicates: res.duplicates };
}
