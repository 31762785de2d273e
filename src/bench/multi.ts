/**
 * Multi-concurrency mode (`infx bench --conc 4,8,16,32,64`): one run per
 * concurrency against the same server, each saved as
 * `result_isl<ISL>_osl<OSL>_conc<C>.json` in a batch directory, with
 * `summary.txt` rewritten after every point so an interruption keeps every
 * finished point and marks the rest unfinished. With a baseline, each point
 * gains the throughput-per-GPU ratio and the median end-to-end latency ratio
 * against the baseline's point at the same concurrency.
 */
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readUserFile } from "../io/read-user-file.js";
import type { RawResult } from "./metrics.js";
import { CLIENT_LAG_WARN_MS } from "./report.js";
import { runBenchmark, type BenchOptions, type ClientLoopDelay, type Progress } from "./run.js";

export type PromptsPreset = "x10" | "seed003";
export const PROMPTS_PRESETS: readonly PromptsPreset[] = ["x10", "seed003"];

/**
 * Prompts per point: `conc x perConc` when given, else the preset:
 * `x10` is conc x 10; `seed003` is conc x 20 when OSL is 8192, conc x 50 otherwise.
 */
export function promptsForConc(conc: number, osl: number, preset: PromptsPreset, perConc?: number): number {
  if (perConc !== undefined) return conc * perConc;
  if (preset === "seed003") return conc * (osl === 8192 ? 20 : 50);
  return conc * 10;
}

export interface BaselinePoint {
  median_e2el_ms: number;
  tput_per_gpu: number;
}

export type PointStatus = "PASSED" | "FAILED" | "INTERRUPTED" | "NOT RUN";

export interface PointResult {
  conc: number;
  status: PointStatus;
  seconds?: number;
  file?: string;
  numPrompts: number;
  failed?: number;
  tputPerGpu?: number;
  medianE2elMs?: number;
  tputRatio?: number;
  e2eRatio?: number;
  /** The client's own event-loop delay while this point ran. */
  clientLoopDelay?: ClientLoopDelay;
  /** The point's raw result (for the result table). */
  result?: RawResult;
}

export interface MultiConcOptions {
  bench: Omit<BenchOptions, "numPrompts" | "maxConcurrency" | "onProgress" | "signal">;
  concs: readonly number[];
  preset: PromptsPreset;
  promptsPerConc?: number;
  batchDir: string;
  numGpus: number;
  maxFailureRate: number;
  baseline?: { source: string; points: Map<number, BaselinePoint> };
  signal?: AbortSignal;
  onProgress?: (conc: number, p: Progress) => void;
  onPointDone?: (p: PointResult, index: number) => void;
  now?: () => Date;
}

export function resultFileName(isl: number, osl: number, conc: number): string {
  return `result_isl${isl}_osl${osl}_conc${conc}.json`;
}

/** `batch_isl<ISL>_osl<OSL>_<YYYYmmdd_HHMMSS>` */
export function batchDirName(isl: number, osl: number, d: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `batch_isl${isl}_osl${osl}_${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}_${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

function num(x: unknown): number | undefined {
  return typeof x === "number" && Number.isFinite(x) ? x : undefined;
}

function baselinePointOf(r: Record<string, unknown>, where: string): BaselinePoint {
  const e2e = num(r.median_e2el_ms) ?? num(r.median_e2e_ms);
  const tput = num(r.tput_per_gpu) ?? num(r.total_token_throughput);
  if (e2e === undefined) throw new Error(`${where}: no numeric median_e2el_ms (run the baseline with --percentile-metrics including e2el)`);
  if (tput === undefined) throw new Error(`${where}: no numeric tput_per_gpu or total_token_throughput`);
  return { median_e2el_ms: e2e, tput_per_gpu: tput };
}

/**
 * Reads a baseline: a batch directory of `result_*_conc<C>.json` files, a JSON
 * object keyed by concurrency (`{"16": {"median_e2el_ms": .., "tput_per_gpu": ..}}`),
 * a JSON array of results, or one result (keyed by its `max_concurrency`).
 * Errors name the file and the field.
 */
export function loadBaseline(path: string): Map<number, BaselinePoint> {
  const points = new Map<number, BaselinePoint>();
  const addResult = (r: unknown, where: string) => {
    if (!r || typeof r !== "object" || Array.isArray(r)) throw new Error(`${where}: expected a JSON object`);
    const rec = r as Record<string, unknown>;
    const c = num(rec.max_concurrency) ?? num((rec.benchmark_args as Record<string, unknown> | undefined)?.max_concurrency);
    if (c === undefined) throw new Error(`${where}: no numeric max_concurrency`);
    points.set(c, baselinePointOf(rec, where));
  };
  const readJson = (f: string): unknown => {
    try {
      return JSON.parse(readUserFile(f));
    } catch (e) {
      throw new Error(`${f}: ${(e as Error).message}`);
    }
  };
  if (!existsSync(path)) throw new Error(`${path}: no such file or directory`);
  if (statSync(path).isDirectory()) {
    const files = readdirSync(path)
      .filter((f) => /^result_.*_conc\d+\.json$/.test(f))
      .sort();
    if (files.length === 0) throw new Error(`${path}: no result_*_conc<C>.json files in this directory`);
    for (const f of files) addResult(readJson(join(path, f)), join(path, f));
    return points;
  }
  const data = readJson(path);
  if (Array.isArray(data)) data.forEach((r, i) => addResult(r, `${path}: [${i}]`));
  else if (data && typeof data === "object" && "max_concurrency" in data) addResult(data, path);
  else if (data && typeof data === "object") {
    for (const [k, v] of Object.entries(data)) {
      if (!/^\d+$/.test(k)) throw new Error(`${path}: key '${k}' is not a concurrency (expected {"<conc>": {"median_e2el_ms": .., "tput_per_gpu": ..}})`);
      if (!v || typeof v !== "object") throw new Error(`${path}: ${k}: expected an object`);
      points.set(Number(k), baselinePointOf(v as Record<string, unknown>, `${path}: ${k}`));
    }
  } else throw new Error(`${path}: expected a JSON object or array`);
  return points;
}

export function formatSummary(o: {
  isl: number;
  osl: number;
  started: Date;
  batchDir: string;
  points: PointResult[];
  interrupted: boolean;
  baseline?: string;
}): string {
  const bar = "============================================";
  const L = ["Multi-Concurrency Test Results", `ISL: ${o.isl}, OSL: ${o.osl}`, `Time: ${o.started.toString()}`];
  if (o.baseline) L.push(`Baseline: ${o.baseline}`);
  L.push(bar, "");
  const n = o.points.length;
  o.points.forEach((p, i) => {
    let line = `[${i + 1}/${n}] ISL=${o.isl} OSL=${o.osl} CONC=${p.conc}: ${p.status}`;
    if (p.seconds !== undefined) line += ` (${Math.round(p.seconds)}s)`;
    if (p.status === "PASSED" || p.status === "FAILED") {
      if (p.failed) line += ` ${p.failed}/${p.numPrompts} requests failed`;
      if (p.tputPerGpu !== undefined) line += ` tput/gpu=${p.tputPerGpu.toFixed(2)}`;
      if (p.medianE2elMs !== undefined) line += ` median_e2e=${p.medianE2elMs.toFixed(2)}ms`;
      if (p.tputRatio !== undefined) line += ` tput_ratio=${p.tputRatio.toFixed(4)}`;
      if (p.e2eRatio !== undefined) line += ` e2e_ratio=${p.e2eRatio.toFixed(4)}`;
      if (p.clientLoopDelay && p.clientLoopDelay.p99 > CLIENT_LAG_WARN_MS) line += ` client_lag_p99_ms=${p.clientLoopDelay.p99.toFixed(1)}`;
    }
    L.push(line);
  });
  const count = (s: PointStatus) => o.points.filter((p) => p.status === s).length;
  L.push("", bar, o.interrupted ? "Multi-Concurrency Test Interrupted!" : "Multi-Concurrency Test Complete!", bar);
  L.push(`Total tests: ${n}`, `Passed: ${count("PASSED")}`, `Failed: ${count("FAILED")}`);
  const unfinished = count("INTERRUPTED") + count("NOT RUN");
  if (unfinished) L.push(`Unfinished: ${unfinished}`);
  L.push("", `Results saved in: ${o.batchDir}/`, bar);
  return L.join("\n") + "\n";
}

export async function runMultiConc(o: MultiConcOptions): Promise<{ points: PointResult[]; interrupted: boolean; summaryPath: string }> {
  const started = (o.now ?? (() => new Date()))();
  mkdirSync(o.batchDir, { recursive: true });
  const points: PointResult[] = o.concs.map((conc) => ({
    conc,
    status: "NOT RUN",
    numPrompts: promptsForConc(conc, o.bench.outputLen, o.preset, o.promptsPerConc),
  }));
  const summaryPath = join(o.batchDir, "summary.txt");
  let interrupted = false;
  const writeSummary = () =>
    writeFileSync(
      summaryPath,
      formatSummary({ isl: o.bench.inputLen, osl: o.bench.outputLen, started, batchDir: o.batchDir, points, interrupted, baseline: o.baseline?.source }),
    );
  writeSummary();
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    if (o.signal?.aborted) {
      interrupted = true;
      break;
    }
    const t0 = Date.now();
    const run = await runBenchmark({
      ...o.bench,
      numPrompts: p.numPrompts,
      maxConcurrency: p.conc,
      signal: o.signal,
      onProgress: o.onProgress ? (pr) => o.onProgress!(p.conc, pr) : undefined,
    });
    p.seconds = (Date.now() - t0) / 1000;
    p.clientLoopDelay = run.clientLoopDelay;
    if (run.interrupted) {
      p.status = "INTERRUPTED";
      interrupted = true;
      writeSummary();
      o.onPointDone?.(p, i);
      break;
    }
    const r: RawResult = run.result;
    const tput = (r.total_token_throughput as number) / o.numGpus;
    const out: RawResult = { ...r, tput_per_gpu: tput, num_gpus: o.numGpus };
    p.tputPerGpu = tput;
    p.result = r;
    p.medianE2elMs = typeof r.median_e2el_ms === "number" ? r.median_e2el_ms : undefined;
    const base = o.baseline?.points.get(p.conc);
    if (o.baseline && base) {
      p.tputRatio = base.tput_per_gpu ? tput / base.tput_per_gpu : undefined;
      p.e2eRatio = p.medianE2elMs !== undefined && base.median_e2el_ms ? p.medianE2elMs / base.median_e2el_ms : undefined;
      out.baseline = { source: o.baseline.source, median_e2el_ms: base.median_e2el_ms, tput_per_gpu: base.tput_per_gpu };
      out.tput_per_gpu_ratio_vs_baseline = p.tputRatio ?? null;
      out.median_e2e_ratio_vs_baseline = p.e2eRatio ?? null;
    }
    out.benchmark_args = {
      model: o.bench.model,
      backend: o.bench.backend,
      base_url: o.bench.baseUrl,
      random_input_len: o.bench.inputLen,
      random_output_len: o.bench.outputLen,
      random_range_ratio: o.bench.rangeRatio,
      max_concurrency: p.conc,
      num_prompts: p.numPrompts,
      num_warmups: o.bench.numWarmups,
      seed: o.bench.seed,
    };
    p.failed = run.failures.failed;
    p.status = p.numPrompts > 0 && run.failures.failed / p.numPrompts > o.maxFailureRate ? "FAILED" : "PASSED";
    p.file = join(o.batchDir, resultFileName(o.bench.inputLen, o.bench.outputLen, p.conc));
    writeFileSync(p.file, JSON.stringify(out, null, 2) + "\n");
    writeSummary();
    o.onPointDone?.(p, i);
  }
  if (o.signal?.aborted) interrupted = true;
  writeSummary();
  return { points, interrupted, summaryPath };
}
