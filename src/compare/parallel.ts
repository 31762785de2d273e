/**
 * Reading many runs (the history) on several threads: files are parsed in
 * worker threads while the main thread parses its share, and each worker sends
 * back a run's points as flat arrays. Parsing JSON is most of the time of a big
 * comparison; this divides it by the cores there are. The worker is
 * load-worker.js beside this module: in dist/compare/, and in actions/dist/
 * (scripts/build.mjs builds it there); without it, everything is read here.
 *
 * Every thread claims the next job itself from a counter in shared memory
 * (`claimLoadJob`): a worker never waits for this thread, which is busy
 * reading the baseline and the head and sees the workers' messages only
 * between its own jobs.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { Run } from "./load.js";
import { type LoadJob, loadPackedRun, type PackedRun, runFromWorker, runOf } from "./packed.js";
import { workerBeside } from "./worker-file.js";

export type { LoadJob };

/** What a load worker starts with (its `workerData`): the jobs and the shared counter of the next one. */
export interface LoadShare {
  jobs: readonly LoadJob[];
  next: Int32Array;
}

/** The next job nobody has claimed, or undefined when all are taken. */
export function claimLoadJob(share: LoadShare): LoadJob | undefined {
  return share.jobs[Atomics.add(share.next, 0, 1)];
}

/**
 * Loads `jobs` (in their order) on up to `threads` threads including this one
 * (default: the machine's cores). `mainShare` runs on this thread first (e.g.
 * reading the baseline and head) while the workers start. A worker that fails
 * (it cannot start, runs out of memory, dies) leaves the runs it did not send
 * to this thread, which reads them at the end: which thread reads a run does
 * not change the result. `file`: the worker's script (tests give others).
 */
export async function loadRunsInParallel(
  jobs: readonly LoadJob[],
  mainShare: () => void = () => {},
  threads = availableParallelism(),
  file = workerBeside(import.meta.url, "load-worker.js"),
): Promise<Run[]> {
  const nWorkers = file ? Math.min(Math.max(threads - 1, 1), Math.max(jobs.length - 1, 0)) : 0;
  if (nWorkers === 0) {
    mainShare();
    return jobs.map((j) => runOf(loadPackedRun(j)));
  }
  const out: Run[] = new Array(jobs.length);
  const share: LoadShare = { jobs, next: new Int32Array(new SharedArrayBuffer(4)) };
  const workers: Worker[] = [];
  const done = Array.from({ length: nWorkers }, () => {
    let w: Worker;
    try {
      w = new Worker(file!, { workerData: share });
    } catch {
      return Promise.resolve();
    }
    workers.push(w);
    // A worker's ids are its own table's: translated here, in the order its runs arrive.
    const remap: number[] = [];
    return new Promise<void>((resolve) => {
      w.on("message", (p: PackedRun) => {
        out[p.index] = runFromWorker(p, remap);
      });
      w.on("error", () => {}); // its unsent runs are read below
      w.on("exit", () => resolve());
    });
  });
  try {
    mainShare();
    // This thread takes jobs too, letting worker messages in between.
    for (let job = claimLoadJob(share); job; job = claimLoadJob(share)) {
      out[job.index] = runOf(loadPackedRun(job));
      await new Promise((r) => setImmediate(r));
    }
  } catch (e) {
    await Promise.all(workers.map((w) => w.terminate()));
    throw e;
  }
  await Promise.all(done);
  for (const job of jobs) out[job.index] ??= runOf(loadPackedRun(job));
  return out;
}
