/**
 * The I/O surface every command runs against. The CLI entry point binds it to
 * the process; tests bind it to buffers, so commands run in-process too.
 */
export interface Io {
  /** Write to standard output (no newline added). */
  out(text: string): void;
  /** Write to standard error (no newline added). */
  err(text: string): void;
  /** Working directory for relative paths. */
  cwd: string;
  /** Environment variables the command may read. */
  env: NodeJS.ProcessEnv;
  /** True when stderr is an interactive terminal (progress lines are drawn only then). */
  isTTY: boolean;
}

export { UsageError, UserError } from "../errors.js";

export function processIo(): Io {
  return {
    out: (t) => void process.stdout.write(t),
    err: (t) => void process.stderr.write(t),
    cwd: process.cwd(),
    env: process.env,
    isTTY: Boolean(process.stderr.isTTY) && !process.env.CI,
  };
}

/** An Io that records everything, for tests and for programmatic callers. */
export function bufferIo(opts: { cwd?: string; env?: NodeJS.ProcessEnv; isTTY?: boolean } = {}): Io & {
  stdout: () => string;
  stderr: () => string;
} {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out: (t) => void out.push(t),
    err: (t) => void err.push(t),
    cwd: opts.cwd ?? process.cwd(),
    env: opts.env ?? {},
    isTTY: opts.isTTY ?? false,
    stdout: () => out.join(""),
    stderr: () => err.join(""),
  };
}
