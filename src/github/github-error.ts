/** GitHub API failures as UserErrors (no Octokit import: modules that only report errors stay light). */
import { UserError } from "../errors.js";

/**
 * Turns an Octokit failure into a UserError that names the call, the HTTP
 * status and GitHub's message (and what usually fixes it).
 */
export function githubError(e: unknown, what: string): Error {
  const err = e as { status?: number; message?: string; response?: { data?: { message?: string } } };
  if (typeof err?.status !== "number") {
    const cause = (e as { cause?: { message?: string; code?: string } })?.cause;
    return new UserError(`${what} failed: ${err?.message ?? String(e)}${cause?.code ? ` (${cause.code})` : cause?.message ? ` (${cause.message})` : ""}`);
  }
  const msg = err.response?.data?.message ?? err.message ?? "";
  const hint =
    err.status === 401
      ? " (check GITHUB_TOKEN)"
      : err.status === 403
        ? " (the token lacks a permission: check the workflow's `permissions:`)"
        : err.status === 404
          ? " (check the repository, the number/id and that the token can see it)"
          : "";
  return new UserError(`${what} failed: HTTP ${err.status} ${msg}${hint}`);
}
