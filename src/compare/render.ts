/**
 * Markdown of a comparison: for the step summary (`renderComparison`) and the
 * section of the sticky PR comment (`renderCommentSection`). Changed points
 * and curves first, largest first, then the counts.
 */
import { count, tableHeader, tableRow } from "../report/markdown.js";
import { type PointList, pointList, type Comparison, type Counts, type CurveResult, type PointResult, type Verdict } from "./types.js";

/**
 * `12,345`: what `count` (toLocaleString "en-US") writes for an integer, without
 * its first call's cost (~40 ms to set up the locale's number format); `count` for any other number.
 */
export function thousands(n: number): string {
  if (!Number.isSafeInteger(n) || Object.is(n, -0)) return count(n);
  const s = String(Math.abs(n));
  let out = s.length > 3 ? s.slice(0, ((s.length - 1) % 3) + 1) : s;
  for (let i = out.length; i < s.length; i += 3) out += `,${s.slice(i, i + 3)}`;
  return n < 0 ? `-${out}` : out;
}

const ICON: Record<Verdict, string> = { regression: "🔴", improvement: "🟢", unchanged: "⚪", inconclusive: "🟡", new: "🆕", missing: "➖" };

/** `2 regressions, 1 improvement, 37 unchanged, 3 inconclusive, 1 new, 0 missing` */
export function countsLine(c: Counts): string {
  const n = (k: number, one: string, many = one + "s") => `${thousands(k)} ${k === 1 ? one : many}`;
  return [
    n(c.regressions, "regression"),
    n(c.improvements, "improvement"),
    `${thousands(c.unchanged)} unchanged`,
    `${thousands(c.inconclusive)} inconclusive`,
    `${thousands(c.new)} new`,
    `${thousands(c.missing)} missing`,
  ].join(", ");
}

const isTime = (metric: string) => /_(ttft|tpot|e2el|itl)$/.test(metric);

/** A metric value for people: latencies in ms, throughputs with 1 decimal. */
export function formatValue(metric: string, v: number | null): string {
  if (v === null) return "–";
  if (isTime(metric)) {
    if (v >= 10) return `${v.toFixed(1)} s`;
    const ms = v * 1000;
    return `${ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2)} ms`;
  }
  return v >= 100 ? v.toFixed(0) : v.toFixed(1);
}

export function formatChange(ratio: number | null): string {
  if (ratio === null) return "–";
  const p = (ratio - 1) * 100;
  return `${p >= 0 ? "+" : "−"}${Math.abs(p).toFixed(1)}%`;
}

function pointRow(p: PointResult): string {
  const change = p.change !== null ? 1 + p.change : p.ratio;
  return tableRow([
    `${ICON[p.verdict]} ${p.verdict}`,
    p.name,
    p.metric,
    formatValue(p.metric, p.baseline),
    formatValue(p.metric, p.head),
    formatChange(change),
    p.noise ? `${(p.noise.cv * 100).toFixed(1)}%` : "none",
    p.reason,
  ]);
}

const POINT_HEADER = tableHeader([
  { title: "verdict" },
  { title: "point" },
  { title: "metric" },
  { title: "baseline", numeric: true },
  { title: "head", numeric: true },
  { title: "change vs reference", numeric: true },
  { title: "noise (CV)", numeric: true },
  { title: "why" },
]);

function curveRow(c: CurveResult): string {
  const ci = c.ci ? `${formatChange(c.ci[0])} … ${formatChange(c.ci[1])}` : "–";
  return tableRow([`${ICON[c.verdict]} ${c.verdict}`, c.name, formatChange(c.ratio), ci, c.levels, c.reason]);
}

const CURVE_HEADER = tableHeader([
  { title: "verdict" },
  { title: "curve" },
  { title: "tput/GPU at equal interactivity (geo-mean)", numeric: true },
  { title: "99% CI", numeric: true },
  { title: "levels", numeric: true },
  { title: "why" },
]);

export interface RenderOptions {
  title?: string;
  /** Rows per table before the rest is left to the JSON (default 200). */
  maxRows?: number;
}

/** Some items of a longer list: its first ones and how many it has. */
interface Head<T> {
  items: readonly T[];
  total: number;
}

const isChange = (v: Verdict) => v === "regression" || v === "improvement";

/** The first `max` point entries whose verdict passes `keep`, and how many pass (the entries are made only for those shown: see pointList). */
function firstPoints(cmp: Comparison, keep: (v: Verdict) => boolean, max: number): Head<PointResult> {
  const list = pointList(cmp);
  const items: PointResult[] = [];
  let total = 0;
  for (let n = 0; n < list.length; n++) {
    if (!keep(list.verdict(n))) continue;
    if (total++ < max) items.push(list.at(n));
  }
  return { items, total };
}

/** A table of the first `max` items (only those are rendered: 20,000 points make 20,000 rows nobody sees), then how many more. */
function table<T>(header: string, head: readonly T[] | Head<T>, row: (item: T) => string, max: number, what: string): string[] {
  const { items, total } = Array.isArray(head) ? { items: head as readonly T[], total: head.length } : (head as Head<T>);
  const out = [header];
  for (let i = 0; i < items.length && i < max; i++) out.push(row(items[i]!));
  if (total > max) out.push("", `_… ${thousands(total - max)} more ${what} in comparison.json._`);
  out.push("");
  return out;
}

function headline(cmp: Comparison): string {
  const s = cmp.summary;
  const icon = s.regressions || s.curves.regressions ? "🔴" : s.improvements || s.curves.improvements ? "🟢" : "⚪";
  return `${icon} **${countsLine(s)}** (of ${thousands(s.points)} points); curves: ${countsLine(s.curves)}`;
}

function methodLine(cmp: Comparison): string {
  const o = cmp.options;
  const floors = Object.entries(o.floors).map(([m, f]) => `${m} ${(f * 100).toFixed(1)}%`);
  const noise =
    cmp.summary.noise === "history"
      ? `noise from the baseline and ${cmp.history.length} history run${cmp.history.length === 1 ? "" : "s"}`
      : "**no noise estimate** (no history runs): changes are called on the floor alone";
  return `Floor ${(o.floor * 100).toFixed(1)}%${floors.length ? ` (${floors.join(", ")})` : ""}, curve floor ${(o.curve_floor * 100).toFixed(1)}%; ${noise}. Method: docs/compare.md.`;
}

export function renderComparison(cmp: Comparison, opts: RenderOptions = {}): string {
  const max = opts.maxRows ?? 200;
  const lines = [`## ${opts.title ?? "Comparison with the baseline"}`, "", headline(cmp), "", methodLine(cmp), ""];
  const moved = cmp.curves.filter((c) => c.verdict !== "unchanged");
  if (moved.length) lines.push("### Curves (throughput per GPU vs interactivity)", "", ...table(CURVE_HEADER, moved, curveRow, max, "curves"));
  const changed = firstPoints(cmp, isChange, max);
  lines.push(
    "### Changed points",
    "",
    ...(changed.total ? table(POINT_HEADER, changed, pointRow, max, "changed metrics") : ["_None beyond the floor and the noise._", ""]),
  );
  const other = firstPoints(cmp, (v) => v === "inconclusive" || v === "new" || v === "missing", max);
  if (other.total) {
    lines.push(
      `<details><summary>Inconclusive, new and missing (${thousands(other.total)})</summary>`,
      "",
      ...table(POINT_HEADER, other, pointRow, max, "rows"),
      "</details>",
      "",
    );
  }
  lines.push(
    "### Counts",
    "",
    tableHeader([{ title: "verdict" }, { title: "points", numeric: true }, { title: "metric comparisons", numeric: true }, { title: "curves", numeric: true }]),
  );
  const keys: [keyof Counts, Verdict][] = [
    ["regressions", "regression"],
    ["improvements", "improvement"],
    ["inconclusive", "inconclusive"],
    ["new", "new"],
    ["missing", "missing"],
    ["unchanged", "unchanged"],
  ];
  for (const [k, v] of keys) lines.push(tableRow([`${ICON[v]} ${v}`, cmp.summary[k], cmp.summary.metrics[k], cmp.summary.curves[k]]));
  lines.push("");
  if (cmp.problems.length) {
    lines.push(
      `<details><summary>⚠️ ${thousands(cmp.problems.length)} problem(s) with the input</summary>`,
      "",
      ...cmp.problems.slice(0, max).map((p) => `- ${p.replace(/[<>]/g, "")}`),
    );
    if (cmp.problems.length > max) lines.push(`- … ${thousands(cmp.problems.length - max)} more in comparison.json`);
    lines.push("", "</details>", "");
  }
  return lines.join("\n");
}

export interface CommentSectionInput {
  /** The comparison, or why there is none. */
  comparison?: Comparison;
  noBaseline?: string;
  /** Base branch name, e.g. `main`. */
  baseRef?: string;
  /** Baseline commit. */
  baseSha?: string;
  /** Link to the full comparison (artifact or run). */
  url?: string;
  /** Top changes shown (default 5). */
  top?: number;
}

/** The sticky comment's section: `#### vs main @ abc1234: 2 regressions, ...`, the top changes and a link to the rest. */
export function renderCommentSection(input: CommentSectionInput): string[] {
  const cmp = input.comparison;
  const ref = input.baseRef ?? cmp?.baseline.ref ?? "the base branch";
  const sha = input.baseSha ?? cmp?.baseline.sha;
  const vs = `vs \`${ref}\`${sha ? ` @ \`${sha.slice(0, 7)}\`` : ""}`;
  if (!cmp) return [`#### Comparison ${vs}`, "", `_No comparison: ${input.noBaseline ?? "no baseline run was found"}._`, ""];
  const s = cmp.summary;
  const lines = [`#### ${s.regressions || s.curves.regressions ? "🔴" : "✅"} ${vs}: ${countsLine(s)}`, ""];
  const curves = cmp.curves.filter((c) => c.verdict === "regression" || c.verdict === "improvement");
  if (curves.length)
    lines.push(
      `Curves: ${curves
        .slice(0, input.top ?? 5)
        .map((c) => `${ICON[c.verdict]} ${c.name} ${formatChange(c.ratio)}`)
        .join(" · ")}`,
      "",
    );
  const top = firstPoints(cmp, isChange, input.top ?? 5).items;
  if (top.length) lines.push(POINT_HEADER, ...top.map(pointRow), "");
  if (s.noise === "none") lines.push("_No noise estimate (no history runs): changes were called on the floor alone._", "");
  lines.push(input.url ? `[Full comparison](${input.url})` : "Full comparison: the `comparison` artifact.", "");
  return lines;
}

/** The JSON of a comparison: compact, one point or curve per line (20,000 points would be ~100 MB indented). */
export function comparisonJson(cmp: Comparison): string {
  return [...comparisonJsonChunks(cmp)].join("");
}

/** Size of the pieces `comparisonJsonChunks` yields, in characters, and `comparisonJsonBytes`, in bytes. */
const CHUNK = 1 << 20;

/**
 * `comparisonJson` in pieces of about a megabyte, made as they are consumed:
 * written one after the other, the file is never one string in memory (and the
 * pieces die young).
 */
export function* comparisonJsonChunks(cmp: Comparison): Generator<string> {
  let parts: string[] = [];
  let size = 0;
  for (const text of comparisonJsonTexts(cmp)) {
    parts.push(text);
    size += text.length;
    if (size < CHUNK) continue;
    yield parts.join("");
    parts = [];
    size = 0;
  }
  yield parts.join("");
}

/**
 * `comparisonJson` as UTF-8 in pieces of about a megabyte, for a file: each
 * entry's text is encoded straight into the piece's buffer (4x less CPU than
 * joining the texts and encoding the joined string).
 */
export function* comparisonJsonBytes(cmp: Comparison): Generator<Uint8Array> {
  let buf = Buffer.allocUnsafe(CHUNK);
  let used = 0;
  for (const text of comparisonJsonTexts(cmp)) {
    const most = text.length * 3; // UTF-8 bytes of a UTF-16 code unit: at most 3
    if (used + most > buf.length) {
      if (used) yield buf.subarray(0, used);
      buf = Buffer.allocUnsafe(Math.max(CHUNK, most));
      used = 0;
    }
    used += buf.write(text, used);
  }
  if (used) yield buf.subarray(0, used);
}

/** The texts of `comparisonJson`, one after the other: one per point, curve and problem, and what is between them. */
function* comparisonJsonTexts(cmp: Comparison): Generator<string> {
  yield "{\n";
  let first = true;
  for (const k of Object.keys(cmp) as (keyof Comparison)[]) {
    yield `${first ? "" : ",\n"}${JSON.stringify(k)}: `;
    first = false;
    // The points one at a time (made as they are written when compareRuns made them: see pointList).
    const v = k === "points" ? pointList(cmp) : cmp[k];
    if (!(k === "points" || (Array.isArray(v) && (k === "curves" || k === "problems")))) {
      yield JSON.stringify(v);
      continue;
    }
    const length = (v as ArrayLike<unknown>).length;
    if (!length) {
      yield "[]";
      continue;
    }
    const at = k === "points" ? (i: number) => (v as PointList).at(i) : (i: number) => (v as readonly unknown[])[i];
    yield "[\n";
    // One JSON.stringify per entry: V8's serializer is faster than any hand-built string.
    for (let i = 0; i < length; i++) yield i ? `,\n${JSON.stringify(at(i))}` : JSON.stringify(at(i));
    yield "\n]";
  }
  yield "\n}\n";
}
