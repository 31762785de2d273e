/**
 * What `bench` refuses before it starts, and the timeouts it uses when none
 * are given. Checked up front so a run never dies (or loses its
 * measurements) after it has driven the server.
 */
import { accessSync, constants, mkdirSync, statSync } from "node:fs";
import { UsageError, UserError } from "../errors.js";

/** Longest timeout a Node.js timer holds: 2^31-1 ms (longer ones fire at once). */
export const MAX_TIMEOUT_S = Math.floor((2 ** 31 - 1) / 1000);
/** Longest input or output length accepted (tokens): past any served model's context window. */
export const MAX_SEQUENCE_LEN = 2 ** 22;
/** Most bytes of request bodies prepared before a run (they are all built up front). */
export const MAX_PREPARED_BYTES = 4 * 2 ** 30;

/** Refuses a timeout a timer cannot hold (or not a number); `name` is the option. */
export function checkTimeout(name: string, seconds: number): void {
  if (!Number.isFinite(seconds) || seconds < 0) throw new UsageError(`--${name} must be a number of seconds >= 0, got ${seconds}`);
  if (seconds > MAX_TIMEOUT_S)
    throw new UsageError(`--${name} ${seconds} is longer than a timer holds (at most ${MAX_TIMEOUT_S} s, about 24.8 days; 0 means no limit)`);
}

/** Refuses lengths no server accepts and workloads whose prompts would not fit in memory. */
export function checkWorkloadSize(w: { inputLen: number; outputLen: number; numPrompts: number; numWarmups: number; vocabSize: number }): void {
  for (const [name, v] of [
    ["random-input-len", w.inputLen],
    ["random-output-len", w.outputLen],
  ] as const) {
    if (v > MAX_SEQUENCE_LEN) throw new UsageError(`--${name} ${v} is longer than any model's context (at most ${MAX_SEQUENCE_LEN} tokens)`);
  }
  const bytesPerToken = String(Math.max(1, w.vocabSize - 1)).length + 1;
  const bytes = (w.numPrompts + w.numWarmups) * w.inputLen * bytesPerToken;
  if (bytes > MAX_PREPARED_BYTES) {
    throw new UsageError(
      `${w.numPrompts + w.numWarmups} prompts of ${w.inputLen} tokens need about ${(bytes / 2 ** 30).toFixed(1)} GiB of request bodies (at most ${MAX_PREPARED_BYTES / 2 ** 30} GiB); lower --num-prompts or --random-input-len`,
    );
  }
}

/**
 * Default timeouts derived from the workload (documented in `bench --help`):
 * stall = max(600, input_len / 100) s (a long prompt's prefill, queued behind
 * others, may keep the first byte away that long); request = stall +
 * output_len / 4 s (a token every 250 ms at worst).
 */
export function defaultTimeouts(inputLen: number, outputLen: number): { stall: number; request: number } {
  const stall = Math.max(600, Math.ceil(inputLen / 100));
  return { stall, request: Math.min(MAX_TIMEOUT_S, stall + Math.ceil(outputLen / 4)) };
}

/**
 * Makes sure a result can be written into `dir` (creating it), before the
 * run: a directory that cannot be made or written is a UserError now, not
 * lost measurements later.
 */
export function ensureWritableDir(dir: string, what: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    if (!statSync(dir).isDirectory()) throw new Error("not a directory");
    accessSync(dir, constants.W_OK);
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new UserError(`${what}: cannot write results into ${dir} (${reason}); choose a writable directory before the run`);
  }
}
