/**
 * Exports of benchmark rows for other tools:
 * - CSV with the columns of the InferenceMAX data extraction
 *   (`gpu_model, framework, precision, input_seq_len, ...`), latencies in seconds;
 * - dashboard points as the InferenceMAX dashboard serves them
 *   (`x` = interactivity, `y` = throughput per GPU, `hwKey`, `precision`, `tp`, `conc`).
 *
 * Multi-node rows (the rule `parallelismOf`): `tensor_parallel` /
 * `expert_parallel` / `tp` are the decode workers' (decode produces the
 * output tokens the throughput is about); their prefill layout is in the row.
 */
import { isMultiNodeRow, type AggRow } from "./types.js";

export const CSV_COLUMNS = [
  "gpu_model",
  "framework",
  "precision",
  "input_seq_len",
  "output_seq_len",
  "tensor_parallel",
  "expert_parallel",
  "concurrency",
  "throughput_tokens_per_sec_per_gpu",
  "output_throughput_per_gpu",
  "mean_time_to_first_token_sec",
  "p99_time_to_first_token_sec",
  "mean_time_per_output_token_sec",
  "mean_end_to_end_latency_sec",
  "median_end_to_end_latency_sec",
] as const;

export function parallelismOf(row: AggRow): { tp: number; ep: number } {
  return isMultiNodeRow(row) ? { tp: row.decode_tp, ep: row.decode_ep } : { tp: row.tp, ep: row.ep };
}

/** RFC 4180 field: quoted when it holds a comma, quote or newline. */
function csvField(v: unknown): string {
  if (v === undefined || v === null || (typeof v === "number" && !Number.isFinite(v))) return "";
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(row: AggRow): string {
  const { tp, ep } = parallelismOf(row);
  const values: unknown[] = [
    row.hw,
    row.framework,
    row.precision,
    row.isl,
    row.osl,
    tp,
    ep,
    row.conc,
    row.tput_per_gpu,
    row.output_tput_per_gpu,
    row.mean_ttft,
    row.p99_ttft,
    row.mean_tpot,
    row.mean_e2el,
    row.median_e2el,
  ];
  return values.map(csvField).join(",");
}

/** The whole CSV (header line first, `\n` line ends). */
export function toCsv(rows: readonly AggRow[]): string {
  return [CSV_COLUMNS.join(","), ...rows.map(csvLine)].join("\n") + "\n";
}

export interface DashboardPoint {
  x: number;
  y: number;
  hwKey: string;
  precision: string;
  tp: number;
  conc: number;
  tpPerGpu: { y: number };
  /** Which chart the point belongs to (the dashboard has one per model and sequence lengths). */
  model: string;
  isl: number;
  osl: number;
  framework: string;
}

/** Dashboard points; rows without a mean TPOT (so no interactivity) are left out. */
export function toPoints(rows: readonly AggRow[]): DashboardPoint[] {
  const out: DashboardPoint[] = [];
  for (const row of rows) {
    if (typeof row.mean_intvty !== "number" || !Number.isFinite(row.mean_intvty)) continue;
    out.push({
      x: row.mean_intvty,
      y: row.tput_per_gpu,
      hwKey: row.hw,
      precision: row.precision,
      tp: parallelismOf(row).tp,
      conc: row.conc,
      tpPerGpu: { y: row.tput_per_gpu },
      model: row.infmax_model_prefix,
      isl: row.isl,
      osl: row.osl,
      framework: row.framework,
    });
  }
  return out;
}
