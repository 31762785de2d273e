/**
 * `infx compare`: head vs baseline, point by point and curve by curve, with a
 * verdict that calls a change only when it is larger than both the practical
 * floor and the noise. The method and its measured error rates: docs/compare.md.
 */
import { type CurveJob, curveStats } from "./curve-pool.js";
import { type CurvePoint, type CurveStat, curveStat } from "./curves.js";
import { KEPT_METRICS, type Point, type Run } from "./load.js";
import type { IdentityTable } from "./identities.js";
import { pointAt } from "./run.js";
import { COMPANION, CURVE_FIELDS, CURVE_X, CURVE_Y, curveIdentityOf, curveKeyOf, METRICS, pointName, type MetricSpec } from "./metrics.js";
import { noiseModel, pointNoise, type NoiseModel, type RefTable } from "./noise.js";
import { hash32, tQuantile } from "./stats.js";
import { attachPointList, type Comparison, type Counts, type CurveResult, type PointList, type PointResult, type RunInfo, type Verdict } from "./types.js";

export interface CompareOptions {
  /** Practical floor as a fraction (0.05 = 5%). */
  floor: number;
  /** Per-metric floors overriding `floor`. */
  floors?: Record<string, number>;
  /** Floor of a curve's geometric-mean ratio (default 0.02). */
  curveFloor?: number;
  /** One entry per metric, unchanged ones included (default: unchanged metrics after the first are named in `also_unchanged` of the first, see `comparePoints`). */
  allMetrics?: boolean;
  /** Threads besides this one for the curves' bootstrap (default 0; see `curveStats`). */
  curveWorkers?: number;
  /** Called after each stage (noise, curves or `curves on N threads`, points, sort) with its name, for timings. */
  onStage?: (stage: string) => void;
}

/** Two-sided error rate of a point called on its own noise. */
export const ALPHA_POINT = 0.002;
/** One-sided error rate of a point called because its curve moved the same way. */
export const ALPHA_SUPPORTED = 0.1;
/** Confidence level of a curve's interval. */
export const CI_LEVEL = 0.99;
export const DEFAULT_FLOOR = 0.05;
export const DEFAULT_CURVE_FLOOR = 0.02;
/** Fixed seed of the curves' bootstrap (mixed with each curve's key). */
export const BOOTSTRAP_SEED = 20260801;

const MI = (name: string) => KEPT_METRICS.indexOf(name);
const K = KEPT_METRICS.length;
/** Powers of ten that are exact doubles. */
const P10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

/**
 * 6 significant digits: derived numbers need no more, and 20,000 points make a
 * big file. The same number as `Number(v.toPrecision(6))`, 3x faster: the 6
 * digits m by scaling, then m / 10^k, a division of two exact doubles and so
 * the double nearest the decimal, as parsing it gives; toPrecision itself
 * where the scaled value is near a rounding tie or out of range.
 */
export function round(v: number | null): number | null {
  if (v === null || !Number.isFinite(v)) return null;
  const a = Math.abs(v);
  if (a === 0) return 0;
  const k = 5 - Math.floor(Math.log10(a));
  if (k < -22 || k > 22) return Number(v.toPrecision(6));
  const scaled = k >= 0 ? a * P10[k]! : a / P10[-k]!;
  const m = Math.round(scaled);
  if (Math.abs(scaled - Math.floor(scaled) - 0.5) < 1e-6 || m < 1e5 || m >= 1e6) return Number(v.toPrecision(6));
  const r = k >= 0 ? m / P10[k]! : m * P10[-k]!;
  return v < 0 ? -r : r;
}
/**
 * `13.7%`: the same text as `${Number((f * 100).toFixed(1))}%`, 5x faster (it
 * is in the reason of most entries): the tenths by rounding, toFixed itself
 * where they are near a rounding tie, negative or large.
 */
function pct(f: number): string {
  const x = f * 100;
  const tenths = x * 10;
  if (!(x >= 0 && x < 1e9) || Math.abs(tenths - Math.floor(tenths) - 0.5) < 1e-6) return `${Number(x.toFixed(1))}%`;
  const k = Math.round(tenths);
  const d = k % 10;
  return d ? `${(k - d) / 10}.${d}%` : `${k / 10}%`;
}

/** What every point of a metric shares: its index, floor and companion. */
interface MetricInfo {
  spec: MetricSpec;
  mi: number;
  floor: number;
  floorLog: number;
  /** The floor as `5%`. */
  floorPct: string;
  /** KEPT_METRICS index of the companion, or -1. */
  companion: number;
}

interface Context {
  noise: NoiseModel;
  opts: Required<CompareOptions>;
  /** Every identity of head or baseline (ids of `table`, the runs'): baseline's first, then the head's others. */
  ids: number[];
  table: IdentityTable;
  /** The points of `ids[i]` in the baseline and the head. */
  base: (Point | undefined)[];
  heads: (Point | undefined)[];
  /** Reference statistics, computed once (see RefTable). */
  refs: RefTable;
  metrics: MetricInfo[];
  /** t quantiles by degrees of freedom, one cache per probability. */
  tStrong: (df: number) => number;
  tSupported: (df: number) => number;
}

/** A cached t quantile at probability `p` (degrees of freedom are few distinct integers). */
function tCache(p: number): (df: number) => number {
  const cache = new Map<number, number>();
  return (df) => {
    let q = cache.get(df);
    if (q === undefined) cache.set(df, (q = tQuantile(p, df)));
    return q;
  };
}

/**
 * The identities of head or baseline (the baseline's, then the head's others:
 * the order of a Set of both), their points in each run, and the point of each
 * identity id (-1: none). Every run must share one identity table.
 */
function pointsOf(baseline: Run, head: Run): { ids: number[]; pointOfId: Int32Array; base: (Point | undefined)[]; heads: (Point | undefined)[] } {
  const table = baseline.table;
  if (head.table !== table) throw new Error("compareRuns: the baseline and the head must share one identity table");
  const pointOfId = new Int32Array(table.size).fill(-1);
  const ids: number[] = [];
  const base: (Point | undefined)[] = [];
  for (let j = 0; j < baseline.ids.length; j++) {
    pointOfId[baseline.ids[j]!] = ids.length;
    ids.push(baseline.ids[j]!);
    base.push(pointAt(baseline, j));
  }
  const heads: (Point | undefined)[] = new Array(ids.length).fill(undefined);
  for (let j = 0; j < head.ids.length; j++) {
    const id = head.ids[j]!;
    const i = pointOfId[id]!;
    if (i >= 0) heads[i] = pointAt(head, j);
    else {
      pointOfId[id] = ids.length;
      ids.push(id);
      base.push(undefined);
      heads.push(pointAt(head, j));
    }
  }
  return { ids, pointOfId, base, heads };
}

function metricInfos(opts: Required<CompareOptions>): MetricInfo[] {
  return METRICS.map((spec) => {
    const floor = opts.floors[spec.name] ?? opts.floor;
    const comp = COMPANION[spec.name];
    return { spec, mi: MI(spec.name), floor, floorLog: Math.log1p(floor), floorPct: pct(floor), companion: comp ? MI(comp) : -1 };
  });
}

function contextOf(baseline: Run, head: Run, history: readonly Run[], opts: Required<CompareOptions>): Context {
  const { ids, pointOfId, base, heads } = pointsOf(baseline, head);
  if (history.some((h) => h.table !== baseline.table)) throw new Error("compareRuns: every run must share one identity table");
  const { refs, model } = noiseModel(pointOfId, base, history);
  return {
    noise: model,
    opts,
    ids,
    table: baseline.table,
    base,
    heads,
    refs,
    metrics: metricInfos(opts),
    tStrong: tCache(1 - ALPHA_POINT / 2),
    tSupported: tCache(1 - ALPHA_SUPPORTED),
  };
}

export function compareRuns(baseline: Run, head: Run, history: readonly Run[], options: CompareOptions): Comparison {
  const opts = { floors: {}, curveFloor: DEFAULT_CURVE_FLOOR, allMetrics: false, curveWorkers: 0, onStage: () => {}, ...options };
  const ctx = contextOf(baseline, head, history, opts);
  opts.onStage("noise");
  const curves = compareCurves(ctx);
  opts.onStage(curves.threads > 1 ? `curves on ${curves.threads} threads` : "curves");
  const { points, perPoint, perMetric } = comparePoints(ctx, curves.verdictOf);
  opts.onStage("points");
  points.sort();
  const curveResults = curves.results;
  sortResults(curveResults);
  opts.onStage("sort");
  const cmp: Comparison = {
    schema: "infx-comparison/1",
    summary: {
      ...perPoint,
      points: ctx.ids.length,
      curves: count(curveResults.map((c) => c.verdict)),
      metrics: perMetric,
      noise: history.length && ctx.noise.pooledDf.some((d) => d > 0) ? "history" : "none",
    },
    points: [],
    curves: curveResults,
    baseline: info(baseline),
    head: info(head),
    history: history.map(info),
    options: {
      floor: opts.floor,
      floors: opts.floors,
      curve_floor: opts.curveFloor,
      alpha_point: ALPHA_POINT,
      alpha_supported: ALPHA_SUPPORTED,
      ci_level: CI_LEVEL,
    },
    problems: [baseline, head, ...history].flatMap((r) => r.problems.map((p) => `${r.label}: ${p}`)),
  };
  // The entries are made when read: all of them by `points`, one at a time through pointList (the JSON, the markdown).
  Object.defineProperty(cmp, "points", {
    enumerable: true,
    configurable: true,
    get: () => points.all(),
    set: (v: PointResult[]) => {
      points.objects = v;
    },
  });
  attachPointList(cmp, points);
  return cmp;
}

const info = (r: Run): RunInfo => ({ label: r.label, files: r.files, points: r.ids.length, duplicates: r.duplicates });

const RANK: Record<Verdict, number> = { regression: 0, improvement: 1, inconclusive: 2, new: 3, missing: 4, unchanged: 5 };

/** The verdict of a point from its metrics' verdicts: regression beats improvement beats inconclusive ... beats unchanged. */
export function worst(vs: readonly Verdict[]): Verdict {
  return vs.reduce<Verdict>((a, v) => (RANK[v] < RANK[a] ? v : a), "unchanged");
}

function tally(c: Counts, v: Verdict): void {
  if (v === "regression") c.regressions++;
  else if (v === "improvement") c.improvements++;
  else c[v]++;
}

export function count(vs: readonly Verdict[]): Counts {
  const c: Counts = { regressions: 0, improvements: 0, unchanged: 0, inconclusive: 0, new: 0, missing: 0 };
  for (const v of vs) tally(c, v);
  return c;
}

/** Size of a change: |log ratio| (of head / reference for points, the geometric-mean ratio for curves). */
function magnitude(t: { ratio: number | null; change?: number | null }): number {
  const r = t.change !== undefined && t.change !== null ? 1 + t.change : t.ratio;
  return r !== null && r > 0 ? Math.abs(Math.log(r)) : 0;
}

/**
 * Changed first, largest change first; then inconclusive, new, missing,
 * unchanged; equal verdict and size by name, then as they came (a stable sort).
 */
function sortResults<T extends { verdict: Verdict; name: string; ratio: number | null; change?: number | null }>(items: T[]): void {
  const rank = new Uint8Array(items.length);
  const mag = new Float64Array(items.length);
  for (let i = 0; i < items.length; i++) {
    rank[i] = RANK[items[i]!.verdict];
    mag[i] = magnitude(items[i]!);
  }
  const sorted = Array.from(
    sortOrder(items.length, rank, mag, (i) => items[i]!.name),
    (i) => items[i]!,
  );
  for (let i = 0; i < items.length; i++) items[i] = sorted[i]!;
}

/**
 * The order of `sortResults` over `n` items given their verdict ranks, sizes
 * and names. Without a comparator over all items (40,000 entries): the sizes
 * are ranked by a native sort of their values, the items placed by counting
 * (verdict, size rank), and only items equal in both (few and small runs) are
 * compared by name.
 */
function sortOrder(n: number, rank: Uint8Array, mag: Float64Array, nameOf: (i: number) => string, group?: Int32Array): Int32Array {
  const sizes = mag.slice(0, n).sort();
  let u = 0;
  for (let i = 0; i < n; i++) if (u === 0 || sizes[i] !== sizes[u - 1]) sizes[u++] = sizes[i]!;
  // key: verdict rank, then size rank, largest first
  const key = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const m = mag[i]!;
    let lo = 0;
    let hi = u - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sizes[mid]! < m) lo = mid + 1;
      else hi = mid;
    }
    key[i] = rank[i]! * u + (u - 1 - lo);
  }
  const start = new Int32Array(6 * u + 1);
  for (let i = 0; i < n; i++) start[key[i]! + 1]!++;
  for (let k = 0; k < 6 * u; k++) start[k + 1]! += start[k]!;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[start[key[i]!]!++] = i;
  for (let s = 0; s < n; ) {
    let e = s + 1;
    while (e < n && key[order[e]!] === key[order[s]!]) e++;
    if (e - s > 1) byName(order.subarray(s, e), nameOf, group);
    s = e;
  }
  return order;
}

/**
 * Sorts `run` (item numbers, ascending) by the items' names, stably; a run of
 * one name, or of one `group` (a point's metrics: no name needed), is left as it is.
 */
function byName(run: Int32Array, nameOf: (i: number) => string, group?: Int32Array): void {
  if (group) {
    const g = group[run[0]!];
    let one = true;
    for (let j = 1; j < run.length && one; j++) one = group[run[j]!] === g;
    if (one) return;
  }
  const first = nameOf(run[0]!);
  let same = true;
  for (let j = 1; j < run.length && same; j++) same = nameOf(run[j]!) === first;
  if (same) return;
  const sorted = Array.from(run).sort((a, b) => {
    const na = nameOf(a);
    const nb = nameOf(b);
    return na < nb ? -1 : na > nb ? 1 : 0;
  });
  run.set(sorted);
}

// --- points ----------------------------------------------------------------------

/**
 * The entries of a comparison, made only when read (`at`): compareRuns keeps
 * each entry as numbers (its point, metric, verdict, reason and statistics),
 * sorts those, and the JSON or the markdown makes the entries it writes (a
 * big comparison has 40,000; the markdown shows a few hundred, and the JSON's
 * die as soon as they are written instead of filling the heap).
 */
class PointTable implements PointList {
  /** Index in `ctx.ids` of each entry's point; index in `ctx.metrics` of its metric; RANK of its verdict; its reason (R_*) and the reason's number. */
  readonly point: Int32Array;
  readonly metric: Uint8Array;
  readonly rank: Uint8Array;
  readonly why: Uint8Array;
  readonly param: Float64Array;
  /** Reference, change, threshold and noise CV (NaN: null), samples and noise df (0: no noise). */
  readonly reference: Float64Array;
  readonly change: Float64Array;
  readonly threshold: Float64Array;
  readonly cv: Float64Array;
  readonly samples: Int32Array;
  readonly df: Int32Array;
  /** Of a point's first entry: its unchanged metrics (bit j: ctx.metrics[j]), listed in also_unchanged. */
  readonly also: Uint8Array;
  /** Size of the change, for the order (see `magnitude`). */
  readonly mag: Float64Array;
  /** Entries added. */
  count = 0;
  /** Entry numbers in output order (after `sort`). */
  order: Int32Array | undefined;
  private readonly names: (string | undefined)[];
  /** Every entry as objects, once `all` was called (or points assigned). */
  objects: PointResult[] | undefined;

  constructor(
    private readonly ctx: Context,
    capacity: number,
  ) {
    this.point = new Int32Array(capacity);
    this.metric = new Uint8Array(capacity);
    this.rank = new Uint8Array(capacity);
    this.why = new Uint8Array(capacity);
    this.param = new Float64Array(capacity);
    this.reference = new Float64Array(capacity);
    this.change = new Float64Array(capacity);
    this.threshold = new Float64Array(capacity);
    this.cv = new Float64Array(capacity);
    this.samples = new Int32Array(capacity);
    this.df = new Int32Array(capacity);
    this.also = new Uint8Array(capacity);
    this.mag = new Float64Array(capacity);
    this.names = new Array(ctx.ids.length);
  }

  /** The short name of point `i` (made once). */
  nameOf(i: number): string {
    let name = this.names[i];
    if (name === undefined) this.names[i] = name = pointName(this.pointOf(i).identity);
    return name;
  }

  private pointOf(i: number): Point {
    return (this.ctx.heads[i] ?? this.ctx.base[i])!;
  }

  /** Adds an entry without statistics (new, missing, or inconclusive for an unusable value); returns its number. */
  add(i: number, j: number, rank: number, why: number): number {
    const k = this.count++;
    this.point[k] = i;
    this.metric[k] = j;
    this.rank[k] = rank;
    this.why[k] = why;
    this.param[k] = Number.NaN;
    this.reference[k] = Number.NaN;
    this.change[k] = Number.NaN;
    this.threshold[k] = Number.NaN;
    this.cv[k] = Number.NaN;
    this.samples[k] = 0;
    this.df[k] = 0;
    this.also[k] = 0;
    return k;
  }

  /** The value of entry `k`'s metric in `pt` (NaN when absent, and for an entry without a usable metric). */
  private value(k: number, pt: Point | undefined): number {
    return pt && this.why[k] !== R_NO_METRIC ? pt.values[pt.at + this.ctx.metrics[this.metric[k]!]!.mi]! : Number.NaN;
  }

  /** Entry `k`'s size of change: |log(1 + change)|, or |log ratio| without a change. */
  measure(k: number): void {
    const c = this.change[k]!;
    let r: number | null;
    if (!Number.isNaN(c)) r = 1 + c;
    else {
      const i = this.point[k]!;
      const bv = this.value(k, this.ctx.base[i]);
      const hv = this.value(k, this.ctx.heads[i]);
      r = bv > 0 && hv > 0 ? round(hv / bv) : null;
    }
    this.mag[k] = r !== null && r > 0 ? Math.abs(Math.log(r)) : 0;
  }

  get length(): number {
    return this.objects ? this.objects.length : this.count;
  }

  sort(): void {
    this.order = sortOrder(this.count, this.rank, this.mag, (k) => this.nameOf(this.point[k]!), this.point);
  }

  verdict(n: number): Verdict {
    if (this.objects) return this.objects[n]!.verdict;
    return VERDICT_OF_RANK[this.rank[this.order ? this.order[n]! : n]!]!;
  }

  /** The `n`th entry in output order, as an object (a new one each time unless `all` made them). */
  at(n: number): PointResult {
    if (this.objects) return this.objects[n]!;
    return this.make(this.order ? this.order[n]! : n);
  }

  all(): PointResult[] {
    if (!this.objects) {
      const out = new Array<PointResult>(this.count);
      for (let n = 0; n < this.count; n++) out[n] = this.at(n);
      this.objects = out;
    }
    return this.objects;
  }

  /** Entry `k` as an object, made whole in one go (one object shape for every entry). */
  private make(k: number): PointResult {
    const ctx = this.ctx;
    const i = this.point[k]!;
    const m = ctx.metrics[this.metric[k]!]!;
    const b = ctx.base[i];
    const h = ctx.heads[i];
    const bv = this.value(k, b);
    const hv = this.value(k, h);
    const df = this.df[k]!;
    const e: PointResult = {
      identity: (h ?? b)!.identity,
      name: this.nameOf(i),
      metric: m.spec.name,
      better: m.spec.better,
      baseline: num(bv),
      head: num(hv),
      ratio: bv > 0 && hv > 0 ? round(hv / bv) : null,
      reference: nullIfNaN(this.reference[k]!),
      change: nullIfNaN(this.change[k]!),
      samples: this.samples[k]!,
      noise: df ? { cv: nullIfNaN(this.cv[k]!) as number, df } : null,
      threshold: nullIfNaN(this.threshold[k]!),
      floor: m.floor,
      verdict: VERDICT_OF_RANK[this.rank[k]!]!,
      reason: reasonText(this.why[k]!, m, this.param[k]!),
    };
    if (m.companion >= 0) {
      e.companion = {
        metric: KEPT_METRICS[m.companion]!,
        baseline: num(b ? b.values[b.at + m.companion]! : Number.NaN),
        head: num(h ? h.values[h.at + m.companion]! : Number.NaN),
      };
    }
    const also = this.also[k]!;
    if (also) {
      const unchanged: string[] = [];
      for (let j = 0; j < ctx.metrics.length; j++) if (also & (1 << j)) unchanged.push(ctx.metrics[j]!.spec.name);
      e.also_unchanged = unchanged;
    }
    return e;
  }
}

const nullIfNaN = (v: number) => (Number.isNaN(v) ? null : v);

const VERDICT_OF_RANK: readonly Verdict[] = ["regression", "improvement", "inconclusive", "new", "missing", "unchanged"];

/** Reasons of an entry (`reasonText`). */
const R_MISSING = 0;
const R_NEW = 1;
const R_NO_METRIC = 2;
const R_BASELINE_ABSENT = 3;
const R_BASELINE_UNUSABLE = 4;
const R_HEAD_ABSENT = 5;
const R_HEAD_UNUSABLE = 6;
const R_NO_NOISE_BEYOND = 7;
const R_NO_NOISE_WITHIN = 8;
const R_WITHIN = 9;
const R_STRONG = 10;
const R_SUPPORTED = 11;
const R_WITHIN_NOISE = 12;

/** `99.8%`, the confidence of a point called on its own noise. */
const POINT_LEVEL = pct(1 - ALPHA_POINT);
/** `90%`, the one-sided confidence of a point supported by its curve. */
const SUPPORTED_LEVEL = pct(1 - ALPHA_SUPPORTED);

/** The reason of an entry of metric `m` from its kind (R_*) and number (a margin or threshold). */
function reasonText(why: number, m: MetricInfo, param: number): string {
  switch (why) {
    case R_MISSING:
      return "only in the baseline";
    case R_NEW:
      return "only in the head";
    case R_NO_METRIC:
      return "no usable metric on either side";
    case R_BASELINE_ABSENT:
      return "the baseline value is absent or not a positive number";
    case R_BASELINE_UNUSABLE:
      return "the baseline value is not usable";
    case R_HEAD_ABSENT:
      return "the head value is absent or not a positive number";
    case R_HEAD_UNUSABLE:
      return "the head value is not usable";
    case R_NO_NOISE_BEYOND:
      return `no noise estimate: beyond the ${m.floorPct} floor`;
    case R_NO_NOISE_WITHIN:
      return `no noise estimate: within the ${m.floorPct} floor`;
    case R_WITHIN:
      return `within the ${m.floorPct} floor`;
    case R_STRONG:
      return `beyond the floor and the noise (±${pct(param)} at ${POINT_LEVEL})`;
    case R_SUPPORTED:
      return `beyond the floor and the one-sided ${SUPPORTED_LEVEL} noise margin (±${pct(param)}), and its curve moved the same way`;
    default:
      return `above the ${m.floorPct} floor but within the noise (needs ±${pct(param)})`;
  }
}

/**
 * Every point's entries and the counts per point and per metric. Unless
 * allMetrics, a point's unchanged metrics are folded (most entries of a big
 * comparison are unchanged): its first entry (tput_per_gpu, the frontier's
 * throughput, when measured) is always kept and names in `also_unchanged` the
 * other metrics that are unchanged; the others are kept when not unchanged.
 */
function comparePoints(ctx: Context, curveVerdicts: readonly Verdict[]): { points: PointTable; perPoint: Counts; perMetric: Counts } {
  const table = new PointTable(ctx, ctx.ids.length * Math.max(1, ctx.metrics.length));
  const perPoint = count([]);
  const perMetric = count([]);
  const fold = !ctx.opts.allMetrics;
  for (let i = 0; i < ctx.ids.length; i++) {
    const first = table.count;
    comparePoint(ctx, table, i, curveVerdicts[i], fold);
    let worstRank = RANK.unchanged;
    for (let k = first; k < table.count; k++) {
      const r = table.rank[k]!;
      tally(perMetric, VERDICT_OF_RANK[r]!);
      if (r < worstRank) worstRank = r;
      table.measure(k);
    }
    // metrics folded without an entry
    for (let bits = table.also[first]!; bits; bits &= bits - 1) tally(perMetric, "unchanged");
    tally(perPoint, VERDICT_OF_RANK[worstRank]!);
  }
  return { points: table, perPoint, perMetric };
}

/**
 * The entries of point `i` into `table`, one per compared metric in METRICS
 * order; when folding, a metric after the first that is unchanged is only a bit
 * of the first entry's `also` (surely unchanged ones, `surelyUnchanged`, are not even computed).
 */
function comparePoint(ctx: Context, table: PointTable, i: number, curve: Verdict | undefined, fold: boolean): void {
  const b = ctx.base[i];
  const h = ctx.heads[i];
  const first = table.count;
  for (let j = 0; j < ctx.metrics.length; j++) {
    const m = ctx.metrics[j]!;
    const mi = m.mi;
    const hv = h ? h.values[h.at + mi]! : Number.NaN;
    const bv = b ? b.values[b.at + mi]! : Number.NaN;
    if (!b || !h) {
      if (Number.isNaN(hv) && Number.isNaN(bv)) continue;
      table.add(i, j, b ? RANK.missing : RANK.new, b ? R_MISSING : R_NEW);
      continue;
    }
    if (absent(b, mi) && absent(h, mi)) continue;
    if (fold && table.count > first && surelyUnchanged(ctx, i, m, bv, hv)) {
      table.also[first]! |= 1 << j;
      continue;
    }
    const k = metricVerdict(ctx, table, i, j, bv, hv, curve);
    if (fold && k > first && table.rank[k] === RANK.unchanged) {
      table.also[first]! |= 1 << j;
      table.count--;
    }
  }
  if (table.count === first) table.add(i, 0, RANK.inconclusive, R_NO_METRIC);
}

/** Within the floor: what `metricVerdict` calls unchanged whether there is a noise estimate or not (rule 2). */
const surelyUnchanged = (ctx: Context, i: number, m: MetricInfo, bv: number, hv: number) =>
  bv > 0 && hv > 0 && Math.abs(Math.log(hv) - ctx.refs.mean[i * K + m.mi]!) <= m.floorLog;

const absent = (pt: Point, mi: number) => Number.isNaN(pt.values[pt.at + mi]!) && !(pt.bad & (1 << mi));
const num = (v: number) => (Number.isFinite(v) ? v : null);

/**
 * The verdict of metric `j` of matched point `i`, added to `table` (returns
 * the entry's number). The rule, in order:
 * 1. a value that is absent or not a positive number on either side: inconclusive;
 * 2. |log(head / reference)| within the floor: unchanged;
 * 3. no noise estimate: called on the floor alone, and says so;
 * 4. beyond t(1 - ALPHA_POINT/2) standard errors: called;
 * 5. beyond t(1 - ALPHA_SUPPORTED) standard errors on a metric of the
 *    frontier whose curve was called the same way: called;
 * 6. otherwise inconclusive (above the floor but within noise).
 */
function metricVerdict(ctx: Context, table: PointTable, i: number, j: number, bv: number, hv: number, curve: Verdict | undefined): number {
  const m = ctx.metrics[j]!;
  if (!(bv > 0) || !(hv > 0)) {
    const why = !(bv > 0) ? (Number.isNaN(bv) ? R_BASELINE_ABSENT : R_BASELINE_UNUSABLE) : Number.isNaN(hv) ? R_HEAD_ABSENT : R_HEAD_UNUSABLE;
    return table.add(i, j, RANK.inconclusive, why);
  }
  const r = i * K + m.mi;
  const refN = ctx.refs.n[r]!;
  const d = Math.log(hv) - ctx.refs.mean[r]!;
  const floorLog = m.floorLog;
  const called = (m.spec.better === "higher" ? d < 0 : d > 0) ? RANK.regression : RANK.improvement;
  const sd = { sd: 0 };
  const df = pointNoise(ctx.refs, r, m.mi, ctx.noise, sd);
  const k = table.add(i, j, RANK.unchanged, R_WITHIN);
  table.reference[k] = round(Math.exp(ctx.refs.mean[r]!)) ?? Number.NaN;
  table.change[k] = round(Math.expm1(d)) ?? Number.NaN;
  table.samples[k] = refN;
  table.df[k] = df;
  table.cv[k] = df ? (round(sd.sd) ?? Number.NaN) : Number.NaN;
  table.threshold[k] = m.floor;
  const verdict = (v: number, why: number, param = Number.NaN) => {
    table.rank[k] = v;
    table.why[k] = why;
    table.param[k] = param;
    return k;
  };
  if (!df) return Math.abs(d) > floorLog ? verdict(called, R_NO_NOISE_BEYOND) : verdict(RANK.unchanged, R_NO_NOISE_WITHIN);
  const se = sd.sd * Math.sqrt(1 + 1 / refN);
  const strong = ctx.tStrong(df) * se;
  const threshold = round(Math.expm1(Math.max(floorLog, strong)))!;
  table.threshold[k] = threshold;
  if (Math.abs(d) <= floorLog) return verdict(RANK.unchanged, R_WITHIN);
  if (Math.abs(d) > strong) return verdict(called, R_STRONG, Math.expm1(strong));
  const supported = ctx.tSupported(df) * se;
  if (m.spec.onCurve && curve === VERDICT_OF_RANK[called] && Math.abs(d) > supported) return verdict(called, R_SUPPORTED, Math.expm1(supported));
  return verdict(RANK.inconclusive, R_WITHIN_NOISE, threshold);
}

// --- curves ----------------------------------------------------------------------

/** Every curve's result, and per point (index of `ctx.ids`) the verdict of its curve. */
function compareCurves(ctx: Context): { results: CurveResult[]; verdictOf: Verdict[]; threads: number } {
  const groups = new Map<string, number[]>();
  let last = -1;
  let lastMembers: number[] = [];
  for (let i = 0; i < ctx.ids.length; i++) {
    const id = ctx.ids[i]!;
    // Points of one curve mostly come together: the previous point's curve when its curve fields
    // (the first values of an identity: see identityFields) are the same values.
    if (last < 0 || !ctx.table.sameLeadingValues(last, id, CURVE_FIELDS.length)) {
      const g = curveKeyOf(ctx.table.identity(id));
      let members = groups.get(g);
      if (!members) groups.set(g, (members = []));
      lastMembers = members;
      last = id;
    }
    lastMembers.push(i);
  }
  const rho = ctx.noise.curveCorrelation;
  const cases = [...groups].map(([g, members]) => {
    const c = curveCase(ctx, g, members);
    // On this thread alone, each curve's statistics as soon as its points are made: they die young
    // (kept for all the curves, tens of thousands of points outlive collections and are copied).
    if (c.job && ctx.opts.curveWorkers === 0) {
      c.stat = curveStat(c.job.head, c.job.base, CI_LEVEL, c.job.seed, rho);
      c.job = undefined;
    }
    return c;
  });
  const jobs = cases.flatMap((c) => (c.job ? [c.job] : []));
  const { stats, threads } = curveStats(jobs, CI_LEVEL, rho, ctx.opts.curveWorkers);
  const verdictOf: Verdict[] = new Array(ctx.ids.length);
  const results: CurveResult[] = [];
  let k = 0;
  for (const c of cases) {
    const stat = c.job ? stats[k++] : c.stat;
    const result =
      c.done ?? (stat ? curveVerdict(stat, ctx.opts.curveFloor, c.result) : c.result("inconclusive", "the two curves share no interactivity range"));
    results.push(result);
    for (const i of c.members) verdictOf[i] = result.verdict;
  }
  return { results, verdictOf, threads };
}

type ResultOf = (verdict: Verdict, reason: string, extra?: Partial<CurveResult>) => CurveResult;

/** A curve before its statistics: its result when it needs none (`done`), else the job that computes them. */
interface CurveCase {
  members: readonly number[];
  result: ResultOf;
  done?: CurveResult;
  job?: CurveJob;
  /** The job's statistics, when computed at once (see `compareCurves`). */
  stat?: CurveStat;
}

function curveCase(ctx: Context, group: string, members: readonly number[]): CurveCase {
  const xi = MI(CURVE_X);
  const yi = MI(CURVE_Y);
  const head: CurvePoint[] = [];
  const base: CurvePoint[] = [];
  const nx = { sd: 0 };
  const ny = { sd: 0 };
  for (const i of members) {
    const rx = i * K + xi;
    const ry = i * K + yi;
    const sx = pointNoise(ctx.refs, rx, xi, ctx.noise, nx) ? nx.sd : 0;
    const sy = pointNoise(ctx.refs, ry, yi, ctx.noise, ny) ? ny.sd : 0;
    const h = ctx.heads[i];
    if (h && h.values[h.at + xi]! > 0 && h.values[h.at + yi]! > 0) head.push({ x: Math.log(h.values[h.at + xi]!), y: Math.log(h.values[h.at + yi]!), sx, sy });
    const n = ctx.refs.n;
    if (ctx.base[i] && n[rx] && n[ry]) base.push({ x: ctx.refs.mean[rx]!, y: ctx.refs.mean[ry]!, sx: sx / Math.sqrt(n[rx]!), sy: sy / Math.sqrt(n[ry]!) });
  }
  const first = (ctx.heads[members[0]!] ?? ctx.base[members[0]!])!;
  const identity = curveIdentityOf(first.identity);
  const floor = ctx.opts.curveFloor;
  const result: ResultOf = (verdict, reason, extra = {}) => ({
    identity,
    name: pointName(identity),
    ratio: null,
    ci: null,
    ci_level: CI_LEVEL,
    ci_method: "none",
    levels: 0,
    head_points: head.length,
    baseline_points: base.length,
    floor,
    verdict,
    reason,
    ...extra,
  });
  const inBase = members.some((i) => ctx.base[i]);
  const inHead = members.some((i) => ctx.heads[i]);
  const done = (d: CurveResult): CurveCase => ({ members, result, done: d });
  if (!inBase) return done(result("new", "only in the head"));
  if (!inHead) return done(result("missing", "only in the baseline"));
  if (!head.length || !base.length)
    return done(result("inconclusive", `no point with a usable ${CURVE_Y} and ${CURVE_X} in the ${head.length ? "baseline" : "head"}`));
  return { members, result, job: { head, base, seed: (BOOTSTRAP_SEED ^ hash32(group)) >>> 0 } };
}

function curveVerdict(stat: CurveStat, floor: number, result: ResultOf): CurveResult {
  const lr = stat.logRatio;
  const hw = stat.halfWidth;
  const extra: Partial<CurveResult> = {
    ratio: Math.exp(lr),
    ci: hw === undefined || !Number.isFinite(hw) ? null : [Math.exp(lr - hw), Math.exp(lr + hw)],
    ci_method: stat.method,
    levels: stat.levels,
  };
  const called: Verdict = lr < 0 ? "regression" : "improvement";
  const floorLog = Math.log1p(floor);
  const where = `${stat.levels} interactivity level${stat.levels === 1 ? "" : "s"}`;
  if (Math.abs(lr) <= floorLog) return result("unchanged", `geometric-mean ratio within the ${pct(floor)} curve floor over ${where}`, extra);
  if (hw === undefined) return result(called, `no noise estimate: beyond the ${pct(floor)} curve floor over ${where}`, extra);
  if (Math.abs(lr) > hw) return result(called, `beyond the ${pct(floor)} curve floor and its ${pct(CI_LEVEL)} interval excludes 1, over ${where}`, extra);
  return result("inconclusive", `beyond the ${pct(floor)} curve floor but its ${pct(CI_LEVEL)} interval includes 1, over ${where}`, extra);
}
