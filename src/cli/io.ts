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

/**
 * The process's Io. Standard output and error are made on their first write
 * (`prepare` runs on each then): a pipe's stream costs 2-7 ms of start-up,
 * which a command that writes only files (`infx compare --out`) never pays.
 */
export function processIo(prepare: (stream: NodeJS.WriteStream) => void = () => {}): Io {
  let out: NodeJS.WriteStream | undefined;
  let err: NodeJS.WriteStream | undefined;
  const ready = (stream: NodeJS.WriteStream) => {
    prepare(stream);
    return stream;
  };
  return {
    out: (t) => void (out ??= ready(process.stdout)).write(t),
    err: (t) => void (err ??= ready(process.stderr)).write(t),
    cwd: process.cwd(),
    env: process.env,
    get isTTY() {
      return Boolean(process.stderr.isTTY) && !process.env.CI;
    },
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
