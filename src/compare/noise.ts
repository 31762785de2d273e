/**
 * Noise of a point's metric, from the baseline and the history runs (earlier
 * runs of the same point on the base branch). All in log space, so the
 * standard deviation is the coefficient of variation for small spreads.
 *
 * With 3 history runs a point has 4 reference values: 3 degrees of freedom, far
 * too few for its own estimate. `pointNoise` therefore shrinks the point's own
 * variance towards the metric's pooled variance (all points' within-point
 * variances pooled by their degrees of freedom), as if the pool added
 * PRIOR_DF degrees of freedom: a point that is noisier than the rest still
 * gets a wider margin, and a quiet estimate from 4 values cannot make a point
 * look precise.
 */
import { KEPT_METRICS, type Point, type Run } from "./load.js";
import { CURVE_X, CURVE_Y } from "./metrics.js";

/** Weight of the pooled variance, in degrees of freedom. */
export const PRIOR_DF = 6;

/** Reference statistics of every point and kept metric, in log space: index `point * KEPT_METRICS.length + metric`. */
export interface RefTable {
  /** Reference values used (baseline and history runs that have a positive value). */
  n: Int32Array;
  /** Mean of the log values (the log of their geometric mean); NaN when n is 0. */
  mean: Float64Array;
  /** Sum of squared deviations of the log values (0 when n < 2). */
  ss: Float64Array;
}

/** Per metric (KEPT_METRICS order): the pooled within-point variance of log values and its degrees of freedom. */
export interface NoiseModel {
  pooledVar: number[];
  pooledDf: number[];
  /** Pooled correlation of the run-to-run noise of the frontier's axes (log throughput per GPU, log interactivity): a slower run moves a point along both. */
  curveCorrelation: number;
}

const XI = KEPT_METRICS.indexOf(CURVE_X);
const YI = KEPT_METRICS.indexOf(CURVE_Y);
/** The current point's log interactivity and log throughput per run (NaN: not positive), from `fillRefs` for `addCrossProducts`. */
let logX = new Float64Array(16);
let logY = new Float64Array(16);

/** Where each point's values start in a history run (`point * K`), or -1: one pass over the run, by id. */
function offsetsOf(run: Run, pointOfId: Int32Array, points: number): Int32Array {
  const k = KEPT_METRICS.length;
  const at = new Int32Array(points).fill(-1);
  for (let j = 0; j < run.ids.length; j++) {
    const i = pointOfId[run.ids[j]!]!;
    if (i >= 0) at[i] = j * k;
  }
  return at;
}

/** Fills row `i` of `t` from `m` runs' values (run r's at `src[r][off[r] ..]`): n, mean and sum of squared deviations of the positive values' logs. */
function fillRefs(t: RefTable, i: number, src: readonly Float64Array[], off: Int32Array, m: number): void {
  const k = KEPT_METRICS.length;
  for (let mi = 0; mi < k; mi++) {
    let n = 0;
    let sum = 0;
    let sumSq = 0;
    const keep = mi === XI ? logX : mi === YI ? logY : undefined;
    for (let r = 0; r < m; r++) {
      const v = src[r]![off[r]! + mi]!;
      const y = v > 0 ? Math.log(v) : Number.NaN;
      if (keep) keep[r] = y;
      if (!(v > 0)) continue;
      n++;
      sum += y;
      sumSq += y * y;
    }
    const mean = n ? sum / n : Number.NaN;
    t.n[i * k + mi] = n;
    t.mean[i * k + mi] = mean;
    t.ss[i * k + mi] = n > 1 ? Math.max(0, sumSq - n * mean * mean) : 0;
  }
}

/**
 * The reference statistics of every point (`baseline` by point index;
 * `pointOfId`: identity id -> point index or -1) from the baseline and the
 * history, and, with history, the noise model pooled over them, in one pass.
 */
export function noiseModel(pointOfId: Int32Array, baseline: readonly (Point | undefined)[], history: readonly Run[]): { refs: RefTable; model: NoiseModel } {
  const k = KEPT_METRICS.length;
  const points = baseline.length;
  const size = points * k;
  const refs: RefTable = { n: new Int32Array(size), mean: new Float64Array(size), ss: new Float64Array(size) };
  const ss = new Float64Array(k);
  const df = new Float64Array(k);
  const xy = { sxy: 0, sxx: 0, syy: 0 };
  const src: Float64Array[] = new Array(history.length + 1);
  const off = new Int32Array(history.length + 1);
  const offsets = history.map((h) => offsetsOf(h, pointOfId, points));
  if (logX.length < history.length + 1) {
    logX = new Float64Array(history.length + 1);
    logY = new Float64Array(history.length + 1);
  }
  for (let i = 0; i < points; i++) {
    // The reference values: the baseline's first, then the history runs' in their order.
    let m = 0;
    const b = baseline[i];
    if (b) {
      src[m] = b.values;
      off[m++] = b.at;
    }
    for (let r = 0; r < history.length; r++) {
      const at = offsets[r]![i]!;
      if (at < 0) continue;
      src[m] = history[r]!.values;
      off[m++] = at;
    }
    fillRefs(refs, i, src, off, m);
    if (!history.length) continue;
    for (let mi = 0; mi < k; mi++) {
      const n = refs.n[i * k + mi]!;
      if (n > 1) {
        ss[mi] += refs.ss[i * k + mi]!;
        df[mi] += n - 1;
      }
    }
    addCrossProducts(m, xy);
  }
  const curveCorrelation = xy.sxx > 0 && xy.syy > 0 ? Math.max(-1, Math.min(1, xy.sxy / Math.sqrt(xy.sxx * xy.syy))) : 0;
  const pooledDf = Array.from(df);
  return { refs, model: { pooledVar: pooledDf.map((d, i) => (d > 0 ? ss[i]! / d : Number.NaN)), pooledDf, curveCorrelation } };
}

/** Within-point sums of squares and cross-products of log interactivity (x) and log throughput per GPU (y). */
function addCrossProducts(m: number, acc: { sxy: number; sxx: number; syy: number }): void {
  let c = 0;
  let sx = 0;
  let sy = 0;
  for (let r = 0; r < m; r++) {
    const x = logX[r]!;
    const y = logY[r]!;
    if (Number.isNaN(x) || Number.isNaN(y)) continue;
    sx += x;
    sy += y;
    c++;
  }
  if (c < 2) return;
  const mx = sx / c;
  const my = sy / c;
  for (let r = 0; r < m; r++) {
    const x = logX[r]!;
    const y = logY[r]!;
    if (Number.isNaN(x) || Number.isNaN(y)) continue;
    const dx = x - mx;
    const dy = y - my;
    acc.sxy += dx * dy;
    acc.sxx += dx ** 2;
    acc.syy += dy ** 2;
  }
}

/**
 * The noise of one run's value of a point's metric (`i` indexes `refs` as
 * RefTable does), as its standard deviation (about the coefficient of
 * variation) written to `out.sd` and its degrees of freedom returned; 0 when
 * nothing estimates it.
 */
export function pointNoise(refs: RefTable, i: number, mi: number, model: NoiseModel, out: { sd: number }): number {
  const n = refs.n[i]!;
  const ss = refs.ss[i]!;
  const own = n > 1 ? n - 1 : 0;
  const prior = Math.min(PRIOR_DF, model.pooledDf[mi]! - own);
  if (own + Math.max(0, prior) === 0) return 0;
  if (prior <= 0) {
    out.sd = Math.sqrt(ss / own);
    return own;
  }
  out.sd = Math.sqrt((ss + prior * model.pooledVar[mi]!) / (own + prior));
  return own + prior;
}
