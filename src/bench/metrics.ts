/**
 * From timed request outcomes to the reference client's result: the same keys,
 * in the same order, with the same definitions (see client.ts), so that
 * `infx process-result` and existing tools read it unchanged.
 */
import type { FailureKind, RequestOutcome } from "./client.js";
import { percentileWord, summarize } from "./stats.js";

export const PERCENTILE_METRICS = ["ttft", "tpot", "itl", "e2el"] as const;
export type PercentileMetric = (typeof PERCENTILE_METRICS)[number];

export interface RunInfo {
  /** Local time the run started. */
  startedAt: Date;
  backend: string;
  modelId: string;
  tokenizerId: string;
  numPrompts: number;
  requestRate: number;
  burstiness: number;
  maxConcurrency: number | null;
  /** Seconds from the first send to the last completion. */
  duration: number;
  percentileMetrics: readonly PercentileMetric[];
  metricPercentiles: readonly number[];
}

export interface FailureSummary {
  failed: number;
  /** Count per failure kind, with the first message seen for each. */
  reasons: Record<string, { count: number; example: string }>;
}

export type RawResult = Record<string, unknown>;

/** `YYYYMMDD-HHMMSS` in local time, as the reference writes `date`. */
export function resultDate(d: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

export function summarizeFailures(outcomes: readonly RequestOutcome[]): FailureSummary {
  const reasons: FailureSummary["reasons"] = {};
  let failed = 0;
  for (const o of outcomes) {
    if (o.success) continue;
    failed++;
    const kind: FailureKind | "unknown" = o.failure?.kind ?? "unknown";
    const r = (reasons[kind] ??= { count: 0, example: o.failure?.message ?? "" });
    r.count++;
  }
  return { failed, reasons };
}

/** Per-request TPOT (seconds) as the reference defines it; undefined for outputs of 0 or 1 tokens. */
export function requestTpot(o: RequestOutcome): number | undefined {
  return o.outputTokens > 1 ? (o.latency - o.ttft) / (o.outputTokens - 1) : undefined;
}

/**
 * The raw result. Key order and names follow the reference client's saved
 * JSON; `failed` and `failures` are added only when some request failed, and
 * per-request arrays only with `detailed`.
 */
export function buildResult(outcomes: readonly RequestOutcome[], info: RunInfo, opts: { detailed?: boolean } = {}): RawResult {
  const ok = outcomes.filter((o) => o.success);
  let totalIn = 0;
  let totalOut = 0;
  const ttfts: number[] = [];
  const tpots: number[] = [];
  const itls: number[] = [];
  const e2els: number[] = [];
  for (const o of ok) {
    totalIn += o.promptLen;
    totalOut += o.outputTokens;
    ttfts.push(o.ttft);
    e2els.push(o.latency);
    const tpot = requestTpot(o);
    if (tpot !== undefined) tpots.push(tpot);
    for (const g of o.itl) itls.push(g);
  }
  const d = info.duration;
  const rate = (x: number) => (d > 0 ? x / d : 0);
  const result: RawResult = {
    date: resultDate(info.startedAt),
    backend: info.backend,
    model_id: info.modelId,
    tokenizer_id: info.tokenizerId,
    best_of: 1,
    num_prompts: info.numPrompts,
    request_rate: info.requestRate === Infinity ? "inf" : info.requestRate,
    burstiness: info.burstiness,
    max_concurrency: info.maxConcurrency,
    duration: d,
    completed: ok.length,
    total_input_tokens: totalIn,
    total_output_tokens: totalOut,
    request_throughput: rate(ok.length),
    "request_goodput:": null,
    output_throughput: rate(totalOut),
    total_token_throughput: rate(totalIn + totalOut),
  };
  const samples: Record<PercentileMetric, number[]> = { ttft: ttfts, tpot: tpots, itl: itls, e2el: e2els };
  for (const m of info.percentileMetrics) {
    const s = summarize(samples[m], info.metricPercentiles);
    result[`mean_${m}_ms`] = s.mean * 1000;
    result[`median_${m}_ms`] = s.median * 1000;
    result[`std_${m}_ms`] = s.std * 1000;
    for (const [p, v] of s.percentiles) result[`p${percentileWord(p)}_${m}_ms`] = v * 1000;
  }
  const f = summarizeFailures(outcomes);
  if (f.failed > 0) {
    result.failed = f.failed;
    result.failures = f.reasons;
  }
  if (opts.detailed) {
    result.input_lens = outcomes.map((o) => o.promptLen);
    result.output_lens = outcomes.map((o) => o.outputTokens);
    result.ttfts = outcomes.map((o) => o.ttft);
    result.itls = outcomes.map((o) => o.itl);
    result.e2els = outcomes.map((o) => o.latency);
    result.response_ids = outcomes.map((o) => o.responseId ?? null);
    result.errors = outcomes.map((o) => (o.success ? "" : `${o.failure?.kind}: ${o.failure?.message}`));
  }
  return result;
}
