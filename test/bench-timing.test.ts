/**
 * The measures that keep the load generator's timestamps close to the bytes'
 * arrival (issue 6's accuracy targets): the simulator's frontend cost model,
 * and parse-after-stamp ordering.
 */
import { createServer, type Server } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { CompletionClient } from "../src/bench/client.js";
import { runBenchmark } from "../src/bench/run.js";
import { startSimServer, type SimServer } from "../src/bench/sim.js";
import { median } from "../src/bench/stats.js";

let sim: SimServer | undefined;
let raw: Server | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
  await new Promise<void>((r) => (raw ? raw.close(() => r()) : r()));
  raw = undefined;
});

const opts = (url: string, o: Record<string, unknown> = {}) => ({
  baseUrl: url, endpoint: "/v1/completions", model: "infx/sim-model", backend: "vllm", inputLen: 8, outputLen: 4, rangeRatio: 1,
  numPrompts: 20, maxConcurrency: 20, requestRate: Infinity, burstiness: 1, ignoreEos: true, numWarmups: 0, seed: 0, vocabSize: 100,
  percentileMetrics: ["ttft", "tpot", "itl"] as const, metricPercentiles: [99], stallTimeout: 10, requestTimeout: 0, ...o,
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
    const client = new CompletionClient({ baseUrl: `http://127.0.0.1:${port}`, endpoint: "/v1/completions", connections: 1, stallTimeout: 5, requestTimeout: 0 });
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
