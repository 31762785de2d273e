import { afterEach, describe, expect, it } from "vitest";
import { request } from "undici";
import { SseParser } from "../src/bench/sse.js";
import { startSimServer, type SimOptions, type SimServer } from "../src/sim/server.js";
import { bufferIo } from "../src/cli/io.js";
import { runCli } from "../src/cli/main.js";
import { infx } from "./support/cli.js";

let sim: SimServer | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});
const start = async (o: SimOptions = {}) => (sim = await startSimServer({ decodeStepMs: 2, ...o }));

async function complete(url: string, body: Record<string, unknown>): Promise<{ status: number; events: any[]; raw: string }> {
  const res = await request(`${url}/v1/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const raw = await res.body.text();
  const events = res.statusCode === 200 && body.stream ? new SseParser().feed(raw).map((d) => (d === "[DONE]" ? d : JSON.parse(d))) : [];
  return { status: res.statusCode, events, raw };
}

describe("serve-sim HTTP surface", () => {
  it("GET /health and /v1/models; unknown routes 404 with the routes listed", async () => {
    const s = await start({ model: "org/x" });
    expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await request(`${s.url}/health`)).statusCode).toBe(200);
    const models = (await (await request(`${s.url}/v1/models`)).body.json()) as any;
    expect(models.data[0].id).toBe("org/x");
    const nf = await request(`${s.url}/v1/chat`);
    expect(nf.statusCode).toBe(404);
    expect(await nf.body.text()).toContain("POST /v1/completions");
  });
  it("rejects bad requests with OpenAI-shaped 400s", async () => {
    const s = await start({ maxModelLen: 100 });
    expect((await complete(s.url, { prompt: {}, max_tokens: 2 })).status).toBe(400);
    expect((await complete(s.url, { prompt: [1], max_tokens: 0 })).raw).toContain("max_tokens");
    const long = await complete(s.url, { prompt: new Array(90).fill(1), max_tokens: 20 });
    expect(long.status).toBe(400);
    expect(JSON.parse(long.raw).message).toMatch(/maximum context length is 100/);
  });
});

describe("serve-sim streaming", () => {
  it("streams exactly max_tokens in chunks of tokens-per-chunk, usage in a separate chunk, then [DONE]", async () => {
    const s = await start({ tokensPerChunk: 3 });
    const { events } = await complete(s.url, { prompt: [1, 2, 3, 4], max_tokens: 10, stream: true });
    const content = events.filter((e) => e !== "[DONE]" && e.choices.length > 0);
    expect(content.map((e) => e.choices[0].text.split(" ").length - 1)).toEqual([3, 3, 3, 1]);
    expect(content.at(-1).choices[0].finish_reason).toBe("length");
    expect(content.every((e) => e.usage === null)).toBe(true);
    expect(events.at(-2)).toMatchObject({ choices: [], usage: { prompt_tokens: 4, completion_tokens: 10, total_tokens: 14 } });
    expect(events.at(-1)).toBe("[DONE]");
    const t = s.truth[0]!;
    expect(t).toMatchObject({ promptTokens: 4, maxTokens: 10, completionTokens: 10, finished: true });
    expect(t.chunkTimes).toHaveLength(4);
    expect(t.firstTokenAt!).toBeGreaterThan(t.receivedAt);
    expect(t.lastTokenAt).toBe(t.chunkTimes[3]);
  });
  it("usage on the last content chunk, or missing", async () => {
    let s = await start({ usage: "last-content" });
    let { events } = await complete(s.url, { prompt: [1], max_tokens: 3, stream: true });
    expect(events).toHaveLength(4);
    expect(events[2].usage.completion_tokens).toBe(3);
    expect(events[2].choices).toHaveLength(1);
    await s.close();
    s = await start({ usage: "missing" });
    ({ events } = await complete(s.url, { prompt: [1], max_tokens: 3, stream: true }));
    expect(events.some((e) => e !== "[DONE]" && e.usage)).toBe(false);
  });
  it("answers non-streaming requests with one JSON body", async () => {
    const s = await start();
    const r = await complete(s.url, { prompt: "hello world", max_tokens: 3 });
    expect(JSON.parse(r.raw).usage.completion_tokens).toBe(3);
  });
  it("queues beyond the batch limit: later requests start when earlier ones finish", async () => {
    const s = await start({ maxBatch: 2 });
    await Promise.all([0, 1, 2, 3].map(() => complete(s.url, { prompt: [1], max_tokens: 5, stream: true })));
    const t = [...s.truth].sort((a, b) => a.firstTokenAt! - b.firstTokenAt!);
    const firstDone = Math.min(t[0]!.lastTokenAt!, t[1]!.lastTokenAt!);
    expect(t[2]!.firstTokenAt!).toBeGreaterThanOrEqual(firstDone);
    expect(t[3]!.firstTokenAt!).toBeGreaterThanOrEqual(firstDone);
  });
  it("per-token time grows with the number of running requests", async () => {
    const s = await start({ decodeStepMs: 1, stepGrowthMs: 0.5 });
    const gap = (n: number) => {
      const r = s.truth.slice(-n);
      const gaps = r.flatMap((x) => x.chunkTimes.slice(1).map((c, i) => c - x.chunkTimes[i]!));
      return gaps.reduce((a, b) => a + b, 0) / gaps.length;
    };
    await complete(s.url, { prompt: [1], max_tokens: 8, stream: true });
    const alone = gap(1);
    await Promise.all(Array.from({ length: 40 }, () => complete(s.url, { prompt: [1], max_tokens: 8, stream: true })));
    expect(gap(40)).toBeGreaterThan(alone + 10); // 1 + 0.5 x 40 = 21 ms vs 1.5 ms
  });
  it("prefill time grows with the prompt", async () => {
    const s = await start({ prefillTokensPerSec: 100_000 });
    await complete(s.url, { prompt: [1], max_tokens: 1, stream: true });
    await complete(s.url, { prompt: new Array(5000).fill(7), max_tokens: 1, stream: true });
    const [short, long] = s.truth.map((t) => t.firstTokenAt! - t.receivedAt);
    expect(long! - short!).toBeGreaterThan(40); // 5000 tokens at 100k tok/s = 50 ms
  });
  it("serves the ground truth over HTTP and clears it", async () => {
    const s = await start();
    await complete(s.url, { prompt: [1, 2], max_tokens: 2, stream: true });
    const truth = (await (await request(`${s.url}/sim/truth`)).body.json()) as any[];
    expect(truth).toHaveLength(1);
    expect(truth[0].id).toBe("cmpl-sim-0");
    expect((await request(`${s.url}/sim/truth`, { method: "DELETE" })).statusCode).toBe(204);
    expect(s.truth).toHaveLength(0);
  });
  it("injects faults at seeded rates", async () => {
    const s = await start({ faultRates: { "http-500": 0.5 }, seed: 3 });
    const rs = await Promise.all(Array.from({ length: 40 }, () => complete(s.url, { prompt: [1], max_tokens: 1, stream: true })));
    const errors = rs.filter((r) => r.status === 500).length;
    expect(errors).toBeGreaterThan(8);
    expect(errors).toBeLessThan(32);
    expect(s.truth.filter((t) => t.fault === "http-500")).toHaveLength(errors);
  });
});

describe("infx serve-sim (CLI)", () => {
  it("prints its URL, serves, and stops on SIGTERM", async () => {
    const io = bufferIo();
    const running = runCli(["serve-sim", "--port", "0", "--tokens-per-chunk", "2", "--fault", "http-500=0"], io);
    let url = "";
    for (let i = 0; i < 100 && !url; i++) {
      await new Promise((r) => setTimeout(r, 20));
      url = io.stdout().trim();
    }
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const r = await complete(url, { prompt: [1], max_tokens: 4, stream: true });
    expect(r.events.filter((e) => e !== "[DONE]" && e.choices.length)).toHaveLength(2);
    process.emit("SIGTERM", "SIGTERM");
    expect(await running).toBe(0);
    expect(io.stderr()).toMatch(/stopped after 1 requests/);
  });
  it("rejects a bad --fault with the allowed kinds", async () => {
    const r = await infx(["serve-sim", "--fault", "explode=0.1"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("close-mid-stream");
  });
});

/** Sends raw bytes on one connection and collects what comes back until `until` matches (or the socket closes). */
async function raw(url: string, chunks: string[], until: RegExp, gapMs = 0): Promise<string> {
  const { hostname, port } = new URL(url);
  const { connect } = await import("node:net");
  return new Promise((resolve, reject) => {
    const s = connect({ host: hostname, port: Number(port) });
    let got = "";
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error(`timed out; got: ${got}`));
    }, 5000);
    const done = () => {
      clearTimeout(timer);
      s.destroy();
      resolve(got);
    };
    s.setEncoding("utf8");
    s.on("data", (d: string) => {
      got += d;
      if (until.test(got)) done();
    });
    s.on("close", done);
    s.on("error", reject);
    s.on("connect", async () => {
      for (const c of chunks) {
        s.write(c);
        if (gapMs) await new Promise((r) => setTimeout(r, gapMs));
      }
    });
  });
}

describe("serve-sim's HTTP/1.1 layer (raw sockets, so its timestamps are the bytes' own)", () => {
  const post = (body: string, extra = "") =>
    `POST /v1/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`;
  const streamBody = JSON.stringify({ prompt: [1, 2, 3], max_tokens: 2, stream: true });

  it("stamps a request when its first bytes arrive, not when the rest of it does", async () => {
    const s = await start();
    const req = post(streamBody);
    const t0 = performance.timeOrigin + performance.now();
    const out = await raw(s.url, [req.slice(0, 20), req.slice(20)], /0\r\n\r\n$/, 150);
    expect(out).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(out).toContain("transfer-encoding: chunked");
    const t = s.truth[0]!;
    // Received with the first 20 bytes; the body came 150 ms later.
    expect(t.receivedAt - t0).toBeLessThan(100);
    expect(t.firstTokenAt! - t.receivedAt).toBeGreaterThan(140);
  });
  it("answers pipelined requests in order on one connection, and closes when asked", async () => {
    const s = await start();
    const out = await raw(s.url, [post(streamBody) + post(streamBody, "connection: close\r\n")], /$^/);
    const ids = [...out.matchAll(/"id":"(cmpl-sim-\d+)"/g)].map((m) => m[1]);
    expect([...new Set(ids)]).toEqual(["cmpl-sim-0", "cmpl-sim-1"]);
    expect(out.match(/HTTP\/1\.1 200 OK/g)).toHaveLength(2);
    expect(out).toContain("connection: close");
    expect(s.truth.every((t) => t.finished)).toBe(true);
  });
  it("answers Expect: 100-continue (curl's way with bodies over 1 KiB) before the body is sent", async () => {
    const s = await start();
    const body = JSON.stringify({ prompt: new Array(400).fill(5), max_tokens: 1, stream: true });
    const head = `POST /v1/completions HTTP/1.1\r\nhost: x\r\ncontent-length: ${body.length}\r\nexpect: 100-continue\r\n\r\n`;
    // The body follows only once the server has said "100 Continue" (within the 5 s limit of `raw`).
    const { hostname, port } = new URL(s.url);
    const { connect } = await import("node:net");
    const out = await new Promise<string>((resolve, reject) => {
      const c = connect({ host: hostname, port: Number(port) }, () => c.write(head));
      let got = "";
      c.setEncoding("utf8");
      c.on("data", (d: string) => {
        got += d;
        if (got === "HTTP/1.1 100 Continue\r\n\r\n") c.write(body);
        if (got.endsWith("0\r\n\r\n")) {
          c.destroy();
          resolve(got);
        }
      });
      c.on("error", reject);
      setTimeout(() => {
        c.destroy();
        reject(new Error(`no answer; got: ${got}`));
      }, 3000);
    });
    expect(out).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 OK/);
    expect(s.truth[0]).toMatchObject({ promptTokens: 400, finished: true });
  });
  it("a large body that arrives in hundreds of pieces is read whole", async () => {
    const s = await start({ prefillTokensPerSec: 1e9 });
    const body = JSON.stringify({ prompt: new Array(300_000).fill(12345), max_tokens: 1, stream: true });
    const req = post(body);
    const pieces: string[] = [];
    for (let i = 0; i < req.length; i += 4096) pieces.push(req.slice(i, i + 4096));
    expect(pieces.length).toBeGreaterThan(400);
    const out = await raw(s.url, pieces, /0\r\n\r\n$/);
    expect(out).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(s.truth[0]).toMatchObject({ promptTokens: 300_000, finished: true });
  });
  it("refuses what it does not implement with a status that says why", async () => {
    const s = await start();
    const chunked = await raw(s.url, ["POST /v1/completions HTTP/1.1\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"], /\}$/);
    expect(chunked).toMatch(/^HTTP\/1\.1 411 Length Required/);
    expect(chunked).toContain("Content-Length");
    expect(await raw(s.url, ["garbage\r\n\r\n"], /\}$/)).toMatch(/^HTTP\/1\.1 400 /);
    expect(s.truth).toHaveLength(0);
  });
  it("a client that goes away mid-stream is recorded as disconnected, and the server carries on", async () => {
    const s = await start({ decodeStepMs: 20 });
    await raw(s.url, [post(JSON.stringify({ prompt: [1], max_tokens: 50, stream: true }))], /cmpl-sim-0/);
    await new Promise((r) => setTimeout(r, 100));
    expect(s.truth[0]).toMatchObject({ disconnected: true, finished: false });
    expect(s.truth[0]!.completionTokens).toBeLessThan(50);
    expect((await complete(s.url, { prompt: [1], max_tokens: 2, stream: true })).events.at(-1)).toBe("[DONE]");
  });
});
