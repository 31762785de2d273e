import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { CompletionClient, type CompletionRequest } from "../src/bench/client.js";
import { SseParser } from "../src/bench/sse.js";
import { contentChunk, scriptedServer, sleep, sseHead, usageChunk, type Scripted } from "./support/sse-server.js";

const enc = new TextEncoder();

/** Feeds `bytes` to `p` cut at the given offsets (taken modulo the length); returns every event. */
function feedInPieces(p: SseParser, bytes: Uint8Array, cuts: number[]): string[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const got: string[] = [];
  let prev = 0;
  for (const c of [...points, bytes.length]) {
    got.push(...p.feed(bytes.subarray(prev, c)));
    prev = c;
  }
  return got;
}

describe("SseParser", () => {
  const stream = 'data: {"a":1}\n\n: comment\nevent: x\ndata: {"b":"é"}\n\ndata: [DONE]\n\n';
  it("parses an event split at every possible byte position", () => {
    const bytes = enc.encode(stream);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const p = new SseParser();
      const got = [...p.feed(bytes.slice(0, cut)), ...p.feed(bytes.slice(cut))];
      expect(got, `cut at ${cut}`).toEqual(['{"a":1}', '{"b":"é"}', "[DONE]"]);
      expect(p.hasUnfinishedEvent()).toBe(false);
    }
  });
  it("parses byte by byte (multi-byte UTF-8 split inside a character)", () => {
    const p = new SseParser();
    const got: string[] = [];
    for (const b of enc.encode(stream)) got.push(...p.feed(new Uint8Array([b])));
    expect(got).toEqual(['{"a":1}', '{"b":"é"}', "[DONE]"]);
  });
  it("property: any stream of events cut into any pieces, with any line endings, yields the same events", () => {
    const payload = fc.stringMatching(/^[^\r\n]{0,30}$/);
    fc.assert(
      fc.property(
        fc.array(payload, { minLength: 1, maxLength: 8 }),
        fc.constantFrom("\n", "\r\n", "\r"),
        fc.array(fc.nat(), { maxLength: 10 }),
        (datas, eol, cuts) => {
          const text = datas.map((d) => `data: ${d}${eol}${eol}`).join("");
          const p = new SseParser();
          const got = feedInPieces(p, enc.encode(text), cuts);
          // A lone CR at the very end may still become CRLF: one more byte settles it.
          if (eol === "\r") got.push(...p.feed("\n"));
          expect(got).toEqual(datas);
        },
      ),
      { numRuns: 300 },
    );
  });
  it("property: Buffers (what undici hands over) cut inside 2-, 3- and 4-byte characters decode the same as whole text", () => {
    const payload = fc.array(fc.constantFrom("a", " ", "é", "€", "😀", '"', "z"), { maxLength: 12 }).map((a) => a.join(""));
    fc.assert(
      fc.property(fc.array(payload, { minLength: 1, maxLength: 6 }), fc.array(fc.nat(), { maxLength: 12 }), (datas, cuts) => {
        const p = new SseParser();
        expect(feedInPieces(p, Buffer.from(datas.map((d) => `data: ${d}\n\n`).join(""), "utf8"), cuts)).toEqual(datas);
        expect(p.hasUnfinishedEvent()).toBe(false);
      }),
      { numRuns: 500 },
    );
  });
  it("returns several events from one piece, in order", () => {
    expect(new SseParser().feed("data: 1\n\ndata: 2\n\ndata: 3\n\n")).toEqual(["1", "2", "3"]);
  });
  it("accepts CRLF and CR line endings, even a CRLF split across pieces", () => {
    const p = new SseParser();
    expect([...p.feed("data: a\r"), ...p.feed("\n\r\n"), ...p.feed("data: b\r\r\n")]).toEqual(["a", "b"]);
  });
  it("joins multi-line data with LF, strips one leading space, accepts data without a space", () => {
    expect(new SseParser().feed("data: x\ndata:  y\ndata:z\n\n")).toEqual(["x\n y\nz"]);
  });
  it("ignores events without data and reports an unfinished event", () => {
    const p = new SseParser();
    expect(p.feed("event: ping\n\nid: 3\n\n")).toEqual([]);
    expect(p.hasUnfinishedEvent()).toBe(false);
    expect(p.feed('data: {"half"')).toEqual([]);
    expect(p.hasUnfinishedEvent()).toBe(true);
  });
});

function req(index = 0, maxTokens = 4): CompletionRequest {
  return { index, warmup: false, promptLen: 3, maxTokens, body: Buffer.from(JSON.stringify({ prompt: [1, 2, 3], max_tokens: maxTokens, stream: true })) };
}

describe("CompletionClient timing and counting", () => {
  let srv: Scripted | undefined;
  let client: CompletionClient | undefined;
  afterEach(async () => {
    await client?.close();
    await srv?.close();
    client = srv = undefined;
  });
  const make = (url: string, stall = 5) =>
    (client = new CompletionClient({ baseUrl: url, endpoint: "/v1/completions", connections: 2, stallTimeout: stall, requestTimeout: 0 }));

  it("events split across TCP packets and several per packet: TTFT, ITL, E2EL and usage", async () => {
    srv = await scriptedServer(async (_q, res) => {
      sseHead(res);
      await sleep(60);
      const first = contentChunk("a");
      res.write(first.slice(0, 10)); // half an event
      await sleep(20);
      res.write(first.slice(10));
      await sleep(40);
      res.write(contentChunk("b") + contentChunk("c")); // two events, one packet
      await sleep(40);
      res.end(contentChunk("d", { choices: [{ index: 0, text: "d", finish_reason: "length" }] }) + usageChunk(4) + "data: [DONE]\n\n");
    });
    const o = await make(srv.url).send(req());
    expect(o.failure).toBeUndefined();
    expect(o.success).toBe(true);
    expect(o.outputTokens).toBe(4);
    expect(o.contentChunks).toBe(4);
    expect(o.itl).toHaveLength(3);
    expect(o.ttft).toBeGreaterThanOrEqual(0.075);
    expect(o.ttft).toBeLessThan(0.5);
    expect(o.itl[1]).toBeLessThan(0.01); // b and c arrived together
    expect(o.latency).toBeCloseTo(o.ttft + o.itl.reduce((a, b) => a + b, 0), 9);
    expect(o.responseId).toBe("cmpl-x");
  });

  it("usage on the last content chunk is counted (the reference lost it)", async () => {
    srv = await scriptedServer((_q, res) => {
      sseHead(res);
      res.end(contentChunk("a") + contentChunk("b", { usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 } }) + "data: [DONE]\n\n");
    });
    const o = await make(srv.url).send(req(0, 2));
    expect(o.success).toBe(true);
    expect(o.outputTokens).toBe(2);
  });

  it("several tokens per chunk: tokens from usage, one ITL gap per chunk", async () => {
    srv = await scriptedServer(async (_q, res) => {
      sseHead(res);
      for (let i = 0; i < 3; i++) {
        res.write(contentChunk("x y z"));
        await sleep(15);
      }
      res.end(usageChunk(9) + "data: [DONE]\n\n");
    });
    const o = await make(srv.url).send(req(0, 9));
    expect(o.outputTokens).toBe(9);
    expect(o.contentChunks).toBe(3);
    expect(o.itl).toHaveLength(2);
  });

  it("reuses keep-alive connections across requests", async () => {
    const ports = new Set<number>();
    srv = await scriptedServer((q, res) => {
      ports.add(q.socket.remotePort!);
      sseHead(res);
      res.end(contentChunk("a") + usageChunk(1) + "data: [DONE]\n\n");
    });
    const c = make(srv.url);
    for (let i = 0; i < 6; i++) expect((await c.send(req(i, 1))).success).toBe(true);
    expect(ports.size).toBeLessThanOrEqual(2); // 6 requests over the pool's 2 connections
  });
});
