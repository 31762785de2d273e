/**
 * One benchmark run: the random dataset sent to a server at a fixed
 * concurrency (and optionally a Poisson/gamma arrival rate), warm-ups first and
 * excluded, every request timed, the raw result built at the end.
 */
import { setMaxListeners } from "node:events";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { CompletionClient } from "./client.js";
import { promptTokens, randomDataset } from "./dataset.js";
import { buildResult, summarizeFailures } from "./metrics.js";
import { arrivalGaps } from "./random.js";
export function completionBody(o, r, warmup) {
    const prompt = promptTokens(o.seed + (warmup ? 7_777_777 : 0), r.index, r.promptLen, o.vocabSize);
    const body = {
        model: o.model,
        prompt,
        max_tokens: r.outputLen,
        temperature: 0,
        stream: true,
        stream_options: { include_usage: true },
    };
    if (o.ignoreEos)
        body.ignore_eos = true;
    return { index: r.index, warmup, promptLen: r.promptLen, maxTokens: r.outputLen, body: Buffer.from(JSON.stringify(body)) };
}
const SEND_SLICE = 16;
/** Runs `requests` with at most `limit` in flight, starting each no earlier than its arrival offset. */
async function drive(client, requests, limit, offsetsMs, signal, onDone) {
    const outcomes = new Array(requests.length);
    // Requests are released in order: [next, arrived) are due and not yet sent.
    let next = 0;
    let arrived = 0;
    let inFlight = 0;
    let finished = 0;
    const t0 = performance.now();
    return new Promise((resolve) => {
        // At most SEND_SLICE requests are written per turn of the event loop: a
        // first wave of 1,024 sends in one go would keep the loop from reading (and
        // timestamping) the responses that start arriving meanwhile.
        let resume;
        const resumed = () => {
            resume = undefined;
            pump();
        };
        const pump = () => {
            let sent = 0;
            while (inFlight < limit && next < arrived) {
                if (sent++ === SEND_SLICE) {
                    resume ??= setImmediate(resumed);
                    return;
                }
                const i = next++;
                inFlight++;
                void client.send(requests[i], signal).then((o) => {
                    outcomes[i] = o;
                    inFlight--;
                    finished++;
                    onDone(o);
                    if (finished === requests.length)
                        resolve(outcomes);
                    else
                        pump();
                });
            }
        };
        if (requests.length === 0)
            return resolve(outcomes);
        if (!offsetsMs) {
            arrived = requests.length;
            pump();
            return;
        }
        const release = () => {
            const now = performance.now() - t0;
            while (arrived < requests.length && offsetsMs[arrived] <= now + 0.5)
                arrived++;
            pump();
            if (arrived < requests.length) {
                if (signal?.aborted) {
                    arrived = requests.length;
                    pump();
                    return;
                }
                setTimeout(release, Math.max(0, offsetsMs[arrived] - (performance.now() - t0)));
            }
        };
        release();
    });
}
export async function runBenchmark(options) {
    // One internal signal with no listener limit, fed by the caller's (every in-flight request listens to it).
    const inner = new AbortController();
    setMaxListeners(0, inner.signal);
    const forward = () => inner.abort();
    if (options.signal?.aborted)
        inner.abort();
    else
        options.signal?.addEventListener("abort", forward, { once: true });
    try {
        return await runWithSignal({ ...options, signal: inner.signal });
    }
    finally {
        options.signal?.removeEventListener("abort", forward);
    }
}
async function runWithSignal(o) {
    const dataset = randomDataset({ numPrompts: o.numPrompts, inputLen: o.inputLen, outputLen: o.outputLen, rangeRatio: o.rangeRatio, seed: o.seed });
    const limit = o.maxConcurrency ?? Math.max(1, o.numPrompts);
    const client = new CompletionClient({
        baseUrl: o.baseUrl,
        endpoint: o.endpoint,
        connections: limit,
        stallTimeout: o.stallTimeout,
        requestTimeout: o.requestTimeout,
    });
    try {
        // As many connections as can be busy at once (without a concurrency limit: the first 256).
        if (o.preconnect !== false && !o.signal?.aborted)
            await client.preconnect(Math.max(1, Math.min(o.numPrompts, o.maxConcurrency ?? 256)));
        let warmups = [];
        if (o.numWarmups > 0 && dataset.length > 0) {
            const w = Array.from({ length: o.numWarmups }, (_, i) => completionBody(o, { ...dataset[i % dataset.length], index: i }, true));
            warmups = await drive(client, w, limit, null, o.signal, () => { });
        }
        const requests = dataset.map((r) => completionBody(o, r, false));
        let offsets = null;
        if (o.requestRate !== Infinity) {
            const gaps = arrivalGaps(requests.length, o.requestRate, o.burstiness, o.seed);
            let t = 0;
            offsets = gaps.map((g) => (t += g * 1000) - gaps[0] * 1000);
        }
        const startedAt = new Date();
        const t0 = performance.now();
        let done = 0;
        let failed = 0;
        let outputTokens = 0;
        const lag = monitorEventLoopDelay({ resolution: 1 });
        lag.enable();
        const outcomes = o.signal?.aborted ? [] : await drive(client, requests, limit, offsets, o.signal, (r) => {
            done++;
            if (!r.success)
                failed++;
            else
                outputTokens += r.outputTokens;
            o.onProgress?.({ done, failed, total: requests.length, elapsed: (performance.now() - t0) / 1000, outputTokens });
        });
        lag.disable();
        const clientLoopDelay = lag.count > 0 ? { p50: lag.percentile(50) / 1e6, p99: lag.percentile(99) / 1e6, max: lag.max / 1e6 } : { p50: 0, p99: 0, max: 0 };
        let end = t0;
        for (const r of outcomes)
            if (r && r.endTime > end)
                end = r.endTime;
        const interrupted = Boolean(o.signal?.aborted);
        const result = buildResult(outcomes, {
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
        }, { detailed: o.detailed });
        return { result, clientLoopDelay, outcomes, warmups, failures: summarizeFailures(outcomes), interrupted };
    }
    finally {
        await client.close();
    }
}
