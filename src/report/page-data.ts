/**
 * The data of the HTML report page (`renderReportPage`), encoded compactly so
 * that 20,000 rows fit in a page of a few MB (the rule `encodePageData`):
 * - each distinct configuration (model, lengths, hardware, framework,
 *   precision, speculative decoding, image, parallel shape) is stored once in
 *   `configs`; a row is its configuration index, its concurrency and its metrics;
 * - metrics are stored per column (`metrics[name][row]`) with 4 significant
 *   digits, latencies in milliseconds (E2EL in seconds), `null` when absent;
 * - strings are stored once in `strings` and referred to by index.
 *
 * Row `i` of the page is row `i` of the input (`agg_bmk.json` order); the
 * page's `data-point` attributes carry that index.
 */
import { benchmarkIdentity } from "../results/rows.js";
import { gpuCount, isMultiNodeRow, type AggRow, type EvalRow } from "../results/types.js";
import type { RunStats } from "../results/success-rate.js";

/** A metric of the page: which row field, its unit, and how it is scaled. */
export interface MetricSpec {
  key: string;
  field: string;
  label: string;
  unit: string;
  /** Multiplier from the row's unit (seconds for latencies) to the page's. */
  scale: number;
  /** Whether a larger value is better (frontiers and verdict arrows). */
  higherBetter: boolean;
}

/** Every metric the page carries (chart axes, table columns, hover). */
export const PAGE_METRICS: readonly MetricSpec[] = [
  { key: "tput", field: "tput_per_gpu", label: "Total throughput per GPU", unit: "tok/s/GPU", scale: 1, higherBetter: true },
  { key: "otput", field: "output_tput_per_gpu", label: "Output throughput per GPU", unit: "tok/s/GPU", scale: 1, higherBetter: true },
  { key: "itput", field: "input_tput_per_gpu", label: "Input throughput per GPU", unit: "tok/s/GPU", scale: 1, higherBetter: true },
  { key: "intvty", field: "mean_intvty", label: "Interactivity (mean)", unit: "tok/s/user", scale: 1, higherBetter: true },
  { key: "intvty50", field: "median_intvty", label: "Interactivity p50", unit: "tok/s/user", scale: 1, higherBetter: true },
  { key: "ttft50", field: "median_ttft", label: "TTFT p50", unit: "ms", scale: 1000, higherBetter: false },
  { key: "ttft99", field: "p99_ttft", label: "TTFT p99", unit: "ms", scale: 1000, higherBetter: false },
  { key: "tpot50", field: "median_tpot", label: "TPOT p50", unit: "ms", scale: 1000, higherBetter: false },
  { key: "tpot99", field: "p99_tpot", label: "TPOT p99", unit: "ms", scale: 1000, higherBetter: false },
  { key: "itl50", field: "median_itl", label: "ITL p50", unit: "ms", scale: 1000, higherBetter: false },
  { key: "itl99", field: "p99_itl", label: "ITL p99", unit: "ms", scale: 1000, higherBetter: false },
  { key: "e2el50", field: "median_e2el", label: "E2E latency p50", unit: "s", scale: 1, higherBetter: false },
  { key: "e2el99", field: "p99_e2el", label: "E2E latency p99", unit: "s", scale: 1, higherBetter: false },
];

/** One distinct configuration: indexes into `strings`, numbers as they are. */
export interface PageConfig {
  /** model prefix, served model, hardware, framework, precision, spec decoding, image, shape text */
  s: [number, number, number, number, number, number, number, number];
  isl: number;
  osl: number;
  multi: boolean;
  gpus: number;
  /** Simulated (the row's server is serve-sim). */
  sim: boolean;
}

export interface ComparePoint {
  identity: Record<string, unknown> | string;
  metric: string;
  baseline: number | null;
  head: number | null;
  ratio: number | null;
  verdict: string;
  [more: string]: unknown;
}

/** The output of `infx compare --format json` (issue 11's shape; extra fields are kept). */
export interface CompareInput {
  summary: Record<string, number>;
  points: ComparePoint[];
  curves?: Record<string, unknown>[];
  [more: string]: unknown;
}

/** A compared metric of one row, for the page: `[metric key or field, baseline, head, ratio, verdict]`. */
export type PageVerdict = [string, number | null, number | null, number | null, string];

export interface PageCompare {
  summary: Record<string, number>;
  /** Row index → that row's compared metrics. */
  rows: Record<number, PageVerdict[]>;
  /** Points only in the baseline (no head row): identity text, where it belongs, its compared metrics. */
  missing: { label: string; panel: string | null; series: string | null; values: PageVerdict[] }[];
  curves: { label: string; ratio: number | null; verdict: string }[];
  /** Compare points that matched no row nor a panel (listed, never dropped). */
  unmatched: number;
}

export interface Provenance {
  runUrl?: string;
  commit?: string;
  date?: string;
  configFiles?: string[];
  /** Where the rows were read from. */
  sources?: string[];
  /** e.g. `serve-sim` or a base URL. */
  server?: string;
  command?: string;
}

export interface PageData {
  title: string;
  generated: string;
  simulated: number;
  strings: string[];
  configs: PageConfig[];
  /** Per row: configuration index. */
  cfg: number[];
  conc: number[];
  metrics: Record<string, (number | null)[]>;
  metricSpecs: readonly MetricSpec[];
  evals: EvalRow[];
  success: { gpu: string; ok: number; total: number }[];
  provenance: Provenance;
  compare: PageCompare | null;
}

export interface PageInput {
  title?: string;
  bmk: readonly AggRow[];
  evals?: readonly EvalRow[];
  runStats?: RunStats;
  compare?: CompareInput;
  provenance?: Provenance;
  /** ISO time the page is stamped with (default now). */
  generated?: string;
}

/** 4 significant digits (enough to read and sort; keeps the page small). */
export function round4(v: unknown, scale = 1): number | null {
  if (typeof v !== "number" || !Number.isFinite(v)) return null;
  const x = v * scale;
  return x === 0 ? 0 : Number(x.toPrecision(4));
}

/** TP/EP/DP-attention of a single-node row, or the prefill/decode shape of a multi-node one. */
export function shapeText(row: AggRow): string {
  const dpa = (v: string) => (v === "true" ? " DP-attn" : "");
  if (isMultiNodeRow(row))
    return `prefill ${row.prefill_num_workers}×TP${row.prefill_tp} EP${row.prefill_ep}${dpa(row.prefill_dp_attention)} · decode ${row.decode_num_workers}×TP${row.decode_tp} EP${row.decode_ep}${dpa(row.decode_dp_attention)}`;
  return `TP${row.tp} EP${row.ep}${dpa(row.dp_attention)}`;
}

class Strings {
  readonly list: string[] = [];
  private readonly index = new Map<string, number>();
  of(s: string): number {
    let i = this.index.get(s);
    if (i === undefined) {
      i = this.list.length;
      this.list.push(s);
      this.index.set(s, i);
    }
    return i;
  }
}

/** The rule: rows → compact page data (see the module comment). */
export function encodePageData(input: PageInput): PageData {
  const strings = new Strings();
  const configs: PageConfig[] = [];
  const configIndex = new Map<string, number>();
  const cfg: number[] = [];
  const conc: number[] = [];
  const metrics: Record<string, (number | null)[]> = Object.fromEntries(PAGE_METRICS.map((m) => [m.key, []]));
  let simulated = 0;
  for (const row of input.bmk) {
    const sim = row.server === "serve-sim";
    if (sim) simulated++;
    const s: PageConfig["s"] = [row.infmax_model_prefix, row.model, row.hw, row.framework, row.precision, row.spec_decoding, row.image, shapeText(row)].map(
      (x) => strings.of(String(x ?? "")),
    ) as PageConfig["s"];
    const key = JSON.stringify([s, row.isl, row.osl, row.is_multinode, sim]);
    let c = configIndex.get(key);
    if (c === undefined) {
      c = configs.length;
      configs.push({ s, isl: row.isl, osl: row.osl, multi: row.is_multinode === true, gpus: gpuCount(row), sim });
      configIndex.set(key, c);
    }
    cfg.push(c);
    conc.push(row.conc);
    for (const m of PAGE_METRICS) metrics[m.key]!.push(round4(row[m.field], m.scale));
  }
  return {
    title: input.title ?? "Benchmark report",
    generated: input.generated ?? new Date().toISOString(),
    simulated,
    strings: strings.list,
    configs,
    cfg,
    conc,
    metrics,
    metricSpecs: PAGE_METRICS,
    evals: [...(input.evals ?? [])],
    success: Object.entries(input.runStats ?? {})
      .map(([gpu, v]) => ({ gpu, ok: v.n_success, total: v.total }))
      .sort((a, b) => (a.gpu < b.gpu ? -1 : 1)),
    provenance: input.provenance ?? {},
    compare: input.compare ? encodeCompare(input.compare, input.bmk) : null,
  };
}

const ALIASES: Record<string, string> = { model_prefix: "infmax_model_prefix", prefix: "infmax_model_prefix", concurrency: "conc", runner: "hw" };

/** Whether a compare identity names this row: every identity field the row has is equal (as text). */
function identityMatches(identity: Record<string, unknown>, row: Record<string, unknown>): boolean {
  let compared = 0;
  for (const [k, v] of Object.entries(identity)) {
    const field = k in row ? k : ALIASES[k];
    if (!field || !(field in row)) continue;
    compared++;
    if (String(row[field]) !== String(v)) return false;
  }
  return compared > 0;
}

function identityLabel(identity: Record<string, unknown> | string): string {
  if (typeof identity === "string") return identity;
  return Object.entries(identity)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(" ");
}

/** Compare points → verdicts per row (matched by identity), baseline-only points apart, curves as label + ratio + verdict. */
export function encodeCompare(c: CompareInput, rows: readonly AggRow[]): PageCompare {
  const byKey = new Map<string, number>();
  const buckets = new Map<string, number[]>();
  rows.forEach((r, i) => {
    byKey.set(benchmarkIdentity(r), i);
    const b = `${r.hw}|${r.conc}`;
    buckets.get(b)?.push(i) ?? buckets.set(b, [i]);
  });
  const all = rows.map((_, i) => i);
  const out: PageCompare = { summary: { ...c.summary }, rows: {}, missing: [], curves: [], unmatched: 0 };
  const missing = new Map<string, PageCompare["missing"][number]>();
  for (const p of c.points ?? []) {
    const v: PageVerdict = [p.metric, num(p.baseline), num(p.head), num(p.ratio), String(p.verdict)];
    const idx = findRow(p.identity, rows, byKey, buckets, all);
    if (idx !== undefined) {
      (out.rows[idx] ??= []).push(v);
      continue;
    }
    const label = identityLabel(p.identity);
    let m = missing.get(label);
    if (!m) {
      const id = typeof p.identity === "object" && p.identity ? p.identity : {};
      const get = (k: string) => id[k] ?? id[Object.keys(ALIASES).find((a) => ALIASES[a] === k) ?? ""];
      const prefix = get("infmax_model_prefix");
      const panel = prefix !== undefined && id.isl !== undefined && id.osl !== undefined ? `${String(prefix)}|${String(id.isl)}|${String(id.osl)}` : null;
      const series = id.hw !== undefined && id.framework !== undefined ? `${String(id.hw)} / ${String(id.framework)} / ${String(id.precision ?? "")}` : null;
      missing.set(label, (m = { label, panel, series, values: [] }));
      if (!panel) out.unmatched++;
    }
    m.values.push(v);
  }
  out.missing = [...missing.values()];
  out.curves = (c.curves ?? []).map((curve) => {
    const { verdict, ratio, ...rest } = curve as Record<string, unknown>;
    const id = (rest.identity ?? rest.curve ?? rest) as Record<string, unknown> | string;
    const label =
      typeof id === "object" && id !== null ? identityLabel(Object.fromEntries(Object.entries(id).filter(([, x]) => typeof x !== "object"))) : String(id);
    return { label, ratio: num(ratio ?? (rest as Record<string, unknown>).geomean_ratio), verdict: String(verdict ?? "") };
  });
  return out;
}

const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

/** The head row a compare identity names: by benchmark identity text, or by its fields (looked up among rows of its hardware and concurrency). */
function findRow(
  identity: ComparePoint["identity"],
  rows: readonly AggRow[],
  byKey: Map<string, number>,
  buckets: Map<string, number[]>,
  all: number[],
): number | undefined {
  if (typeof identity === "string") return byKey.get(identity);
  if (!identity || typeof identity !== "object") return undefined;
  const hw = identity.hw ?? identity.runner;
  const conc = identity.conc ?? identity.concurrency;
  const candidates = hw !== undefined && conc !== undefined ? (buckets.get(`${String(hw)}|${String(conc)}`) ?? []) : all;
  return candidates.find((i) => identityMatches(identity, rows[i] as Record<string, unknown>));
}
