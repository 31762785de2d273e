/**
 * The part of a benchmark run that one thread does (all of it with one
 * thread): its share of the random dataset sent at its share of the
 * concurrency, warm-ups first and excluded, every request timed. Also the
 * options and result types every thread shares, the progress count and the
 * raw result built from the outcomes. `run.ts` runs one part in this thread,
 * `workers.ts` one per worker thread.
 */
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { CompletionClient, type CompletionRequest, type RequestOutcome } from "./client.js";
import { promptTokens, randomDataset, type BenchRequest } from "./dataset.js";
import { buildResult, type FailureSummary, type PercentileMetric, type RawResult } from "./metrics.js";
import { arrivalGaps } from "./random.js";

export interface BenchOptions {
  baseUrl: string;
  endpoint: string;
  model: string;
  /** Recorded as `backend`; `vllm` and `openai` both speak /v1/completions. */
  backend: string;
  tokenizerId?: string;
  inputLen: number;
  outputLen: number;
  rangeRatio: number;
  numPrompts: number;
  /** null: no limit (every request may be in flight at once). */
  maxConcurrency: number | null;
  /** Requests per second; Infinity sends as fast as the concurrency allows. */
  requestRate: number;
  burstiness: number;
  ignoreEos: boolean;
  numWarmups: number;
  seed: number;
  vocabSize: number;
  percentileMetrics: readonly PercentileMetric[];
  metricPercentiles: readonly number[];
  /** Seconds without a byte before a request fails (0: never). */
  stallTimeout: number;
  /** Seconds for a whole request (0: no limit). */
  requestTimeout: number;
  /** Open the pool's connections before timing (default true). */
  preconnect?: boolean;
  /** Keep per-request arrays in the result. */
  detailed?: boolean;
  /** Called after every finished (non-warm-up) request. */
  onProgress?: (p: Progress) => void;
  /** Aborting fails the requests still running, and the run returns what finished. */
  signal?: AbortSignal;
  /**
   * Client threads (default 1). Each takes every n-th request and 1/n of the
   * concurrency, on its own event loop; for more streams than one core can
   * read without falling behind (see the README's measurements).
   */
  workers?: number;
}

export interface Progress {
  done: number;
  failed: number;
  total: number;
  /** Seconds since the first timed send. */
  elapsed: number;
  outputTokens: number;
}

/**
 * The client's own event-loop delay during the timed requests, ms (sampled
 * every 1 ms, so an idle loop reads about 1.1). A high value means the client
 * was busy when bytes arrived: timings then include up to that much of its
 * own delay, and the run should be split across more clients.
 */
export interface ClientLoopDelay {
  p50: number;
  p99: number;
  max: number;
}

export interface BenchRun {
  result: RawResult;
  clientLoopDelay: ClientLoopDelay;
  outcomes: RequestOutcome[];
  warmups: RequestOutcome[];
  failures: FailureSummary;
  interrupted: boolean;
}

export function completionBody(o: BenchOptions, r: BenchRequest, warmup: boolean): CompletionRequest {
  const prompt = promptTokens(o.seed + (warmup ? 7_777_777 : 0), r.index, r.promptLen, o.vocabSize);
  const body: Record<string, unknown> = {
    model: o.model,
    prompt,
    max_tokens: r.outputLen,
    temperature: 0,
    stream: true,
    stream_options: { include_usage: true },
  };
  if (o.ignoreEos) body.ignore_eos = true;
  return { index: r.index, warmup, promptLen: r.promptLen, maxTokens: r.outputLen, body: Buffer.from(JSON.stringify(body)) };
}

const SEND_SLICE = 16;

/** Runs `requests` with at most `limit` in flight, starting each no earlier than its arrival offset. */
async function drive(
  client: CompletionClient,
  requests: CompletionRequest[],
  limit: number,
  offsetsMs: number[] | null,
  signal: AbortSignal | undefined,
  onDone: (o: RequestOutcome) => void,
  t0 = performance.now(),
): Promise<RequestOutcome[]> {
  const outcomes: RequestOutcome[] = new Array(requests.length);
  // Requests are released in order: [next, arrived) are due and not yet sent.
  let next = 0;
  let arrived = 0;
  let inFlight = 0;
  let finished = 0;
  return new Promise((resolve) => {
    // At most SEND_SLICE requests are written per turn of the event loop: a
    // first wave of 1,024 sends in one go would keep the loop from reading (and
    // timestamping) the responses that start arriving meanwhile.
    let _resume: NodeJS.Immediate | undefined;
    const resumed = () => {
      _resume = undefined;
      pump();
    };
    const pump = () => {
      let sent = 0;
      while (inFlight < limit && next < arrived) {
        if (sent++ === SEND_SLICE) {
          _resume ??= setImmediate(resumed);
          return;
        }
        const i = next++;
        inFlight++;
        void client.send(requests[i]!, signal).then((o) => {
          outcomes[i] = o;
          inFlight--;
          finished++;
          onDone(o);
          if (finished === requests.length) resolve(outcomes);
          else pump();
        });
      }
    };
    if (requests.length === 0) return resolve(outcomes);
    if (!offsetsMs) {
      arrived = requests.length;
      pump();
      return;
    }
    const release = () => {
      const now = performance.now() - t0;
      while (arrived < requests.length && offsetsMs[arrived]! <= now + 0.5) arrived++;
      pump();
      if (arrived < requests.length) {
        if (signal?.aborted) {
          arrived = requests.length;
          pump();
          return;
        }
        setTimeout(release, Math.max(0, offsetsMs[arrived]! - (performance.now() - t0)));
      }
    };
    release();
  });
}

/** The part of a run that one thread does: the requests `index % of === share`, at its share of the concurrency. */
export interface PartHooks {
  /** Called when connections and warm-ups are done; resolves when timing starts, to `performance.now()` then. */
  ready(): Promise<number>;
  onDone(o: RequestOutcome): void;
  signal?: AbortSignal;
}

export interface PartResult {
  outcomes: RequestOutcome[];
  warmups: RequestOutcome[];
  clientLoopDelay: ClientLoopDelay;
  /** `performance.now()` when timing started. */
  t0: number;
  /** Wall-clock start of the timed phase. */
  startedAt: Date;
}

/** Counts finished requests and reports progress; `since()` is when timing started (`performance.now()`). */
export function progressReporter(total: number, onProgress: ((p: Progress) => void) | undefined, since: () => number) {
  let done = 0;
  let failed = 0;
  let outputTokens = 0;
  return (success: boolean, tokens: number) => {
    done++;
    if (!success) failed++;
    else outputTokens += tokens;
    onProgress?.({ done, failed, total, elapsed: Math.max(0, performance.now() - since()) / 1000, outputTokens });
  };
}

/** Options a worker thread can receive (no functions). */
export type PartOptions = Omit<BenchOptions, "onProgress" | "signal">;

/** Concurrency of part `share` of `of`: the limit split as evenly as it goes. */
function partLimit(limit: number, share: number, of: number): number {
  return Math.floor(limit / of) + (share < limit % of ? 1 : 0);
}

export async function runPart(o: PartOptions, share: number, of: number, hooks: PartHooks): Promise<PartResult> {
  const dataset = randomDataset({ numPrompts: o.numPrompts, inputLen: o.inputLen, outputLen: o.outputLen, rangeRatio: o.rangeRatio, seed: o.seed });
  const mine = dataset.filter((r) => r.index % of === share);
  const limit = Math.max(1, partLimit(o.maxConcurrency ?? Math.max(1, o.numPrompts), share, of));
  const client = new CompletionClient({
    baseUrl: o.baseUrl,
    endpoint: o.endpoint,
    connections: limit,
    stallTimeout: o.stallTimeout,
    requestTimeout: o.requestTimeout,
  });
  try {
    // As many connections as can be busy at once (without a concurrency limit: the first 256).
    if (o.preconnect !== false && !hooks.signal?.aborted && mine.length > 0)
      await client.preconnect(Math.max(1, Math.min(mine.length, o.maxConcurrency === null ? Math.ceil(256 / of) : limit)));
    let warmups: RequestOutcome[] = [];
    if (o.numWarmups > 0 && dataset.length > 0) {
      const w: CompletionRequest[] = [];
      for (let i = share; i < o.numWarmups; i += of) w.push(completionBody(o, { ...dataset[i % dataset.length]!, index: i }, true));
      warmups = await drive(client, w, limit, null, hooks.signal, () => {});
    }
    const requests = mine.map((r) => completionBody(o, r, false));
    let offsets: number[] | null = null;
    if (o.requestRate !== Infinity) {
      const gaps = arrivalGaps(dataset.length, o.requestRate, o.burstiness, o.seed);
      let t = 0;
      const all = gaps.map((g) => (t += g * 1000) - gaps[0]! * 1000);
      offsets = mine.map((r) => all[r.index]!);
    }
    const t0 = await hooks.ready();
    const startedAt = new Date();
    const lag = monitorEventLoopDelay({ resolution: 1 });
    lag.enable();
    const outcomes = hooks.signal?.aborted ? [] : await drive(client, requests, limit, offsets, hooks.signal, hooks.onDone, t0);
    lag.disable();
    const clientLoopDelay = lag.count > 0 ? { p50: lag.percentile(50) / 1e6, p99: lag.percentile(99) / 1e6, max: lag.max / 1e6 } : { p50: 0, p99: 0, max: 0 };
    return { outcomes, warmups, clientLoopDelay, t0, startedAt };
  } finally {
    await client.close();
  }
}

/** The raw result of finished requests; `t0` is when timing started (same clock as the outcomes). */
export function resultOf(o: BenchOptions, outcomes: RequestOutcome[], t0: number, startedAt: Date): RawResult {
  let end = t0;
  for (const r of outcomes) if (r && r.endTime > end) end = r.endTime;
  return buildResult(
    outcomes,
    {
      startedAt,
      backend: o.backend,
      modelId: o.model,
      tokenizerId: o.tokenizerId ?? o.model,
      numPrompts: o.numPrompts,
      requestRate: o.requestRate,
      burstiness: o.burstiness,
      maxConcurrency: o.maxConcurrency,
      duration: (end - t0) / 1000,
      percentileMetrics: o.percentileMetrics,
      metricPercentiles: o.metricPercentiles,
    },
    { detailed: o.detailed },
  );
}
