/** `owner/name` of a repository, from a flag or the workflow environment (no Octokit needed). */
import { UserError } from "../errors.js";

export interface RepoRef {
  owner: string;
  repo: string;
}

/** Parses `owner/name`; the error names where the value came from. */
export function parseRepo(value: string, source = "--repo"): RepoRef {
  const m = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(value.trim());
  if (!m) throw new UserError(`${source}: expected 'owner/name', got '${value}'`);
  return { owner: m[1]!, repo: m[2]! };
}

/** The repository from `--repo`, else GITHUB_REPOSITORY. */
export function resolveRepo(flag: string | undefined, env: NodeJS.ProcessEnv): RepoRef {
  if (flag) return parseRepo(flag, "--repo");
  if (env.GITHUB_REPOSITORY) return parseRepo(env.GITHUB_REPOSITORY, "GITHUB_REPOSITORY");
  throw new UserError("no repository: pass --repo owner/name or set GITHUB_REPOSITORY");
}

/** This workflow run's URL from GITHUB_SERVER_URL, the repository and GITHUB_RUN_ID; undefined outside a workflow. */
export function workflowRunUrl(env: NodeJS.ProcessEnv, where: () => RepoRef): string | undefined {
  if (!env.GITHUB_RUN_ID) return undefined;
  const { owner, repo } = where();
  return `${(env.GITHUB_SERVER_URL ?? "https://github.com").replace(/\/$/, "")}/${owner}/${repo}/actions/runs/${env.GITHUB_RUN_ID}`;
}
