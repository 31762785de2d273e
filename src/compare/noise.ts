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

/** The reference values of one metric of one point: baseline and history, in log space. */
export interface RefStats {
  n: number;
  /** Mean of the log values (the log of their geometric mean). */
  mean: number;
  /** Sum of squared deviations of the log values. */
  ss: number;
  /** The baseline value itself (NaN when absent). */
  baseline: number;
}

/** The points of one identity in the baseline (first) and the history runs. */
export function refPoints(key: string, baseline: Run, history: readonly Run[]): (Point | undefined)[] {
  return [baseline.points.get(key), ...history.map((h) => h.points.get(key))];
}

export function refStats(points: readonly (Point | undefined)[], mi: number): RefStats {
  let n = 0;
  let sum = 0;
  let sumSq = 0;
  const add = (p: Point | undefined) => {
    const v = p?.values[mi];
    if (v === undefined || !(v > 0)) return;
    const y = Math.log(v);
    n++;
    sum += y;
    sumSq += y * y;
  };
  for (const p of points) add(p);
  const b = points[0];
  const mean = n ? sum / n : Number.NaN;
  return { n, mean, ss: n > 1 ? Math.max(0, sumSq - n * mean * mean) : 0, baseline: b ? b.values[mi]! : Number.NaN };
}

/** Per metric (KEPT_METRICS order): the pooled within-point variance of log values and its degrees of freedom. */
export interface NoiseModel {
  pooledVar: number[];
  pooledDf: number[];
  /** Pooled correlation of the run-to-run noise of the frontier's axes (log throughput per GPU, log interactivity): a slower run moves a point along both. */
  curveCorrelation: number;
}

/** Reference statistics of every kept metric of one identity (KEPT_METRICS order). */
export function refStatsAll(key: string, baseline: Run, history: readonly Run[]): RefStats[] {
  const points = refPoints(key, baseline, history);
  return KEPT_METRICS.map((_, mi) => refStats(points, mi));
}

/** `cache` receives every identity's reference statistics, so callers need not compute them again. */
export function noiseModel(keys: Iterable<string>, baseline: Run, history: readonly Run[], cache?: Map<string, RefStats[]>): NoiseModel {
  const ss = KEPT_METRICS.map(() => 0);
  const df = KEPT_METRICS.map(() => 0);
  const xy = { sxy: 0, sxx: 0, syy: 0 };
  if (history.length) {
    for (const key of keys) {
      const points = refPoints(key, baseline, history);
      const all = KEPT_METRICS.map((_, mi) => refStats(points, mi));
      cache?.set(key, all);
      for (let mi = 0; mi < KEPT_METRICS.length; mi++) {
        const r = all[mi]!;
        if (r.n > 1) {
          ss[mi] += r.ss;
          df[mi] += r.n - 1;
        }
      }
      addCrossProducts(points, xy);
    }
  }
  const curveCorrelation = xy.sxx > 0 && xy.syy > 0 ? Math.max(-1, Math.min(1, xy.sxy / Math.sqrt(xy.sxx * xy.syy))) : 0;
  return { pooledVar: ss.map((s, i) => (df[i]! > 0 ? s / df[i]! : Number.NaN)), pooledDf: df, curveCorrelation };
}

/** Within-point sums of squares and cross-products of log interactivity (x) and log throughput per GPU (y). */
function addCrossProducts(points: readonly (Point | undefined)[], acc: { sxy: number; sxx: number; syy: number }): void {
  const xi = KEPT_METRICS.indexOf(CURVE_X);
  const yi = KEPT_METRICS.indexOf(CURVE_Y);
  const pairs: [number, number][] = [];
  for (const p of points) if (p && p.values[xi]! > 0 && p.values[yi]! > 0) pairs.push([Math.log(p.values[xi]!), Math.log(p.values[yi]!)]);
  if (pairs.length < 2) return;
  const mx = pairs.reduce((a, q) => a + q[0], 0) / pairs.length;
  const my = pairs.reduce((a, q) => a + q[1], 0) / pairs.length;
  for (const [x, y] of pairs) {
    acc.sxy += (x - mx) * (y - my);
    acc.sxx += (x - mx) ** 2;
    acc.syy += (y - my) ** 2;
  }
}

export interface PointNoise {
  /** Standard deviation of one run's log value (about the coefficient of variation). */
  sd: number;
  /** Degrees of freedom of that estimate. */
  df: number;
}

/** The noise of one run's value of a point's metric; undefined when nothing estimates it. */
export function pointNoise(ref: RefStats, mi: number, model: NoiseModel): PointNoise | undefined {
  const own = ref.n > 1 ? ref.n - 1 : 0;
  const prior = Math.min(PRIOR_DF, model.pooledDf[mi]! - own);
  if (own + Math.max(0, prior) === 0) return undefined;
  if (prior <= 0) return { sd: Math.sqrt(ref.ss / own), df: own };
  const v = (ref.ss + prior * model.pooledVar[mi]!) / (own + prior);
  return { sd: Math.sqrt(v), df: own + prior };
}
