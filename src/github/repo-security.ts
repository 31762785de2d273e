/**
 * Reads the repository settings that keep pull requests from forks off the
 * self-hosted GPU runners (workflows cannot enforce them: a fork's PR brings
 * its own workflow files) and says which are missing. docs/security.md
 * explains each. A setting the token may not read is reported as unknown,
 * never as fine.
 */
import type { Octokit, RepoRef } from "./octokit.js";

export type SecurityStatus = "ok" | "missing" | "unknown";

export interface SecurityCheck {
  id: "repo" | "fork-pr-approval" | "fork-pr-private" | "workflow-token" | "runner-group" | "ephemeral-runners";
  status: SecurityStatus;
  /** One line: what was found and, when missing, what to set. */
  detail: string;
}

type Reader = (route: string, params: Record<string, unknown>) => Promise<any>;

/** Runs one REST read; a 403/404 (the token may not read it) becomes `unknown`. */
async function readOr(read: Reader, route: string, params: Record<string, unknown>): Promise<{ data?: any; why?: string }> {
  try {
    return { data: await read(route, params) };
  } catch (e) {
    const status = (e as { status?: number }).status;
    return { why: `cannot read ${route.replace(/^GET /, "")} (HTTP ${status ?? "error"}: the token needs admin read access)` };
  }
}

function forkApproval(data: any): SecurityCheck {
  const policy = String(data?.approval_policy ?? "");
  return policy === "all_external_contributors"
    ? { id: "fork-pr-approval", status: "ok", detail: "workflows of every outside contributor's fork PR wait for approval" }
    : {
        id: "fork-pr-approval",
        status: "missing",
        detail: `fork PR approval is '${policy || "unset"}': set Settings > Actions > General > "Require approval for all external contributors"`,
      };
}

function privateForks(data: any): SecurityCheck {
  const runs = data?.run_workflows_from_fork_pull_requests === true;
  const safe =
    !runs ||
    (data?.require_approval_for_fork_pr_workflows === true && data?.send_write_tokens_to_workflows !== true && data?.send_secrets_and_variables !== true);
  return safe
    ? {
        id: "fork-pr-private",
        status: "ok",
        detail: runs ? "private-fork PR workflows need approval and get no write token or secrets" : "workflows do not run on private-fork PRs",
      }
    : {
        id: "fork-pr-private",
        status: "missing",
        detail: "private-fork PR workflows run without approval or with write tokens/secrets: require approval and send neither",
      };
}

function workflowToken(data: any): SecurityCheck {
  const ok = data?.default_workflow_permissions === "read" && data?.can_approve_pull_request_reviews !== true;
  return ok
    ? { id: "workflow-token", status: "ok", detail: "GITHUB_TOKEN is read-only by default and cannot approve PRs" }
    : {
        id: "workflow-token",
        status: "missing",
        detail: `default GITHUB_TOKEN permissions are '${data?.default_workflow_permissions}'${data?.can_approve_pull_request_reviews ? " and it may approve PRs" : ""}: set them to read-only`,
      };
}

function runnerGroups(data: any, repo: string): SecurityCheck {
  const open = (data?.runner_groups ?? []).filter(
    (g: any) => g.visibility === "all" || g.allows_public_repositories === true || g.restricted_to_workflows !== true,
  );
  return open.length === 0
    ? { id: "runner-group", status: "ok", detail: `every runner group is limited to selected repositories and workflows` }
    : {
        id: "runner-group",
        status: "missing",
        detail: `runner group(s) ${open.map((g: any) => `'${g.name}'`).join(", ")} are open to all repositories, public repositories or any workflow: restrict them to ${repo}'s workflows on the default branch`,
      };
}

function ephemeral(data: any): SecurityCheck {
  const runners: any[] = data?.runners ?? [];
  const lasting = runners.filter((r) => r.ephemeral !== true);
  return lasting.length === 0
    ? { id: "ephemeral-runners", status: "ok", detail: `${runners.length} self-hosted runner(s), all ephemeral` }
    : {
        id: "ephemeral-runners",
        status: "missing",
        detail: `${lasting.length} of ${runners.length} runner(s) are not ephemeral (${lasting
          .slice(0, 5)
          .map((r) => r.name)
          .join(", ")}): a job can leave state for the next; use --ephemeral where possible`,
      };
}

/** Reads the settings and returns one check per rule, in a fixed order. */
export async function checkRepoSecurity(octokit: Octokit, where: RepoRef): Promise<SecurityCheck[]> {
  const read: Reader = async (route, params) => (await octokit.request(route, params)).data;
  const p = { owner: where.owner, repo: where.repo };
  const full = `${where.owner}/${where.repo}`;
  const out: SecurityCheck[] = [];
  const repo = await readOr(read, "GET /repos/{owner}/{repo}", p);
  if (!repo.data) return [{ id: "repo", status: "unknown", detail: repo.why! }];
  const step = async (route: string, params: Record<string, unknown>, id: SecurityCheck["id"], judge: (d: any) => SecurityCheck) => {
    const r = await readOr(read, route, params);
    out.push(r.data !== undefined ? judge(r.data) : { id, status: "unknown", detail: r.why! });
  };
  if (repo.data.private) await step("GET /repos/{owner}/{repo}/actions/permissions/fork-pr-workflows-private-repos", p, "fork-pr-private", privateForks);
  else await step("GET /repos/{owner}/{repo}/actions/permissions/fork-pr-contributor-approval", p, "fork-pr-approval", forkApproval);
  await step("GET /repos/{owner}/{repo}/actions/permissions/workflow", p, "workflow-token", workflowToken);
  if (repo.data.owner?.type === "Organization")
    await step("GET /orgs/{org}/actions/runner-groups", { org: where.owner, per_page: 100 }, "runner-group", (d) => runnerGroups(d, full));
  else
    out.push({
      id: "runner-group",
      status: "missing",
      detail: "a personal repository has no runner groups: its self-hosted runners serve every workflow of the repository; move it to an organization",
    });
  await step("GET /repos/{owner}/{repo}/actions/runners", { ...p, per_page: 100 }, "ephemeral-runners", ephemeral);
  return out;
}

/** One line per check, `ok`/`MISSING`/`unknown` first. */
export function formatSecurityChecks(checks: readonly SecurityCheck[]): string {
  return checks.map((c) => `${c.status === "missing" ? "MISSING" : c.status.padEnd(7)} ${c.id}: ${c.detail}`).join("\n") + "\n";
}
