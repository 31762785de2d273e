/**
 * Reading many runs (the history) on several threads: files are parsed in
 * worker threads while the main thread parses its share, and each worker sends
 * back a run's points as flat arrays. Parsing JSON is most of the time of a big
 * comparison; this divides it by the cores there are. The worker is
 * load-worker.js beside this module: in dist/compare/, and in actions/dist/
 * (scripts/build.mjs builds it there); without it, everything is read here.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { Run } from "./load.js";
import { type LoadJob, loadPackedRun, type PackedRun, runFromWorker, runOf } from "./packed.js";
import { workerBeside } from "./worker-file.js";

export type { LoadJob };

/**
 * Loads `jobs` (in their order) on up to `threads` threads including this one
 * (default: the machine's cores). `mainShare` runs on this thread first (e.g.
 * reading the baseline and head) while the workers start.
 */
export async function loadRunsInParallel(jobs: readonly LoadJob[], mainShare: () => void = () => {}, threads = availableParallelism()): Promise<Run[]> {
  const file = workerBeside(import.meta.url, "load-worker.js");
  const nWorkers = file ? Math.min(Math.max(threads - 1, 1), Math.max(jobs.length - 1, 0)) : 0;
  if (nWorkers === 0) {
    mainShare();
    return jobs.map((j) => runOf(loadPackedRun(j)));
  }
  const out: Run[] = new Array(jobs.length);
  const queue = [...jobs];
  const workers: Worker[] = [];
  const done = Array.from({ length: nWorkers }, () => {
    const w = new Worker(file!);
    workers.push(w);
    const remap: number[] = [];
    return new Promise<void>((resolve, reject) => {
      let ended = false;
      const next = () => {
        if (ended) return;
        const job = queue.shift();
        ended = job === undefined;
        w.postMessage(job ?? null);
      };
      w.on("message", (p: PackedRun) => {
        out[p.index] = runFromWorker(p, remap);
        next();
      });
      w.on("error", reject);
      w.on("exit", () => resolve());
      // Two jobs in flight: the worker starts its next run while this thread,
      // busy reading a file of its own, has not yet seen the last one's result.
      next();
      next();
    });
  });
  try {
    mainShare();
  } catch (e) {
    await Promise.all(workers.map((w) => w.terminate()));
    throw e;
  }
  // This thread takes jobs too, one at a time, letting worker messages in between.
  for (let job = queue.shift(); job; job = queue.shift()) {
    out[job.index] = runOf(loadPackedRun(job));
    await new Promise((r) => setImmediate(r));
  }
  await Promise.all(done);
  return out;
}
