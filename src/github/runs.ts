/**
 * Workflow runs through the REST API: the baseline of a comparison is the
 * newest successful run of a workflow on the base branch that still has a
 * given artifact; earlier ones are its history.
 */
import { githubError } from "./github-error.js";
import type { Octokit, RepoRef } from "./octokit.js";
import { listRunArtifacts, type RunArtifact } from "./repo.js";

export interface FoundRun {
  id: number;
  headSha: string;
  branch: string;
  htmlUrl: string;
  createdAt: string;
  /** The wanted artifact of this run. */
  artifact: RunArtifact;
}

export interface RunQuery extends RepoRef {
  /** Workflow file name (e.g. `run-sweep.yml`) or id. */
  workflow: string;
  branch: string;
  /** Event that triggered the runs (e.g. `push`); empty for any. */
  event?: string;
  /** Artifact the run must have (not expired). */
  artifact: string;
  /** How many runs to return at most (newest first). */
  limit: number;
  /** Runs to skip (e.g. the current one). */
  exclude?: number[];
  /** Runs looked at before giving up (default 200). */
  maxRuns?: number;
}

/**
 * The newest successful runs of `workflow` on `branch` that have `artifact`,
 * newest first: walks the pages of the runs list (status `success`, and the
 * event when given) until `limit` are found or `maxRuns` were looked at.
 */
export async function findRunsWithArtifact(octokit: Octokit, q: RunQuery): Promise<FoundRun[]> {
  const found: FoundRun[] = [];
  let seen = 0;
  const what = `listing successful runs of ${q.workflow} on ${q.branch} in ${q.owner}/${q.repo}`;
  try {
    const pages = octokit.paginate.iterator(octokit.rest.actions.listWorkflowRuns, {
      owner: q.owner,
      repo: q.repo,
      workflow_id: q.workflow,
      branch: q.branch,
      status: "success",
      ...(q.event ? { event: q.event } : {}),
      per_page: 100,
    });
    for await (const page of pages) {
      for (const run of page.data) {
        if (seen++ >= (q.maxRuns ?? 200)) return found;
        if (q.exclude?.includes(run.id)) continue;
        const artifact = (await listRunArtifacts(octokit, { owner: q.owner, repo: q.repo, runId: run.id })).find((a) => a.name === q.artifact && !a.expired);
        if (!artifact) continue;
        found.push({ id: run.id, headSha: run.head_sha, branch: run.head_branch ?? q.branch, htmlUrl: run.html_url, createdAt: run.created_at, artifact });
        if (found.length >= q.limit) return found;
      }
    }
  } catch (e) {
    throw githubError(e, what);
  }
  return found;
}

/** One run by id, with its artifact `artifact` (undefined when the run has none). */
export async function getRunWithArtifact(octokit: Octokit, where: RepoRef & { runId: number; artifact: string }): Promise<FoundRun | undefined> {
  let run;
  try {
    ({ data: run } = await octokit.rest.actions.getWorkflowRun({ owner: where.owner, repo: where.repo, run_id: where.runId }));
  } catch (e) {
    throw githubError(e, `reading run ${where.runId} of ${where.owner}/${where.repo}`);
  }
  const artifact = (await listRunArtifacts(octokit, { owner: where.owner, repo: where.repo, runId: where.runId })).find(
    (a) => a.name === where.artifact && !a.expired,
  );
  return artifact
    ? { id: run.id, headSha: run.head_sha, branch: run.head_branch ?? "", htmlUrl: run.html_url, createdAt: run.created_at, artifact }
    : undefined;
}
