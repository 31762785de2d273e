/**
 * `infx bench --workers N`: the run split over N client threads, each with its
 * own event loop and connection pool (worker_threads). Thread k takes the
 * requests whose index is k mod N and its share of the concurrency (and of
 * the arrival schedule, at the same offsets); all start timing at one instant
 * that the main thread picks once every thread has opened its connections and
 * sent its warm-ups. Outcomes come back with their times on the main thread's
 * clock, so the result is built exactly as for one thread.
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { UserError } from "../errors.js";
import type { RequestOutcome } from "./client.js";
import { summarizeFailures } from "./metrics.js";
import { progressReporter, resultOf, type BenchOptions, type BenchRun, type ClientLoopDelay, type PartOptions } from "./part.js";

/** What the main thread sends a worker at start. */
export interface WorkerInit {
  options: PartOptions;
  share: number;
  of: number;
  /** The main thread's `performance.timeOrigin`. */
  mainOrigin: number;
}

/** Messages from a worker. */
export type WorkerMessage =
  | { type: "ready" }
  | { type: "done"; success: boolean; outputTokens: number }
  | { type: "result"; outcomes: RequestOutcome[]; warmups: RequestOutcome[]; clientLoopDelay: ClientLoopDelay; t0: number; startedAt: number }
  | { type: "error"; message: string };

/** Messages to a worker: the start time (main clock), or stop. */
export type MainMessage = { type: "go"; startAt: number } | { type: "abort" };

/** A file next to this module (a function, so that bundlers do not copy the file as an asset). */
function besideThisModule(name: string): URL {
  return new URL(name, import.meta.url);
}

/**
 * The worker's entry file, next to this module in the built CLI. A single-file
 * bundle (the bench action) has a copy of the entry but not the modules it
 * imports, so there the threads cannot start: say so.
 */
function workerFile(): string {
  let file = "";
  try {
    file = fileURLToPath(besideThisModule("worker-main.js"));
  } catch {
    // (not a file: address)
  }
  if (!file || !existsSync(file) || !existsSync(join(dirname(file), "part.js")))
    throw new UserError(
      "--workers needs the infx CLI's own files (this is a single-file bundle): run 'node dist/cli/infx.js bench --workers N' from a checkout",
    );
  return file;
}

export async function runInWorkers(o: BenchOptions): Promise<BenchRun> {
  const n = o.workers!;
  const { signal, onProgress, ...options } = o;
  const file = workerFile();
  const workers = Array.from(
    { length: n },
    (_, share) => new Worker(file, { workerData: { options, share, of: n, mainOrigin: performance.timeOrigin } satisfies WorkerInit }),
  );
  let ready = 0;
  let startAt = 0;
  const report = progressReporter(o.numPrompts, onProgress, () => startAt);
  const results: Extract<WorkerMessage, { type: "result" }>[] = [];
  const onAbort = () => {
    for (const w of workers) w.postMessage({ type: "abort" } satisfies MainMessage);
  };
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    await new Promise<void>((resolve, reject) => {
      let finished = 0;
      for (const w of workers) {
        w.on("error", reject);
        w.on("exit", (code) => {
          if (code !== 0 && results.length < n) reject(new Error(`a client thread exited with code ${code}`));
        });
        w.on("message", (m: WorkerMessage) => {
          switch (m.type) {
            case "ready":
              if (++ready === n) {
                // Every thread starts timing at the same instant, a moment from now.
                startAt = performance.now() + 20;
                for (const x of workers) x.postMessage({ type: "go", startAt } satisfies MainMessage);
              }
              break;
            case "done":
              report(m.success, m.outputTokens);
              break;
            case "result":
              results.push(m);
              if (++finished === n) resolve();
              break;
            case "error":
              reject(new Error(`client thread: ${m.message}`));
              break;
          }
        });
      }
    });
  } finally {
    signal?.removeEventListener("abort", onAbort);
    await Promise.all(workers.map((w) => w.terminate()));
  }
  const outcomes: RequestOutcome[] = [];
  const warmups: RequestOutcome[] = [];
  for (const r of results) {
    for (const x of r.outcomes) outcomes.push(x);
    for (const x of r.warmups) warmups.push(x);
  }
  outcomes.sort((a, b) => a.index - b.index);
  warmups.sort((a, b) => a.index - b.index);
  const t0 = Math.min(...results.map((r) => r.t0));
  const startedAt = new Date(Math.min(...results.map((r) => r.startedAt)));
  const clientLoopDelay: ClientLoopDelay = {
    p50: Math.max(...results.map((r) => r.clientLoopDelay.p50)),
    p99: Math.max(...results.map((r) => r.clientLoopDelay.p99)),
    max: Math.max(...results.map((r) => r.clientLoopDelay.max)),
  };
  return {
    result: resultOf(o, outcomes, t0, startedAt),
    clientLoopDelay,
    outcomes,
    warmups,
    failures: summarizeFailures(outcomes),
    interrupted: Boolean(signal?.aborted),
  };
}
