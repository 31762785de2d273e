import { performance } from "node:perf_hooks";
import { rng } from "./random.js";
import { listenSimHttp, wallNow as now } from "./sim-http.js";
export const SIM_FAULTS = ["http-500", "never-answer", "close-mid-stream", "stall-mid-stream", "malformed", "error-event"];
function openAiError(res, status, message, type = "BadRequestError") {
    res.json(status, { object: "error", message, type, param: null, code: status });
}
export async function startSimServer(opts = {}) {
    const o = {
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
    const random = rng(opts.seed ?? 0);
    const truth = [];
    const waiting = [];
    let running = [];
    let timer;
    let closed = false;
    let counter = 0;
    const created = Math.floor(Date.now() / 1000);
    const pickFault = (n) => {
        const f = opts.fault?.(n);
        if (f)
            return f;
        if (!opts.faultRates)
            return undefined;
        const u = random();
        let acc = 0;
        for (const k of SIM_FAULTS) {
            acc += opts.faultRates[k] ?? 0;
            if (u < acc)
                return k;
        }
        return undefined;
    };
    const chunkJson = (job, text, finish, usage) => JSON.stringify({
        id: job.rec.id,
        object: "text_completion",
        created,
        model: o.model,
        choices: [{ index: 0, text, logprobs: null, finish_reason: finish, stop_reason: null }],
        usage: usage ? usageOf(job) : null,
    });
    const usageOf = (job) => ({
        prompt_tokens: job.rec.promptTokens,
        completion_tokens: job.emitted,
        total_tokens: job.rec.promptTokens + job.emitted,
    });
    /** Records a chunk's truth just after its bytes were handed to the kernel (sim-http writes through). */
    const flushed = (job) => {
        const t = now();
        if (job.rec.firstTokenAt === undefined)
            job.rec.firstTokenAt = t;
        job.rec.lastTokenAt = t;
        if (o.recordChunks)
            job.rec.chunkTimes.push(t);
    };
    /** Emits the next chunk of `job`; returns false when the job leaves the batch. */
    const emit = (job) => {
        if (job.gone)
            return false;
        const n = Math.min(o.perChunk, job.rec.maxTokens - job.emitted);
        const faulted = job.rec.fault && job.emitted >= job.faultAt;
        if (faulted) {
            switch (job.rec.fault) {
                case "close-mid-stream":
                    job.res.destroy();
                    return false;
                case "stall-mid-stream":
                    return false; // leaves the batch, the connection stays open and silent
                case "malformed":
                    job.res.write('data: {"id": "' + job.rec.id + '", "choices": [{"text": \n\n');
                    job.res.end();
                    return false;
                case "error-event":
                    job.res.write(`data: ${JSON.stringify({ error: { object: "error", message: "simulated engine failure", type: "InternalServerError", code: 500 } })}\n\ndata: [DONE]\n\n`);
                    job.res.end();
                    return false;
            }
        }
        job.emitted += n;
        const text = " tok".repeat(n);
        const last = job.emitted >= job.rec.maxTokens;
        job.rec.completionTokens = job.emitted;
        if (!job.stream) {
            job.text.push(text);
            if (last) {
                job.rec.finished = true;
                const body = JSON.stringify({
                    id: job.rec.id,
                    object: "text_completion",
                    created,
                    model: o.model,
                    choices: [{ index: 0, text: job.text.join(""), logprobs: null, finish_reason: "length" }],
                    usage: usageOf(job),
                });
                job.res.end(body, 200, { "content-type": "application/json" });
            }
            flushed(job);
            return !last;
        }
        if (!last) {
            job.res.write(`data: ${chunkJson(job, text, null, false)}\n\n`);
            flushed(job);
            return true;
        }
        let out = `data: ${chunkJson(job, text, "length", o.usage === "last-content")}\n\n`;
        if (o.usage === "separate")
            out += `data: ${JSON.stringify({ id: job.rec.id, object: "text_completion", created, model: o.model, choices: [], usage: usageOf(job) })}\n\n`;
        out += "data: [DONE]\n\n";
        job.res.end(out);
        flushed(job);
        job.rec.finished = true;
        return false;
    };
    /**
     * A step's chunks go out in slices of EMIT_SLICE writes with the event loop
     * turned between them, so requests arriving while a big batch is written are
     * read (and their receive time stamped) within a slice, not after the batch.
     */
    const EMIT_SLICE = 16;
    let stepping = false;
    let slice;
    const emitFrom = (all, from, next) => {
        slice = undefined;
        if (closed)
            return;
        const end = Math.min(all.length, from + EMIT_SLICE);
        // Each chunk's truth is the moment it is handed to its socket (later writes of a big batch happen later).
        for (let i = from; i < end; i++) {
            const until = o.chunkCostMs > 0 ? performance.now() + o.chunkCostMs : 0;
            if (emit(all[i]))
                next.push(all[i]);
            while (performance.now() < until)
                ; // the frontend's own work for this chunk
        }
        if (end < all.length) {
            slice = setImmediate(emitFrom, all, end, next);
            return;
        }
        running = next;
        iterate();
    };
    const iterate = () => {
        stepping = false;
        if (closed)
            return;
        running = running.filter((j) => !j.gone);
        const fresh = [];
        while (running.length + fresh.length < o.maxBatch && waiting.length > 0) {
            const j = waiting.shift();
            if (!j.gone)
                fresh.push(j);
        }
        if (running.length === 0 && fresh.length === 0)
            return;
        stepping = true;
        let prefillTokens = 0;
        for (const j of fresh)
            prefillTokens += j.rec.promptTokens;
        const batch = running.length + fresh.length;
        const ms = (prefillTokens / o.prefill) * 1000 + o.step + o.growth * batch;
        timer = setTimeout(() => {
            timer = undefined;
            if (closed)
                return;
            for (const j of fresh)
                j.admitted = true;
            emitFrom(running.concat(fresh), 0, []);
        }, ms);
    };
    const schedule = () => {
        if (!stepping && !closed)
            iterate();
    };
    const handleCompletion = (res, raw, receivedAt) => {
        let body;
        try {
            body = JSON.parse(raw);
        }
        catch {
            return openAiError(res, 400, "request body is not valid JSON");
        }
        if (!body || typeof body !== "object")
            return openAiError(res, 400, "request body must be a JSON object");
        let promptTokens;
        if (Array.isArray(body.prompt) && body.prompt.every((x) => Number.isInteger(x)))
            promptTokens = body.prompt.length;
        else if (typeof body.prompt === "string")
            promptTokens = Math.max(1, Math.ceil(body.prompt.length / 4));
        else
            return openAiError(res, 400, "prompt must be a string or a list of token ids");
        const maxTokens = body.max_tokens ?? 16;
        if (!Number.isInteger(maxTokens) || maxTokens < 1)
            return openAiError(res, 400, "max_tokens must be a positive integer");
        if (promptTokens + maxTokens > o.maxModelLen)
            return openAiError(res, 400, `This model's maximum context length is ${o.maxModelLen} tokens. However, you requested ${promptTokens + maxTokens} tokens.`);
        const n = counter++;
        const rec = {
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
        const fault = pickFault(n);
        if (fault)
            rec.fault = fault;
        truth.push(rec);
        if (fault === "http-500")
            return openAiError(res, 500, "simulated internal server error", "InternalServerError");
        if (fault === "never-answer")
            return; // the socket stays open and silent until close()
        const job = { rec, res, stream: body.stream === true, emitted: 0, admitted: false, gone: false, faultAt: Math.floor(maxTokens / 2), text: [] };
        res.onClose(() => {
            if (!rec.finished) {
                job.gone = true;
                rec.disconnected = true;
            }
        });
        if (job.stream) {
            res.startStream(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
        }
        waiting.push(job);
        schedule();
    };
    const handle = (req, res) => {
        const url = req.path;
        if (req.method === "GET" && url === "/health")
            return res.end("ok", 200, { "content-type": "text/plain" });
        if (req.method === "GET" && url === "/v1/models")
            return res.json(200, { object: "list", data: [{ id: o.model, object: "model", created, owned_by: "infx-serve-sim", max_model_len: o.maxModelLen }] });
        if (req.method === "GET" && url === "/sim/truth")
            return res.json(200, truth);
        if (req.method === "DELETE" && url === "/sim/truth") {
            truth.length = 0;
            return res.end("", 204);
        }
        if (req.method === "POST" && url === "/v1/completions")
            return handleCompletion(res, req.body.toString("utf8"), req.receivedAt);
        openAiError(res, 404, `no route for ${req.method} ${url} (serve-sim has POST /v1/completions, GET /v1/models, GET /health)`, "NotFoundError");
    };
    const { server, sockets } = await listenSimHttp(o.host, o.port, handle);
    const addr = server.address();
    const host = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
    return {
        url: `http://${host}:${addr.port}`,
        truth,
        close: async () => {
            if (closed)
                return;
            closed = true;
            if (timer)
                clearTimeout(timer);
            if (slice)
                clearImmediate(slice);
            for (const s of sockets)
                s.destroy();
            await new Promise((resolve) => server.close(() => resolve()));
        },
    };
}
