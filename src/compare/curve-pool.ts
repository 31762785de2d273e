/**
 * The curves' statistics (`curveStat`, mostly its bootstrap) on several
 * threads. Curves are independent and each has its own seed, so the results
 * are the same, bit for bit, whichever thread computes which curve: the jobs
 * sit in shared memory, every thread (this one included) claims the next one
 * with an atomic counter, and this thread waits (Atomics.wait) until all are
 * done, so `compareRuns` stays synchronous. Without the worker file (a
 * single-file bundle, the TypeScript sources under test) everything runs here.
 */
import { Worker } from "node:worker_threads";
import { curveStat, type CurvePoint, type CurveStat } from "./curves.js";
import { workerBeside } from "./worker-file.js";

/** One curve's input: the head's points, the baseline's and the bootstrap's seed. */
export interface CurveJob {
  head: readonly CurvePoint[];
  base: readonly CurvePoint[];
  seed: number;
}

/** Jobs and results in shared memory (the worker's `workerData`). */
export interface SharedJobs {
  /** [next job to claim, jobs done, then per job: state (0 open, 1 claimed, 2 done)]. */
  control: Int32Array;
  /** Per job: first point, head points, baseline points (head first, then baseline). */
  index: Int32Array;
  /** Per point: x, y, sx, sy. */
  coords: Float64Array;
  seeds: Uint32Array;
  /** [level, rho]. */
  params: Float64Array;
  /** Per job: found (0/1), logRatio, levels, has halfWidth (0/1), halfWidth, method (0 none, 1 t-interval, 2 bootstrap). */
  out: Float64Array;
}

const NEXT = 0;
const DONE = 1;
const STATE = 2;
const OUT = 6;
const METHODS: CurveStat["method"][] = ["none", "t-interval", "bootstrap"];
/** Fewer curves than this are not worth a thread's start-up. */
export const MIN_PARALLEL_CURVES = 16;
/** A claimed job not done after this long is computed again here (a worker that died). */
const STALL_MS = 5000;

const shared = <T>(make: new (b: SharedArrayBuffer) => T, bytes: number): T => new make(new SharedArrayBuffer(Math.max(bytes, 8)));

function pack(jobs: readonly CurveJob[], level: number, rho: number): SharedJobs {
  const points = jobs.reduce((a, j) => a + j.head.length + j.base.length, 0);
  const s: SharedJobs = {
    control: shared(Int32Array, 4 * (STATE + jobs.length)),
    index: shared(Int32Array, 4 * 3 * jobs.length),
    coords: shared(Float64Array, 8 * 4 * points),
    seeds: shared(Uint32Array, 4 * jobs.length),
    params: shared(Float64Array, 16),
    out: shared(Float64Array, 8 * OUT * jobs.length),
  };
  s.params[0] = level;
  s.params[1] = rho;
  let at = 0;
  const c = s.coords;
  jobs.forEach((j, k) => {
    s.index[3 * k] = at;
    s.index[3 * k + 1] = j.head.length;
    s.index[3 * k + 2] = j.base.length;
    s.seeds[k] = j.seed;
    for (const ps of [j.head, j.base]) {
      for (let i = 0; i < ps.length; i++, at++) {
        const p = ps[i]!;
        c[4 * at] = p.x;
        c[4 * at + 1] = p.y;
        c[4 * at + 2] = p.sx;
        c[4 * at + 3] = p.sy;
      }
    }
  });
  return s;
}

function pointsOf(s: SharedJobs, from: number, n: number): CurvePoint[] {
  const c = s.coords;
  return Array.from({ length: n }, (_, i) => ({ x: c[4 * (from + i)]!, y: c[4 * (from + i) + 1]!, sx: c[4 * (from + i) + 2]!, sy: c[4 * (from + i) + 3]! }));
}

/** Computes job `k` and stores its result (a job computed twice stores the same numbers). */
function compute(s: SharedJobs, k: number): void {
  const [at, nh, nb] = [s.index[3 * k]!, s.index[3 * k + 1]!, s.index[3 * k + 2]!];
  const stat = curveStat(pointsOf(s, at, nh), pointsOf(s, at + nh, nb), s.params[0]!, s.seeds[k]!, s.params[1]!);
  const o = OUT * k;
  s.out[o] = stat ? 1 : 0;
  if (stat) {
    s.out[o + 1] = stat.logRatio;
    s.out[o + 2] = stat.levels;
    s.out[o + 3] = stat.halfWidth === undefined ? 0 : 1;
    s.out[o + 4] = stat.halfWidth ?? 0;
    s.out[o + 5] = METHODS.indexOf(stat.method);
  }
  if (Atomics.exchange(s.control, STATE + k, 2) !== 2) Atomics.add(s.control, DONE, 1);
  Atomics.notify(s.control, DONE);
}

/** Claims and computes jobs until none is left (the loop of every thread). */
export function claimJobs(s: SharedJobs): void {
  const n = s.seeds.length;
  for (let k = Atomics.add(s.control, NEXT, 1); k < n; k = Atomics.add(s.control, NEXT, 1)) {
    Atomics.store(s.control, STATE + k, 1);
    compute(s, k);
  }
}

function waitForAll(s: SharedJobs, stallMs: number): void {
  const n = s.seeds.length;
  let done = Atomics.load(s.control, DONE);
  let since = Date.now();
  while (done < n) {
    Atomics.wait(s.control, DONE, done, 100);
    const now = Atomics.load(s.control, DONE);
    if (now > done) {
      done = now;
      since = Date.now();
    } else if (Date.now() - since > stallMs) {
      for (let k = 0; k < n; k++) if (Atomics.load(s.control, STATE + k) !== 2) compute(s, k);
      done = Atomics.load(s.control, DONE);
    }
  }
}

function unpack(s: SharedJobs, k: number): CurveStat | undefined {
  const o = OUT * k;
  if (!s.out[o]) return undefined;
  const stat: CurveStat = { logRatio: s.out[o + 1]!, levels: s.out[o + 2]!, method: METHODS[s.out[o + 5]!]! };
  if (s.out[o + 3]) stat.halfWidth = s.out[o + 4]!;
  return stat;
}

/** What tests change in `curveStats`: the worker's script, the stall before this thread takes over, a step before it claims jobs. */
export interface CurvePoolOptions {
  file?: string;
  stallMs?: number;
  beforeClaim?: () => void;
}

/**
 * `curveStat` of every job at `level` with noise correlation `rho`, on this
 * thread and up to `workers` more; `threads` is how many threads took part.
 */
export function curveStats(
  jobs: readonly CurveJob[],
  level: number,
  rho: number,
  workers: number,
  options: CurvePoolOptions = {},
): { stats: (CurveStat | undefined)[]; threads: number } {
  const file = workers > 0 && jobs.length >= MIN_PARALLEL_CURVES ? (options.file ?? workerBeside(import.meta.url, "curve-worker.js")) : undefined;
  if (!file) return { stats: jobs.map((j) => curveStat(j.head, j.base, level, j.seed, rho)), threads: 1 };
  const s = pack(jobs, level, rho);
  // A worker that cannot start or fails leaves its jobs to the others (see waitForAll).
  const threads: Worker[] = [];
  for (let t = 0; t < Math.min(workers, Math.ceil(jobs.length / MIN_PARALLEL_CURVES)); t++) {
    try {
      const w = new Worker(file, { workerData: s });
      w.unref();
      w.on("error", () => {});
      threads.push(w);
    } catch {
      break;
    }
  }
  try {
    options.beforeClaim?.();
    claimJobs(s);
    waitForAll(s, options.stallMs ?? STALL_MS);
  } finally {
    for (const w of threads) void w.terminate();
  }
  return { stats: jobs.map((_, k) => unpack(s, k)), threads: 1 + threads.length };
}
