/**
 * Writing output files where a hostile artifact or a careless name could
 * point elsewhere: names must stay inside their directory, and a file is
 * never written through a symbolic link (an attacker's pre-placed
 * `agg_<name>.json -> ~/.bashrc` makes the write fail instead).
 * Domain-neutral: imports only node:fs and src/errors.ts.
 */
import { closeSync, constants, openSync, writeSync } from "node:fs";
import { isAbsolute } from "node:path";
import { UserError } from "../errors.js";

/**
 * Why `name` cannot be a plain file name inside a directory (it has a `/` or
 * `\`, is `.` or `..`, is absolute, is empty or holds a NUL), or undefined.
 */
export function unsafeFileNameReason(name: string): string | undefined {
  if (name === "" || name === "." || name === "..") return `'${name}' is not a file name`;
  if (isAbsolute(name)) return `'${name}' is an absolute path; give a bare file name`;
  if (/[/\\]/.test(name)) return `'${name}' holds a path separator; give a bare file name`;
  if (name.includes("\0")) return "the name holds a NUL byte";
  return undefined;
}

/**
 * Writes `data` to `path`, creating or truncating it, but never through a
 * symbolic link at `path` (O_NOFOLLOW): a link there is an error naming it.
 * `data` may be pieces of text or bytes (an iterable, e.g. a generator),
 * written as they come: a big output need not be one string. Throws UserError.
 */
export function writeFileNoFollow(path: string, data: string | Uint8Array | Iterable<string | Uint8Array>): void {
  let fd: number;
  try {
    fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, 0o644);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ELOOP") throw new UserError(`cannot write ${path}: it is a symbolic link (not created by infx); remove it first`);
    throw new UserError(`cannot write ${path}: ${code ?? (e as Error).message}`);
  }
  try {
    if (typeof data === "string" || data instanceof Uint8Array) writeAll(fd, typeof data === "string" ? Buffer.from(data) : data);
    else for (const piece of data) writeAll(fd, typeof piece === "string" ? Buffer.from(piece) : piece);
  } finally {
    closeSync(fd);
  }
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let off = 0;
  while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
}
