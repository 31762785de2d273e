/**
 * The one way to read a file a user (or an artifact) hands us: configs,
 * changelogs, runner maps, raw results, lm-eval files. It never blocks on a
 * FIFO or a device, refuses what is not a regular file, bounds the size, and
 * decodes UTF-8 strictly (an invalid byte is an error naming the file, the
 * byte offset, line and column). Domain-neutral: imports only node:fs and
 * src/errors.ts.
 */
import { isUtf8 } from "node:buffer";
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from "node:fs";
import { UserError } from "../errors.js";

/** Largest user file read (bytes): reference configs are ~200 KB, detailed raw results a few MB. */
export const MAX_USER_FILE_BYTES = 256 * 1024 * 1024;

/**
 * A file that cannot be read as text. `reason` is in words; `code` is Node's
 * errno code where there is one (ENOENT, EACCES), else the reason, so callers
 * that print `code ?? message` (as for Node's own errors) print something useful.
 */
export class UserFileError extends UserError {
  readonly code: string;
  constructor(
    readonly file: string,
    readonly reason: string,
    errno?: string,
  ) {
    super(`cannot read ${file}: ${reason}`);
    this.code = errno ?? reason;
  }
}

/** What a non-regular file is, in words. */
function kindOf(st: Stats): string {
  if (st.isDirectory()) return "a directory";
  if (st.isFIFO()) return "a FIFO (named pipe)";
  if (st.isCharacterDevice() || st.isBlockDevice()) return "a device";
  if (st.isSocket()) return "a socket";
  return "not a regular file";
}

const ERRNO_WORDS: Record<string, string> = {
  ENOENT: "no such file",
  EACCES: "permission denied",
  EISDIR: "it is a directory",
  ENOTDIR: "a part of the path is not a directory",
  ELOOP: "too many symbolic links",
};

/** Reads up to `length` bytes at `position` into `buf` at `offset`; 0 at the end of the file. */
export type ReadAt = (buf: Uint8Array, offset: number, length: number, position: number) => number;

/**
 * Opens a user file with the checks of `readUserBytes` (a regular file, at
 * most `maxBytes`, opened without blocking) and hands `use` a reader and the
 * size; closes it after. Errors, of opening or reading, are UserFileErrors.
 */
export function withUserFile<T>(file: string, maxBytes: number, use: (read: ReadAt, size: number) => T): T {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? "";
    throw new UserFileError(file, ERRNO_WORDS[code] ?? (code || (e as Error).message), code || undefined);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new UserFileError(file, `it is ${kindOf(st)}, not a regular file`);
    if (st.size > maxBytes) throw new UserFileError(file, `it is ${st.size} bytes, more than the ${maxBytes} allowed`);
    return use((buf, offset, length, position) => readSync(fd, buf, offset, length, position), st.size);
  } catch (e) {
    // A system call's error (EIO, EISDIR...) is the file's; anything else is thrown as it is.
    const code = (e as NodeJS.ErrnoException).code;
    if (e instanceof UserError || !code) throw e;
    throw new UserFileError(file, code);
  } finally {
    closeSync(fd);
  }
}

/** The bytes of a regular file, refusing anything else without blocking. */
export function readUserBytes(file: string, maxBytes = MAX_USER_FILE_BYTES): Buffer {
  return withUserFile(file, maxBytes, (read, size) => {
    const buf = Buffer.allocUnsafe(size);
    let got = 0;
    while (got < size) {
      const n = read(buf, got, size - got, got);
      if (n === 0) break;
      got += n;
    }
    return got === size ? buf : buf.subarray(0, got);
  });
}

/**
 * Offset of the first byte that is not well-formed UTF-8 (RFC 3629: no
 * overlong forms, no surrogates, nothing past U+10FFFF), or -1.
 */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    let n: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) n = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      if (c === 0xe0) lo = 0xa0;
      else if (c === 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      if (c === 0xf0) lo = 0x90;
      else if (c === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k <= n; k++) {
      const d = b[i + k];
      if (d === undefined) return i;
      if (k === 1 ? d < lo || d > hi : d < 0x80 || d > 0xbf) return i;
    }
    i += n + 1;
  }
  return -1;
}

/** Strict UTF-8 text of `bytes`; `file` names the source in the error. A BOM is kept (as readFileSync keeps it). */
export function decodeUtf8Strict(bytes: Uint8Array, file: string): string {
  const bad = isUtf8(bytes) ? -1 : firstInvalidUtf8(bytes);
  if (bad >= 0) {
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < bad; i++) {
      if (bytes[i] !== 0x0a) continue;
      line++;
      lineStart = i + 1;
    }
    const hex = bytes[bad]!.toString(16).padStart(2, "0");
    throw new UserFileError(
      file,
      `invalid UTF-8 at byte offset ${bad} (line ${line}, byte ${bad - lineStart + 1} of the line: 0x${hex}); save the file as UTF-8`,
    );
  }
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8");
}

/** The text of a user file: a regular file, at most `maxBytes`, strict UTF-8. Throws UserFileError. */
export function readUserFile(file: string, maxBytes = MAX_USER_FILE_BYTES): string {
  return decodeUtf8Strict(readUserBytes(file, maxBytes), file);
}
