import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { RequestOutcome } from "../src/bench/client.js";
import { buildResult, requestTpot, resultDate } from "../src/bench/metrics.js";
import { lengthRange, promptTokens, randomDataset } from "../src/bench/dataset.js";
import { arrivalGaps } from "../src/bench/random.js";
import { mean, median, percentile, populationStd } from "../src/bench/stats.js";
import { ROOT } from "./support/cli.js";

function outcome(p: Partial<RequestOutcome>): RequestOutcome {
  return {
    index: 0,
    warmup: false,
    success: true,
    promptLen: 10,
    maxTokens: 4,
    outputTokens: 4,
    ttft: 0,
    latency: 0,
    itl: [],
    sendTime: 0,
    queuedAt: 0,
    endTime: 0,
    contentChunks: 1,
    ...p,
  };
}

const info = {
  startedAt: new Date(2026, 2, 14, 19, 36, 25),
  backend: "vllm",
  modelId: "org/model",
  tokenizerId: "org/model",
  numPrompts: 3,
  requestRate: Infinity,
  burstiness: 1,
  maxConcurrency: 2,
  duration: 2,
  percentileMetrics: ["ttft", "tpot", "itl", "e2el"] as const,
  metricPercentiles: [99],
};

describe("statistics (numpy semantics)", () => {
  it("mean, median, population std", () => {
    expect(mean([2, 4, 4, 4, 5, 5, 7, 9])).toBe(5);
    expect(populationStd([2, 4, 4, 4, 5, 5, 7, 9])).toBe(2);
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
  it("linear-interpolated percentiles", () => {
    expect(percentile([1, 2, 3, 4], 25)).toBeCloseTo(1.75, 12);
    expect(percentile([15, 20, 35, 40, 50], 99)).toBeCloseTo(49.6, 12);
    expect(percentile([50, 15, 40, 35, 20], 40)).toBeCloseTo(29, 12);
    expect(percentile([7], 99)).toBe(7);
  });
  it("an empty sample gives 0, never NaN", () => {
    expect(mean([])).toBe(0);
    expect(populationStd([])).toBe(0);
    expect(percentile([], 99)).toBe(0);
  });
});

describe("buildResult", () => {
  const outcomes = [
    outcome({ index: 0, promptLen: 10, outputTokens: 4, ttft: 0.1, latency: 0.4, itl: [0.1, 0.1, 0.1] }),
    outcome({ index: 1, promptLen: 20, outputTokens: 1, ttft: 0.2, latency: 0.2, itl: [] }),
    outcome({ index: 2, success: false, failure: { kind: "http-error", message: "HTTP 500" }, outputTokens: 0 }),
  ];
  const r = buildResult(outcomes, info);

  it("counts only completed requests, and throughputs over the duration", () => {
    expect(r.completed).toBe(2);
    expect(r.total_input_tokens).toBe(30);
    expect(r.total_output_tokens).toBe(5);
    expect(r.request_throughput).toBe(1);
    expect(r.output_throughput).toBe(2.5);
    expect(r.total_token_throughput).toBe(17.5);
  });
  it("TTFT and E2EL per request, in ms", () => {
    expect(r.mean_ttft_ms).toBeCloseTo(150, 9);
    expect(r.median_ttft_ms).toBeCloseTo(150, 9);
    expect(r.std_ttft_ms).toBeCloseTo(50, 9);
    expect(r.p99_ttft_ms).toBeCloseTo(199, 9);
    expect(r.mean_e2el_ms).toBeCloseTo(300, 9);
    expect(r.std_e2el_ms).toBeCloseTo(100, 9);
    expect(r.p99_e2el_ms).toBeCloseTo(398, 9);
  });
  it("TPOT = (E2EL - TTFT) / (tokens - 1), skipping 1-token outputs (no division by zero)", () => {
    expect(requestTpot(outcomes[1]!)).toBeUndefined();
    expect(r.mean_tpot_ms).toBeCloseTo(100, 9);
    expect(r.std_tpot_ms).toBeCloseTo(0, 9);
  });
  it("ITL pools every gap of every request", () => {
    expect(r.mean_itl_ms).toBeCloseTo(100, 9);
    expect(r.p99_itl_ms).toBeCloseTo(100, 9);
  });
  it("says how many failed and why", () => {
    expect(r.failed).toBe(1);
    expect(r.failures).toEqual({ "http-error": { count: 1, example: "HTTP 500" } });
  });
  it("TPOT uses usage tokens, so several tokens per chunk (speculative decoding) count right", () => {
    // 3 chunks of 3 tokens: 9 tokens; first at 100 ms, last at 300 ms.
    const spec = buildResult([outcome({ outputTokens: 9, ttft: 0.1, latency: 0.3, itl: [0.1, 0.1], contentChunks: 3 })], info);
    expect(spec.mean_tpot_ms).toBeCloseTo(25, 9);
    expect(spec.total_output_tokens).toBe(9);
    expect(spec.mean_itl_ms).toBeCloseTo(100, 9);
  });
  it("writes the reference's date, rate and concurrency forms", () => {
    expect(r.date).toBe("20260314-193625");
    expect(resultDate(new Date(2026, 0, 2, 3, 4, 5))).toBe("20260102-030405");
    expect(r.request_rate).toBe("inf");
    expect(buildResult([], { ...info, requestRate: 4.5 }).request_rate).toBe(4.5);
    expect(r["request_goodput:"]).toBeNull();
  });
  it("with default metrics and no failures has exactly the keys of the client's saved raw results", () => {
    // Raw results the client saved (test/fixtures/raw/README.md); test/parity/raw-result-keys.test.ts holds them to the reference's.
    const rawDir = join(ROOT, "test/fixtures/raw");
    const files = readdirSync(rawDir).filter((f) => /^sim_conc\d+\.json$/.test(f));
    expect(files.length).toBeGreaterThan(0);
    const ours = buildResult([outcomes[0]!, outcomes[1]!], { ...info, percentileMetrics: ["ttft", "tpot", "itl"] });
    for (const f of files) {
      const ref = JSON.parse(readFileSync(join(rawDir, f), "utf8")) as Record<string, unknown>;
      expect(Object.keys(ours), f).toEqual(Object.keys(ref));
      for (const k of Object.keys(ref)) if (ref[k] !== null) expect(typeof ours[k], `${f}: ${k}`).toBe(typeof ref[k]);
    }
  });
  it("names extra percentiles like the reference (p50, p99.9)", () => {
    const x = buildResult([outcomes[0]!], { ...info, percentileMetrics: ["ttft"], metricPercentiles: [50, 99.9] });
    expect(Object.keys(x).filter((k) => k.includes("ttft"))).toEqual(["mean_ttft_ms", "median_ttft_ms", "std_ttft_ms", "p50_ttft_ms", "p99.9_ttft_ms"]);
  });
});

describe("request lengths and arrivals", () => {
  it("lengths are uniform in [floor(L*r), L], at least 1, input and output independent and seeded", () => {
    expect(lengthRange(1024, 0.8)).toEqual([819, 1024]);
    expect(lengthRange(10, 0)).toEqual([1, 10]);
    const a = randomDataset({ numPrompts: 2000, inputLen: 100, outputLen: 100, rangeRatio: 0.5, seed: 7 });
    expect(randomDataset({ numPrompts: 2000, inputLen: 100, outputLen: 100, rangeRatio: 0.5, seed: 7 })).toEqual(a);
    const ins = a.map((r) => r.promptLen);
    expect(Math.min(...ins)).toBe(50);
    expect(Math.max(...ins)).toBe(100);
    expect(mean(ins)).toBeGreaterThan(73);
    expect(mean(ins)).toBeLessThan(77);
    expect(a.filter((r) => r.promptLen === r.outputLen).length).toBeLessThan(100); // independent draws
    expect(randomDataset({ numPrompts: 5, inputLen: 64, outputLen: 8, rangeRatio: 1, seed: 0 }).every((r) => r.promptLen === 64 && r.outputLen === 8)).toBe(
      true,
    );
  });
  it("prompts are exact-length token id lists in [0, vocab), the same for the same seed and index", () => {
    const p = promptTokens(3, 5, 300, 1000);
    expect(p).toHaveLength(300);
    expect(p.every((x) => Number.isInteger(x) && x >= 0 && x < 1000)).toBe(true);
    expect(promptTokens(3, 5, 300, 1000)).toEqual(p);
    expect(promptTokens(3, 6, 300, 1000)).not.toEqual(p);
  });
  it("arrival gaps have mean 1/rate; burstiness sets their spread (CV^2 = 1/burstiness); inf sends at once", () => {
    for (const b of [0.5, 1, 4]) {
      const gaps = arrivalGaps(20_000, 10, b, 1);
      const m = mean(gaps);
      expect(m).toBeGreaterThan(0.095);
      expect(m).toBeLessThan(0.105);
      const cv2 = (populationStd(gaps) / m) ** 2;
      expect(cv2).toBeGreaterThan((1 / b) * 0.9);
      expect(cv2).toBeLessThan((1 / b) * 1.1);
    }
    expect(arrivalGaps(3, Infinity, 1, 0)).toEqual([0, 0, 0]);
    expect(() => arrivalGaps(3, 0, 1, 0)).toThrow(/rate/);
  });
});
