/**
 * The shape every action has: a `run(deps)` function that receives its
 * dependencies (core, an artifact store, an Octokit factory, the environment)
 * as parameters, and a one-line entry file that calls `main(run)` with the
 * real ones. Actions run the same command modules as `infx` (parse, run, exit
 * code), with an Io bound to the job's log, so the CLI and the workflows cannot
 * drift apart. Each action imports only the commands it runs, which keeps its
 * bundle small.
 */
import { formatHelp, optionsOf, parseArgs } from "../../cli/args.js";
import type { AnyCommandModule } from "../../cli/command.js";
import { UsageError, UserError, type Io } from "../../cli/io.js";
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
  /** An Octokit for `token` against GITHUB_API_URL (explicit baseUrl and fetch). */
  octokit(token: string): Octokit;
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

/** Runs the command `mod` (e.g. `infx process-result`) with `argv` in this process, as `infx` would; stdout is returned, stderr goes to the log. Fails the step on a non-zero exit. */
export async function infx(
  deps: ActionDeps,
  mod: AnyCommandModule,
  argv: string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; allowExit?: number[] } = {},
): Promise<{ code: number; stdout: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = {
    out: (t) => void out.push(t),
    err: (t) => void err.push(t),
    cwd: opts.cwd ?? deps.cwd,
    env: opts.env ?? deps.env,
    isTTY: false,
  };
  const name = mod.spec.name;
  deps.core.info(`infx ${[name, ...argv].map(shellQuote).join(" ")}`);
  let code: number;
  try {
    const args = parseArgs(mod.spec, argv);
    if (args.help) {
      io.out(formatHelp(mod.spec));
      code = 0;
    } else code = await mod.run(optionsOf(mod.spec, args), io);
  } catch (e) {
    if (e instanceof UsageError) {
      err.push(`infx ${name}: ${e.message}\n`);
      code = 2;
    } else if (e instanceof UserError) {
      err.push(`infx ${name}: ${e.message}\n${e.details.map((d) => d + "\n").join("")}`);
      code = e.exitCode;
    } else throw e;
  }
  const stderr = err.join("");
  if (stderr.trim()) for (const line of stderr.trimEnd().split("\n")) deps.core.info(line);
  if (code !== 0 && !(opts.allowExit ?? []).includes(code)) {
    throw new ActionError(`infx ${name} failed (exit ${code})${stderr.trim() ? `: ${stderr.trim().split("\n")[0]!.replace(/^infx [\w-]+: /, "")}` : ""}`);
  }
  return { code, stdout: out.join("") };
}

function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The message a failed action shows: never a stack, unless RUNNER_DEBUG. */
export function failureMessage(e: unknown, env: NodeJS.ProcessEnv): string {
  const err = e as Error;
  const msg = err?.message ?? String(e);
  return env.RUNNER_DEBUG === "1" && err?.stack ? `${msg}\n${err.stack}` : msg;
}
