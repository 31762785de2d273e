/**
 * One streaming completion request, timed. Built on undici's low-level
 * `dispatch` so every body piece is timestamped the moment it arrives, with no
 * promise or stream machinery in between, over a keep-alive connection pool
 * (the reference opened a new HTTP session per request, so connection setup
 * landed inside TTFT).
 *
 * Definitions (the reference client's): a *content chunk* is an SSE event whose
 * JSON has a non-empty `choices` array; TTFT = first content chunk - send time;
 * E2EL = last content chunk - send time; ITL = every gap between consecutive
 * content chunks; output tokens = `usage.completion_tokens` from whichever
 * event carries it (a content chunk or a separate usage-only chunk).
 * Each failure ends the request with a reason; nothing throws out of here.
 */
import { setMaxListeners } from "node:events";
import { performance } from "node:perf_hooks";
import { Pool } from "undici";
import { SseParser } from "./sse.js";

export type FailureKind =
  | "http-error"
  | "not-a-stream"
  | "connect-error"
  | "no-response"
  | "stalled"
  | "request-timeout"
  | "closed-mid-stream"
  | "malformed-sse"
  | "server-error-event"
  | "no-done"
  | "no-content"
  | "missing-usage"
  | "bad-usage"
  | "aborted";

export interface RequestOutcome {
  index: number;
  warmup: boolean;
  success: boolean;
  failure?: { kind: FailureKind; message: string };
  promptLen: number;
  /** Requested `max_tokens`. */
  maxTokens: number;
  /** `usage.completion_tokens` (0 when absent). */
  outputTokens: number;
  /** Seconds. */
  ttft: number;
  /** End-to-end latency, seconds (send to last content chunk). */
  latency: number;
  /** Gaps between content chunks, seconds. */
  itl: number[];
  /**
   * `performance.now()` when the request was written to an open keep-alive
   * connection (so connection setup and waiting for a free connection are not
   * part of TTFT), and at the last byte; milliseconds.
   */
  sendTime: number;
  /** `performance.now()` when the request was handed to the pool. */
  queuedAt: number;
  endTime: number;
  contentChunks: number;
  /** The `id` of the server's completion (first event that has one). */
  responseId?: string;
}

export interface CompletionRequest {
  index: number;
  warmup: boolean;
  promptLen: number;
  maxTokens: number;
  /**
   * The JSON body, already serialised to bytes (a Buffer's bytes live outside
   * the JavaScript heap, so thousands of prepared bodies cost the garbage
   * collector nothing to move while the run is timed).
   */
  body: Buffer;
}

/**
 * Why a server's `usage.completion_tokens` cannot be trusted, or undefined:
 * it must be a whole number of at least one, and no more than the request's
 * `max_tokens` (an engine stops there; with `ignore_eos` it hits it exactly).
 * `chunksSoFar` is the content chunks seen when the usage arrived.
 */
export function implausibleCompletionTokens(ct: unknown, maxTokens: number, chunksSoFar: number): string | undefined {
  if (typeof ct !== "number" || !Number.isInteger(ct))
    return `usage.completion_tokens is ${typeof ct === "number" ? String(ct) : JSON.stringify(ct)}, not a whole number`;
  if (ct < 1 && chunksSoFar > 0) return `usage.completion_tokens is ${ct} after ${chunksSoFar} content chunks`;
  if (ct < 0) return `usage.completion_tokens is negative (${ct})`;
  if (maxTokens > 0 && ct > maxTokens) return `usage.completion_tokens ${ct} exceeds the request's max_tokens ${maxTokens}`;
  return undefined;
}

export interface ClientOptions {
  baseUrl: string;
  endpoint: string;
  connections: number;
  /** Seconds without any byte (headers or body) before a request fails; 0 disables. */
  stallTimeout: number;
  /** Seconds for a whole request; 0 disables. */
  requestTimeout: number;
  headers?: Record<string, string>;
}

const MAX_ERROR_BODY = 2048;

function snippet(s: string, n = 200): string {
  const one = s.replace(/\s+/g, " ").trim();
  return one.length > n ? one.slice(0, n) + "..." : one;
}

function describeError(err: unknown): { kind: FailureKind; message: string } {
  const e = err as { code?: string; message?: string; name?: string };
  const code = e?.code ?? "";
  const msg = e?.message ?? String(err);
  if (code === "UND_ERR_HEADERS_TIMEOUT") return { kind: "no-response", message: `no response headers within the stall timeout (${msg})` };
  if (code === "UND_ERR_BODY_TIMEOUT") return { kind: "stalled", message: `stream stalled: no bytes within the stall timeout (${msg})` };
  if (code === "UND_ERR_CONNECT_TIMEOUT" || code === "ECONNREFUSED" || code === "ENOTFOUND" || code === "EHOSTUNREACH")
    return { kind: "connect-error", message: `cannot connect: ${code} ${msg}` };
  if (code === "UND_ERR_SOCKET" || code === "ECONNRESET" || code === "EPIPE" || code === "UND_ERR_CLOSED")
    return { kind: "closed-mid-stream", message: `connection closed by the server (${code}: ${msg})` };
  return { kind: "closed-mid-stream", message: `${code || e?.name || "error"}: ${msg}` };
}

/**
 * The requests in flight under each abort signal: one listener per signal
 * aborts them all (a listener per request made every send and finish touch the
 * signal's listener list, thousands deep at high concurrency).
 */
const aborters = new WeakMap<AbortSignal, Set<() => void>>();
function abortersOf(signal: AbortSignal): Set<() => void> {
  let set = aborters.get(signal);
  if (!set) {
    const s = (set = new Set());
    aborters.set(signal, s);
    signal.addEventListener(
      "abort",
      () => {
        for (const fn of [...s]) fn();
      },
      { once: true },
    );
  }
  return set;
}

type Deferred = (chunk: Buffer | null, now: number) => void;
let laterQueue: unknown[] = [];
let _laterTimer: NodeJS.Immediate | undefined;

/**
 * Runs `fn(chunk, now)` after the event loop has read every socket that is
 * ready now (one `setImmediate` for all of them), in the order queued.
 */
function later(fn: Deferred, chunk: Buffer | null, now: number): void {
  laterQueue.push(fn, chunk, now);
  _laterTimer ??= setImmediate(drainLater);
}

function drainLater(): void {
  _laterTimer = undefined;
  const q = laterQueue;
  laterQueue = [];
  for (let i = 0; i < q.length; i += 3) (q[i] as Deferred)(q[i + 1] as Buffer | null, q[i + 2] as number);
}

type Failure = { kind: FailureKind; message: string };

function emptyOutcome(req: CompletionRequest): RequestOutcome {
  return {
    index: req.index,
    warmup: req.warmup,
    success: false,
    promptLen: req.promptLen,
    maxTokens: req.maxTokens,
    outputTokens: 0,
    ttft: 0,
    latency: 0,
    itl: [],
    sendTime: 0,
    queuedAt: 0,
    endTime: 0,
    contentChunks: 0,
  };
}

/** True when the response headers (undici's flat name/value list) say `application/json`. */
function isJsonResponse(headers: Buffer[]): boolean {
  let json = false;
  for (let i = 0; i + 1 < headers.length; i += 2) {
    if (headers[i]!.toString().toLowerCase() === "content-type" && headers[i + 1]!.toString().toLowerCase().includes("application/json")) json = true;
  }
  return json;
}

/**
 * One request and its streamed response: the timestamps, the parsed events
 * and the outcome, resolved exactly once (`finish`). Chunks are stamped when
 * read and parsed later (see `later`).
 */
class Exchange {
  private readonly out: RequestOutcome;
  private readonly parser = new SseParser();
  private status = 0;
  private errorBody = "";
  private first = 0;
  private last = 0;
  private usageTokens: number | undefined;
  private done = false;
  private settled = false;
  private abortFn: ((err?: Error) => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private failure: Failure | undefined;
  private queued = 0;

  constructor(
    private readonly req: CompletionRequest,
    private readonly opts: ClientOptions,
    private readonly resolve: (o: RequestOutcome) => void,
    private readonly signal: AbortSignal | undefined,
  ) {
    this.out = emptyOutcome(req);
  }

  private finish(): void {
    if (this.settled) return;
    this.settled = true;
    const out = this.out;
    if (this.timer) clearTimeout(this.timer);
    if (this.signal) abortersOf(this.signal).delete(this.onAbort);
    out.endTime = performance.now();
    if (!this.failure) {
      if (!this.done) this.failure = { kind: "no-done", message: "stream ended without 'data: [DONE]'" };
      else if (out.contentChunks === 0) this.failure = { kind: "no-content", message: "stream had no content chunks" };
      else if (this.usageTokens === undefined)
        this.failure = { kind: "missing-usage", message: "no usage.completion_tokens in the stream (is stream_options.include_usage supported?)" };
    }
    if (this.failure) out.failure = this.failure;
    else {
      out.success = true;
      out.outputTokens = this.usageTokens!;
    }
    out.ttft = out.contentChunks ? (this.first - out.sendTime) / 1000 : 0;
    out.latency = out.contentChunks ? (this.last - out.sendTime) / 1000 : 0;
    this.resolve(out);
  }

  private fail(f: Failure): void {
    this.failure ??= f;
    // Closing the connection stops the server's work; the outcome does not wait for undici's callbacks.
    this.abortFn?.(new Error(f.message));
    this.finish();
  }

  private readonly onAbort = (): void => this.fail({ kind: "aborted", message: "benchmark interrupted" });

  private onEvent(data: string, now: number): void {
    if (this.done) return;
    if (data === "[DONE]") {
      this.done = true;
      return;
    }
    // biome-ignore lint/suspicious/noExplicitAny: a server chunk is untrusted JSON, checked field by field below
    let obj: any;
    try {
      obj = JSON.parse(data);
    } catch {
      this.fail({ kind: "malformed-sse", message: `event data is not JSON: ${snippet(data, 120)}` });
      return;
    }
    if (obj === null || typeof obj !== "object") {
      this.fail({ kind: "malformed-sse", message: `event data is not a JSON object: ${snippet(data, 120)}` });
      return;
    }
    if (obj.error !== undefined && obj.error !== null) {
      const m = typeof obj.error === "string" ? obj.error : (obj.error.message ?? JSON.stringify(obj.error));
      this.fail({ kind: "server-error-event", message: `server sent an error event: ${snippet(String(m))}` });
      return;
    }
    const out = this.out;
    if (out.responseId === undefined && typeof obj.id === "string") out.responseId = obj.id;
    const choices = obj.choices;
    if (Array.isArray(choices) && choices.length > 0) {
      if (out.contentChunks === 0) this.first = now;
      else out.itl.push((now - this.last) / 1000);
      this.last = now;
      out.contentChunks++;
    }
    const usage = obj.usage;
    if (usage && typeof usage === "object") {
      const ct = usage.completion_tokens;
      if (ct !== undefined && ct !== null) {
        const bad = implausibleCompletionTokens(ct, out.maxTokens, out.contentChunks);
        if (bad) {
          this.fail({ kind: "bad-usage", message: bad });
          return;
        }
        this.usageTokens = ct;
      }
    }
  }

  private readonly parse = (chunk: Buffer | null, now: number): void => {
    this.queued--;
    if (this.failure || this.settled) return;
    let events: string[];
    try {
      events = this.parser.feed(chunk!);
    } catch (e) {
      this.fail({ kind: "malformed-sse", message: (e as Error).message });
      return;
    }
    for (let i = 0; i < events.length && !this.failure; i++) this.onEvent(events[i]!, now);
    // The request is complete at [DONE]; a server that then holds the response open
    // only delays its connection's reuse (until it ends or the stall timeout closes it).
    if (this.done && !this.failure) this.finish();
  };

  private readonly complete = (): void => {
    if (this.status === -200 && !this.failure) {
      this.failure = {
        kind: "not-a-stream",
        message: `HTTP 200 with a JSON body instead of an event stream (is "stream": true supported?): ${snippet(this.errorBody)}`,
      };
    } else if (this.status !== 200 && !this.failure) {
      this.failure = { kind: "http-error", message: `HTTP ${this.status}${this.errorBody ? ": " + snippet(this.errorBody) : ""}` };
    } else if (!this.failure && !this.done && this.parser.hasUnfinishedEvent()) {
      this.failure = { kind: "closed-mid-stream", message: `stream ended inside an event after ${this.out.contentChunks} content chunks` };
    }
    this.finish();
  };

  /** Starts the exchange on `pool` (or settles it at once when the run is already aborted). */
  start(pool: Pool, origin: string, path: string): void {
    const signal = this.signal;
    if (signal?.aborted) {
      this.failure = { kind: "aborted", message: "benchmark interrupted" };
      this.finish();
      return;
    }
    if (signal) abortersOf(signal).add(this.onAbort);
    if (this.opts.requestTimeout > 0) {
      this.timer = setTimeout(
        () => this.fail({ kind: "request-timeout", message: `request exceeded the request timeout of ${this.opts.requestTimeout}s` }),
        this.opts.requestTimeout * 1000,
      );
    }
    const stallMs = this.opts.stallTimeout > 0 ? this.opts.stallTimeout * 1000 : 0;
    this.out.queuedAt = this.out.sendTime = performance.now();
    try {
      pool.dispatch(
        {
          origin,
          path,
          method: "POST",
          headers: { "content-type": "application/json", accept: "text/event-stream", ...this.opts.headers },
          body: this.req.body,
          headersTimeout: stallMs,
          bodyTimeout: stallMs,
        },
        this.handlers(),
      );
    } catch (err) {
      this.failure ??= describeError(err);
      this.finish();
    }
  }

  /** undici's dispatch callbacks. */
  private handlers(): Parameters<Pool["dispatch"]>[1] {
    return {
      onConnect: (abort) => {
        this.out.sendTime = performance.now();
        this.abortFn = abort;
        if (this.failure) abort(new Error(this.failure.message));
      },
      onHeaders: (statusCode, headers) => {
        this.status = statusCode;
        // A JSON answer to a streaming request: collect it as an error body.
        if (statusCode === 200 && isJsonResponse(headers as Buffer[])) this.status = -200;
        return true;
      },
      onData: (chunk) => {
        // Stamp now, parse later (see `later`): this keeps the cost of reading one
        // socket small, so in a burst of chunks on many sockets each is stamped
        // close to its arrival instead of after the parsing of all before it.
        const now = performance.now();
        if (this.status !== 200) {
          if (this.errorBody.length < MAX_ERROR_BODY) this.errorBody += chunk.toString("utf8");
          return true;
        }
        if (this.failure) return true;
        this.queued++;
        later(this.parse, chunk, now);
        return true;
      },
      onComplete: () => {
        if (this.queued > 0) later(this.complete, null, 0);
        else this.complete();
      },
      onError: (err) => {
        const failed = () => {
          if (!this.failure) {
            const d = describeError(err);
            if (d.kind === "closed-mid-stream" && this.status === 200)
              d.message = `connection closed mid-stream after ${this.out.contentChunks} content chunks (${d.message})`;
            this.failure = d;
          }
          this.finish();
        };
        if (this.queued > 0) later(failed, null, 0);
        else failed();
      },
    };
  }
}

/** A keep-alive pool for one server, sized to the concurrency. */
export class CompletionClient {
  readonly pool: Pool;
  private readonly origin: string;
  private readonly path: string;
  private readonly basePath: string;

  constructor(readonly opts: ClientOptions) {
    const url = new URL(opts.baseUrl);
    this.origin = url.origin;
    const basePath = url.pathname.replace(/\/+$/, "");
    this.basePath = basePath;
    this.path = basePath + (opts.endpoint.startsWith("/") ? opts.endpoint : "/" + opts.endpoint);
    this.pool = new Pool(this.origin, {
      connections: Math.max(1, opts.connections),
      pipelining: 1,
      keepAliveTimeout: 60_000,
      keepAliveMaxTimeout: 600_000,
      connectTimeout: 30_000,
    });
  }

  /** Sends one request; always resolves (failures carry a reason). */
  send(req: CompletionRequest, signal?: AbortSignal): Promise<RequestOutcome> {
    return new Promise<RequestOutcome>((resolve) => new Exchange(req, this.opts, resolve, signal).start(this.pool, this.origin, this.path));
  }

  /**
   * Opens up to `n` keep-alive connections before the timed run (n concurrent
   * `GET /v1/models`, answers ignored), so that connection setup neither lands
   * in the first requests' timings nor loads both sides during the first wave.
   * Gives up after `timeoutMs`; resolves to how many requests were answered.
   */
  async preconnect(n: number, timeoutMs = 5000): Promise<number> {
    const ac = new AbortController();
    setMaxListeners(0, ac.signal);
    const timer = setTimeout(() => ac.abort(), timeoutMs);
    const path = this.basePath + "/v1/models";
    try {
      const settled = await Promise.allSettled(
        Array.from({ length: n }, async () => {
          const res = await this.pool.request({ path, method: "GET", signal: ac.signal, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
          await res.body.dump();
        }),
      );
      return settled.filter((s) => s.status === "fulfilled").length;
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}
