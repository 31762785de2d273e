/**
 * The results summary in markdown, for `$GITHUB_STEP_SUMMARY` and PR
 * comments: charts, the eval table, and the single-node and multi-node
 * benchmark tables with the user guide's columns.
 *
 * Size (the rule `fitSummaryBudget`): GitHub accepts at most 1 MiB per step
 * summary. When everything does not fit, table rows are cut, taken
 * round-robin over the (model, sequence lengths) groups so every group keeps
 * rows, and a note says how many rows were left out and where the full data
 * is. Charts come first (a few KiB each); should they ever take more than
 * 40% of the budget they are left out with a note.
 */
import { gpuCount, isMultiNodeRow, type AggRow, type EvalRow } from "../results/types.js";
import { renderCharts } from "./charts.js";
import { bytes, count, fixed, tableHeader, tableRow } from "./markdown.js";

export { renderCharts, renderChart, chartGroups, throughputFrontier } from "./charts.js";

/** GitHub's limit for one step summary. */
export const STEP_SUMMARY_LIMIT = 1024 * 1024;
/** What the summary aims to stay under by default (room for other steps' text is the caller's choice). */
export const DEFAULT_MAX_BYTES = STEP_SUMMARY_LIMIT - 24 * 1024;

export interface SummaryInput {
  bmk?: readonly AggRow[];
  evals?: readonly EvalRow[];
  /** Heading of the summary (default `Benchmark results`). */
  title?: string;
  /** Byte budget of the whole summary (default {@link DEFAULT_MAX_BYTES}). */
  maxBytes?: number;
  /** Where the full benchmark rows are, for the cut note (default: artifact results_bmk). */
  bmkSource?: string;
  /** Where the full eval rows are (default: artifact eval_results_all). */
  evalSource?: string;
  /** Draw charts (default true). */
  charts?: boolean;
}

interface Column<R> {
  title: string;
  numeric?: boolean;
  value: (r: R) => unknown;
}

const frameworkCell = (r: { framework: string; spec_decoding: string }) =>
  r.spec_decoding && r.spec_decoding !== "none" ? `${r.framework} + ${r.spec_decoding}` : r.framework;

const MODEL_COLUMNS: Column<AggRow>[] = [
  { title: "Model", value: (r) => r.infmax_model_prefix },
  { title: "Served model", value: (r) => r.model },
  { title: "Hardware", value: (r) => r.hw },
  { title: "Framework", value: frameworkCell },
  { title: "Precision", value: (r) => r.precision },
  { title: "ISL", numeric: true, value: (r) => r.isl },
  { title: "OSL", numeric: true, value: (r) => r.osl },
];
const METRIC_COLUMNS: Column<AggRow>[] = [
  { title: "Conc", numeric: true, value: (r) => r.conc },
  { title: "TTFT ms", numeric: true, value: (r) => fixed(typeof r.mean_ttft === "number" ? r.mean_ttft * 1000 : undefined, 1) },
  { title: "TPOT ms", numeric: true, value: (r) => fixed(typeof r.mean_tpot === "number" ? r.mean_tpot * 1000 : undefined, 2) },
  { title: "Interactivity tok/s/user", numeric: true, value: (r) => fixed(r.mean_intvty, 1) },
  { title: "E2EL s", numeric: true, value: (r) => fixed(r.mean_e2el, 2) },
  { title: "TPUT per GPU", numeric: true, value: (r) => fixed(r.tput_per_gpu, 1) },
  { title: "Output TPUT per GPU", numeric: true, value: (r) => fixed(r.output_tput_per_gpu, 1) },
  { title: "Input TPUT per GPU", numeric: true, value: (r) => fixed(r.input_tput_per_gpu, 1) },
];

export const SINGLE_NODE_COLUMNS: Column<AggRow>[] = [
  ...MODEL_COLUMNS,
  { title: "TP", numeric: true, value: (r) => (isMultiNodeRow(r) ? undefined : r.tp) },
  { title: "EP", numeric: true, value: (r) => (isMultiNodeRow(r) ? undefined : r.ep) },
  { title: "DP attention", value: (r) => (isMultiNodeRow(r) ? undefined : r.dp_attention) },
  ...METRIC_COLUMNS,
];

const multi =
  <T>(f: (r: AggRow & { is_multinode: true; [k: string]: unknown }) => T) =>
  (r: AggRow) =>
    isMultiNodeRow(r) ? f(r as never) : undefined;
export const MULTI_NODE_COLUMNS: Column<AggRow>[] = [
  ...MODEL_COLUMNS,
  { title: "Prefill workers", numeric: true, value: multi((r) => r.prefill_num_workers) },
  { title: "Prefill TP", numeric: true, value: multi((r) => r.prefill_tp) },
  { title: "Prefill EP", numeric: true, value: multi((r) => r.prefill_ep) },
  { title: "Prefill DP attention", value: multi((r) => r.prefill_dp_attention) },
  { title: "Decode workers", numeric: true, value: multi((r) => r.decode_num_workers) },
  { title: "Decode TP", numeric: true, value: multi((r) => r.decode_tp) },
  { title: "Decode EP", numeric: true, value: multi((r) => r.decode_ep) },
  { title: "Decode DP attention", value: multi((r) => r.decode_dp_attention) },
  { title: "GPUs", numeric: true, value: (r) => gpuCount(r) },
  ...METRIC_COLUMNS,
];

export const EVAL_COLUMNS: Column<EvalRow>[] = [
  { title: "Model", value: (r) => r.model_prefix },
  { title: "Served model", value: (r) => r.model },
  { title: "Hardware", value: (r) => r.hw },
  { title: "Framework", value: frameworkCell },
  { title: "Precision", value: (r) => r.precision },
  { title: "TP", numeric: true, value: (r) => r.tp },
  { title: "EP", numeric: true, value: (r) => r.ep },
  { title: "DP attention", value: (r) => r.dp_attention },
  { title: "Conc", numeric: true, value: (r) => r.conc },
  { title: "Task", value: (r) => r.task },
  { title: "Score", numeric: true, value: (r) => `${fixed(r.score, 4)}${typeof r.score_se === "number" ? ` ± ${fixed(r.score_se, 4)}` : ""}` },
  { title: "Metric", value: (r) => r.score_name },
  { title: "EM strict", numeric: true, value: (r) => fixed(r.em_strict, 4) },
  { title: "EM flexible", numeric: true, value: (r) => fixed(r.em_flexible, 4) },
  { title: "Samples", numeric: true, value: (r) => r.n_eff },
  { title: "Gate", value: (r) => (r.passed === undefined ? "–" : r.passed ? `✅ ≥ ${r.threshold}` : `❌ < ${r.threshold}`) },
];

function tableLines<R>(rows: readonly R[], columns: readonly Column<R>[]): string[] {
  return rows.map((r) => tableRow(columns.map((c) => c.value(r))));
}

function renderTable<R>(rows: readonly R[], columns: readonly Column<R>[]): string {
  return [tableHeader(columns), ...tableLines(rows, columns)].join("\n") + "\n";
}

/** A benchmark table: single-node rows with the TP/EP/DP columns, or multi-node rows with the prefill/decode columns. */
export function renderBenchmarkTable(rows: readonly AggRow[], kind: "single" | "multi" = rows.some(isMultiNodeRow) ? "multi" : "single"): string {
  return renderTable(rows, kind === "multi" ? MULTI_NODE_COLUMNS : SINGLE_NODE_COLUMNS);
}

export function renderEvalTable(rows: readonly EvalRow[]): string {
  return renderTable(rows, EVAL_COLUMNS);
}

/** Indices of rows in round-robin order over groups (groups in first-seen order, rows in order within a group). */
export function roundRobinOrder<R>(rows: readonly R[], groupOf: (r: R) => string): number[] {
  const groups = new Map<string, number[]>();
  rows.forEach((r, i) => {
    const k = groupOf(r);
    let g = groups.get(k);
    if (!g) groups.set(k, (g = []));
    g.push(i);
  });
  const lists = [...groups.values()];
  const out: number[] = [];
  for (let depth = 0; out.length < rows.length; depth++) for (const l of lists) if (depth < l.length) out.push(l[depth]!);
  return out;
}

/** A table's body lines, rendered on demand (a 20,000-row table is mostly cut, so most lines are never rendered). */
export interface LazyLines {
  count: number;
  line(i: number): string;
  groupOf(i: number): string;
}

/** Memoised lines of `rows` under `columns`. */
function lazyLines<R>(rows: readonly R[], columns: readonly Column<R>[], groupOf: (r: R) => string): LazyLines {
  const cache = new Array<string | undefined>(rows.length);
  return {
    count: rows.length,
    line: (i) => (cache[i] ??= tableRow(columns.map((c) => c.value(rows[i]!)))),
    groupOf: (i) => groupOf(rows[i]!),
  };
}

/** Lines rendered exactly when there are few; else estimated from an even sample. */
const EXACT_UP_TO = 2000;
const SAMPLE = 400;

function tableBytes(t: LazyLines): { bytes: number; exact: boolean } {
  if (t.count <= EXACT_UP_TO) {
    let b = 0;
    for (let i = 0; i < t.count; i++) b += bytes(t.line(i)) + 1;
    return { bytes: b, exact: true };
  }
  let b = 0;
  const step = t.count / SAMPLE;
  for (let k = 0; k < SAMPLE; k++) b += bytes(t.line(Math.floor(k * step))) + 1;
  return { bytes: Math.ceil((b / SAMPLE) * t.count), exact: false };
}

const all = (n: number) => Array.from({ length: n }, (_, i) => i);

/**
 * Picks which lines of each table fit in `budget` bytes: every line when all
 * fit; otherwise lines round-robin over the groups of each table, sharing the
 * budget between tables by size (tables under a quarter of the budget are
 * kept whole). Returns the kept line indices per table, in table order. Each
 * table's kept lines are measured exactly, so the budget holds even where
 * sizes were estimated.
 */
export function fitSummaryBudget(tables: readonly LazyLines[], budget: number): number[][] {
  const sizes = tables.map(tableBytes);
  const total = sizes.reduce((a, s) => a + s.bytes, 0);
  if (total <= budget) {
    // Estimated sizes are checked exactly before everything is kept.
    const exact = sizes.map((s, ti) => (s.exact ? s.bytes : tableBytesExact(tables[ti]!)));
    if (exact.reduce((a, b) => a + b, 0) <= budget) return tables.map((t) => all(t.count));
  }
  const keepAll = sizes.map((s) => s.exact && s.bytes <= budget / 4);
  const left = budget - sizes.reduce((a, s, i) => a + (keepAll[i] ? s.bytes : 0), 0);
  const cutTotal = sizes.reduce((a, s, i) => a + (keepAll[i] ? 0 : s.bytes), 0);
  return tables.map((t, ti) => {
    if (keepAll[ti]) return all(t.count);
    const share = Math.floor((left * sizes[ti]!.bytes) / cutTotal);
    const kept: number[] = [];
    let used = 0;
    for (const i of roundRobinOrder(all(t.count), t.groupOf)) {
      const b = bytes(t.line(i)) + 1;
      if (used + b > share) break;
      used += b;
      kept.push(i);
    }
    return kept.sort((a, b) => a - b);
  });
}

function tableBytesExact(t: LazyLines): number {
  let b = 0;
  for (let i = 0; i < t.count; i++) b += bytes(t.line(i)) + 1;
  return b;
}

interface TableSection extends LazyLines {
  heading: string;
  header: string;
  what: string;
  source: string;
}

/** The whole summary (see the module comment); stays under `maxBytes`. */
export function renderSummary(input: SummaryInput): string {
  const bmk = input.bmk ?? [];
  const evals = input.evals ?? [];
  const maxBytes = input.maxBytes ?? DEFAULT_MAX_BYTES;
  const single = bmk.filter((r) => !isMultiNodeRow(r));
  const multiRows = bmk.filter(isMultiNodeRow);
  const bmkSource = input.bmkSource ?? "`agg_bmk.json` in the run's artifact `results_bmk`";
  const evalSource = input.evalSource ?? "`agg_eval_all.json` in the run's artifact `eval_results_all`";

  const intro: string[] = [`## ${input.title ?? "Benchmark results"}`, ""];
  const models = new Set(bmk.map((r) => r.infmax_model_prefix));
  const failed = evals.filter((e) => e.passed === false).length;
  intro.push(
    `${count(bmk.length)} benchmark row${bmk.length === 1 ? "" : "s"} (${count(single.length)} single-node, ${count(multiRows.length)} multi-node) ` +
      `for ${models.size} model${models.size === 1 ? "" : "s"}; ${count(evals.length)} eval row${evals.length === 1 ? "" : "s"}` +
      (evals.some((e) => e.passed !== undefined) ? ` (${failed} below the accuracy threshold)` : "") +
      ".",
    "",
  );
  let charts = input.charts === false || !bmk.length ? "" : renderCharts(bmk);
  if (charts && bytes(charts) > maxBytes * 0.4)
    charts = `_Charts left out: they would take ${count(bytes(charts))} bytes of the ${count(maxBytes)}-byte summary._\n`;
  const chartSection = charts ? `### Throughput per GPU vs interactivity\n\n${charts}\n` : "";

  const groupKey = (r: { infmax_model_prefix?: string; model_prefix?: string; isl?: number; osl?: number }) =>
    `${r.infmax_model_prefix ?? r.model_prefix ?? ""} ${r.isl ?? ""}/${r.osl ?? ""}`;
  const sections: TableSection[] = [];
  if (evals.length)
    sections.push({ heading: "### Evals", header: tableHeader(EVAL_COLUMNS), ...lazyLines(evals, EVAL_COLUMNS, groupKey), what: "eval", source: evalSource });
  if (single.length)
    sections.push({
      heading: "### Single-node results",
      header: tableHeader(SINGLE_NODE_COLUMNS),
      ...lazyLines(single, SINGLE_NODE_COLUMNS, groupKey),
      what: "single-node",
      source: bmkSource,
    });
  if (multiRows.length)
    sections.push({
      heading: "### Multi-node results",
      header: tableHeader(MULTI_NODE_COLUMNS),
      ...lazyLines(multiRows, MULTI_NODE_COLUMNS, groupKey),
      what: "multi-node",
      source: bmkSource,
    });

  const NOTE_RESERVE = 400;
  const fixedBytes = bytes(intro.join("\n")) + bytes(chartSection) + sections.reduce((s, t) => s + bytes(t.heading) + bytes(t.header) + 8 + NOTE_RESERVE, 0);
  const budget = Math.max(0, maxBytes - fixedBytes);
  const kept = fitSummaryBudget(sections, budget);

  const out: string[] = [...intro];
  if (chartSection) out.push(chartSection);
  sections.forEach((s, si) => {
    const keep = kept[si]!;
    out.push(s.heading, "");
    const cut = s.count - keep.length;
    if (cut > 0)
      out.push(
        `> **${count(cut)} of ${count(s.count)} ${s.what} rows are not shown** (GitHub limits a step summary to 1 MiB); ` +
          `the rows shown are spread over every model and sequence length. The full data is in ${s.source}.`,
        "",
      );
    out.push(s.header, ...keep.map((i) => s.line(i)), "");
  });
  if (!bmk.length && !evals.length) out.push("_No results were collected._", "");
  return out.join("\n");
}
