/** Jobs of a workflow run, through the REST API. */
import { githubError } from "./github-error.js";
import type { Octokit, RepoRef } from "./octokit.js";

/** The fields of a job the results pipeline uses. */
export interface RunJob {
  id: number;
  name: string;
  run_attempt: number;
  status: string;
  conclusion: string | null;
  labels: string[];
  html_url: string | null;
}

/**
 * Every job of every attempt of a run (`filter=all`), all pages. A re-run's
 * jobs come as separate executions, each with its `run_attempt`.
 */
export async function listAllRunJobs(octokit: Octokit, where: RepoRef & { runId: number }): Promise<RunJob[]> {
  try {
    const jobs = await octokit.paginate(octokit.rest.actions.listJobsForWorkflowRun, {
      owner: where.owner,
      repo: where.repo,
      run_id: where.runId,
      filter: "all",
      per_page: 100,
    });
    return jobs.map((j) => ({
      id: j.id,
      name: j.name,
      run_attempt: j.run_attempt ?? 1,
      status: j.status,
      conclusion: j.conclusion,
      labels: j.labels ?? [],
      html_url: j.html_url ?? null,
    }));
  } catch (e) {
    throw githubError(e, `listing the jobs of run ${where.runId} in ${where.owner}/${where.repo}`);
  }
}
