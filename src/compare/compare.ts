/**
 * `infx compare`: head vs baseline, point by point and curve by curve, with a
 * verdict that calls a change only when it is larger than both the practical
 * floor and the noise. The method and its measured error rates: docs/compare.md.
 */
import { curveStat, type CurvePoint } from "./curves.js";
import { KEPT_METRICS, type Point, type Run } from "./load.js";
import { COMPANION, CURVE_X, CURVE_Y, curveIdentityOf, curveKeyOf, METRICS, pointName, type MetricSpec } from "./metrics.js";
import { noiseModel, pointNoise, refStatsAll, type NoiseModel, type RefStats } from "./noise.js";
import { hash32, tQuantile } from "./stats.js";
import type { Comparison, Counts, CurveResult, PointResult, RunInfo, Verdict } from "./types.js";

export interface CompareOptions {
  /** Practical floor as a fraction (0.05 = 5%). */
  floor: number;
  /** Per-metric floors overriding `floor`. */
  floors?: Record<string, number>;
  /** Floor of a curve's geometric-mean ratio (default 0.02). */
  curveFloor?: number;
  /** One entry per metric even for points whose every metric is unchanged (default: one entry, `also_unchanged` naming the rest). */
  allMetrics?: boolean;
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
/** 6 significant digits: derived numbers need no more, and 20,000 points make a big file. */
const round = (v: number | null) => (v === null || !Number.isFinite(v) ? null : Number(v.toPrecision(6)));
const pct = (f: number) => `${Number((f * 100).toFixed(1))}%`;

interface Context {
  baseline: Run;
  head: Run;
  history: readonly Run[];
  noise: NoiseModel;
  opts: Required<CompareOptions>;
  /** Reference statistics per identity, computed once. */
  refs: Map<string, RefStats[]>;
}

function refsOf(ctx: Context, key: string): RefStats[] {
  let r = ctx.refs.get(key);
  if (!r) ctx.refs.set(key, (r = refStatsAll(key, ctx.baseline, ctx.history)));
  return r;
}

export function compareRuns(baseline: Run, head: Run, history: readonly Run[], options: CompareOptions): Comparison {
  const opts = { floors: {}, curveFloor: DEFAULT_CURVE_FLOOR, allMetrics: false, ...options };
  const keys = new Set([...baseline.points.keys(), ...head.points.keys()]);
  const refs = new Map<string, RefStats[]>();
  const ctx: Context = { baseline, head, history, noise: noiseModel(keys, baseline, history, refs), opts, refs };
  const curves = compareCurves(ctx, keys);
  const curveVerdicts = new Map(curves.map((c) => [c.key, c.result.verdict]));
  const points: PointResult[] = [];
  const perPoint: Verdict[] = [];
  const perMetric: Verdict[] = [];
  for (const key of keys) {
    const entries = comparePoint(ctx, key, curveVerdicts);
    const verdict = worst(entries.map((e) => e.verdict));
    perPoint.push(verdict);
    for (const e of entries) perMetric.push(e.verdict);
    if (verdict === "unchanged" && entries.length > 1 && !opts.allMetrics)
      points.push({ ...entries[0]!, also_unchanged: entries.slice(1).map((e) => e.metric) });
    else points.push(...entries);
  }
  sortResults(points);
  const curveResults = curves.map((c) => c.result);
  sortResults(curveResults);
  return {
    schema: "infx-comparison/1",
    summary: {
      ...count(perPoint),
      points: keys.size,
      curves: count(curveResults.map((c) => c.verdict)),
      metrics: count(perMetric),
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

const info = (r: Run): RunInfo => ({ label: r.label, files: r.files, points: r.points.size, duplicates: r.duplicates });

const RANK: Record<Verdict, number> = { regression: 0, improvement: 1, inconclusive: 2, new: 3, missing: 4, unchanged: 5 };

/** The verdict of a point from its metrics' verdicts: regression beats improvement beats inconclusive ... beats unchanged. */
export function worst(vs: readonly Verdict[]): Verdict {
  return vs.reduce<Verdict>((a, v) => (RANK[v] < RANK[a] ? v : a), "unchanged");
}

export function count(vs: readonly Verdict[]): Counts {
  const c: Counts = { regressions: 0, improvements: 0, unchanged: 0, inconclusive: 0, new: 0, missing: 0 };
  for (const v of vs) {
    if (v === "regression") c.regressions++;
    else if (v === "improvement") c.improvements++;
    else c[v]++;
  }
  return c;
}

/** Size of a change: |log ratio| (of head / reference for points, the geometric-mean ratio for curves). */
function magnitude(t: { ratio: number | null; change?: number | null }): number {
  const r = t.change !== undefined && t.change !== null ? 1 + t.change : t.ratio;
  return r !== null && r > 0 ? Math.abs(Math.log(r)) : 0;
}

/** Changed first, largest change first; then inconclusive, new, missing, unchanged. */
function sortResults<T extends { verdict: Verdict; name: string; ratio: number | null; change?: number | null }>(items: T[]): void {
  items.sort((a, b) => RANK[a.verdict] - RANK[b.verdict] || magnitude(b) - magnitude(a) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

// --- points ----------------------------------------------------------------------

function comparePoint(ctx: Context, key: string, curveVerdicts: Map<string, Verdict>): PointResult[] {
  const b = ctx.baseline.points.get(key);
  const h = ctx.head.points.get(key);
  const p = (h ?? b)!;
  const refs = refsOf(ctx, key);
  const curve = curveVerdicts.get(curveKeyOf(p.identity));
  const out: PointResult[] = [];
  for (const m of METRICS) {
    const mi = MI(m.name);
    const hv = h ? h.values[mi]! : Number.NaN;
    const bv = b ? b.values[mi]! : Number.NaN;
    if (!b || !h) {
      if (Number.isNaN(hv) && Number.isNaN(bv)) continue;
      out.push(entry(ctx, p, m, bv, hv, undefined, b ? "missing" : "new", b ? "only in the baseline" : "only in the head"));
      continue;
    }
    const absent = (pt: Point) => Number.isNaN(pt.values[mi]!) && !(pt.bad & (1 << mi));
    if (absent(b) && absent(h)) continue;
    out.push(metricVerdict(ctx, p, m, bv, hv, refs, curve));
  }
  if (!out.length) out.push(entry(ctx, p, METRICS[0]!, Number.NaN, Number.NaN, undefined, "inconclusive", "no usable metric on either side"));
  return out;
}

function entry(
  ctx: Context,
  p: Point,
  m: MetricSpec,
  bv: number,
  hv: number,
  extra: Partial<PointResult> | undefined,
  verdict: Verdict,
  reason: string,
): PointResult {
  const num = (v: number) => (Number.isFinite(v) ? v : null);
  const comp = COMPANION[m.name];
  const b = ctx.baseline.points.get(p.key);
  const h = ctx.head.points.get(p.key);
  return {
    identity: p.identity,
    name: pointName(p.identity),
    metric: m.name,
    better: m.better,
    baseline: num(bv),
    head: num(hv),
    ratio: bv > 0 && hv > 0 ? round(hv / bv) : null,
    reference: null,
    change: null,
    samples: 0,
    noise: null,
    threshold: null,
    floor: floorOf(ctx, m.name),
    verdict,
    reason,
    ...extra,
    ...(comp ? { companion: { metric: comp, baseline: num(b ? b.values[MI(comp)]! : Number.NaN), head: num(h ? h.values[MI(comp)]! : Number.NaN) } } : {}),
  };
}

const floorOf = (ctx: Context, metric: string) => ctx.opts.floors[metric] ?? ctx.opts.floor;

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
function metricVerdict(ctx: Context, p: Point, m: MetricSpec, bv: number, hv: number, refs: readonly RefStats[], curve: Verdict | undefined): PointResult {
  if (!(bv > 0) || !(hv > 0)) {
    const side = !(bv > 0) ? "baseline" : "head";
    return entry(
      ctx,
      p,
      m,
      bv,
      hv,
      undefined,
      "inconclusive",
      `the ${side} value is ${Number.isNaN(side === "baseline" ? bv : hv) ? "absent or not a positive number" : "not usable"}`,
    );
  }
  const mi = MI(m.name);
  const ref = refs[mi]!;
  const d = Math.log(hv) - ref.mean;
  const floor = floorOf(ctx, m.name);
  const floorLog = Math.log1p(floor);
  const worse = m.better === "higher" ? d < 0 : d > 0;
  const called: Verdict = worse ? "regression" : "improvement";
  const noise = pointNoise(ref, mi, ctx.noise);
  const base = {
    reference: round(Math.exp(ref.mean)),
    change: round(Math.expm1(d)),
    samples: ref.n,
    noise: noise ? { cv: round(noise.sd)!, df: noise.df } : null,
  };
  if (!noise) {
    const v = Math.abs(d) > floorLog ? called : "unchanged";
    return entry(ctx, p, m, bv, hv, { ...base, threshold: floor }, v, `no noise estimate: ${v === "unchanged" ? "within" : "beyond"} the ${pct(floor)} floor`);
  }
  const se = noise.sd * Math.sqrt(1 + 1 / ref.n);
  const strong = tQuantile(1 - ALPHA_POINT / 2, noise.df) * se;
  const supported = tQuantile(1 - ALPHA_SUPPORTED, noise.df) * se;
  const threshold = round(Math.expm1(Math.max(floorLog, strong)))!;
  const extra = { ...base, threshold };
  if (Math.abs(d) <= floorLog) return entry(ctx, p, m, bv, hv, extra, "unchanged", `within the ${pct(floor)} floor`);
  if (Math.abs(d) > strong)
    return entry(ctx, p, m, bv, hv, extra, called, `beyond the floor and the noise (±${pct(Math.expm1(strong))} at ${pct(1 - ALPHA_POINT)})`);
  if (m.onCurve && curve === called && Math.abs(d) > supported) {
    return entry(
      ctx,
      p,
      m,
      bv,
      hv,
      extra,
      called,
      `beyond the floor and the one-sided ${pct(1 - ALPHA_SUPPORTED)} noise margin (±${pct(Math.expm1(supported))}), and its curve moved the same way`,
    );
  }
  return entry(ctx, p, m, bv, hv, extra, "inconclusive", `above the ${pct(floor)} floor but within the noise (needs ±${pct(threshold)})`);
}

// --- curves ----------------------------------------------------------------------

function compareCurves(ctx: Context, keys: Set<string>): { key: string; result: CurveResult }[] {
  const groups = new Map<string, string[]>();
  for (const k of keys) {
    const p = (ctx.head.points.get(k) ?? ctx.baseline.points.get(k))!;
    const g = curveKeyOf(p.identity);
    if (!groups.has(g)) groups.set(g, []);
    groups.get(g)!.push(k);
  }
  return [...groups].map(([g, ks]) => ({ key: g, result: compareCurve(ctx, g, ks) }));
}

function compareCurve(ctx: Context, group: string, keys: readonly string[]): CurveResult {
  const xi = MI(CURVE_X);
  const yi = MI(CURVE_Y);
  const head: CurvePoint[] = [];
  const base: CurvePoint[] = [];
  for (const k of keys) {
    const refs = refsOf(ctx, k);
    const rx = refs[xi]!;
    const ry = refs[yi]!;
    const nx = pointNoise(rx, xi, ctx.noise);
    const ny = pointNoise(ry, yi, ctx.noise);
    const h = ctx.head.points.get(k);
    if (h && h.values[xi]! > 0 && h.values[yi]! > 0) head.push({ x: Math.log(h.values[xi]!), y: Math.log(h.values[yi]!), sx: nx?.sd ?? 0, sy: ny?.sd ?? 0 });
    if (ctx.baseline.points.has(k) && rx.n && ry.n)
      base.push({ x: rx.mean, y: ry.mean, sx: (nx?.sd ?? 0) / Math.sqrt(rx.n), sy: (ny?.sd ?? 0) / Math.sqrt(ry.n) });
  }
  const first = (ctx.head.points.get(keys[0]!) ?? ctx.baseline.points.get(keys[0]!))!;
  const identity = curveIdentityOf(first.identity);
  const floor = ctx.opts.curveFloor;
  const result = (verdict: Verdict, reason: string, extra: Partial<CurveResult> = {}): CurveResult => ({
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
  const inBase = keys.some((k) => ctx.baseline.points.has(k));
  const inHead = keys.some((k) => ctx.head.points.has(k));
  if (!inBase) return result("new", "only in the head");
  if (!inHead) return result("missing", "only in the baseline");
  if (!head.length || !base.length)
    return result("inconclusive", `no point with a usable ${CURVE_Y} and ${CURVE_X} in the ${head.length ? "baseline" : "head"}`);
  const stat = curveStat(head, base, CI_LEVEL, (BOOTSTRAP_SEED ^ hash32(group)) >>> 0, ctx.noise.curveCorrelation);
  if (!stat) return result("inconclusive", "the two curves share no interactivity range");
  return curveVerdict(stat, floor, result);
}

function curveVerdict(
  stat: NonNullable<ReturnType<typeof curveStat>>,
  floor: number,
  result: (v: Verdict, reason: string, extra?: Partial<CurveResult>) => CurveResult,
): CurveResult {
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
