/**
 * Throughput-per-GPU vs interactivity charts as mermaid `xychart-beta` blocks
 * (GitHub renders them in step summaries and comments).
 *
 * Mermaid's xychart has one x-axis for all series and takes only y values,
 * so series measured at different interactivities cannot be drawn as their
 * raw points. Each series is drawn as its frontier instead (the rule
 * `throughputFrontier`): at each x-axis value t (evenly spaced interactivity
 * thresholds), the best throughput per GPU among that series' measured
 * configurations whose interactivity is at least t, and 0 where none reaches
 * t. That is what the usual throughput/interactivity trade-off plot shows,
 * every plotted value is a measured one, and a series never appears to reach
 * an interactivity it did not. The legend under each chart names the series
 * (mermaid's xychart has none) and gives the measured peaks.
 */
import { seqLenName, type AggRow } from "../results/types.js";
import { fixed, tableHeader, tableRow } from "./markdown.js";

/** At most this many series per chart (one per palette colour); more are split into further charts. */
export const MAX_SERIES = 8;
const PALETTE = ["#dd2e44", "#55acee", "#78b159", "#f4900c", "#aa8ed6", "#c1694f", "#31373d", "#fdcb58"];
const SWATCH = ["🟥", "🟦", "🟩", "🟧", "🟪", "🟫", "⬛", "🟨"];
/** Number of interactivity thresholds on the x-axis (about). */
const X_STEPS = 10;

export interface Point {
  x: number;
  y: number;
}

export interface Series {
  label: string;
  points: Point[];
}

export interface ChartGroup {
  /** e.g. `dsr1 · 1k1k` */
  title: string;
  series: Series[];
}

/** 1, 2, 2.5 or 5 times a power of ten, at least `v`. */
export function niceStep(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v - 1e-12) return m * p;
  return 10 * p;
}

/** Evenly spaced x-axis thresholds 0, s, 2s, ... below the largest interactivity. */
export function thresholds(maxX: number): number[] {
  const step = niceStep(maxX / X_STEPS);
  const out: number[] = [];
  for (let t = 0; t < maxX - 1e-9 && out.length < X_STEPS + 3; t += step) out.push(Number(t.toPrecision(12)));
  return out.length ? out : [0];
}

/** Best y among points with x >= t, for each threshold t (0 where none qualifies). */
export function throughputFrontier(points: readonly Point[], ts: readonly number[]): number[] {
  return ts.map((t) => points.reduce((best, p) => (p.x >= t && p.y > best ? p.y : best), 0));
}

const SERIES_PARTS = ["hw", "framework", "precision", "spec_decoding", "nodes"] as const;

function seriesParts(row: AggRow): Record<(typeof SERIES_PARTS)[number], string> {
  return {
    hw: row.hw,
    framework: row.framework,
    precision: row.precision,
    spec_decoding: row.spec_decoding === "none" || row.spec_decoding === "" ? "" : row.spec_decoding,
    nodes: row.is_multinode ? "multi-node" : "",
  };
}

/**
 * Chart groups: one per model prefix and sequence lengths, one series per
 * hardware/framework (plus precision, speculative decoding or multi-node
 * where those differ within the chart, so no series mixes them).
 */
export function chartGroups(rows: readonly AggRow[]): ChartGroup[] {
  const groups = new Map<string, AggRow[]>();
  for (const r of rows) {
    if (typeof r.mean_intvty !== "number" || !Number.isFinite(r.mean_intvty) || !Number.isFinite(r.tput_per_gpu)) continue;
    const key = `${r.infmax_model_prefix}\u0000${String(r.isl).padStart(8, "0")}\u0000${String(r.osl).padStart(8, "0")}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(r);
  }
  const out: ChartGroup[] = [];
  for (const key of [...groups.keys()].sort()) {
    const g = groups.get(key)!;
    const parts = g.map(seriesParts);
    const varying = SERIES_PARTS.filter((p, i) => i < 2 || new Set(parts.map((x) => x[p])).size > 1);
    const series = new Map<string, Series>();
    g.forEach((row, i) => {
      const label = varying
        .map((p) => parts[i]![p])
        .filter(Boolean)
        .join(" / ");
      let s = series.get(label);
      if (!s) series.set(label, (s = { label, points: [] }));
      s.points.push({ x: row.mean_intvty as number, y: row.tput_per_gpu });
    });
    const all = [...series.values()].sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
    const title = `${g[0]!.infmax_model_prefix} · ${seqLenName(g[0]!.isl, g[0]!.osl)}`;
    const nParts = Math.ceil(all.length / MAX_SERIES);
    for (let i = 0; i < nParts; i++)
      out.push({ title: nParts > 1 ? `${title} (part ${i + 1} of ${nParts})` : title, series: all.slice(i * MAX_SERIES, (i + 1) * MAX_SERIES) });
  }
  return out;
}

const round1 = (v: number) => Math.round(v * 10) / 10;
const quote = (s: string) => `"${s.replace(/"/g, "'")}"`;

/** One chart: a mermaid block and its legend. */
export function renderChart(group: ChartGroup): string {
  const maxX = Math.max(...group.series.flatMap((s) => s.points.map((p) => p.x)));
  const maxY = Math.max(...group.series.flatMap((s) => s.points.map((p) => p.y)));
  const ts = thresholds(maxX);
  const yTop = niceStep(maxY / 5) * Math.ceil(maxY / niceStep(maxY / 5) || 1);
  const lines = [
    "```mermaid",
    "---",
    "config:",
    "  themeVariables:",
    "    xyChart:",
    `      plotColorPalette: ${quote(PALETTE.slice(0, group.series.length).join(", "))}`,
    "---",
    "xychart-beta",
    `    title ${quote(`${group.title}: best throughput per GPU at interactivity >= x`)}`,
    `    x-axis "Interactivity at least (tok/s/user)" [${ts.map((t) => quote(String(t))).join(", ")}]`,
    `    y-axis "Throughput per GPU (tok/s)" 0 --> ${round1(yTop)}`,
    ...group.series.map((s) => `    line [${throughputFrontier(s.points, ts).map(round1).join(", ")}]`),
    "```",
    "",
    tableHeader([
      { title: "" },
      { title: "Series" },
      { title: "Points", numeric: true },
      { title: "Peak TPUT/GPU", numeric: true },
      { title: "Peak interactivity", numeric: true },
    ]),
    ...group.series.map((s, i) =>
      tableRow([SWATCH[i], s.label, s.points.length, fixed(Math.max(...s.points.map((p) => p.y)), 1), fixed(Math.max(...s.points.map((p) => p.x)), 1)]),
    ),
  ];
  return lines.join("\n") + "\n";
}

export const CHART_EXPLANATION =
  "Each line is one hardware/framework: at each interactivity x (tokens/s per user) it shows the best throughput per GPU among " +
  "its measured configurations that reach at least x, and 0 where none does (mermaid charts share one x-axis, so this frontier " +
  "is drawn instead of raw points; every value is a measured one).";

/** All charts: one per model and sequence lengths (split when a chart would have more than {@link MAX_SERIES} series). */
export function renderCharts(rows: readonly AggRow[]): string {
  const groups = chartGroups(rows);
  if (!groups.length) return "";
  return [CHART_EXPLANATION, "", ...groups.map((g) => `#### ${g.title}\n\n${renderChart(g)}`)].join("\n");
}
