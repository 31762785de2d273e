/**
 * `infx serve-sim`: run the simulated OpenAI-compatible server until Ctrl-C /
 * SIGTERM. Prints its URL first, so scripts can read it from stdout.
 */
import { defineSpec, type OptionsOf } from "../cli/args.js";
import { UsageError, UserError, type Io } from "../cli/io.js";
import { SIM_FAULTS, startSimServer, type SimFault } from "../sim/server.js";

export const spec = defineSpec({
  name: "serve-sim",
  summary: "A simulated OpenAI-compatible streaming server",
  description: `
Serves POST /v1/completions (streaming SSE or not), GET /v1/models and
GET /health on loopback, like a continuous-batching engine: each iteration
admits queued requests up to --max-batch, costs prompt tokens / --prefill-rate
plus --step-ms + --step-growth-ms x batch size, and gives every running request
one chunk of --tokens-per-chunk tokens. Every request generates exactly
max_tokens. GET /sim/truth returns the ground truth per request (receive,
first-token and last-token times, chunk times, tokens, injected fault);
DELETE /sim/truth clears it. A request's receive time is when its first bytes
were read; a chunk's time is just after its bytes went to the kernel (the
HTTP layer is on bare sockets so that neither waits for parsing or a flush).
--chunk-cost-us makes each chunk take that much CPU time, like a serving
engine's API process, so a step's chunks leave over batch x cost.

Faults are injected at the given probability per request (seeded):
http-500, never-answer, close-mid-stream, stall-mid-stream, malformed, error-event.`,
  options: [
    { name: "host", kind: "string", default: "127.0.0.1", help: "Address to listen on" },
    { name: "port", kind: "int", default: 8000, help: "Port (0: any free port); 8000 is where infx bench looks by default" },
    { name: "model", kind: "string", default: "infx/sim-model", help: "Model id served" },
    { name: "max-model-len", kind: "int", default: 1000000, metavar: "N", help: "Reject prompt + max_tokens above this (HTTP 400)" },
    { name: "prefill-rate", kind: "number", default: 200000, metavar: "TOK/S", help: "Prefill speed, prompt tokens per second" },
    { name: "step-ms", kind: "number", default: 8, help: "Decode iteration time with an empty batch (ms)" },
    { name: "step-growth-ms", kind: "number", default: 0.02, help: "Extra iteration time per running request (ms)" },
    { name: "max-batch", kind: "int", default: 512, help: "Most requests decoding at once; others queue" },
    { name: "tokens-per-chunk", kind: "int", default: 1, metavar: "N", help: "Tokens per streamed chunk (> 1 models speculative decoding)" },
    {
      name: "chunk-cost-us",
      kind: "number",
      default: 0,
      metavar: "US",
      help: "Frontend CPU time per streamed chunk (us): spreads a step's writes like a real server's API process",
    },
    { name: "usage", kind: "string", choices: ["separate", "last-content", "missing"], default: "separate", help: "Where usage is sent" },
    {
      name: "fault",
      kind: "string",
      multiple: true,
      metavar: "KIND=P",
      help: `Inject a fault with probability P per request; KIND in ${SIM_FAULTS.join(", ")}`,
    },
    { name: "seed", kind: "int", default: 0, help: "Seed for fault injection" },
  ],
  examples: [
    "infx serve-sim            # then, in another terminal: infx bench --num-prompts 50 --max-concurrency 8",
    "infx serve-sim --tokens-per-chunk 3 --usage last-content --fault http-500=0.02 close-mid-stream=0.01",
  ],
});

export type ServeSimOptions = OptionsOf<typeof spec>;

export function parseFaults(items: readonly string[] | undefined): Partial<Record<SimFault, number>> | undefined {
  if (!items?.length) return undefined;
  const out: Partial<Record<SimFault, number>> = {};
  for (const it of items) {
    const m = /^([a-z0-9-]+)=([0-9.]+)$/.exec(it);
    if (!m || !(SIM_FAULTS as readonly string[]).includes(m[1]!))
      throw new UsageError(`--fault: expected KIND=PROBABILITY with KIND in ${SIM_FAULTS.join(", ")}, got '${it}'`);
    const p = Number(m[2]);
    if (!(p >= 0 && p <= 1)) throw new UsageError(`--fault ${m[1]}: probability must be in [0, 1], got ${m[2]}`);
    out[m[1] as SimFault] = p;
  }
  return out;
}

export async function run(o: ServeSimOptions, io: Io): Promise<number> {
  const positive = { "prefill-rate": o.prefillRate, "max-batch": o.maxBatch, "tokens-per-chunk": o.tokensPerChunk, "max-model-len": o.maxModelLen };
  for (const [n, v] of Object.entries(positive)) if (!(v > 0)) throw new UsageError(`--${n} must be > 0`);
  const nonNegative = { "step-ms": o.stepMs, "step-growth-ms": o.stepGrowthMs, "chunk-cost-us": o.chunkCostUs };
  for (const [n, v] of Object.entries(nonNegative)) if (!(v >= 0)) throw new UsageError(`--${n} must be >= 0`);
  const faultRates = parseFaults(o.fault);
  let sim;
  try {
    sim = await startSimServer({
      host: o.host,
      port: o.port,
      model: o.model,
      maxModelLen: o.maxModelLen,
      prefillTokensPerSec: o.prefillRate,
      decodeStepMs: o.stepMs,
      stepGrowthMs: o.stepGrowthMs,
      maxBatch: o.maxBatch,
      tokensPerChunk: o.tokensPerChunk,
      chunkCostUs: o.chunkCostUs,
      usage: o.usage,
      faultRates,
      seed: o.seed,
    });
  } catch (e) {
    throw new UserError(`cannot listen on ${o.host}:${o.port}: ${(e as Error).message}`);
  }
  io.out(`${sim.url}\n`);
  io.err(`serve-sim: serving model '${o.model}' at ${sim.url} (Ctrl-C to stop)\n`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
  await sim.close();
  io.err(`serve-sim: stopped after ${sim.truth.length} requests\n`);
  return 0;
}
