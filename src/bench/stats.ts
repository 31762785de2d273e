/**
 * Summary statistics exactly as the reference client computes them with numpy:
 * arithmetic mean, median, population standard deviation (ddof = 0) and
 * linearly interpolated percentiles (numpy's default "linear" method).
 * An empty sample yields 0 for every statistic, as numpy does for `x or 0`.
 */

export function mean(xs: readonly number[]): number {
  if (xs.length === 0) return 0;
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** Population standard deviation (numpy `np.std`, ddof = 0). */
export function populationStd(xs: readonly number[]): number {
  if (xs.length === 0) return 0;
  const m = mean(xs);
  let s = 0;
  for (const x of xs) s += (x - m) * (x - m);
  return Math.sqrt(s / xs.length);
}

/** Percentile `p` in [0, 100] of an ascending-sorted sample, linear interpolation between closest ranks. */
export function percentileSorted(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return 0;
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be in [0, 100], got ${p}`);
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  return a + (b - a) * (rank - lo);
}

export function percentile(xs: readonly number[], p: number): number {
  return percentileSorted(sortedCopy(xs), p);
}

export function median(xs: readonly number[]): number {
  return percentile(xs, 50);
}

export function sortedCopy(xs: readonly number[]): Float64Array {
  return Float64Array.from(xs).sort();
}

export interface Summary {
  mean: number;
  median: number;
  std: number;
  /** Keyed by the percentile as given, e.g. `99`, `99.9`. */
  percentiles: Map<number, number>;
}

export function summarize(xs: readonly number[], ps: readonly number[]): Summary {
  const sorted = sortedCopy(xs);
  return {
    mean: mean(xs),
    median: percentileSorted(sorted, 50),
    std: populationStd(xs),
    percentiles: new Map(ps.map((p) => [p, percentileSorted(sorted, p)])),
  };
}

/** The reference's name for a percentile in result keys: `99` -> "99", `99.9` -> "99.9". */
export function percentileWord(p: number): string {
  return String(p);
}
