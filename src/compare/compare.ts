/**
 * `infx compare`: head vs baseline, point by point and curve by curve, with a
 * verdict that calls a change only when it is larger than both the practical
 * floor and the noise. The method and its measured error rates: docs/compare.md.
 */
import { type CurveJob, curveStats } from "./curve-pool.js";
import type { CurvePoint, CurveStat } from "./curves.js";
import { KEPT_METRICS, type Point, type Run } from "./load.js";
import { COMPANION, CURVE_FIELDS, CURVE_X, CURVE_Y, curveIdentityOf, curveKeyOf, METRICS, pointName, type MetricSpec } from "./metrics.js";
import { noiseModel, pointNoise, type NoiseModel, type RefTable } from "./noise.js";
import { hash32, tQuantile } from "./stats.js";
import type { Comparison, Counts, CurveResult, PointResult, RunInfo, Verdict } from "./types.js";

export interface CompareOptions {
  /** Practical floor as a fraction (0.05 = 5%). */
  floor: number;
  /** Per-metric floors overriding `floor`. */
  floors?: Record<string, number>;
  /** Floor of a curve's geometric-mean ratio (default 0.02). */
  curveFloor?: number;
  /** One entry per metric, unchanged ones included (default: unchanged metrics after the first are named in `also_unchanged` of the first, see `fold`). */
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
const pct = (f: number) => `${Number((f * 100).toFixed(1))}%`;

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
  /** Every identity of head or baseline: baseline's first, then the head's others. */
  keys: string[];
  /** The points of `keys[i]` in the baseline and the head. */
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
 * the order of a Set of both), their index and their points in each run.
 */
function pointsOf(baseline: Run, head: Run): { keys: string[]; index: Map<string, number>; base: (Point | undefined)[]; heads: (Point | undefined)[] } {
  const keys = [...baseline.points.keys()];
  const base: (Point | undefined)[] = [...baseline.points.values()];
  const index = new Map(keys.map((k, i) => [k, i]));
  const heads: (Point | undefined)[] = new Array(keys.length).fill(undefined);
  for (const [k, p] of head.points) {
    const i = index.get(k);
    if (i !== undefined) heads[i] = p;
    else {
      index.set(k, keys.length);
      keys.push(k);
      base.push(undefined);
      heads.push(p);
    }
  }
  return { keys, index, base, heads };
}

function metricInfos(opts: Required<CompareOptions>): MetricInfo[] {
  return METRICS.map((spec) => {
    const floor = opts.floors[spec.name] ?? opts.floor;
    const comp = COMPANION[spec.name];
    return { spec, mi: MI(spec.name), floor, floorLog: Math.log1p(floor), floorPct: pct(floor), companion: comp ? MI(comp) : -1 };
  });
}

function contextOf(baseline: Run, head: Run, history: readonly Run[], opts: Required<CompareOptions>): Context {
  const { keys, index, base, heads } = pointsOf(baseline, head);
  const { refs, model } = noiseModel(index, base, history);
  return {
    noise: model,
    opts,
    keys,
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
  sortResults(points);
  const curveResults = curves.results;
  sortResults(curveResults);
  opts.onStage("sort");
  return {
    schema: "infx-comparison/1",
    summary: {
      ...perPoint,
      points: ctx.keys.length,
      curves: count(curveResults.map((c) => c.verdict)),
      metrics: perMetric,
      noise: history.length && ctx.noise.pooledDf.some((d) => d > 0) ? "history" : "none",
    },
    points,
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
}

/**
 * A point's entries with its unchanged metrics folded (most entries of a big
 * comparison are unchanged): its first entry (tput_per_gpu, the frontier's
 * throughput, when measured) is always kept and names in `also_unchanged` the
 * other metrics that are unchanged (an entry with that verdict, or just the
 * metric's name: see `comparePoint`); the others are kept when not unchanged.
 */
function fold(seq: readonly (PointResult | string)[], into: PointResult[]): void {
  const first = seq[0] as PointResult;
  into.push(first);
  const unchanged: string[] = [];
  for (let k = 1; k < seq.length; k++) {
    const e = seq[k]!;
    if (typeof e === "string") unchanged.push(e);
    else if (e.verdict === "unchanged") unchanged.push(e.metric);
    else into.push(e);
  }
  if (unchanged.length) first.also_unchanged = unchanged;
}

/** Every point's entries (folded unless allMetrics) and the counts per point and per metric. */
function comparePoints(ctx: Context, curveVerdicts: readonly Verdict[]): { points: PointResult[]; perPoint: Counts; perMetric: Counts } {
  const points: PointResult[] = [];
  const perPoint = count([]);
  const perMetric = count([]);
  const all = ctx.opts.allMetrics;
  for (let i = 0; i < ctx.keys.length; i++) {
    const seq = comparePoint(ctx, i, curveVerdicts[i], !all);
    let verdict: Verdict = "unchanged";
    for (const e of seq) {
      const v = typeof e === "string" ? "unchanged" : e.verdict;
      tally(perMetric, v);
      if (RANK[v] < RANK[verdict]) verdict = v;
    }
    tally(perPoint, verdict);
    if (seq.length === 1 || all) for (const e of seq) points.push(e as PointResult);
    else fold(seq, points);
  }
  return { points, perPoint, perMetric };
}

const info = (r: Run): RunInfo => ({ label: r.label, files: r.files, points: r.points.size, duplicates: r.duplicates });

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

/** Changed first, largest change first; then inconclusive, new, missing, unchanged (sort keys computed once per item). */
function sortResults<T extends { verdict: Verdict; name: string; ratio: number | null; change?: number | null }>(items: T[]): void {
  const rank = new Int32Array(items.length);
  const mag = new Float64Array(items.length);
  const order = new Array<number>(items.length);
  for (let i = 0; i < items.length; i++) {
    rank[i] = RANK[items[i]!.verdict];
    mag[i] = magnitude(items[i]!);
    order[i] = i;
  }
  order.sort((a, b) => {
    const na = items[a]!.name;
    const nb = items[b]!.name;
    return rank[a]! - rank[b]! || mag[b]! - mag[a]! || (na < nb ? -1 : na > nb ? 1 : 0);
  });
  const sorted = order.map((i) => items[i]!);
  for (let i = 0; i < items.length; i++) items[i] = sorted[i]!;
}

// --- points ----------------------------------------------------------------------

/**
 * The entries of point `i`, one per compared metric in METRICS order. With
 * `lazy` (its unchanged metrics will be folded), a metric after the first that
 * is surely unchanged (`surelyUnchanged`) is only its name: no entry is made.
 */
function comparePoint(ctx: Context, i: number, curve: Verdict | undefined, lazy: boolean): (PointResult | string)[] {
  const b = ctx.base[i];
  const h = ctx.heads[i];
  const p = (h ?? b)!;
  const name = pointName(p.identity);
  const out: (PointResult | string)[] = [];
  for (const m of ctx.metrics) {
    const mi = m.mi;
    const hv = h ? h.values[mi]! : Number.NaN;
    const bv = b ? b.values[mi]! : Number.NaN;
    if (!b || !h) {
      if (Number.isNaN(hv) && Number.isNaN(bv)) continue;
      out.push(entry(ctx, i, p, name, m, bv, hv, b ? "missing" : "new", b ? "only in the baseline" : "only in the head"));
      continue;
    }
    if (absent(b, mi) && absent(h, mi)) continue;
    out.push(lazy && out.length && surelyUnchanged(ctx, i, m, bv, hv) ? m.spec.name : metricVerdict(ctx, i, p, name, m, bv, hv, curve));
  }
  if (!out.length) out.push(entry(ctx, i, p, name, ctx.metrics[0]!, Number.NaN, Number.NaN, "inconclusive", "no usable metric on either side"));
  return out;
}

/** Within the floor: what `metricVerdict` calls unchanged whether there is a noise estimate or not (rule 2). */
const surelyUnchanged = (ctx: Context, i: number, m: MetricInfo, bv: number, hv: number) =>
  bv > 0 && hv > 0 && Math.abs(Math.log(hv) - ctx.refs.mean[i * K + m.mi]!) <= m.floorLog;

const absent = (pt: Point, mi: number) => Number.isNaN(pt.values[mi]!) && !(pt.bad & (1 << mi));
const num = (v: number) => (Number.isFinite(v) ? v : null);

/** One metric's entry, with no reference statistics yet (`metricVerdict` adds them). */
function entry(ctx: Context, i: number, p: Point, name: string, m: MetricInfo, bv: number, hv: number, verdict: Verdict, reason: string): PointResult {
  const e: PointResult = {
    identity: p.identity,
    name,
    metric: m.spec.name,
    better: m.spec.better,
    baseline: num(bv),
    head: num(hv),
    ratio: bv > 0 && hv > 0 ? round(hv / bv) : null,
    reference: null,
    change: null,
    samples: 0,
    noise: null,
    threshold: null,
    floor: m.floor,
    verdict,
    reason,
  };
  if (m.companion >= 0) {
    const b = ctx.base[i];
    const h = ctx.heads[i];
    e.companion = {
      metric: KEPT_METRICS[m.companion]!,
      baseline: num(b ? b.values[m.companion]! : Number.NaN),
      head: num(h ? h.values[m.companion]! : Number.NaN),
    };
  }
  return e;
}

/**
 * The verdict of one metric of a matched point (the rule, in order):
 * 1. a value that is absent or not a positive number on either side: inconclusive;
 * 2. |log(head / reference)| within the floor: unchanged;
 * 3. no noise estimate: called on the floor alone, and says so;
 * 4. beyond t(1 - ALPHA_POINT/2) standard errors: called;
 * 5. beyond t(1 - ALPHA_SUPPORTED) standard errors on a metric of the
 *    frontier whose curve was called the same way: called;
 * 6. otherwise inconclusive (above the floor but within noise).
 */
function metricVerdict(ctx: Context, i: number, p: Point, name: string, m: MetricInfo, bv: number, hv: number, curve: Verdict | undefined): PointResult {
  if (!(bv > 0) || !(hv > 0)) {
    const side = !(bv > 0) ? "baseline" : "head";
    const why = Number.isNaN(side === "baseline" ? bv : hv) ? "absent or not a positive number" : "not usable";
    return entry(ctx, i, p, name, m, bv, hv, "inconclusive", `the ${side} value is ${why}`);
  }
  const r = i * K + m.mi;
  const refN = ctx.refs.n[r]!;
  const d = Math.log(hv) - ctx.refs.mean[r]!;
  const floorLog = m.floorLog;
  const called: Verdict = (m.spec.better === "higher" ? d < 0 : d > 0) ? "regression" : "improvement";
  const sd = { sd: 0 };
  const df = pointNoise(ctx.refs, r, m.mi, ctx.noise, sd);
  const e = entry(ctx, i, p, name, m, bv, hv, "unchanged", "");
  e.reference = round(Math.exp(ctx.refs.mean[r]!));
  e.change = round(Math.expm1(d));
  e.samples = refN;
  e.noise = df ? { cv: round(sd.sd)!, df } : null;
  const verdict = (v: Verdict, reason: string) => {
    e.verdict = v;
    e.reason = reason;
    return e;
  };
  if (!df) {
    e.threshold = m.floor;
    return Math.abs(d) > floorLog
      ? verdict(called, `no noise estimate: beyond the ${m.floorPct} floor`)
      : verdict("unchanged", `no noise estimate: within the ${m.floorPct} floor`);
  }
  const se = sd.sd * Math.sqrt(1 + 1 / refN);
  const strong = ctx.tStrong(df) * se;
  const threshold = round(Math.expm1(Math.max(floorLog, strong)))!;
  e.threshold = threshold;
  if (Math.abs(d) <= floorLog) return verdict("unchanged", `within the ${m.floorPct} floor`);
  if (Math.abs(d) > strong) return verdict(called, `beyond the floor and the noise (±${pct(Math.expm1(strong))} at ${pct(1 - ALPHA_POINT)})`);
  const supported = ctx.tSupported(df) * se;
  if (m.spec.onCurve && curve === called && Math.abs(d) > supported) {
    return verdict(
      called,
      `beyond the floor and the one-sided ${pct(1 - ALPHA_SUPPORTED)} noise margin (±${pct(Math.expm1(supported))}), and its curve moved the same way`,
    );
  }
  return verdict("inconclusive", `above the ${m.floorPct} floor but within the noise (needs ±${pct(threshold)})`);
}

// --- curves ----------------------------------------------------------------------

/** Every curve's result, and per point (index of `ctx.keys`) the verdict of its curve. */
function compareCurves(ctx: Context): { results: CurveResult[]; verdictOf: Verdict[]; threads: number } {
  const groups = new Map<string, number[]>();
  let last: Point["identity"] | undefined;
  let lastMembers: number[] = [];
  for (let i = 0; i < ctx.keys.length; i++) {
    const id = (ctx.heads[i] ?? ctx.base[i])!.identity;
    // Points of one curve mostly come together: the previous point's curve when its curve fields are the same values.
    if (!last || !sameCurve(last, id)) {
      const g = curveKeyOf(id);
      let members = groups.get(g);
      if (!members) groups.set(g, (members = []));
      lastMembers = members;
      last = id;
    }
    lastMembers.push(i);
  }
  const cases = [...groups].map(([g, members]) => curveCase(ctx, g, members));
  const jobs = cases.flatMap((c) => (c.job ? [c.job] : []));
  const { stats, threads } = curveStats(jobs, CI_LEVEL, ctx.noise.curveCorrelation, ctx.opts.curveWorkers);
  const verdictOf: Verdict[] = new Array(ctx.keys.length);
  const results: CurveResult[] = [];
  let k = 0;
  for (const c of cases) {
    const stat = c.job ? stats[k++] : undefined;
    const result =
      c.done ?? (stat ? curveVerdict(stat, ctx.opts.curveFloor, c.result) : c.result("inconclusive", "the two curves share no interactivity range"));
    results.push(result);
    for (const i of c.members) verdictOf[i] = result.verdict;
  }
  return { results, verdictOf, threads };
}

/** Whether two identities have the same curve fields (the same values: then the same `curveKeyOf`). */
function sameCurve(a: Point["identity"], b: Point["identity"]): boolean {
  for (const f of CURVE_FIELDS) if (a[f] !== b[f]) return false;
  return true;
}

type ResultOf = (verdict: Verdict, reason: string, extra?: Partial<CurveResult>) => CurveResult;

/** A curve before its statistics: its result when it needs none (`done`), else the job that computes them. */
interface CurveCase {
  members: readonly number[];
  result: ResultOf;
  done?: CurveResult;
  job?: CurveJob;
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
    if (h && h.values[xi]! > 0 && h.values[yi]! > 0) head.push({ x: Math.log(h.values[xi]!), y: Math.log(h.values[yi]!), sx, sy });
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
