import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { CompletionClient, type CompletionRequest, type FailureKind } from "../src/bench/client.js";
import { runBenchmark } from "../src/bench/run.js";
import { startSimServer, type SimServer } from "../src/sim/server.js";
import { contentChunk, scriptedServer, sleep, sseHead, usageChunk, type Scripted } from "./support/sse-server.js";

function req(index = 0): CompletionRequest {
  return { index, warmup: false, promptLen: 3, maxTokens: 4, body: Buffer.from(JSON.stringify({ prompt: [1, 2, 3], max_tokens: 4, stream: true })) };
}

describe("each bad server behaviour fails the request with its reason, never a hang or a crash", () => {
  let srv: Scripted | undefined;
  let client: CompletionClient | undefined;
  afterEach(async () => {
    await client?.close();
    await srv?.close();
    client = srv = undefined;
  });
  const send = async (handler: Parameters<typeof scriptedServer>[0], opts: { stall?: number; total?: number } = {}) => {
    srv = await scriptedServer(handler);
    client = new CompletionClient({
      baseUrl: srv.url,
      endpoint: "/v1/completions",
      connections: 1,
      stallTimeout: opts.stall ?? 5,
      requestTimeout: opts.total ?? 0,
    });
    return client.send(req());
  };
  const cases: [string, FailureKind, RegExp, Parameters<typeof scriptedServer>[0], { stall?: number; total?: number }?][] = [
    [
      "HTTP error with a body",
      "http-error",
      /HTTP 503: .*overloaded/,
      (_q, res) => {
        res.writeHead(503, { "content-type": "application/json" });
        res.end('{"message": "server overloaded"}');
      },
    ],
    [
      "connection closed mid-stream",
      "closed-mid-stream",
      /after 1 content chunks/,
      async (_q, res) => {
        sseHead(res);
        res.write(contentChunk("a"));
        await sleep(20);
        res.socket!.destroy();
      },
    ],
    [
      "malformed SSE data",
      "malformed-sse",
      /not JSON/,
      (_q, res) => {
        sseHead(res);
        res.end(contentChunk("a") + 'data: {"choices": [\n\n' + usageChunk(2) + "data: [DONE]\n\n");
      },
    ],
    [
      "never answers (no headers)",
      "no-response",
      /no response headers/,
      () => {
        /* silence */
      },
      { stall: 0.3 },
    ],
    [
      "stalls mid-stream",
      "stalled",
      /stalled/,
      (_q, res) => {
        sseHead(res);
        res.write(contentChunk("a"));
      },
      { stall: 0.3 },
    ],
    [
      "a slow stream past the total request timeout",
      "request-timeout",
      /request timeout of 0.3s/,
      async (_q, res) => {
        sseHead(res);
        for (let i = 0; i < 50 && !res.destroyed; i++) {
          res.write(contentChunk("a"));
          await sleep(20);
        }
      },
      { total: 0.3 },
    ],
    [
      "no usage anywhere",
      "missing-usage",
      /usage\.completion_tokens/,
      (_q, res) => {
        sseHead(res);
        res.end(contentChunk("a") + contentChunk("b") + "data: [DONE]\n\n");
      },
    ],
    [
      "stream ends cleanly without [DONE]",
      "no-done",
      /DONE/,
      (_q, res) => {
        sseHead(res);
        res.end(contentChunk("a") + usageChunk(1));
      },
    ],
    [
      "stream ends inside an event",
      "closed-mid-stream",
      /inside an event/,
      (_q, res) => {
        sseHead(res);
        res.end(contentChunk("a") + 'data: {"choi');
      },
    ],
    [
      "an error event",
      "server-error-event",
      /boom/,
      (_q, res) => {
        sseHead(res);
        res.end(`data: ${JSON.stringify({ error: { message: "boom" } })}\n\ndata: [DONE]\n\n`);
      },
    ],
    [
      "200 with a JSON body instead of a stream",
      "not-a-stream",
      /JSON body instead of an event stream/,
      (_q, res) => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end('{"choices": []}');
      },
    ],
  ];
  for (const [name, kind, message, handler, opts] of cases) {
    it(name, async () => {
      const t = Date.now();
      const o = await send(handler, opts);
      expect(o.success).toBe(false);
      expect(o.failure?.kind).toBe(kind);
      expect(o.failure?.message).toMatch(message);
      expect(Date.now() - t).toBeLessThan(5000);
    });
  }

  it("connection refused", async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    client = new CompletionClient({ baseUrl: `http://127.0.0.1:${port}`, endpoint: "/v1/completions", connections: 1, stallTimeout: 2, requestTimeout: 0 });
    const o = await client.send(req());
    expect(o.failure?.kind).toBe("connect-error");
    expect(o.failure?.message).toMatch(/ECONNREFUSED/);
  });
});

describe("a run against a faulty server continues and counts failures", () => {
  let sim: SimServer | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });
  it("every fault kind of serve-sim is counted with its reason; the others complete", async () => {
    const faults = ["http-500", "never-answer", "close-mid-stream", "stall-mid-stream", "malformed", "error-event"] as const;
    sim = await startSimServer({ decodeStepMs: 2, fault: (n) => (n % 4 === 1 ? faults[(n >> 2) % faults.length] : undefined) });
    const t = Date.now();
    const r = await runBenchmark({
      baseUrl: sim.url,
      endpoint: "/v1/completions",
      model: "m",
      backend: "vllm",
      inputLen: 16,
      outputLen: 8,
      rangeRatio: 1,
      numPrompts: 24,
      maxConcurrency: 8,
      requestRate: Infinity,
      burstiness: 1,
      ignoreEos: true,
      numWarmups: 0,
      seed: 1,
      vocabSize: 100,
      percentileMetrics: ["ttft", "tpot", "itl"],
      metricPercentiles: [99],
      stallTimeout: 0.5,
      requestTimeout: 0,
    });
    expect(Date.now() - t).toBeLessThan(10_000);
    expect(r.failures.failed).toBe(6);
    expect(r.result.completed).toBe(18);
    expect(r.result.failed).toBe(6);
    expect(Object.keys(r.failures.reasons).sort()).toEqual(
      ["closed-mid-stream", "http-error", "malformed-sse", "no-response", "server-error-event", "stalled"].sort(),
    );
    expect(r.result.total_output_tokens).toBe(18 * 8);
  });
});

describe("a server that holds the response open after [DONE]", () => {
  it("the request completes at [DONE], not at the stall timeout", async () => {
    const srv = await scriptedServer((_q, res) => {
      sseHead(res);
      res.write(contentChunk("a") + usageChunk(1) + "data: [DONE]\n\n"); // and never ends
    });
    const client = new CompletionClient({ baseUrl: srv.url, endpoint: "/v1/completions", connections: 1, stallTimeout: 30, requestTimeout: 0 });
    const t = Date.now();
    const o = await client.send(req());
    expect(o.success).toBe(true);
    expect(Date.now() - t).toBeLessThan(2000);
    await client.close();
    await srv.close();
  });
});
