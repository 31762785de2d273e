/**
 * The main job, locally: every matrix entry benchmarked (against serve-sim, or
 * a real server with a base URL), each raw result turned into an aggregate row
 * with the results pipeline's `processResult` under the same environment
 * contract the workflow uses, and the rows collected into `agg_bmk.json`.
 *
 * Local runs are scaled down by default so a sweep takes seconds: input and
 * output lengths are divided by `scale` (at least 8 and 4 tokens), and each
 * job sends `conc x promptsPerConc` requests. Rows record the lengths actually
 * sent. `scale: 1` with a real server runs the jobs at full size.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { processResult, ResultError } from "../results/process.js";
import type { AggRow } from "../results/types.js";
import { isMultiNode, type MatrixEntry } from "../plan/types.js";
import { forServer } from "./real-server.js";
import { runBenchmark, type Progress } from "./run.js";
import { startSimServer, type SimOptions } from "../sim/server.js";

/** One benchmark job: a single-node entry, or one concurrency of a multi-node entry. */
export interface SweepJob {
  entry: MatrixEntry;
  conc: number;
  /** Artifact-safe name, also the raw result's file name (without `.json`). */
  name: string;
  isl: number;
  osl: number;
  numPrompts: number;
}

export type JobStatus = "ok" | "failed" | "interrupted" | "not-run";

export interface JobOutcome {
  job: SweepJob;
  status: JobStatus;
  reason?: string;
  seconds?: number;
  rawFile?: string;
  /** The raw result and the failed requests (for the result table). */
  result?: Record<string, unknown>;
  failed?: number;
  row?: AggRow;
}

export interface LocalSweepOptions {
  entries: readonly MatrixEntry[];
  outDir: string;
  /** A real server; without it each job gets its own serve-sim. */
  baseUrl?: string;
  /** GPUs behind baseUrl: rows divide per-GPU throughput by it and record the server (src/bench/real-server.ts). */
  serverGpus?: number;
  /** Model name to send to a real server (default: the entry's model). */
  model?: string;
  /** Length divisor (1: the entry's lengths). */
  scale: number;
  promptsPerConc: number;
  numWarmups: number;
  stallTimeout: number;
  maxFailureRate: number;
  /** Recorded in every row as `run` (default: the output folder's name), so `collect` keeps rows of different sweeps apart. */
  runId?: string;
  /** serve-sim settings applied to every job's simulator. */
  sim?: SimOptions;
  signal?: AbortSignal;
  onJobStart?: (job: SweepJob, index: number, total: number) => void;
  onProgress?: (job: SweepJob, index: number, p: Progress) => void;
  onJobDone?: (o: JobOutcome, index: number, total: number) => void;
}

function safe(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]+/g, "-");
}

export function scaledLength(len: number, scale: number, min: number): number {
  return scale <= 1 ? len : Math.max(min, Math.round(len / scale));
}

/** The jobs of a matrix, in matrix order: one per single-node entry, one per concurrency of a multi-node entry. */
export function sweepJobs(entries: readonly MatrixEntry[], scale: number, promptsPerConc: number): SweepJob[] {
  const jobs: SweepJob[] = [];
  const used = new Map<string, number>();
  for (const e of entries) {
    const concs = isMultiNode(e) ? e.conc : [e.conc];
    for (const conc of concs) {
      const shape = isMultiNode(e)
        ? `p${e.prefill["num-worker"]}x${e.prefill.tp}-d${e.decode["num-worker"]}x${e.decode.tp}`
        : `tp${e.tp}-ep${e.ep}-dpa${e["dp-attn"]}`;
      let name = safe(`${e["exp-name"]}_${e.precision}_${e.framework}_${shape}_spec-${e["spec-decoding"]}_conc${conc}_${e.runner}`);
      const n = used.get(name) ?? 0;
      used.set(name, n + 1);
      if (n) name += `_${n + 1}`;
      jobs.push({ entry: e, conc, name, isl: scaledLength(e.isl, scale, 8), osl: scaledLength(e.osl, scale, 4), numPrompts: conc * promptsPerConc });
    }
  }
  return jobs;
}

/** The benchmark job's environment, as the workflow exports it for `infx process-result`. */
export function jobEnv(job: SweepJob): Record<string, string> {
  const e = job.entry;
  const env: Record<string, string> = {
    RUNNER_TYPE: e.runner,
    FRAMEWORK: e.framework,
    PRECISION: e.precision,
    SPEC_DECODING: e["spec-decoding"],
    ISL: String(job.isl),
    OSL: String(job.osl),
    DISAGG: String(e.disagg),
    MODEL_PREFIX: e["model-prefix"],
    IMAGE: e.image,
    RESULT_FILENAME: job.name,
  };
  if (isMultiNode(e)) {
    Object.assign(env, {
      IS_MULTINODE: "true",
      PREFILL_GPUS: String(e.prefill["num-worker"] * e.prefill.tp),
      DECODE_GPUS: String(e.decode["num-worker"] * e.decode.tp),
      PREFILL_NUM_WORKERS: String(e.prefill["num-worker"]),
      PREFILL_TP: String(e.prefill.tp),
      PREFILL_EP: String(e.prefill.ep),
      PREFILL_DP_ATTN: String(e.prefill["dp-attn"]),
      DECODE_NUM_WORKERS: String(e.decode["num-worker"]),
      DECODE_TP: String(e.decode.tp),
      DECODE_EP: String(e.decode.ep),
      DECODE_DP_ATTN: String(e.decode["dp-attn"]),
    });
  } else {
    Object.assign(env, { IS_MULTINODE: "false", TP: String(e.tp), EP_SIZE: String(e.ep), DP_ATTENTION: String(e["dp-attn"]) });
  }
  return env;
}

/**
 * serve-sim settings for a job: more GPUs prefill and decode faster; each
 * running request adds a tenth of the empty batch's step (so a batch of 10
 * takes about twice as long per token, as a memory-bound decode does), which
 * makes interactivity fall as concurrency rises and the report draw each
 * series' trade-off; speculative decoding streams 2 tokens per chunk.
 */
export function simFor(job: SweepJob, base: SimOptions = {}): SimOptions {
  const e = job.entry;
  const gpus = isMultiNode(e) ? e.decode["num-worker"] * e.decode.tp : e.tp;
  const step = 1 + 4 / Math.sqrt(gpus);
  return {
    model: e.model,
    prefillTokensPerSec: 50_000 * gpus,
    decodeStepMs: step,
    stepGrowthMs: step / 10,
    tokensPerChunk: e["spec-decoding"] === "none" ? 1 : 2,
    ...base,
  };
}

export interface LocalSweepResult {
  outcomes: JobOutcome[];
  rows: AggRow[];
  interrupted: boolean;
}

export async function runLocalSweep(o: LocalSweepOptions): Promise<LocalSweepResult> {
  const jobs = sweepJobs(o.entries, o.scale, o.promptsPerConc);
  const rawDir = join(o.outDir, "raw");
  const aggDir = join(o.outDir, "agg");
  mkdirSync(rawDir, { recursive: true });
  mkdirSync(aggDir, { recursive: true });
  const outcomes: JobOutcome[] = jobs.map((job) => ({ job, status: "not-run" }));
  const rows: AggRow[] = [];
  let interrupted = false;
  for (let i = 0; i < jobs.length; i++) {
    if (o.signal?.aborted) {
      interrupted = true;
      break;
    }
    const job = jobs[i]!;
    const out = outcomes[i]!;
    o.onJobStart?.(job, i, jobs.length);
    const t0 = Date.now();
    const sim = o.baseUrl ? undefined : await startSimServer(simFor(job, o.sim));
    try {
      const run = await runBenchmark({
        baseUrl: o.baseUrl ?? sim!.url,
        endpoint: "/v1/completions",
        model: o.model ?? job.entry.model,
        backend: "vllm",
        inputLen: job.isl,
        outputLen: job.osl,
        rangeRatio: 1,
        numPrompts: job.numPrompts,
        maxConcurrency: job.conc,
        requestRate: Infinity,
        burstiness: 1,
        ignoreEos: true,
        numWarmups: o.numWarmups,
        seed: i,
        vocabSize: 32000,
        percentileMetrics: ["ttft", "tpot", "itl", "e2el"],
        metricPercentiles: [99],
        stallTimeout: o.stallTimeout,
        requestTimeout: 0,
        signal: o.signal,
        onProgress: o.onProgress ? (p) => o.onProgress!(job, i, p) : undefined,
      });
      out.seconds = (Date.now() - t0) / 1000;
      if (run.interrupted) {
        out.status = "interrupted";
        interrupted = true;
      } else {
        out.rawFile = join(rawDir, `${job.name}.json`);
        writeFileSync(out.rawFile, JSON.stringify(run.result, null, 2) + "\n");
        out.result = run.result;
        out.failed = run.failures.failed;
        const total = run.outcomes.length;
        const failed = run.failures.failed;
        const reasons = Object.entries(run.failures.reasons).map(([k, v]) => `${v.count} x ${k}: ${v.example}`);
        if (total > 0 && failed / total > o.maxFailureRate) {
          out.status = "failed";
          out.reason = `${failed} of ${total} requests failed (${reasons.join("; ")})`;
        } else {
          try {
            const processed = processResult(run.result, jobEnv(job));
            const row = o.baseUrl && o.serverGpus ? forServer(processed, o.serverGpus, o.baseUrl) : processed;
            // Provenance: simulated rows say so (the report puts a banner on them); the run keeps sweeps apart in collect.
            if (!o.baseUrl) row.server = "serve-sim";
            row.run = o.runId ?? basename(o.outDir);
            out.row = row;
            rows.push(row);
            writeFileSync(join(aggDir, `agg_${job.name}.json`), JSON.stringify(row, null, 2) + "\n");
            out.status = "ok";
          } catch (e) {
            out.status = "failed";
            out.reason = e instanceof ResultError ? [e.message, ...e.details].join("; ") : (e as Error).message;
          }
        }
      }
    } catch (e) {
      out.status = "failed";
      out.reason = (e as Error).message;
      out.seconds = (Date.now() - t0) / 1000;
    } finally {
      await sim?.close();
    }
    o.onJobDone?.(out, i, jobs.length);
    if (interrupted) break;
  }
  writeFileSync(join(o.outDir, "agg_bmk.json"), JSON.stringify(rows, null, 2) + "\n");
  return { outcomes, rows, interrupted };
}
