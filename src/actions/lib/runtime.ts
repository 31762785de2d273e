/**
 * The shape every action has: a `run(deps)` function that receives its
 * dependencies (core, an artifact store, an Octokit factory, the environment)
 * as parameters, and a one-line entry file that calls `main(run)` with the
 * real ones. Actions call the same typed domain functions as the `infx`
 * commands (planChangelogDiff, processResultFile, collectToFile, ...), so the
 * CLI and the workflows cannot drift apart; only the bench action, whose input
 * is an `infx bench` command line, runs a command.
 */
import type { ArtifactStore } from "../../github/artifact.js";
import type { Octokit } from "../../github/octokit.js";

/** The part of @actions/core the actions use (the real module satisfies it). */
export interface ActionCore {
  getInput(name: string, options?: { required?: boolean; trimWhitespace?: boolean }): string;
  setOutput(name: string, value: unknown): void;
  info(message: string): void;
  warning(message: string): void;
  error(message: string): void;
  setFailed(message: string): void;
  summary: { addRaw(text: string, addEOL?: boolean): unknown; write(): Promise<unknown> };
}

export interface ActionDeps {
  core: ActionCore;
  /** The job's environment (GITHUB_*, RUNNER_*, the benchmark contract). */
  env: NodeJS.ProcessEnv;
  /** Working directory (the workspace). */
  cwd: string;
  artifacts: ArtifactStore;
  /** An Octokit for `token` against GITHUB_API_URL (explicit baseUrl and fetch); the real one loads Octokit on first use. */
  octokit(token: string): Octokit | Promise<Octokit>;
}

export type ActionRun = (deps: ActionDeps) => Promise<void>;

/** A failure the action reports as is (the step fails with this message, no stack). */
export class ActionError extends Error {
  override name = "ActionError";
}

/** An input, trimmed; `required` ones must be non-empty. */
export function input(deps: ActionDeps, name: string, opts: { required?: boolean } = {}): string {
  const v = deps.core.getInput(name).trim();
  if (opts.required && !v) throw new ActionError(`input '${name}' is required`);
  return v;
}

/** An integer input with a default; the error names the input. */
export function intInput(deps: ActionDeps, name: string, dflt: number): number {
  const raw = input(deps, name);
  if (!raw) return dflt;
  if (!/^\d+$/.test(raw)) throw new ActionError(`input '${name}': expected a whole number, got '${raw}'`);
  return Number.parseInt(raw, 10);
}

export async function appendSummary(deps: ActionDeps, markdown: string): Promise<void> {
  if (!deps.env.GITHUB_STEP_SUMMARY) return;
  deps.core.summary.addRaw(markdown, true);
  await deps.core.summary.write();
}

/** The message a failed action shows: never a stack, unless RUNNER_DEBUG. */
export function failureMessage(e: unknown, env: NodeJS.ProcessEnv): string {
  const err = e as Error;
  const msg = err?.message ?? String(e);
  return env.RUNNER_DEBUG === "1" && err?.stack ? `${msg}\n${err.stack}` : msg;
}
