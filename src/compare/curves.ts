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
import { NormalStream, tQuantile } from "./stats.js";
import { type BootstrapCloud, wasmBootstrap } from "./wasm-bootstrap.js";

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

/** A frontier as parallel arrays, by increasing x, with the slope of each segment (0 for the last point). */
interface Front {
  x: Float64Array;
  y: Float64Array;
  s: Float64Array;
  n: number;
}

const frontFor = (n: number): Front => ({ x: new Float64Array(n), y: new Float64Array(n), s: new Float64Array(n), n: 0 });

/** Sets the slopes of `f`'s segments: the frontier's x are strictly increasing. */
function withSlopes(f: Front): Front {
  for (let i = 0; i < f.n - 1; i++) f.s[i] = (f.y[i + 1]! - f.y[i]!) / (f.x[i + 1]! - f.x[i]!);
  if (f.n) f.s[f.n - 1] = 0;
  return f;
}

/** Indices by decreasing x, then decreasing y (insertion sort up to 64 points: the usual tens). */
function sortedDescending(xs: ArrayLike<number>, ys: ArrayLike<number>, n = xs.length): Int32Array {
  if (n > 64) return Int32Array.from(Array.from({ length: n }, (_, i) => i).sort((a, b) => xs[b]! - xs[a]! || ys[b]! - ys[a]!));
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

/** Scratch of the frontiers: the coordinates by decreasing x, then y, kept between calls. */
let keyX = new Float64Array(0);
let keyY = new Float64Array(0);

function keysFor(n: number): void {
  if (keyX.length >= n) return;
  keyX = new Float64Array(n);
  keyY = new Float64Array(n);
}

/** Sorts keyX[0..n) by decreasing x, then decreasing y (keyY moving along): insertion sort, linear on nearly sorted input. */
function sortKeys(n: number): void {
  const kx = keyX;
  const ky = keyY;
  for (let k = 1; k < n; k++) {
    const vx = kx[k]!;
    const vy = ky[k]!;
    let j = k;
    while (j > 0 && (kx[j - 1]! < vx || (kx[j - 1]! === vx && ky[j - 1]! < vy))) {
      kx[j] = kx[j - 1]!;
      ky[j] = ky[j - 1]!;
      j--;
    }
    kx[j] = vx;
    ky[j] = vy;
  }
}

/** The Pareto frontier of the sorted keyX/keyY[0..n), by increasing x (so decreasing y), written to `into`. */
function frontOfKeys(n: number, into: Front): Front {
  const fx = into.x;
  const fy = into.y;
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
  into.n = m;
  return withSlopes(into);
}

/** The Pareto frontier of points (xs[i], ys[i]), by increasing x (so by decreasing y). */
function frontierOf(xs: Float64Array, ys: Float64Array): Front {
  const n = xs.length;
  const order = sortedDescending(xs, ys);
  keysFor(n);
  for (let k = 0; k < n; k++) {
    keyX[k] = xs[order[k]!]!;
    keyY[k] = ys[order[k]!]!;
  }
  return frontOfKeys(n, frontFor(n));
}

/** The Pareto frontier, by increasing x (so by decreasing y). */
export function frontier(points: readonly XY[]): XY[] {
  const f = frontierOf(
    Float64Array.from(points, (p) => p.x),
    Float64Array.from(points, (p) => p.y),
  );
  return Array.from({ length: f.n }, (_, i) => ({ x: f.x[i]!, y: f.y[i]! }));
}

/** y of the frontier (by strictly increasing x) at x by linear interpolation (x must lie within its range). */
export function interpolate(front: readonly XY[], x: number): number {
  const f = frontFor(front.length);
  front.forEach((p, i) => {
    f.x[i] = p.x;
    f.y[i] = p.y;
  });
  f.n = front.length;
  withSlopes(f);
  const i = segmentAt(f, x, 0);
  return f.y[i]! + f.s[i]! * (x - f.x[i]!);
}

/** The noise that weights the levels (see `curveStat`). */
interface Weights {
  vx: number;
  vy: number;
  /** Correlation of the x and y noise. */
  rho: number;
  /** Their covariance: rho sqrt(vx vy). */
  cov: number;
}

/** Every level weighs the same. */
const UNWEIGHTED: Weights = { vx: 0, vy: 1, rho: 0, cov: 0 };

/** Log ratios at the levels (in reusable arrays) and their weighted mean. */
interface Levels {
  r: Float64Array;
  n: number;
  mean: number;
}

const levelsFor = (size: number): Levels => ({ r: new Float64Array(size), n: 0, mean: Number.NaN });

/** The bootstrap's levels, reused from curve to curve. */
let scratchLevels = levelsFor(0);

function levelsOf(size: number): Levels {
  if (scratchLevels.r.length < size) scratchLevels = levelsFor(size);
  return scratchLevels;
}

/** Index of the frontier's segment holding x, searching on from `i` (levels come in increasing x). */
function segmentAt(f: Front, x: number, i: number): number {
  while (i < f.n - 1 && f.x[i + 1]! < x) i++;
  return i;
}

/**
 * Log ratios head - baseline at the common levels (every frontier x of either
 * run inside the common range, in increasing order) into `out`, with their
 * mean weighted by the inverse variance of each level's gap; false when the
 * frontiers share no interactivity range.
 */
function ratiosOf(fh: Front, fb: Front, out: Levels, weights: Weights = UNWEIGHTED): boolean {
  out.n = 0;
  out.mean = Number.NaN;
  if (!fh.n || !fb.n) return false;
  const lo = Math.max(fh.x[0]!, fb.x[0]!);
  const hi = Math.min(fh.x[fh.n - 1]!, fb.x[fb.n - 1]!);
  if (lo > hi) return false;
  const { vx, vy, cov } = weights;
  const r = out.r;
  let n = 0;
  let sum = 0;
  let sumW = 0;
  const { x: hx, y: hy, s: hs, n: hn } = fh;
  const { x: bx, y: by, s: bs, n: bn } = fb;
  let i = 0;
  let j = 0;
  let sh = 0;
  let sb = 0;
  let last = Number.NaN;
  while (i < hn || j < bn) {
    // The merged x increase: past hi, done.
    const x = j >= bn || (i < hn && hx[i]! <= bx[j]!) ? hx[i++]! : bx[j++]!;
    if (x > hi) break;
    if (x < lo || x === last) continue;
    last = x;
    while (sh < hn - 1 && hx[sh + 1]! < x) sh++;
    while (sb < bn - 1 && bx[sb + 1]! < x) sb++;
    const ratio = hy[sh]! + hs[sh]! * (x - hx[sh]!) - (by[sb]! + bs[sb]! * (x - bx[sb]!));
    const slope = (hs[sh]! + bs[sb]!) / 2;
    // Variance of the vertical gap when a point's noise moves it by (ex, ey): var(ey - slope ex).
    const w = 1 / Math.max(vy + slope * slope * vx - 2 * slope * cov, 1e-12);
    r[n++] = ratio;
    sum += ratio * w;
    sumW += w;
  }
  out.n = n;
  out.mean = sum / sumW;
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
/**
 * The levels' weights: the mean noise variance of each coordinate over the
 * points (head at full noise, baseline means at theirs); undefined unless
 * every point has a noise estimate.
 */
function weightsOf(head: readonly CurvePoint[], base: readonly CurvePoint[], rho: number): Weights | undefined {
  let vx = 0;
  let vy = 0;
  const n = head.length + base.length;
  for (let i = 0; i < n; i++) {
    const p = i < head.length ? head[i]! : base[i - head.length]!;
    if (!(p.sx > 0 && p.sy > 0)) return undefined;
    vx += p.sx * p.sx;
    vy += p.sy * p.sy;
  }
  vx /= n;
  vy /= n;
  return { vx, vy, rho, cov: rho * Math.sqrt(vx * vy) };
}

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
 * Where the bootstrap runs: WebAssembly (`wasmBootstrap`, the same numbers
 * bit for bit, faster) unless INFX_COMPARE_WASM=0 asks for the JavaScript of
 * `bootstrap` below.
 */
export type BootstrapWay = "wasm" | "js";
const BOOTSTRAP_WAY: BootstrapWay = process.env.INFX_COMPARE_WASM === "0" ? "js" : "wasm";

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
export function curveStat(
  head: readonly CurvePoint[],
  base: readonly CurvePoint[],
  level: number,
  seed: number,
  rho = 0,
  way: BootstrapWay = BOOTSTRAP_WAY,
): CurveStat | undefined {
  const weights = weightsOf(head, base, rho);
  if (!weights) return tInterval(head, base, level);
  const r = levelsOf(head.length + base.length);
  const h = cloudOf(head, heads);
  const b = cloudOf(base, bases);
  if (!ratiosOf(observedFront(h), observedFront(b), r, weights)) return undefined;
  const logRatio = r.mean;
  const levels = r.n;
  const z = tQuantile(1 - (1 - level) / 2, Infinity);
  const boot = way === "wasm" ? wasmBootstrap(h, b, seed, BOOTSTRAP_RESAMPLES, weights) : bootstrap(h, b, seed, weights);
  // A frontier of noisy points sits above the true curve (it keeps the lucky draws), the
  // head's (one run) more than the baseline's (a mean of runs): the resamples measure that
  // bias (at RESAMPLE_SPREAD times the noise, so divided by it).
  const bias = Number.isFinite(boot.mean) ? (boot.mean - logRatio) / RESAMPLE_SPREAD : 0;
  return { logRatio: logRatio - bias, levels, halfWidth: z * boot.sd, method: "bootstrap" };
}

function tInterval(head: readonly CurvePoint[], base: readonly CurvePoint[], level: number): CurveStat | undefined {
  const r = logRatios(head, base);
  if (!r) return undefined;
  const logRatio = mean(r);
  if (r.length < 2) return { logRatio, levels: r.length, method: "none" };
  const sd = Math.sqrt(r.reduce((a, v) => a + (v - logRatio) ** 2, 0) / (r.length - 1));
  return { logRatio, levels: r.length, halfWidth: (tQuantile(1 - (1 - level) / 2, r.length - 1) * sd) / Math.sqrt(r.length), method: "t-interval" };
}

/**
 * One run's points as arrays, by decreasing x, then y: position, the resample
 * spread of each coordinate (RESAMPLE_SPREAD × its standard deviation) and the
 * guards (`guardsOf`), as `wasmBootstrap` takes them; and the JavaScript
 * bootstrap's scratch.
 */
interface Cloud extends BootstrapCloud {
  /** This resample's coordinates. */
  rx: Float64Array;
  ry: Float64Array;
  /** This resample's frontier, and the observed one. */
  front: Front;
  observed: Front;
}

const cloudFor = (n: number): Cloud => ({
  n: 0,
  x: new Float64Array(n),
  y: new Float64Array(n),
  sx: new Float64Array(n),
  sy: new Float64Array(n),
  guard: new Int32Array(n),
  rx: new Float64Array(n),
  ry: new Float64Array(n),
  front: frontFor(n),
  observed: frontFor(n),
});

/** The head's and the baseline's clouds, reused from curve to curve (grown as needed). */
const heads = { cloud: cloudFor(0) };
const bases = { cloud: cloudFor(0) };

/** The points of one run as a cloud (in `scratch`'s, grown when too small). */
function cloudOf(ps: readonly CurvePoint[], scratch: { cloud: Cloud }): Cloud {
  const n = ps.length;
  if (scratch.cloud.x.length < n) scratch.cloud = cloudFor(n);
  const c = scratch.cloud;
  c.n = n;
  for (let k = 0; k < n; k++) {
    c.x[k] = ps[k]!.x;
    c.y[k] = ps[k]!.y;
  }
  const order = sortedDescending(c.x, c.y, n);
  for (let k = 0; k < n; k++) {
    const p = ps[order[k]!]!;
    c.x[k] = p.x;
    c.y[k] = p.y;
    c.sx[k] = RESAMPLE_SPREAD * p.sx;
    c.sy[k] = RESAMPLE_SPREAD * p.sy;
  }
  guardsOf(c);
  return c;
}

/** The observed frontier of `c` (its points are already in the frontier's sort order). */
function observedFront(c: Cloud): Front {
  keysFor(c.n);
  keyX.set(c.x.subarray(0, c.n));
  keyY.set(c.y.subarray(0, c.n));
  return frontOfKeys(c.n, c.observed);
}

/**
 * Most points of a curve lie below its frontier, and a point that another
 * point dominates (no lower on both axes) in a resample cannot be on that
 * resample's frontier: each point below the observed frontier gets as guard
 * the frontier point that dominates it by the most noise, and a resample drops
 * the points their guard still dominates before the frontier is built. The
 * frontier is the same as without (guards are never dropped).
 */
function guardsOf(c: Cloud): void {
  for (let j = 0; j < c.n; j++) {
    let best = -1;
    let margin = 0;
    for (let k = 0; k < j; k++) {
      if (c.guard[k] !== -1) continue;
      const m = Math.min((c.x[k]! - c.x[j]!) / (c.sx[k]! + c.sx[j]!), (c.y[k]! - c.y[j]!) / (c.sy[k]! + c.sy[j]!));
      if (m > margin) {
        best = k;
        margin = m;
      }
    }
    c.guard[j] = best;
  }
}

/**
 * One resample's frontier of `c` (into c.front): every point redrawn from its
 * noise with the normals z[from...] for x and z[ys + from...] for y's own part
 * (unused when the axes' noise is fully correlated, rest = 0), the points their guard
 * dominates dropped, the rest sorted (they start in the observed order, so the
 * sort is short) and the frontier taken.
 */
function resampledFront(c: Cloud, z: Float64Array, from: number, ys: number, rho: number, rest: number): Front {
  const { n, x, y, sx, sy, guard, rx, ry } = c;
  const kx = keyX;
  const ky = keyY;
  let m = 0;
  for (let i = 0; i < n; i++) {
    const ex = z[from + i]!;
    const px = x[i]! + sx[i]! * ex;
    const py = y[i]! + sy[i]! * (rest === 0 ? rho * ex : rho * ex + rest * z[ys + from + i]!);
    rx[i] = px;
    ry[i] = py;
    // A guard is an earlier point: already redrawn.
    const g = guard[i]!;
    if (g >= 0 && rx[g]! >= px && ry[g]! >= py) continue;
    kx[m] = px;
    ky[m] = py;
    m++;
  }
  sortKeys(m);
  return frontOfKeys(m, c.front);
}

/** Scratch space for the bootstrap's normals, kept between curves. */
let normals = new Float64Array(0);

/** One resample's weighted mean log ratio (NaN when the frontiers share no level). */
function resample(h: Cloud, b: Cloud, stream: NormalStream, weights: Weights, rest: number, r: Levels): number {
  const points = h.n + b.n;
  stream.fill(normals, rest === 0 ? points : 2 * points);
  for (let k = 0; k < 2; k++) resampledFront(k ? b : h, normals, k ? h.n : 0, points, weights.rho, rest);
  return ratiosOf(h.front, b.front, r, weights) && r.n ? r.mean : Number.NaN;
}

/**
 * Mean and standard deviation of the weighted mean log ratio over the
 * resamples. Each resample takes the next normals of the curve's seeded
 * stream: one per point (head, then baseline) for x, then, unless the axes'
 * noise is fully correlated, one per point for y's own part. (One call site
 * per step: the optimizing compiler inlines each once.)
 */
function bootstrap(h: Cloud, b: Cloud, seed: number, weights: Weights): { mean: number; sd: number } {
  const rho = weights.rho;
  const rest = Math.sqrt(Math.max(0, 1 - rho * rho));
  const points = h.n + b.n;
  if (normals.length < 2 * points) normals = new Float64Array(2 * points);
  keysFor(Math.max(h.n, b.n));
  const stream = new NormalStream(seed);
  const r = levelsOf(points);
  let n = 0;
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < BOOTSTRAP_RESAMPLES; i++) {
    const m = resample(h, b, stream, weights, rest, r);
    if (Number.isNaN(m)) continue;
    n++;
    sum += m;
    sumSq += m * m;
  }
  if (n < 2) return { mean: Number.NaN, sd: Infinity };
  const mu = sum / n;
  return { mean: mu, sd: Math.sqrt(Math.max(0, (sumSq - n * mu * mu) / (n - 1))) };
}
