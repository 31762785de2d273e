// The raw result the benchmark client saves has exactly the keys of the
// reference client's real raw results (<reference>/results/raw/), and so do
// the project's own raw fixtures (test/fixtures/raw/), which the default suite
// uses in their place.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildResult } from "../../src/bench/metrics.js";
import { ROOT } from "../support/cli.js";
import { REFERENCE_DIR } from "../support/reference.js";

const RAW = join(REFERENCE_DIR, "results/raw");
const readJson = (f: string) => JSON.parse(readFileSync(f, "utf8")) as Record<string, unknown>;
const refFiles = readdirSync(RAW).filter((f) => f.endsWith(".json"));

describe("raw result keys match the reference client's", () => {
  it("has the reference raw results", () => {
    expect(refFiles.length).toBeGreaterThan(0);
  });

  it("buildResult with default metrics and no failures: same keys, in order, of the same types", () => {
    const outcome = {
      index: 0,
      warmup: false,
      success: true,
      promptLen: 10,
      maxTokens: 4,
      outputTokens: 4,
      ttft: 0.1,
      latency: 0.4,
      itl: [0.1, 0.1, 0.1],
      sendTime: 0,
      queuedAt: 0,
      endTime: 0.4,
      contentChunks: 4,
    };
    const ours = buildResult([outcome, { ...outcome, index: 1 }], {
      startedAt: new Date(2026, 2, 14, 19, 36, 25),
      backend: "vllm",
      modelId: "org/model",
      tokenizerId: "org/model",
      numPrompts: 2,
      requestRate: Infinity,
      burstiness: 1,
      maxConcurrency: 2,
      duration: 1,
      percentileMetrics: ["ttft", "tpot", "itl"],
      metricPercentiles: [99],
    });
    for (const f of refFiles) {
      const ref = readJson(join(RAW, f));
      expect(Object.keys(ours), f).toEqual(Object.keys(ref));
      for (const k of Object.keys(ref)) if (ref[k] !== null) expect(typeof ours[k], `${f}: ${k}`).toBe(typeof ref[k]);
    }
  });

  it("the project's raw fixtures have the reference's keys", () => {
    const ref = Object.keys(readJson(join(RAW, refFiles[0]!)));
    const fixtures = readdirSync(join(ROOT, "test/fixtures/raw")).filter((f) => /^sim_conc\d+\.json$/.test(f));
    expect(fixtures.length).toBeGreaterThan(0);
    for (const f of fixtures) expect(Object.keys(readJson(join(ROOT, "test/fixtures/raw", f))), f).toEqual(ref);
  });
});
