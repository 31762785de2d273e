/** The console report of one run, in the reference client's layout. */
import type { FailureSummary, PercentileMetric, RawResult } from "./metrics.js";
import type { ClientLoopDelay } from "./part.js";

/** Event-loop delay p99 (ms) above which the client itself is called out as a likely source of error. */
export const CLIENT_LAG_WARN_MS = 10;

/** A warning when the client's own event loop lagged enough to distort timings; undefined otherwise. */
export function clientLagWarning(d: ClientLoopDelay, concurrency: number | null): string | undefined {
  if (!(d.p99 > CLIENT_LAG_WARN_MS)) return undefined;
  return (
    `warning: the client's own event loop lagged (p99 ${d.p99.toFixed(1)} ms, max ${d.max.toFixed(1)} ms` +
    `${concurrency ? ` at concurrency ${concurrency}` : ""}): latencies include up to that much client delay; ` +
    "run fewer streams per client process, or check what else is using this machine's CPU"
  );
}

const NAMES: Record<PercentileMetric, string> = {
  ttft: "Time to First Token",
  tpot: "Time per Output Token (excl. 1st token)",
  itl: "Inter-token Latency",
  e2el: "End-to-end Latency",
};

export function formatRunReport(r: RawResult, failures: FailureSummary, metrics: readonly PercentileMetric[], percentiles: readonly number[]): string {
  const L: string[] = [];
  const row = (k: string, v: unknown) => {
    const s = typeof v === "number" ? (Number.isInteger(v) ? String(v) : v.toFixed(2)) : String(v);
    L.push(`${(k + ":").padEnd(40)}${s.padStart(10)}`);
  };
  L.push("============ Serving Benchmark Result ============");
  row("Successful requests", r.completed);
  row("Failed requests", failures.failed);
  row("Maximum request concurrency", r.max_concurrency ?? "none");
  row("Benchmark duration (s)", r.duration);
  row("Total input tokens", r.total_input_tokens);
  row("Total generated tokens", r.total_output_tokens);
  row("Request throughput (req/s)", r.request_throughput);
  row("Output token throughput (tok/s)", r.output_throughput);
  row("Total Token throughput (tok/s)", r.total_token_throughput);
  for (const m of metrics) {
    L.push(`${"-".repeat(15)}${NAMES[m]}${"-".repeat(Math.max(0, 35 - NAMES[m].length))}`);
    row(`Mean ${m.toUpperCase()} (ms)`, r[`mean_${m}_ms`]);
    row(`Median ${m.toUpperCase()} (ms)`, r[`median_${m}_ms`]);
    for (const p of percentiles) row(`P${p} ${m.toUpperCase()} (ms)`, r[`p${p}_${m}_ms`]);
  }
  L.push("==================================================");
  if (failures.failed > 0) {
    L.push("Failures:");
    for (const [kind, { count, example }] of Object.entries(failures.reasons)) L.push(`  ${count} x ${kind}: ${example}`);
  }
  return L.join("\n") + "\n";
}
