/**
 * `infx bench`: drive an OpenAI-compatible server with streaming completions
 * at a fixed concurrency and save a raw result in the reference client's
 * format; or, with `--conc 4,8,16`, one run per concurrency into a batch
 * directory with summary.txt.
 */
import { mkdirSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { writeFileNoFollow } from "../io/write-user-file.js";
import { defineSpec, type OptionsOf } from "../cli/args.js";
import { withInterrupt } from "../cli/interrupt.js";
import { UsageError, UserError, type Io } from "../cli/io.js";
import { PERCENTILE_METRICS, type PercentileMetric } from "../bench/metrics.js";
import { checkTimeout, checkWorkloadSize, defaultTimeouts, ensureWritableDir } from "../bench/limits.js";
import { servedModel } from "../bench/models.js";
import { batchDirName, loadBaseline, type BaselinePoint, PROMPTS_PRESETS, runMultiConc } from "../bench/multi.js";
import { benchProgressText, ProgressLine } from "../cli/progress.js";
import { resultTable } from "../bench/result-table.js";
import { clientLagWarning, formatRunReport } from "../bench/report.js";
import { runBenchmark, type BenchOptions } from "../bench/run.js";

export const spec = defineSpec({
  name: "bench",
  summary: "Drive an OpenAI-compatible server at fixed concurrency and save the raw result",
  description: `
Sends streaming /v1/completions requests (random token-id prompts, max_tokens,
temperature 0, stream_options.include_usage) over a keep-alive connection pool
sized to the concurrency, and measures what the reference client measures:
TTFT (first content chunk), E2EL (last content chunk), TPOT per request
((E2EL - TTFT) / (output tokens - 1)), ITL (every gap between content chunks,
pooled), output tokens from usage.completion_tokens on whichever chunk carries
it. The saved JSON has the reference client's keys (plus "failed" and
"failures" when requests failed), so 'infx process-result' reads it.

A request fails, with its reason, on an HTTP error, a connection closed
mid-stream, malformed SSE, a missing usage, or no byte for --stall-timeout
seconds; the run continues, and exits 1 when more than --max-failure-rate of
the requests failed. Warm-ups are not timed. A progress line is drawn only on
a terminal.

Timeouts follow the workload unless given: the stall timeout (no byte) is
max(600, input-len/100) s, the request timeout stall + output-len/4 s (a
token every 250 ms at worst); 0 turns either off, and more than 2147483 s
(what a timer holds) is refused. GET /v1/models (to find the model when
--model is not given) must answer within 10 s in all. Lengths past 4194304
tokens, prompts that would need more than 4 GiB of request bodies, and a
result directory that cannot be written are refused before the run.

The client watches its own event loop while it times requests: when the loop's
p99 delay passes 10 ms (it was busy when bytes arrived, so latencies include
its own delay) it says so on stderr, and in multi-concurrency mode the point's
summary line gets client_lag_p99_ms. One client thread handles about 30k
output tokens/s (512 streams) on one core with a p99 under 5 ms; --workers N
splits the run over N threads (each takes every N-th request and 1/N of the
concurrency, all start timing together) on a host with cores to spare.

Multi-concurrency mode: --conc 4,8,16,32,64 runs each concurrency in turn with
conc x 10 prompts (--prompts-per-conc N, or --prompts-preset seed003: conc x 20
when the output length is 8192, conc x 50 otherwise), writes
result_isl<ISL>_osl<OSL>_conc<C>.json per point and summary.txt into
--batch-dir (default <result-dir>/batch_isl<ISL>_osl<OSL>_<timestamp>). With
--baseline (a batch directory, a JSON array of results, or
{"<conc>": {"median_e2el_ms": .., "tput_per_gpu": ..}}) each point gains the
throughput-per-GPU and median-E2E ratios. Ctrl-C keeps every finished point and
marks the rest unfinished in summary.txt.`,
  options: [
    { name: "base-url", kind: "string", metavar: "URL", help: "Server URL, e.g. http://127.0.0.1:8000 (default: http://<host>:<port>)" },
    { name: "host", kind: "string", default: "127.0.0.1", help: "Server host when --base-url is not given" },
    { name: "port", kind: "int", default: 8000, help: "Server port when --base-url is not given" },
    { name: "model", kind: "string", help: "Model name sent in requests (default: the first model of GET /v1/models)" },
    { name: "tokenizer", kind: "string", help: "Recorded as tokenizer_id (prompts are token ids, no tokenizer is loaded)" },
    { name: "backend", kind: "string", choices: ["vllm", "openai"], default: "vllm", help: "Both speak /v1/completions; recorded in the result" },
    { name: "endpoint", kind: "string", default: "/v1/completions", help: "Completions path" },
    { name: "dataset-name", kind: "string", choices: ["random"], default: "random", help: "Dataset (random token ids)" },
    { name: "random-input-len", kind: "int", default: 1024, metavar: "N", help: "Input length L (tokens)" },
    { name: "random-output-len", kind: "int", default: 128, metavar: "N", help: "Output length L (max_tokens)" },
    { name: "random-range-ratio", kind: "number", default: 1, metavar: "R", help: "Lengths uniform in [floor(L*R), L], input and output drawn independently" },
    { name: "num-prompts", kind: "int", metavar: "N", help: "Requests in the run (default 1000; not with --conc)" },
    { name: "max-concurrency", kind: "int", metavar: "N", help: "Most requests in flight (default: no limit)" },
    {
      name: "workers",
      kind: "int",
      default: 1,
      metavar: "N",
      help: "Client threads, each with every N-th request and 1/N of the concurrency (for more streams than one core reads on time)",
    },
    { name: "request-rate", kind: "string", default: "inf", metavar: "RATE", help: "'inf' or requests per second (Poisson arrivals)" },
    { name: "burstiness", kind: "number", default: 1, help: "Gamma shape of the arrival gaps: 1 is Poisson, < 1 burstier, > 1 more regular" },
    { name: "ignore-eos", kind: "flag", help: "Send ignore_eos so every request generates max_tokens" },
    { name: "num-warmups", kind: "int", default: 0, metavar: "N", help: "Warm-up requests sent first and excluded from the result" },
    { name: "percentile-metrics", kind: "string", default: "ttft,tpot,itl", metavar: "LIST", help: "Metrics to summarise: any of ttft,tpot,itl,e2el" },
    { name: "metric-percentiles", kind: "string", default: "99", metavar: "LIST", help: "Percentiles to report, e.g. 50,90,99" },
    { name: "save-result", kind: "flag", help: "Save the result JSON (implied by --result-filename)" },
    { name: "save-detailed", kind: "flag", help: "Also save per-request arrays (ttfts, itls, output_lens, errors, response_ids)" },
    { name: "result-dir", kind: "string", metavar: "DIR", help: "Directory for the result (default: current directory)" },
    { name: "result-filename", kind: "string", metavar: "FILE", help: "Result file name (default: <backend>-<rate>qps-concurrency<C>-<model>-<date>.json)" },
    { name: "seed", kind: "int", default: 0, help: "Seed for lengths, prompts and arrivals" },
    { name: "vocab-size", kind: "int", default: 32000, metavar: "N", help: "Prompt token ids are drawn from [0, N)" },
    { name: "max-failure-rate", kind: "number", default: 0.05, metavar: "F", help: "Exit 1 when more than this fraction of requests failed" },
    {
      name: "stall-timeout",
      kind: "number",
      metavar: "S",
      help: "Fail a request after S seconds without a byte (0: never; default max(600, input-len/100); at most 2147483)",
    },
    {
      name: "request-timeout",
      kind: "number",
      metavar: "S",
      help: "Fail a request after S seconds in total (0: no limit; default stall timeout + output-len/4, a token every 250 ms at worst)",
    },
    { name: "conc", kind: "string", multiple: true, metavar: "LIST", help: "Multi-concurrency mode: concurrencies, e.g. 4,8,16,32,64 or 4 8 16 32 64" },
    { name: "prompts-per-conc", kind: "int", metavar: "N", help: "Multi mode: num_prompts = conc x N" },
    {
      name: "prompts-preset",
      kind: "string",
      choices: PROMPTS_PRESETS,
      default: "x10",
      help: "Multi mode: x10 (conc x 10) or seed003 (conc x 20 at OSL 8192, else conc x 50)",
    },
    { name: "batch-dir", kind: "string", metavar: "DIR", help: "Multi mode: output directory" },
    { name: "baseline", kind: "string", metavar: "FILE", help: "Multi mode: baseline results to compare each point with" },
    { name: "num-gpus", kind: "int", default: 1, metavar: "N", help: "GPUs serving the model, for tput_per_gpu" },
    { name: "trust-remote-code", kind: "flag", help: "Accepted for compatibility with the reference client; no effect" },
    { name: "disable-tqdm", kind: "flag", help: "Accepted for compatibility; the progress line is drawn only on a terminal anyway" },
  ],
  examples: [
    "infx bench --base-url http://127.0.0.1:8000 --model m --random-input-len 1024 --random-output-len 1024 --num-prompts 160 --max-concurrency 16 --ignore-eos --save-result --result-filename run.json",
    "infx bench --base-url http://127.0.0.1:8000 --conc 4,8,16,32,64 --random-input-len 1024 --random-output-len 1024 --prompts-preset seed003 --num-gpus 8 --baseline b200_batch/",
  ],
});

export type BenchCliOptions = OptionsOf<typeof spec>;

function parseList<T>(raw: string, what: string, conv: (s: string) => T | undefined): T[] {
  const parts = raw
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (parts.length === 0) throw new UsageError(`${what}: empty list`);
  return parts.map((p) => {
    const v = conv(p);
    if (v === undefined) throw new UsageError(`${what}: invalid value '${p}'`);
    return v;
  });
}

export interface ParsedBench {
  options: Omit<BenchOptions, "model"> & { model?: string };
  maxFailureRate: number;
}

/** Validates and converts the shared options; throws UsageError naming the option. */
export function benchOptionsFrom(a: BenchCliOptions): ParsedBench {
  const atLeast: [string, number | undefined, number][] = [
    ["random-input-len", a.randomInputLen, 1],
    ["random-output-len", a.randomOutputLen, 1],
    ["num-prompts", a.numPrompts, 0],
    ["max-concurrency", a.maxConcurrency, 1],
    ["workers", a.workers, 1],
    ["num-warmups", a.numWarmups, 0],
    ["vocab-size", a.vocabSize, 1],
    ["num-gpus", a.numGpus, 1],
  ];
  for (const [name, v, min] of atLeast) if (v !== undefined && v < min) throw new UsageError(`--${name} must be at least ${min}, got ${v}`);
  const ratio = a.randomRangeRatio;
  if (!(ratio >= 0 && ratio <= 1)) throw new UsageError(`--random-range-ratio must be in [0, 1], got ${ratio}`);
  const rateRaw = a.requestRate;
  const rate = rateRaw === "inf" ? Infinity : Number(rateRaw);
  if (!(rate > 0)) throw new UsageError(`--request-rate must be 'inf' or a positive number, got '${rateRaw}'`);
  const burst = a.burstiness;
  if (!(burst > 0)) throw new UsageError(`--burstiness must be > 0, got ${burst}`);
  const metrics = parseList(a.percentileMetrics, "--percentile-metrics", (s) =>
    (PERCENTILE_METRICS as readonly string[]).includes(s) ? (s as PercentileMetric) : undefined,
  );
  const percentiles = parseList(a.metricPercentiles, "--metric-percentiles", (s) => {
    const n = Number(s);
    return n > 0 && n < 100 ? n : undefined;
  });
  const mfr = a.maxFailureRate;
  if (!(mfr >= 0 && mfr <= 1)) throw new UsageError(`--max-failure-rate must be in [0, 1], got ${mfr}`);
  const timeouts = defaultTimeouts(a.randomInputLen, a.randomOutputLen);
  const stallTimeout = a.stallTimeout ?? timeouts.stall;
  const requestTimeout = a.requestTimeout ?? timeouts.request;
  checkTimeout("stall-timeout", stallTimeout);
  checkTimeout("request-timeout", requestTimeout);
  checkWorkloadSize({
    inputLen: a.randomInputLen,
    outputLen: a.randomOutputLen,
    numPrompts: a.numPrompts ?? 1000,
    numWarmups: a.numWarmups,
    vocabSize: a.vocabSize,
  });
  const baseUrl = a.baseUrl ?? `http://${a.host}:${a.port}`;
  try {
    const u = new URL(baseUrl);
    if (u.protocol !== "http:" && u.protocol !== "https:") throw new Error();
  } catch {
    throw new UsageError(`--base-url: not an http(s) URL: '${baseUrl}'`);
  }
  return {
    maxFailureRate: mfr,
    options: {
      baseUrl,
      endpoint: a.endpoint,
      model: a.model,
      backend: a.backend,
      tokenizerId: a.tokenizer,
      inputLen: a.randomInputLen,
      outputLen: a.randomOutputLen,
      rangeRatio: ratio,
      numPrompts: a.numPrompts ?? 1000,
      maxConcurrency: a.maxConcurrency ?? null,
      requestRate: rate,
      burstiness: burst,
      ignoreEos: a.ignoreEos,
      numWarmups: a.numWarmups,
      seed: a.seed,
      vocabSize: a.vocabSize,
      percentileMetrics: metrics,
      metricPercentiles: percentiles,
      stallTimeout,
      requestTimeout,
      detailed: a.saveDetailed,
      workers: a.workers,
    },
  };
}

export function defaultResultFilename(backend: string, rate: number, conc: number | null, model: string, date: string): string {
  const base = model.split("/").pop() ?? model;
  return `${backend}-${rate === Infinity ? "inf" : rate}qps${conc !== null ? `-concurrency${conc}` : ""}-${base}-${date}.json`;
}

export async function run(a: BenchCliOptions, io: Io): Promise<number> {
  const { options, maxFailureRate } = benchOptionsFrom(a);
  const resultDir = resolve(io.cwd, a.resultDir ?? ".");
  if (a.conc === undefined && (a.saveResult || a.resultFilename !== undefined)) {
    const named = a.resultFilename;
    ensureWritableDir(named !== undefined && isAbsolute(named) ? resolve(named, "..") : resolve(join(resultDir, named ?? "x"), ".."), "--result-dir");
  } else if (a.conc !== undefined) ensureWritableDir(a.batchDir ? resolve(io.cwd, a.batchDir) : resultDir, a.batchDir ? "--batch-dir" : "--result-dir");
  const model =
    options.model ??
    (await servedModel(options.baseUrl).catch((e: Error) => {
      throw new UserError(e.message);
    }));
  const bench: BenchOptions = { ...options, model };
  const progress = new ProgressLine(io);

  if (a.conc !== undefined) {
    if (a.numPrompts !== undefined) throw new UsageError("--num-prompts cannot be used with --conc (use --prompts-per-conc or --prompts-preset)");
    if (a.maxConcurrency !== undefined) throw new UsageError("--max-concurrency cannot be used with --conc");
    const concs = parseList([a.conc].flat().join(" ").trim().replace(/\s+/g, ","), "--conc", (s) => (/^\d+$/.test(s) && Number(s) > 0 ? Number(s) : undefined));
    const ppc = a.promptsPerConc;
    if (ppc !== undefined && ppc < 1) throw new UsageError(`--prompts-per-conc must be at least 1, got ${ppc}`);
    let baseline: { source: string; points: Map<number, BaselinePoint> } | undefined;
    if (a.baseline !== undefined) {
      const p = resolve(io.cwd, a.baseline);
      try {
        baseline = { source: p, points: loadBaseline(p) };
      } catch (e) {
        throw new UserError(`--baseline: ${(e as Error).message}`);
      }
      const missing = concs.filter((c) => !baseline!.points.has(c));
      if (missing.length) io.err(`warning: the baseline has no point for concurrency ${missing.join(", ")}; those points get no ratios\n`);
    }
    const batchDir = a.batchDir ? resolve(io.cwd, a.batchDir) : join(resultDir, batchDirName(bench.inputLen, bench.outputLen, new Date()));
    const r = await withInterrupt(io, (signal) =>
      runMultiConc({
        bench,
        concs,
        preset: a.promptsPreset,
        promptsPerConc: ppc,
        batchDir,
        numGpus: a.numGpus,
        maxFailureRate,
        baseline,
        signal,
        onProgress: (c, p) => progress.update(benchProgressText(`conc ${c} `, p)),
        onPointDone: (p, i) => {
          progress.clear();
          io.out(
            `[${i + 1}/${concs.length}] CONC=${p.conc}: ${p.status}${p.seconds !== undefined ? ` (${p.seconds.toFixed(1)}s)` : ""}${p.failed ? `, ${p.failed} failed` : ""}\n`,
          );
          const w = p.clientLoopDelay && clientLagWarning(p.clientLoopDelay, p.conc);
          if (w) io.err(w + "\n");
        },
      }),
    );
    progress.clear();
    io.out(
      "\n" +
        resultTable(r.points.map((p) => ({ conc: p.conc, gpus: a.numGpus, status: p.status, failed: p.failed, requests: p.numPrompts, result: p.result }))),
    );
    io.out(`summary: ${r.summaryPath}\n`);
    if (r.interrupted) return 130;
    return r.points.some((p) => p.status !== "PASSED") ? 1 : 0;
  }

  const runResult = await withInterrupt(io, (signal) => runBenchmark({ ...bench, signal, onProgress: (p) => progress.update(benchProgressText("", p)) }));
  progress.clear();
  const { result, failures } = runResult;
  if (runResult.warmups.length && runResult.warmups.every((w) => !w.success)) {
    const w = runResult.warmups[0]!.failure;
    io.err(`warning: all ${runResult.warmups.length} warm-up requests failed (${w?.kind}: ${w?.message})\n`);
  }
  io.out(formatRunReport(result, failures, bench.percentileMetrics, bench.metricPercentiles));
  const lagWarning = clientLagWarning(runResult.clientLoopDelay, bench.maxConcurrency);
  if (lagWarning) io.err(lagWarning + "\n");
  if (a.saveResult || a.resultFilename !== undefined) {
    const name = a.resultFilename ?? defaultResultFilename(bench.backend, bench.requestRate, bench.maxConcurrency, bench.model, String(result.date));
    const file = isAbsolute(name) ? name : join(resultDir, name);
    mkdirSync(resolve(file, ".."), { recursive: true });
    writeFileNoFollow(file, JSON.stringify(result, null, 2) + "\n");
    io.out(`Saved result to ${file}\n`);
  }
  if (runResult.interrupted) {
    io.err("infx bench: interrupted; the result covers the requests that finished\n");
    return 130;
  }
  const total = runResult.outcomes.length;
  if (total > 0 && failures.failed / total > maxFailureRate) {
    const reasons = Object.entries(failures.reasons).map(([k, v]) => `  ${v.count} x ${k}: ${v.example}`);
    throw new UserError(
      `${failures.failed} of ${total} requests failed (${((failures.failed / total) * 100).toFixed(1)}% > --max-failure-rate ${(maxFailureRate * 100).toFixed(1)}%)`,
      reasons,
    );
  }
  return 0;
}
