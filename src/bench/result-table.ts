/**
 * The result table `infx sweep` and `infx bench --conc` end with: one line per
 * point with the numbers people read first (the rule `resultTable`).
 * Latencies in ms (E2EL in s), interactivity = 1000 / TPOT p50 in tok/s/user,
 * throughput per GPU = total tok/s / GPUs. A point that did not run or did not
 * produce a result shows its status instead of numbers.
 */
import type { RawResult } from "./metrics.js";

export interface TablePoint {
  /** Shown in a first column when any point has one (e.g. the sweep job). */
  label?: string;
  conc: number;
  gpus: number;
  status: string;
  failed?: number;
  requests?: number;
  result?: RawResult;
}

const HEADERS = ["conc", "req/s", "output tok/s", "tok/s/GPU", "TTFT p50 ms", "TTFT p99 ms", "TPOT p50 ms", "intvty tok/s/user", "E2EL p50 s", "failures"];

function n(v: unknown, digits: number, scale = 1): string {
  return typeof v === "number" && Number.isFinite(v) ? (v * scale).toFixed(digits) : "-";
}

function cells(p: TablePoint): string[] {
  const r = p.result;
  const failures = p.failed !== undefined ? `${p.failed}${p.requests ? `/${p.requests}` : ""}` : "-";
  if (!r) return [String(p.conc), p.status, "", "", "", "", "", "", "", failures];
  const tpot = r.median_tpot_ms;
  return [
    String(p.conc),
    n(r.request_throughput, 2),
    n(r.output_throughput, 1),
    n(typeof r.total_token_throughput === "number" && p.gpus > 0 ? r.total_token_throughput / p.gpus : undefined, 1),
    n(r.median_ttft_ms, 1),
    n(r.p99_ttft_ms, 1),
    n(tpot, 2),
    n(typeof tpot === "number" && tpot > 0 ? 1000 / tpot : undefined, 1),
    n(r.median_e2el_ms, 2, 1 / 1000),
    failures + (p.status !== "ok" && p.status !== "PASSED" ? ` (${p.status})` : ""),
  ];
}

/** A plain-text table (columns aligned, numbers right-aligned). */
export function resultTable(points: readonly TablePoint[]): string {
  const labelled = points.some((p) => p.label);
  const head = labelled ? ["job", ...HEADERS] : HEADERS;
  const body = points.map((p) => (labelled ? [p.label ?? "", ...cells(p)] : cells(p)));
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const left = (i: number) => labelled && i === 0;
  const fmt = (r: string[]) =>
    r
      .map((c, i) => (left(i) || i === r.length - 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [fmt(head), widths.map((w) => "-".repeat(w)).join("  "), ...body.map(fmt)].join("\n") + "\n";
}
