/** The shape of `infx compare --format json` (documented in schemas/comparison.schema.json). */
import type { Identity } from "./metrics.js";

export type Verdict = "regression" | "improvement" | "unchanged" | "inconclusive" | "new" | "missing";
export const VERDICTS: readonly Verdict[] = ["regression", "improvement", "inconclusive", "new", "missing", "unchanged"];

export interface Counts {
  regressions: number;
  improvements: number;
  unchanged: number;
  inconclusive: number;
  new: number;
  missing: number;
}

export interface NoiseInfo {
  /** Coefficient of variation of one run's value (log-space standard deviation). */
  cv: number;
  /** Degrees of freedom of that estimate (own reference values plus the pooled prior). */
  df: number;
}

export interface PointResult {
  identity: Identity;
  /** Short human name of the point. */
  name: string;
  metric: string;
  better: "higher" | "lower";
  /** The baseline run's value (null when the point or the metric is not in the baseline). */
  baseline: number | null;
  head: number | null;
  /** head / baseline. */
  ratio: number | null;
  /** Geometric mean of the baseline and history values: what the head is tested against. */
  reference: number | null;
  /** head / reference - 1. */
  change: number | null;
  /** Reference values used (baseline + history runs that have this point). */
  samples: number;
  noise: NoiseInfo | null;
  /** The smallest |change| (fraction) that this point would call, floor and noise included. */
  threshold: number | null;
  floor: number;
  verdict: Verdict;
  reason: string;
  /** Of a point's first entry: its other metrics that are unchanged, named here instead of one entry each (unless --all-metrics); see `comparePoints` in compare.ts. */
  also_unchanged?: string[];
  /** A metric shown next to this one (median_intvty next to median_tpot). */
  companion?: { metric: string; baseline: number | null; head: number | null };
}

export interface CurveResult {
  identity: Identity;
  name: string;
  /** Geometric mean over the common interactivity levels of head / baseline throughput per GPU. */
  ratio: number | null;
  /** Confidence interval of `ratio` (null without one). */
  ci: [number, number] | null;
  ci_level: number;
  ci_method: "bootstrap" | "t-interval" | "none";
  levels: number;
  head_points: number;
  baseline_points: number;
  floor: number;
  verdict: Verdict;
  reason: string;
}

export interface RunInfo {
  label: string;
  /** Branch, commit and workflow run the rows came from, when known. */
  ref?: string;
  sha?: string;
  run_id?: number;
  url?: string;
  files: number;
  points: number;
  duplicates: number;
}

export interface Comparison {
  schema: "infx-comparison/1";
  /** Per benchmark point (identity): its worst metric verdict. */
  summary: Counts & { points: number; curves: Counts; metrics: Counts; noise: "history" | "none" };
  points: PointResult[];
  curves: CurveResult[];
  baseline: RunInfo;
  head: RunInfo;
  history: RunInfo[];
  options: { floor: number; floors: Record<string, number>; curve_floor: number; alpha_point: number; alpha_supported: number; ci_level: number };
  /** Every problem with the input, one line each (file, row, field, what was done). */
  problems: string[];
}

/** The point entries of a comparison read one at a time: `compareRuns` makes each entry only when it is read (see `pointList`). */
export interface PointList {
  readonly length: number;
  /** The verdict of entry `n` (without making it). */
  verdict(n: number): Verdict;
  /** Entry `n`, in the order of `points`. */
  at(n: number): PointResult;
}

const LISTS = new WeakMap<Comparison, PointList>();

/** Says that `cmp.points` can be read one entry at a time through `list` (see `pointList`). */
export function attachPointList(cmp: Comparison, list: PointList): void {
  LISTS.set(cmp, list);
}

/** The points of `cmp` one at a time: its list when `compareRuns` made it (entries made as read), else over `cmp.points`. */
export function pointList(cmp: Comparison): PointList {
  const list = LISTS.get(cmp);
  if (list) return list;
  const points = cmp.points;
  return { length: points.length, verdict: (n) => points[n]!.verdict, at: (n) => points[n]! };
}
