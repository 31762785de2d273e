/**
 * The measures that keep the load generator's timestamps close to the bytes'
 * arrival (issue 6's accuracy targets): the simulator's frontend cost model,
 * parse-after-stamp ordering, and the client's report of its own lag.
 */
import { createServer, type Server } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { CompletionClient } from "../src/bench/client.js";
import { runBenchmark } from "../src/bench/run.js";
import { startSimServer, type SimServer } from "../src/sim/server.js";
import { median } from "../src/bench/stats.js";
import { formatSummary } from "../src/bench/multi.js";
import { CLIENT_LAG_WARN_MS, clientLagWarning } from "../src/bench/report.js";

let sim: SimServer | undefined;
let raw: Server | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
  await new Promise<void>((r) => (raw ? raw.close(() => r()) : r()));
  raw = undefined;
});

const opts = (url: string, o: Record<string, unknown> = {}) => ({
  baseUrl: url,
  endpoint: "/v1/completions",
  model: "infx/sim-model",
  backend: "vllm",
  inputLen: 8,
  outputLen: 4,
  rangeRatio: 1,
  numPrompts: 20,
  maxConcurrency: 20,
  requestRate: Infinity,
  burstiness: 1,
  ignoreEos: true,
  numWarmups: 0,
  seed: 0,
  vocabSize: 100,
  percentileMetrics: ["ttft", "tpot", "itl"] as const,
  metricPercentiles: [99],
  stallTimeout: 10,
  requestTimeout: 0,
  ...o,
});

describe("timing aids", () => {
  it("serve-sim --chunk-cost-us spreads a step's chunks: one stream's chunk per cost interval", async () => {
    sim = await startSimServer({ decodeStepMs: 5, stepGrowthMs: 0, chunkCostUs: 1000, maxBatch: 64 });
    const run = await runBenchmark(opts(sim.url));
    expect(run.failures.failed).toBe(0);
    // Every step writes 20 chunks, at most one per millisecond: the first chunks of the 20 streams span >= 19 ms.
    const firsts = sim.truth.map((t) => t.firstTokenAt!).sort((a, b) => a - b);
    const gaps = firsts.slice(1).map((t, i) => t - firsts[i]!);
    // (A write that is slow under load shortens the next gap, so only the median is exact.)
    expect(median(gaps)).toBeGreaterThanOrEqual(0.9);
    expect(firsts.at(-1)! - firsts[0]!).toBeGreaterThanOrEqual(19);
    // The client's TTFTs follow the spread (each stream is timed on its own, not per burst).
    const ttfts = run.outcomes.map((o) => o.ttft * 1000).sort((a, b) => a - b);
    expect(ttfts.at(-1)! - ttfts[0]!).toBeGreaterThan(15);
  });

  it("chunks that arrive right before a connection reset are counted in the failure", async () => {
    // One write holds the headers, three content chunks and then the connection is reset:
    // the chunks (parsed after reading) are counted before the error ends the request.
    raw = createServer((s) => {
      s.once("data", () => {
        const ev = (i: number) => `data: {"id":"x","choices":[{"text":"t${i}"}]}\n\n`;
        const body = ev(1) + ev(2) + ev(3);
        s.write(`HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n${body.length.toString(16)}\r\n${body}\r\n`);
        s.resetAndDestroy(); // right behind the data: the client reads both in one go
      });
    });
    await new Promise<void>((r) => raw!.listen(0, "127.0.0.1", () => r()));
    const port = (raw.address() as { port: number }).port;
    const client = new CompletionClient({
      baseUrl: `http://127.0.0.1:${port}`,
      endpoint: "/v1/completions",
      connections: 1,
      stallTimeout: 5,
      requestTimeout: 0,
    });
    try {
      const o = await client.send({ index: 0, warmup: false, promptLen: 1, maxTokens: 8, body: Buffer.from("{}") });
      expect(o.success).toBe(false);
      expect(o.contentChunks).toBe(3);
      expect(o.failure?.kind).toBe("closed-mid-stream");
      expect(o.failure?.message).toMatch(/after 3 content chunks/);
    } finally {
      await client.close();
    }
  });
});

describe("the client calls out its own lag", () => {
  it("a run whose event loop is held up reports the delay, and the warning names it", async () => {
    sim = await startSimServer({ decodeStepMs: 2 });
    // Hold the client's loop for 25 ms after every finished request: bytes wait for it.
    const run = await runBenchmark(
      opts(sim.url, {
        numPrompts: 12,
        maxConcurrency: 4,
        onProgress: () => {
          const until = performance.now() + 25;
          while (performance.now() < until);
        },
      }),
    );
    expect(run.clientLoopDelay.p99).toBeGreaterThan(20);
    expect(run.clientLoopDelay.max).toBeGreaterThanOrEqual(run.clientLoopDelay.p99);
    const w = clientLagWarning(run.clientLoopDelay, 4);
    expect(w).toMatch(/client's own event loop lagged \(p99 \d+\.\d ms, max \d+\.\d ms at concurrency 4\)/);
  });
  it("below the threshold there is no warning", () => {
    expect(clientLagWarning({ p50: 1.1, p99: CLIENT_LAG_WARN_MS - 0.1, max: 40 }, 64)).toBeUndefined();
    expect(clientLagWarning({ p50: 1.1, p99: CLIENT_LAG_WARN_MS + 0.1, max: 40 }, null)).toMatch(/p99 10\.1 ms, max 40\.0 ms\)/);
  });
  it("the multi-concurrency summary line carries the lag only when it is high", () => {
    const base = { conc: 8, status: "PASSED" as const, seconds: 3, numPrompts: 80, tputPerGpu: 100, medianE2elMs: 50 };
    const text = formatSummary({
      isl: 1024,
      osl: 1024,
      started: new Date(0),
      batchDir: "/tmp/x",
      interrupted: false,
      points: [
        { ...base, clientLoopDelay: { p50: 1.1, p99: 2, max: 3 } },
        { ...base, conc: 16, clientLoopDelay: { p50: 1.1, p99: 17.26, max: 30 } },
      ],
    });
    const lines = text.split("\n").filter((l) => l.startsWith("["));
    expect(lines[0]).not.toContain("client_lag");
    expect(lines[1]).toMatch(/CONC=16: PASSED .* client_lag_p99_ms=17\.3$/);
  });
});

describe("interrupting a run", () => {
  it("aborts the requests in flight at once, each with its reason", async () => {
    // 10 s per request (50 tokens at 200 ms steps); the run is interrupted after 300 ms.
    sim = await startSimServer({ decodeStepMs: 200, stepGrowthMs: 0 });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 300);
    const t0 = performance.now();
    const run = await runBenchmark({ ...opts(sim.url, { numPrompts: 8, maxConcurrency: 4, outputLen: 50 }), signal: ac.signal });
    expect(performance.now() - t0).toBeLessThan(1500);
    expect(run.interrupted).toBe(true);
    expect(run.outcomes).toHaveLength(8);
    expect(run.outcomes.every((o) => !o.success && o.failure?.kind === "aborted")).toBe(true);
    // The four that were streaming had started (first chunk or not) and were cut off, not finished.
    for (let i = 0; i < 100 && sim.truth.filter((t) => t.disconnected).length < 4; i++) await new Promise((r) => setTimeout(r, 10));
    expect(sim.truth.filter((t) => t.finished)).toHaveLength(0);
    expect(sim.truth.filter((t) => t.disconnected)).toHaveLength(4);
  });
});
