/**
 * One benchmark run: the random dataset sent to a server at a fixed
 * concurrency (and optionally a Poisson/gamma arrival rate), warm-ups first and
 * excluded, every request timed, the raw result built at the end. One thread
 * runs the whole run as one part (part.ts); with `workers` > 1 the parts run
 * in worker threads (workers.ts).
 */
import { setMaxListeners } from "node:events";
import { performance } from "node:perf_hooks";
import { summarizeFailures } from "./metrics.js";
import { progressReporter, resultOf, runPart, type BenchOptions, type BenchRun } from "./part.js";
import { runInWorkers } from "./workers.js";

export type { BenchOptions, BenchRun, ClientLoopDelay, Progress } from "./part.js";

export async function runBenchmark(options: BenchOptions): Promise<BenchRun> {
  // One internal signal with no listener limit, fed by the caller's (every in-flight request listens to it).
  const inner = new AbortController();
  setMaxListeners(0, inner.signal);
  const forward = () => inner.abort();
  if (options.signal?.aborted) inner.abort();
  else options.signal?.addEventListener("abort", forward, { once: true });
  try {
    return await runWithSignal({ ...options, signal: inner.signal });
  } finally {
    options.signal?.removeEventListener("abort", forward);
  }
}

async function runWithSignal(o: BenchOptions): Promise<BenchRun> {
  // More threads than requests that can be in flight at once would idle.
  const workers = Math.min(o.workers ?? 1, o.maxConcurrency ?? o.numPrompts, o.numPrompts);
  if (workers > 1) return runInWorkers({ ...o, workers });
  let t0 = 0;
  const { signal, onProgress, ...plain } = o;
  const report = progressReporter(o.numPrompts, onProgress, () => t0);
  const part = await runPart(plain, 0, 1, {
    signal,
    ready: async () => (t0 = performance.now()),
    onDone: (r) => report(r.success, r.outputTokens),
  });
  const result = resultOf(o, part.outcomes, part.t0, part.startedAt);
  return {
    result,
    clientLoopDelay: part.clientLoopDelay,
    outcomes: part.outcomes,
    warmups: part.warmups,
    failures: summarizeFailures(part.outcomes),
    interrupted: Boolean(signal?.aborted),
  };
}
