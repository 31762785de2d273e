/**
 * Who added each label to a PR (the issue's `labeled` events, latest per
 * label) and their role on the repository: the input of `trustedLabels`
 * (src/plan/labels.ts), for the sweep labels (plan action) and the
 * accept-regression label (regression gate). REST: the issue's events (token
 * with `issues: read`) and each adder's collaborator permission (`metadata:
 * read`, which every GITHUB_TOKEN has).
 */
import type { LabelGrant } from "../plan/labels.js";
import { githubError } from "./github-error.js";
import type { Octokit, RepoRef } from "./octokit.js";
import { getRepoRole } from "./repo.js";

export async function labelGrants(octokit: Octokit, where: RepoRef & { issueNumber: number }, labels: readonly string[]): Promise<LabelGrant[]> {
  let events: { event?: string; label?: { name?: string }; actor?: { login?: string } | null }[];
  try {
    events = await octokit.paginate(octokit.rest.issues.listEvents, { owner: where.owner, repo: where.repo, issue_number: where.issueNumber, per_page: 100 });
  } catch (e) {
    throw githubError(e, `reading the label events of #${where.issueNumber} in ${where.owner}/${where.repo}`);
  }
  const lastActor = new Map<string, string>();
  for (const ev of events) {
    const name = ev.label?.name;
    if (ev.event === "labeled" && name && labels.includes(name) && ev.actor?.login) lastActor.set(name, ev.actor.login);
  }
  const roles = new Map<string, string>();
  const grants: LabelGrant[] = [];
  for (const [label, actor] of lastActor) {
    if (!roles.has(actor)) roles.set(actor, await getRepoRole(octokit, { ...where, username: actor }));
    grants.push({ label, actor, role: roles.get(actor)! });
  }
  return grants;
}
