/**
 * Reading many runs (the history) on several threads: files are parsed in
 * worker threads while the main thread parses its share, and each worker sends
 * back a run's points as flat arrays. Parsing JSON is most of the time of a big
 * comparison; this divides it by the cores there are. A single-file bundle (an
 * action) has no worker file: it reads on the main thread.
 */
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { KEPT_METRICS, loadRun, type Point, type Run } from "./load.js";

export interface LoadJob {
  index: number;
  label: string;
  files: string[];
  root?: string;
}

export interface PackedRun {
  index: number;
  label: string;
  keys: string[];
  values: Float64Array;
  bad: Int32Array;
  problems: string[];
  files: number;
  duplicates: number;
}

export function packRun(index: number, run: Run): PackedRun {
  const n = run.points.size;
  const k = KEPT_METRICS.length;
  const values = new Float64Array(n * k);
  const bad = new Int32Array(n);
  const keys: string[] = [];
  let i = 0;
  for (const [key, p] of run.points) {
    keys.push(key);
    values.set(p.values, i * k);
    bad[i++] = p.bad;
  }
  return { index, label: run.label, keys, values, bad, problems: run.problems, files: run.files, duplicates: run.duplicates };
}

/** A packed run back as a Run whose points carry no identity (enough for history). */
export function unpackRun(p: PackedRun): Run {
  const k = KEPT_METRICS.length;
  const points = new Map<string, Point>();
  p.keys.forEach((key, i) => points.set(key, { key, identity: {}, values: p.values.subarray(i * k, (i + 1) * k), bad: p.bad[i]!, date: "", source: p.label }));
  return { label: p.label, points, problems: p.problems, files: p.files, duplicates: p.duplicates };
}

/** A file next to this module (a function, so that bundlers do not copy it as an asset). */
function besideThisModule(name: string): URL {
  return new URL(name, import.meta.url);
}

function workerFile(): string | undefined {
  try {
    const file = fileURLToPath(besideThisModule("load-worker.js"));
    return existsSync(file) && existsSync(join(dirname(file), "load.js")) ? file : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Loads `jobs` (in their order) on up to `threads` threads including this one
 * (default: the machine's cores). `mainShare` runs on this thread first (e.g.
 * reading the baseline and head) while the workers start.
 */
export async function loadRunsInParallel(jobs: readonly LoadJob[], mainShare: () => void = () => {}, threads = availableParallelism()): Promise<Run[]> {
  const file = workerFile();
  const nWorkers = file ? Math.min(Math.max(threads - 1, 1), Math.max(jobs.length - 1, 0)) : 0;
  if (nWorkers === 0) {
    mainShare();
    return jobs.map((j) => loadRun(j.label, j.files, j.root));
  }
  const out: Run[] = new Array(jobs.length);
  const queue = [...jobs];
  const workers: Worker[] = [];
  const done = Array.from({ length: nWorkers }, () => {
    const w = new Worker(file!);
    workers.push(w);
    return new Promise<void>((resolve, reject) => {
      const next = () => w.postMessage(queue.shift() ?? null);
      w.on("message", (p: PackedRun) => {
        out[p.index] = unpackRun(p);
        next();
      });
      w.on("error", reject);
      w.on("exit", () => resolve());
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
    out[job.index] = loadRun(job.label, job.files, job.root);
    await new Promise((r) => setImmediate(r));
  }
  await Promise.all(done);
  return out;
}
