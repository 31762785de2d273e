/**
 * Throughput-per-GPU vs interactivity frontiers of two runs, compared where
 * both are measured.
 *
 * - Frontier: the points no other point beats on both axes (higher
 *   interactivity and higher throughput per GPU), sorted by interactivity.
 * - Interpolation: linear in log-log space (log throughput against log
 *   interactivity) between adjacent frontier points; never extrapolated.
 * - Levels: every frontier point's interactivity of either run inside the
 *   common range [max of the two minimums, min of the two maximums].
 * - Summary: the geometric mean over the levels of head / baseline throughput
 *   (the exponential of the mean log ratio; inverse-variance weighted when
 *   there is a noise estimate, see `curveStat`).
 */
import { normalsInto, tQuantile } from "./stats.js";

/** A point in log space with the standard deviation of each coordinate. */
export interface CurvePoint {
  x: number;
  y: number;
  sx: number;
  sy: number;
}

interface XY {
  x: number;
  y: number;
}

/** A frontier as parallel arrays, by increasing x. */
interface Front {
  x: Float64Array;
  y: Float64Array;
  n: number;
}

/** Indices by decreasing x, then decreasing y (insertion sort for the usual tens of points). */
function sortedDescending(xs: ArrayLike<number>, ys: ArrayLike<number>): Int32Array {
  const n = xs.length;
  if (n > 32) return Int32Array.from(Array.from({ length: n }, (_, i) => i).sort((a, b) => xs[b]! - xs[a]! || ys[b]! - ys[a]!));
  const order = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    let j = k;
    while (j > 0 && (xs[order[j - 1]!]! < xs[k]! || (xs[order[j - 1]!]! === xs[k]! && ys[order[j - 1]!]! < ys[k]!))) {
      order[j] = order[j - 1]!;
      j--;
    }
    order[j] = k;
  }
  return order;
}

/** Scratch of `frontierOf`: the coordinates in `order`'s order, kept between calls. */
let keyX = new Float64Array(0);
let keyY = new Float64Array(0);

/**
 * Re-sorts `order` (indices by decreasing x, then y) in place after the values
 * moved a little: insertion sort, linear on nearly sorted input, on copies of
 * the coordinates (keyX, keyY) that move with the indices.
 */
function resort(order: Int32Array, xs: Float64Array, ys: Float64Array): void {
  const n = order.length;
  if (keyX.length < n) {
    keyX = new Float64Array(n);
    keyY = new Float64Array(n);
  }
  const kx = keyX;
  const ky = keyY;
  for (let k = 0; k < n; k++) {
    kx[k] = xs[order[k]!]!;
    ky[k] = ys[order[k]!]!;
  }
  for (let k = 1; k < n; k++) {
    const v = order[k]!;
    const vx = kx[k]!;
    const vy = ky[k]!;
    let j = k;
    while (j > 0 && (kx[j - 1]! < vx || (kx[j - 1]! === vx && ky[j - 1]! < vy))) {
      order[j] = order[j - 1]!;
      kx[j] = kx[j - 1]!;
      ky[j] = ky[j - 1]!;
      j--;
    }
    order[j] = v;
    kx[j] = vx;
    ky[j] = vy;
  }
}

/**
 * The Pareto frontier of points (xs[i], ys[i]): by increasing x, so by
 * decreasing y. `order` and `into` (reused across resamples) are re-sorted and
 * overwritten in place.
 */
function frontierOf(xs: Float64Array, ys: Float64Array, order: Int32Array = sortedDescending(xs, ys), into?: Front): Front {
  const n = xs.length;
  resort(order, xs, ys);
  const fx = into?.x ?? new Float64Array(n);
  const fy = into?.y ?? new Float64Array(n);
  let m = 0;
  let best = -Infinity;
  for (let k = 0; k < n; k++) {
    const y = keyY[k]!;
    if (y > best) {
      fx[m] = keyX[k]!;
      fy[m] = y;
      m++;
      best = y;
    }
  }
  for (let a = 0, b = m - 1; a < b; a++, b--) {
    const tx = fx[a]!;
    const ty = fy[a]!;
    fx[a] = fx[b]!;
    fy[a] = fy[b]!;
    fx[b] = tx;
    fy[b] = ty;
  }
  const f = into ?? { x: fx, y: fy, n: m };
  f.n = m;
  return f;
}

/** The Pareto frontier, by increasing x (so by decreasing y). */
export function frontier(points: readonly XY[]): XY[] {
  const f = frontierOf(
    Float64Array.from(points, (p) => p.x),
    Float64Array.from(points, (p) => p.y),
  );
  return Array.from({ length: f.n }, (_, i) => ({ x: f.x[i]!, y: f.y[i]! }));
}

/** y of the frontier at x by linear interpolation (x must lie within its range). */
export function interpolate(front: readonly XY[], x: number): number {
  const f = { x: Float64Array.from(front, (p) => p.x), y: Float64Array.from(front, (p) => p.y), n: front.length };
  return yOn(f, segmentAt(f, x, 0), x);
}

/**
 * Log ratios head - baseline at the common levels (every frontier x of either
 * run inside the common range, in increasing order); undefined when the
 * frontiers share no interactivity range.
 */
interface Weights {
  vx: number;
  vy: number;
  /** Correlation of the x and y noise. */
  rho: number;
}

/** Log ratios (and, with weights, their inverse-variance weights) at the levels, in reusable arrays. */
interface Levels {
  r: Float64Array;
  w: Float64Array;
  n: number;
}

const levelsFor = (size: number): Levels => ({ r: new Float64Array(size), w: new Float64Array(size), n: 0 });

/** Index of the frontier's segment holding x, searching on from `i` (levels come in increasing x). */
function segmentAt(f: Front, x: number, i: number): number {
  while (i < f.n - 1 && f.x[i + 1]! < x) i++;
  return i;
}

/** y of the frontier at x on segment i, by linear interpolation in it (x must lie within the frontier's range). */
function yOn(f: Front, i: number, x: number): number {
  const j = Math.min(i + 1, f.n - 1);
  if (f.x[j] === f.x[i]) return Math.max(f.y[i]!, f.y[j]!);
  return f.y[i]! + ((f.y[j]! - f.y[i]!) * (x - f.x[i]!)) / (f.x[j]! - f.x[i]!);
}

/** Slope dy/dx of segment i (0 for a single point). */
function slopeOn(f: Front, i: number): number {
  const j = Math.min(i + 1, f.n - 1);
  return f.x[j] === f.x[i] ? 0 : (f.y[j]! - f.y[i]!) / (f.x[j]! - f.x[i]!);
}

function ratiosOf(fh: Front, fb: Front, out: Levels, weights?: Weights): boolean {
  out.n = 0;
  if (!fh.n || !fb.n) return false;
  const lo = Math.max(fh.x[0]!, fb.x[0]!);
  const hi = Math.min(fh.x[fh.n - 1]!, fb.x[fb.n - 1]!);
  if (lo > hi) return false;
  let i = 0;
  let j = 0;
  let sh = 0;
  let sb = 0;
  let last = Number.NaN;
  while (i < fh.n || j < fb.n) {
    const x = j >= fb.n || (i < fh.n && fh.x[i]! <= fb.x[j]!) ? fh.x[i++]! : fb.x[j++]!;
    if (x < lo || x > hi || x === last) continue;
    last = x;
    sh = segmentAt(fh, x, sh);
    sb = segmentAt(fb, x, sb);
    out.r[out.n] = yOn(fh, sh, x) - yOn(fb, sb, x);
    if (weights) {
      const slope = (slopeOn(fh, sh) + slopeOn(fb, sb)) / 2;
      // Variance of the vertical gap when a point's noise moves it by (ex, ey): var(ey - slope ex).
      const v = weights.vy + slope * slope * weights.vx - 2 * slope * weights.rho * Math.sqrt(weights.vx * weights.vy);
      out.w[out.n] = 1 / Math.max(v, 1e-12);
    }
    out.n++;
  }
  return true;
}

export function logRatios(head: readonly XY[], base: readonly XY[]): number[] | undefined {
  const out = levelsFor(head.length + base.length);
  return ratiosOf(frontOf(head), frontOf(base), out) ? Array.from(out.r.subarray(0, out.n)) : undefined;
}

const frontOf = (ps: readonly XY[]) =>
  frontierOf(
    Float64Array.from(ps, (p) => p.x),
    Float64Array.from(ps, (p) => p.y),
  );
const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
/** The weighted mean of the levels' log ratios. */
const weightedMean = (l: Levels) => {
  let sw = 0;
  let s = 0;
  for (let i = 0; i < l.n; i++) {
    s += l.r[i]! * l.w[i]!;
    sw += l.w[i]!;
  }
  return s / sw;
};
/** Mean noise variance of a coordinate over the points (head at full noise, baseline means at theirs). */
const meanVar = (ps: readonly CurvePoint[], k: "sx" | "sy") => ps.reduce((a, p) => a + p[k] * p[k], 0) / ps.length;

export interface CurveStat {
  /** Mean log ratio (log of the geometric-mean ratio). */
  logRatio: number;
  /** Number of interactivity levels compared. */
  levels: number;
  /** Half-width of the confidence interval of logRatio; undefined when nothing estimates it. */
  halfWidth?: number;
  /** How the interval was made. */
  method: "bootstrap" | "t-interval" | "none";
}

/**
 * Resamples are drawn at this multiple of each point's noise: the observed
 * points are themselves one draw away from the truth, and which of them make
 * the frontier was decided by that draw, so resampling around them at 1x
 * understates the spread (by about 20% in the simulation); sqrt(2) adds the
 * second draw.
 */
export const RESAMPLE_SPREAD = Math.SQRT2;

/** Resamples of the parametric bootstrap. */
export const BOOTSTRAP_RESAMPLES = 200;

/**
 * The geometric-mean ratio and its confidence interval at `level` (e.g. 0.99).
 * With noise estimates (sx, sy > 0) the levels are weighted by their inverse
 * variance, 1 / var(ey - slope × ex) (the x and y noise correlated by `rho`,
 * estimated from history: a slower run moves a point along both axes): where the frontier is steep (low
 * concurrency: throughput changes much, interactivity little) a small
 * interactivity error is a large throughput error at equal interactivity, so
 * those levels count less. The interval is a parametric bootstrap with a fixed
 * seed: every point is redrawn from its noise, the frontiers rebuilt and the ratio
 * recomputed; the ratio is corrected by the resamples' bias (observed minus
 * (resample mean minus observed)) and the interval is that ± z × the
 * resamples' standard deviation. Without: a t-interval on the log ratios at
 * the levels.
 */
export function curveStat(head: readonly CurvePoint[], base: readonly CurvePoint[], level: number, seed: number, rho = 0): CurveStat | undefined {
  const noisy = [...head, ...base].every((p) => p.sx > 0 && p.sy > 0);
  if (!noisy) return tInterval(head, base, level);
  const weights: Weights = { vx: meanVar([...head, ...base], "sx"), vy: meanVar([...head, ...base], "sy"), rho };
  const r = levelsFor(head.length + base.length);
  if (!ratiosOf(frontOf(head), frontOf(base), r, weights)) return undefined;
  const logRatio = weightedMean(r);
  const z = tQuantile(1 - (1 - level) / 2, Infinity);
  const boot = bootstrap(head, base, seed, weights);
  // A frontier of noisy points sits above the true curve (it keeps the lucky draws), the
  // head's (one run) more than the baseline's (a mean of runs): the resamples measure that
  // bias (at RESAMPLE_SPREAD times the noise, so divided by it).
  const bias = Number.isFinite(boot.mean) ? (boot.mean - logRatio) / RESAMPLE_SPREAD : 0;
  return { logRatio: logRatio - bias, levels: r.n, halfWidth: z * boot.sd, method: "bootstrap" };
}

function tInterval(head: readonly CurvePoint[], base: readonly CurvePoint[], level: number): CurveStat | undefined {
  const r = logRatios(head, base);
  if (!r) return undefined;
  const logRatio = mean(r);
  if (r.length < 2) return { logRatio, levels: r.length, method: "none" };
  const sd = Math.sqrt(r.reduce((a, v) => a + (v - logRatio) ** 2, 0) / (r.length - 1));
  return { logRatio, levels: r.length, halfWidth: (tQuantile(1 - (1 - level) / 2, r.length - 1) * sd) / Math.sqrt(r.length), method: "t-interval" };
}

/** One run's points as arrays: position and the resample spread of each coordinate. */
interface Cloud {
  x: Float64Array;
  y: Float64Array;
  /** RESAMPLE_SPREAD × the coordinate's standard deviation. */
  sx: Float64Array;
  sy: Float64Array;
  /** This resample's coordinates. */
  rx: Float64Array;
  ry: Float64Array;
  order: Int32Array;
  front: Front;
}

function cloudOf(ps: readonly CurvePoint[]): Cloud {
  const n = ps.length;
  const c: Cloud = {
    x: Float64Array.from(ps, (p) => p.x),
    y: Float64Array.from(ps, (p) => p.y),
    sx: Float64Array.from(ps, (p) => RESAMPLE_SPREAD * p.sx),
    sy: Float64Array.from(ps, (p) => RESAMPLE_SPREAD * p.sy),
    rx: new Float64Array(n),
    ry: new Float64Array(n),
    order: new Int32Array(0),
    front: { x: new Float64Array(n), y: new Float64Array(n), n: 0 },
  };
  c.order = sortedDescending(c.x, c.y);
  return c;
}

/** Redraws every point of `c` from its noise, with the normals at `z[from...]` (two per point); returns the next unused index. */
function draw(c: Cloud, z: Float64Array, from: number, rho: number, rest: number): number {
  let k = from;
  for (let i = 0; i < c.x.length; i++) {
    const zx = z[k++]!;
    const zy = z[k++]!;
    c.rx[i] = c.x[i]! + c.sx[i]! * zx;
    c.ry[i] = c.y[i]! + c.sy[i]! * (rho * zx + rest * zy);
  }
  return k;
}

/** Scratch space for the bootstrap's normals, kept between curves. */
let normals = new Float64Array(0);

/** Mean and standard deviation of the weighted mean log ratio over the resamples. */
function bootstrap(head: readonly CurvePoint[], base: readonly CurvePoint[], seed: number, weights: Weights): { mean: number; sd: number } {
  const rho = weights.rho;
  const rest = Math.sqrt(1 - rho * rho);
  const perResample = 2 * (head.length + base.length);
  const total = perResample * BOOTSTRAP_RESAMPLES;
  if (normals.length < total) normals = new Float64Array(total);
  normalsInto(seed, normals, total);
  const h = cloudOf(head);
  const b = cloudOf(base);
  const r = levelsFor(head.length + base.length);
  let n = 0;
  let sum = 0;
  let sumSq = 0;
  let k = 0;
  for (let i = 0; i < BOOTSTRAP_RESAMPLES; i++) {
    k = draw(b, normals, draw(h, normals, k, rho, rest), rho, rest);
    if (!ratiosOf(frontierOf(h.rx, h.ry, h.order, h.front), frontierOf(b.rx, b.ry, b.order, b.front), r, weights) || !r.n) continue;
    const m = weightedMean(r);
    n++;
    sum += m;
    sumSq += m * m;
  }
  if (n < 2) return { mean: Number.NaN, sd: Infinity };
  const mu = sum / n;
  return { mean: mu, sd: Math.sqrt(Math.max(0, (sumSq - n * mu * mu) / (n - 1))) };
}
