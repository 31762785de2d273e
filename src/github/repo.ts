/**
 * Small REST adapters the workflows' actions need besides jobs and comments:
 * a PR's head, a user's permission, a run's artifacts, a workflow dispatch.
 */
import { githubError } from "./github-error.js";
import type { Octokit, RepoRef } from "./octokit.js";

export interface PullHead {
  number: number;
  headSha: string;
  headRef: string;
  /** `owner/name` of the head repository. */
  headRepo: string;
  /** True when the head repository is not the base repository. */
  isFork: boolean;
  draft: boolean;
  labels: string[];
  author: string;
  htmlUrl: string;
}

export async function getPullHead(octokit: Octokit, where: RepoRef & { pullNumber: number }): Promise<PullHead> {
  try {
    const { data } = await octokit.rest.pulls.get({ owner: where.owner, repo: where.repo, pull_number: where.pullNumber });
    const headRepo = data.head.repo?.full_name ?? "";
    return {
      number: data.number,
      headSha: data.head.sha,
      headRef: data.head.ref,
      headRepo,
      isFork: headRepo !== data.base.repo.full_name,
      draft: data.draft ?? false,
      labels: data.labels.map((l) => l.name ?? "").filter(Boolean),
      author: data.user.login,
      htmlUrl: data.html_url,
    };
  } catch (e) {
    throw githubError(e, `reading pull request #${where.pullNumber} of ${where.owner}/${where.repo}`);
  }
}

/** Roles that may start sweeps. */
export const WRITE_ROLES: readonly string[] = ["admin", "maintain", "write"];

/** The user's role on the repository (`admin`, `maintain`, `write`, `triage`, `read` or `none`). */
export async function getRepoRole(octokit: Octokit, where: RepoRef & { username: string }): Promise<string> {
  try {
    const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({ owner: where.owner, repo: where.repo, username: where.username });
    return data.role_name || data.permission;
  } catch (e) {
    if ((e as { status?: number }).status === 404) return "none";
    throw githubError(e, `reading ${where.username}'s permission on ${where.owner}/${where.repo}`);
  }
}

/** True when the role may write (admin, maintain, write). */
export function canWrite(role: string): boolean {
  return WRITE_ROLES.includes(role);
}

export interface RunArtifact {
  id: number;
  name: string;
  size_in_bytes: number;
  expired: boolean;
}

/** Every artifact of a run (all pages). */
export async function listRunArtifacts(octokit: Octokit, where: RepoRef & { runId: number }): Promise<RunArtifact[]> {
  try {
    const arts = await octokit.paginate(octokit.rest.actions.listWorkflowRunArtifacts, {
      owner: where.owner,
      repo: where.repo,
      run_id: where.runId,
      per_page: 100,
    });
    return arts.map((a) => ({ id: a.id, name: a.name, size_in_bytes: a.size_in_bytes, expired: a.expired }));
  } catch (e) {
    throw githubError(e, `listing the artifacts of run ${where.runId} in ${where.owner}/${where.repo}`);
  }
}

/** Starts a workflow_dispatch run; resolves to the new run's id and URL when GitHub reports them. */
export async function dispatchWorkflow(
  octokit: Octokit,
  where: RepoRef & { workflow: string; ref: string; inputs: Record<string, string> },
): Promise<{ runId?: number; htmlUrl?: string }> {
  try {
    const res = await octokit.rest.actions.createWorkflowDispatch({
      owner: where.owner,
      repo: where.repo,
      workflow_id: where.workflow,
      ref: where.ref,
      inputs: where.inputs,
      return_run_details: true,
    } as Parameters<Octokit["rest"]["actions"]["createWorkflowDispatch"]>[0]);
    const data = (res as { data?: unknown }).data as { workflow_run_id?: number; html_url?: string } | undefined;
    return { ...(data?.workflow_run_id ? { runId: data.workflow_run_id } : {}), ...(data?.html_url ? { htmlUrl: data.html_url } : {}) };
  } catch (e) {
    throw githubError(e, `dispatching workflow ${where.workflow} on ${where.ref}`);
  }
}
