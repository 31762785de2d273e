/**
 * The one place that builds an Octokit. @actions/github reads GITHUB_API_URL
 * once, when it is imported, and sends requests through undici's own fetch; so
 * a client built with its defaults ignores a later GITHUB_API_URL (tests, GHES)
 * and bypasses the process's fetch. `createOctokit` always passes `baseUrl`
 * (read at call time) and `request.fetch` explicitly.
 */
import { getOctokit } from "@actions/github";
import { UserError } from "../errors.js";

export type Octokit = ReturnType<typeof getOctokit>;

export interface OctokitOptions {
  token: string;
  /** API base URL; default: `env.GITHUB_API_URL`, else https://api.github.com. */
  baseUrl?: string;
  /** The fetch implementation; default: globalThis.fetch. */
  fetch?: typeof globalThis.fetch;
  /** Environment to read GITHUB_API_URL from (default process.env). */
  env?: NodeJS.ProcessEnv;
}

export const DEFAULT_API_URL = "https://api.github.com";

/** The API base URL: explicit, else GITHUB_API_URL at call time, else api.github.com (no trailing slash). */
export function apiBaseUrl(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  return (explicit || env.GITHUB_API_URL || DEFAULT_API_URL).replace(/\/+$/, "");
}

export function createOctokit(opts: OctokitOptions): Octokit {
  if (!opts.token) throw new UserError("no GitHub token: set GITHUB_TOKEN (in a workflow: env: GITHUB_TOKEN: ${{ github.token }})");
  const fetchImpl = opts.fetch ?? globalThis.fetch;
  return getOctokit(opts.token, {
    baseUrl: apiBaseUrl(opts.baseUrl, opts.env),
    request: { fetch: fetchImpl },
    log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
  });
}

/** Octokit from a command's environment: GITHUB_TOKEN and GITHUB_API_URL. */
export function octokitFromEnv(env: NodeJS.ProcessEnv, fetchImpl?: typeof globalThis.fetch): Octokit {
  const token = env.GITHUB_TOKEN ?? env.GH_TOKEN ?? "";
  if (!token) throw new UserError("no GitHub token: set GITHUB_TOKEN (in a workflow: env: GITHUB_TOKEN: ${{ github.token }})");
  return createOctokit({ token, env, ...(fetchImpl ? { fetch: fetchImpl } : {}) });
}

export { parseRepo, resolveRepo, type RepoRef } from "./repo-ref.js";

export { githubError } from "./github-error.js";
