// Hostile servers and arguments for the load generator: every case ends in a
// clear reason (or a correct result) within a time bound, never a crash.
import { afterEach, describe, expect, it } from "vitest";
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
