/**
 * serve-sim: a simulated OpenAI-compatible completion server on loopback that
 * streams like a continuous-batching engine, and records the ground truth of
 * every request so the load generator's error can be measured.
 *
 * Engine model: one scheduler loop. Each iteration admits waiting requests up
 * to the batch limit, spends `prompt tokens / prefill rate` on the newly
 * admitted ones plus `decode step + growth x running` on the batch, and at the
 * end of the iteration every running request emits one chunk of
 * `tokensPerChunk` tokens (more than 1 models speculative decoding). So TTFT =
 * queueing + prefill + one step, and per-token time grows with the batch.
 * Responses end with the usage chunk (separate, on the last content chunk, or
 * missing) and `data: [DONE]`. Faults (HTTP 500, never answering, closing or
 * stalling mid-stream, malformed SSE, an error event) are injected by seeded
 * rates or by a function of the request number.
 */
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import { rng } from "../bench/random.js";
import { listenSimHttp, wallNow as now, type SimRequest, type SimResponse } from "./http.js";

export type SimFault = "http-500" | "never-answer" | "close-mid-stream" | "stall-mid-stream" | "malformed" | "error-event";
export const SIM_FAULTS: readonly SimFault[] = ["http-500", "never-answer", "close-mid-stream", "stall-mid-stream", "malformed", "error-event"];
export type UsageMode = "separate" | "last-content" | "missing";

export interface SimOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  model?: string;
  maxModelLen?: number;
  /** Prompt tokens per second of prefill. */
  prefillTokensPerSec?: number;
  /** Decode iteration time with an empty batch, milliseconds. */
  decodeStepMs?: number;
  /** Extra iteration time per running request, milliseconds. */
  stepGrowthMs?: number;
  /** Most requests decoding at once; the rest wait in a queue. */
  maxBatch?: number;
  /** Tokens per streamed chunk (> 1: speculative decoding). */
  tokensPerChunk?: number;
  /**
   * CPU time the serving frontend spends per streamed chunk, microseconds
   * (detokenising, serialising, writing): a step's chunks then leave over
   * batch x this time instead of in one burst, and the step takes that much
   * longer. 0 (default): as fast as this process can write.
   */
  chunkCostUs?: number;
  usage?: UsageMode;
  /** Probability of each fault per request (seeded). */
  faultRates?: Partial<Record<SimFault, number>>;
  /** Deterministic faults: the fault for request number `n` (0-based arrival order), if any. Wins over faultRates. */
  fault?: (n: number) => SimFault | undefined;
  seed?: number;
  /** Keep every chunk's write time in the truth (default true). */
  recordChunks?: boolean;
}

export interface TruthRecord {
  /** The completion id sent in every chunk. */
  id: string;
  n: number;
  promptTokens: number;
  maxTokens: number;
  /** Tokens actually streamed. */
  completionTokens: number;
  /** `performance.timeOrigin + performance.now()` in the server process, milliseconds. */
  receivedAt: number;
  firstTokenAt?: number;
  lastTokenAt?: number;
  chunkTimes: number[];
  fault?: SimFault;
  finished: boolean;
  /** The client went away before the end. */
  disconnected: boolean;
}

export interface SimServer {
  url: string;
  truth: TruthRecord[];
  close(): Promise<void>;
}

interface Job {
  rec: TruthRecord;
  res: SimResponse;
  stream: boolean;
  emitted: number;
  admitted: boolean;
  gone: boolean;
  faultAt: number;
  text: string[];
}

function openAiError(res: SimResponse, status: number, message: string, type = "BadRequestError"): void {
  res.json(status, { object: "error", message, type, param: null, code: status });
}

type Settings = ReturnType<typeof settingsOf>;

function settingsOf(opts: SimOptions) {
  return {
    host: opts.host ?? "127.0.0.1",
    port: opts.port ?? 0,
    model: opts.model ?? "infx/sim-model",
    maxModelLen: opts.maxModelLen ?? 1_000_000,
    prefill: opts.prefillTokensPerSec ?? 200_000,
    step: opts.decodeStepMs ?? 8,
    growth: opts.stepGrowthMs ?? 0.02,
    maxBatch: opts.maxBatch ?? 512,
    perChunk: Math.max(1, Math.floor(opts.tokensPerChunk ?? 1)),
    chunkCostMs: Math.max(0, opts.chunkCostUs ?? 0) / 1000,
    usage: opts.usage ?? "separate",
    recordChunks: opts.recordChunks ?? true,
  };
}

/** The fault of request `n`: the deterministic one, else one drawn with the seeded rates, else none. */
function faultPicker(opts: SimOptions): (n: number) => SimFault | undefined {
  const random = rng(opts.seed ?? 0);
  return (n) => {
    const f = opts.fault?.(n);
    if (f) return f;
    if (!opts.faultRates) return undefined;
    const u = random();
    let acc = 0;
    for (const k of SIM_FAULTS) {
      acc += opts.faultRates[k] ?? 0;
      if (u < acc) return k;
    }
    return undefined;
  };
}

/** A completion request's prompt length and max_tokens, or the 400 message that refuses it. */
function readCompletionRequest(raw: string, maxModelLen: number): { promptTokens: number; maxTokens: number; stream: boolean } | { error: string } {
  // biome-ignore lint/suspicious/noExplicitAny: a request body is untrusted JSON, checked field by field below
  let body: any;
  try {
    body = JSON.parse(raw);
  } catch {
    return { error: "request body is not valid JSON" };
  }
  if (!body || typeof body !== "object") return { error: "request body must be a JSON object" };
  let promptTokens: number;
  if (Array.isArray(body.prompt) && body.prompt.every((x: unknown) => Number.isInteger(x))) promptTokens = body.prompt.length;
  else if (typeof body.prompt === "string") promptTokens = Math.max(1, Math.ceil(body.prompt.length / 4));
  else return { error: "prompt must be a string or a list of token ids" };
  const maxTokens = body.max_tokens ?? 16;
  if (!Number.isInteger(maxTokens) || maxTokens < 1) return { error: "max_tokens must be a positive integer" };
  if (promptTokens + maxTokens > maxModelLen)
    return { error: `This model's maximum context length is ${maxModelLen} tokens. However, you requested ${promptTokens + maxTokens} tokens.` };
  return { promptTokens, maxTokens, stream: body.stream === true };
}

/** Ends `job`'s response the way its injected mid-stream fault says; false: no fault is due, stream on. */
function emitFault(job: Job): boolean {
  switch (job.rec.fault) {
    case "close-mid-stream":
      job.res.destroy();
      return true;
    case "stall-mid-stream":
      return true; // leaves the batch, the connection stays open and silent
    case "malformed":
      job.res.write('data: {"id": "' + job.rec.id + '", "choices": [{"text": \n\n');
      job.res.end();
      return true;
    case "error-event":
      job.res.write(
        `data: ${JSON.stringify({ error: { object: "error", message: "simulated engine failure", type: "InternalServerError", code: 500 } })}\n\ndata: [DONE]\n\n`,
      );
      job.res.end();
      return true;
  }
  return false;
}

/**
 * A step's chunks go out in slices of EMIT_SLICE writes with the event loop
 * turned between them, so requests arriving while a big batch is written are
 * read (and their receive time stamped) within a slice, not after the batch.
 */
const EMIT_SLICE = 16;

/** The engine: the queue, the running batch, the scheduler loop and the truth it records. */
class SimEngine {
  readonly truth: TruthRecord[] = [];
  private readonly waiting: Job[] = [];
  private running: Job[] = [];
  private timer: NodeJS.Timeout | undefined;
  private slice: NodeJS.Immediate | undefined;
  private stepping = false;
  private closed = false;
  private counter = 0;
  private readonly created = Math.floor(Date.now() / 1000);

  constructor(
    private readonly o: Settings,
    private readonly pickFault: (n: number) => SimFault | undefined,
  ) {}

  private chunkJson(job: Job, text: string, finish: string | null, usage: boolean): string {
    return JSON.stringify({
      id: job.rec.id,
      object: "text_completion",
      created: this.created,
      model: this.o.model,
      choices: [{ index: 0, text, logprobs: null, finish_reason: finish, stop_reason: null }],
      usage: usage ? this.usageOf(job) : null,
    });
  }

  private usageOf(job: Job) {
    return {
      prompt_tokens: job.rec.promptTokens,
      completion_tokens: job.emitted,
      total_tokens: job.rec.promptTokens + job.emitted,
    };
  }

  /** Records a chunk's truth just after its bytes were handed to the kernel (http.ts writes through). */
  private flushed(job: Job): void {
    const t = now();
    if (job.rec.firstTokenAt === undefined) job.rec.firstTokenAt = t;
    job.rec.lastTokenAt = t;
    if (this.o.recordChunks) job.rec.chunkTimes.push(t);
  }

  /** Emits the next chunk of `job`; returns false when the job leaves the batch. */
  private emit(job: Job): boolean {
    if (job.gone) return false;
    const n = Math.min(this.o.perChunk, job.rec.maxTokens - job.emitted);
    const faulted = job.rec.fault && job.emitted >= job.faultAt;
    if (faulted && emitFault(job)) return false;
    job.emitted += n;
    const text = " tok".repeat(n);
    const last = job.emitted >= job.rec.maxTokens;
    job.rec.completionTokens = job.emitted;
    if (!job.stream) return this.emitWhole(job, text, last);
    if (!last) {
      job.res.write(`data: ${this.chunkJson(job, text, null, false)}\n\n`);
      this.flushed(job);
      return true;
    }
    let out = `data: ${this.chunkJson(job, text, "length", this.o.usage === "last-content")}\n\n`;
    if (this.o.usage === "separate")
      out += `data: ${JSON.stringify({ id: job.rec.id, object: "text_completion", created: this.created, model: this.o.model, choices: [], usage: this.usageOf(job) })}\n\n`;
    out += "data: [DONE]\n\n";
    job.res.end(out);
    this.flushed(job);
    job.rec.finished = true;
    return false;
  }

  /** A non-streamed request: collects the text, answers once at the end. */
  private emitWhole(job: Job, text: string, last: boolean): boolean {
    job.text.push(text);
    if (last) {
      job.rec.finished = true;
      const body = JSON.stringify({
        id: job.rec.id,
        object: "text_completion",
        created: this.created,
        model: this.o.model,
        choices: [{ index: 0, text: job.text.join(""), logprobs: null, finish_reason: "length" }],
        usage: this.usageOf(job),
      });
      job.res.end(body, 200, { "content-type": "application/json" });
    }
    this.flushed(job);
    return !last;
  }

  private readonly emitFrom = (all: Job[], from: number, next: Job[]): void => {
    this.slice = undefined;
    if (this.closed) return;
    const end = Math.min(all.length, from + EMIT_SLICE);
    // Each chunk's truth is the moment it is handed to its socket (later writes of a big batch happen later).
    for (let i = from; i < end; i++) {
      const until = this.o.chunkCostMs > 0 ? performance.now() + this.o.chunkCostMs : 0;
      if (this.emit(all[i]!)) next.push(all[i]!);
      while (performance.now() < until); // the frontend's own work for this chunk
    }
    if (end < all.length) {
      this.slice = setImmediate(this.emitFrom, all, end, next);
      return;
    }
    this.running = next;
    this.iterate();
  };

  private iterate(): void {
    this.stepping = false;
    if (this.closed) return;
    this.running = this.running.filter((j) => !j.gone);
    const fresh: Job[] = [];
    while (this.running.length + fresh.length < this.o.maxBatch && this.waiting.length > 0) {
      const j = this.waiting.shift()!;
      if (!j.gone) fresh.push(j);
    }
    if (this.running.length === 0 && fresh.length === 0) return;
    this.stepping = true;
    let prefillTokens = 0;
    for (const j of fresh) prefillTokens += j.rec.promptTokens;
    const batch = this.running.length + fresh.length;
    const ms = (prefillTokens / this.o.prefill) * 1000 + this.o.step + this.o.growth * batch;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.closed) return;
      for (const j of fresh) j.admitted = true;
      this.emitFrom(this.running.concat(fresh), 0, []);
    }, ms);
  }

  private schedule(): void {
    if (!this.stepping && !this.closed) this.iterate();
  }

  private handleCompletion(res: SimResponse, raw: string, receivedAt: number): void {
    const req = readCompletionRequest(raw, this.o.maxModelLen);
    if ("error" in req) return openAiError(res, 400, req.error);
    const { promptTokens, maxTokens } = req;
    const n = this.counter++;
    const rec: TruthRecord = {
      id: `cmpl-sim-${n}`,
      n,
      promptTokens,
      maxTokens,
      completionTokens: 0,
      receivedAt,
      chunkTimes: [],
      finished: false,
      disconnected: false,
    };
    const fault = this.pickFault(n);
    if (fault) rec.fault = fault;
    this.truth.push(rec);
    if (fault === "http-500") return openAiError(res, 500, "simulated internal server error", "InternalServerError");
    if (fault === "never-answer") return; // the socket stays open and silent until close()
    const job: Job = { rec, res, stream: req.stream, emitted: 0, admitted: false, gone: false, faultAt: Math.floor(maxTokens / 2), text: [] };
    res.onClose(() => {
      if (!rec.finished) {
        job.gone = true;
        rec.disconnected = true;
      }
    });
    if (job.stream) {
      res.startStream(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    }
    this.waiting.push(job);
    this.schedule();
  }

  readonly handle = (req: SimRequest, res: SimResponse): void => {
    const url = req.path;
    const o = this.o;
    if (req.method === "GET" && url === "/health") return res.end("ok", 200, { "content-type": "text/plain" });
    if (req.method === "GET" && url === "/v1/models")
      return res.json(200, {
        object: "list",
        data: [{ id: o.model, object: "model", created: this.created, owned_by: "infx-serve-sim", max_model_len: o.maxModelLen }],
      });
    if (req.method === "GET" && url === "/sim/truth") return res.json(200, this.truth);
    if (req.method === "DELETE" && url === "/sim/truth") {
      this.truth.length = 0;
      return res.end("", 204);
    }
    if (req.method === "POST" && url === "/v1/completions") return this.handleCompletion(res, req.body.toString("utf8"), req.receivedAt);
    openAiError(res, 404, `no route for ${req.method} ${url} (serve-sim has POST /v1/completions, GET /v1/models, GET /health)`, "NotFoundError");
  };

  /** Stops the loop; false when it was already stopped. */
  stop(): boolean {
    if (this.closed) return false;
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.slice) clearImmediate(this.slice);
    return true;
  }
}

export async function startSimServer(opts: SimOptions = {}): Promise<SimServer> {
  const o = settingsOf(opts);
  const engine = new SimEngine(o, faultPicker(opts));
  const { server, sockets } = await listenSimHttp(o.host, o.port, engine.handle);
  const addr = server.address() as AddressInfo;
  const host = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${host}:${addr.port}`,
    truth: engine.truth,
    close: async () => {
      if (!engine.stop()) return;
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
