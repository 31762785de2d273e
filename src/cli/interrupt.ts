/**
 * Ctrl-C handling for long commands: the first signal aborts `fn`'s signal so
 * it can finish up and keep what it has; a second one exits at once (130).
 */
import type { Io } from "./io.js";

export async function withInterrupt<T>(
  io: Io,
  fn: (signal: AbortSignal) => Promise<T>,
  signals: readonly NodeJS.Signals[] = ["SIGINT", "SIGTERM"],
): Promise<T> {
  const ac = new AbortController();
  const onSig = () => {
    if (ac.signal.aborted) process.exit(130);
    io.err("\ninterrupted: finishing up (Ctrl-C again to exit now)\n");
    ac.abort();
  };
  for (const s of signals) process.on(s, onSig);
  try {
    return await fn(ac.signal);
  } finally {
    for (const s of signals) process.off(s, onSig);
  }
}
