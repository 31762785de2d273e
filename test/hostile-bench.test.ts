// Hostile servers and arguments for the load generator: every case ends in a
// clear reason (or a correct result) within a time bound, never a crash.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { defaultTimeouts, MAX_TIMEOUT_S } from "../src/bench/limits.js";
import { servedModel } from "../src/bench/models.js";
import { infx } from "./support/cli.js";
import { CompletionClient, type CompletionRequest } from "../src/bench/client.js";
import { SseLineTooLong, SseParser } from "../src/bench/sse.js";
import { contentChunk, scriptedServer, sseHead, type Scripted } from "./support/sse-server.js";

function req(maxTokens = 4): CompletionRequest {
  return { index: 0, warmup: false, promptLen: 3, maxTokens, body: Buffer.from(JSON.stringify({ prompt: [1, 2, 3], max_tokens: maxTokens, stream: true })) };
}

describe("SSE parser: linear, bounded", () => {
  it("a 64 MB line without an end, fed in 64 KiB pieces, fails with a clear reason in well under 10 s", () => {
    const piece = Buffer.alloc(64 * 1024, "x");
    const p = new SseParser(32 * 1024 * 1024);
    const t0 = performance.now();
    let thrown: unknown;
    try {
      for (let i = 0; i < 1024; i++) p.feed(piece);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(SseLineTooLong);
    expect((thrown as Error).message).toMatch(/exceeds 33554432 characters without a line end/);
    expect(performance.now() - t0).toBeLessThan(5000);
  });
  it("a 16 MiB line under the bound, cut in 4 KiB pieces, is one event, parsed within 10 s", () => {
    const p = new SseParser();
    const t0 = performance.now();
    p.feed("data: ");
    const piece = Buffer.alloc(4096, "y");
    for (let i = 0; i < 4095; i++) p.feed(piece);
    const ev = p.feed("\r\n\r\n");
    expect(ev).toHaveLength(1);
    expect(ev[0]!.length).toBe(4095 * 4096);
    expect(performance.now() - t0).toBeLessThan(10_000);
  });
  it.each([
    ["LF", "\n"],
    ["CRLF", "\r\n"],
    ["CR", "\r"],
  ])("%s line ends: every event is dispatched as soon as its blank line arrives", (_n, eol) => {
    const p = new SseParser();
    expect(p.feed(`data: a${eol}${eol}`)).toEqual(["a"]);
    expect(p.feed(`data: [DONE]${eol}${eol}`)).toEqual(["[DONE]"]);
    expect(p.hasUnfinishedEvent()).toBe(false);
  });
});

describe("hostile servers", () => {
  let srv: Scripted | undefined;
  let client: CompletionClient | undefined;
  afterEach(async () => {
    await client?.close();
    await srv?.close();
    client = srv = undefined;
  });
  const send = async (body: string, maxTokens = 4) => {
    srv = await scriptedServer((_q, res) => {
      sseHead(res);
      res.end(body);
    });
    client = new CompletionClient({ baseUrl: srv.url, endpoint: "/v1/completions", connections: 1, stallTimeout: 5, requestTimeout: 0 });
    return client.send(req(maxTokens));
  };
  const usage = (ct: string) => `data: {"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":${ct}}}\n\n`;
  it("valid SSE with CR-only line ends succeeds", async () => {
    const body = (contentChunk("a") + contentChunk("b") + usage("2") + "data: [DONE]\n\n").replace(/\n/g, "\r");
    const out = await send(body);
    expect(out.failure).toBeUndefined();
    expect(out.success).toBe(true);
    expect(out.outputTokens).toBe(2);
  });
  it.each([
    ["1e18", /exceeds the request's max_tokens 4/],
    ["2.5", /2\.5, not a whole number/],
    ["0", /is 0 after 2 content chunks/],
    ["-1", /is -1 after 2 content chunks/],
    ["1e400", /Infinity, not a whole number/],
    ['"3"', /"3", not a whole number/],
  ])("completion_tokens %s is a failure with a reason, not a success", async (ct, reason) => {
    const out = await send(contentChunk("a") + contentChunk("b") + usage(ct) + "data: [DONE]\n\n");
    expect(out.success).toBe(false);
    expect(out.failure?.kind).toBe("bad-usage");
    expect(out.failure?.message).toMatch(reason);
  });
});

describe("bench refuses impossible arguments before the run", () => {
  // An unreachable server: a refused argument must be reported before any connection is tried.
  const base = ["bench", "--base-url", "http://127.0.0.1:9", "--model", "m"];
  it.each([
    [["--random-input-len", "100000000"], /--random-input-len 100000000 is longer than any model's context/],
    [["--random-input-len", "1000000", "--num-prompts", "100000"], /GiB of request bodies/],
    [["--stall-timeout", "1e308"], /--stall-timeout 1e\+308 is longer than a timer holds \(at most 2147483 s/],
    [["--request-timeout", "3000000"], /--request-timeout 3000000 is longer than a timer holds/],
    [["--stall-timeout", "-1"], /--stall-timeout must be a number of seconds >= 0/],
  ])("%j", async (extra, reason) => {
    const t0 = performance.now();
    const r = await infx([...base, ...extra]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(reason);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(performance.now() - t0).toBeLessThan(10_000);
  });
  it("an unwritable --result-dir is refused before any request (no server needed)", async () => {
    const r = await infx([...base, "--result-dir", "/dev/null/x", "--save-result"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--result-dir: cannot write results into \/dev\/null\/x \(ENOTDIR\)/);
    expect(r.stderr).not.toMatch(/connect|ECONNREFUSED/);
  });
  it("default timeouts follow the workload and fit a timer", () => {
    expect(defaultTimeouts(1024, 1024)).toEqual({ stall: 600, request: 856 });
    expect(defaultTimeouts(1_000_000, 8192)).toEqual({ stall: 10_000, request: 12_048 });
    expect(defaultTimeouts(2 ** 22, 2 ** 22).request).toBeLessThanOrEqual(MAX_TIMEOUT_S);
  });
});

describe("GET /v1/models has an overall deadline", () => {
  it("a server that trickles one byte every 50 ms is given up on at the deadline with a reason", async () => {
    const server = createServer((_q, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      const t = setInterval(() => res.write(" "), 50);
      res.on("close", () => clearInterval(t));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const t0 = performance.now();
      await expect(servedModel(url, 500)).rejects.toThrow(/no complete answer within 0.5 s \(pass --model/);
      expect(performance.now() - t0).toBeLessThan(10_000);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
