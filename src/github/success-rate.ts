/**
 * `runSuccessRates`: every job of every attempt of a workflow run, read from
 * the API (`listAllRunJobs`) and counted per GPU type (`computeSuccessRates`),
 * as `infx success-rate` and the success-rate action both do it.
 */
import { computeSuccessRates, type RunnerMap, type SuccessRateResult } from "../results/success-rate.js";
import { listAllRunJobs, type RunJob } from "./jobs.js";
import type { Octokit, RepoRef } from "./octokit.js";

export async function runSuccessRates(
  octokit: Octokit,
  where: RepoRef & { runId: number },
  runners: RunnerMap,
): Promise<{ jobs: RunJob[]; result: SuccessRateResult }> {
  const jobs = await listAllRunJobs(octokit, where);
  return { jobs, result: computeSuccessRates(jobs, runners) };
}
