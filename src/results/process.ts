/**
 * Result processing: one raw benchmark result plus the job's environment
 * becomes one aggregate row of `agg_bmk.json`. The environment contract is the
 * reference benchmark job's, so its workflows can call `infx process-result`
 * unchanged.
 *
 * Per-GPU throughput (the rule `throughputPerGpu`):
 * - single node: total, output and input token throughput divided by TP;
 * - multi-node: total by prefill + decode GPUs, output by the decode GPUs,
 *   input by the prefill GPUs.
 *
 * Latency (the rule `latencyInSeconds`): every `<stat>_<metric>_ms` key becomes
 * `<stat>_<metric>` in seconds, and every TPOT statistic also becomes
 * `<stat>_intvty = 1000 / <stat>_tpot_ms` tokens per second per user, except
 * `std`: the reference writes `std_intvty = 1000 / std_tpot_ms`, which is not
 * the spread of anything, so it is left out.
 *
 * Where the reference divides by zero or writes a row of zeros (a TPOT of 0,
 * no completed request, no output token) this refuses with the reason.
 */
import type { AggRow } from "./types.js";
import { jsonPath, validateRawResult, type RawResult } from "./raw-result.js";

/** Raised for bad input; `details` lists every problem found. */
export class ResultError extends Error {
  override name = "ResultError";
  constructor(
    message: string,
    readonly details: readonly string[] = [],
  ) {
    super(message);
  }
}

export type Env = Record<string, string | undefined>;

interface EnvVar {
  name: string;
  help: string;
}

/** Variables every job sets. */
export const COMMON_ENV: readonly EnvVar[] = [
  { name: "RUNNER_TYPE", help: "runner type, the row's hw (e.g. h200, b200-trt)" },
  { name: "FRAMEWORK", help: "inference engine (e.g. vllm, sglang, trt, dynamo-trt)" },
  { name: "PRECISION", help: "e.g. fp8, fp4, bf16" },
  { name: "SPEC_DECODING", help: "speculative decoding: none, mtp, draft_model" },
  { name: "ISL", help: "input sequence length (tokens)" },
  { name: "OSL", help: "output sequence length (tokens)" },
  { name: "DISAGG", help: "true when prefill and decode run on separate workers (multi-node only)" },
  { name: "MODEL_PREFIX", help: "model code, the row's infmax_model_prefix (e.g. dsr1)" },
  { name: "IMAGE", help: "container image of the server" },
];

/**
 * `IMAGE_DIGEST` (optional): the digest the plan resolved and the job ran
 * (runners/lib/common.sh, infx_image_ref). Set, it becomes the row's
 * `image_digest`; unset or empty, the row has no such field (the reference's rows).
 */
export function imageDigestField(env: Env): { image_digest?: string } {
  const d = env.IMAGE_DIGEST?.trim();
  if (!d) return {};
  if (!/^sha256:[0-9a-f]{64}$/.test(d)) throw new ResultError(`IMAGE_DIGEST='${d}' is not sha256:<64 lowercase hex> (the plan's image-digest)`);
  return { image_digest: d };
}

/** Variables of a single-node job. */
export const SINGLE_NODE_ENV: readonly EnvVar[] = [
  { name: "TP", help: "tensor parallelism: GPUs of the server" },
  { name: "EP_SIZE", help: "expert parallelism" },
  { name: "DP_ATTENTION", help: "data-parallel attention: true or false" },
];

/** Variables of a multi-node (IS_MULTINODE=true) job. */
export const MULTI_NODE_ENV: readonly EnvVar[] = [
  { name: "PREFILL_GPUS", help: "GPUs of all prefill workers" },
  { name: "DECODE_GPUS", help: "GPUs of all decode workers" },
  { name: "PREFILL_NUM_WORKERS", help: "prefill workers" },
  { name: "PREFILL_TP", help: "tensor parallelism of a prefill worker" },
  { name: "PREFILL_EP", help: "expert parallelism of a prefill worker" },
  { name: "PREFILL_DP_ATTN", help: "data-parallel attention of prefill: true or false" },
  { name: "DECODE_NUM_WORKERS", help: "decode workers" },
  { name: "DECODE_TP", help: "tensor parallelism of a decode worker" },
  { name: "DECODE_EP", help: "expert parallelism of a decode worker" },
  { name: "DECODE_DP_ATTN", help: "data-parallel attention of decode: true or false" },
];

const TRUE = new Set(["true", "1", "yes"]);
const FALSE = new Set(["false", "0", "no", ""]);

class EnvReader {
  readonly errors: string[] = [];
  constructor(private readonly env: Env) {}

  str(name: string): string {
    return this.env[name] ?? "";
  }
  /** A boolean variable, normalised to the strings `"true"` / `"false"`. */
  boolText(name: string): string {
    const v = (this.env[name] ?? "").trim().toLowerCase();
    if (TRUE.has(v)) return "true";
    if (!FALSE.has(v)) this.errors.push(`${name}=${JSON.stringify(this.env[name])}: expected true or false`);
    return "false";
  }
  /** A whole number >= min. */
  int(name: string, min: number): number {
    const raw = (this.env[name] ?? "").trim();
    if (!/^[+-]?\d+$/.test(raw) || Number.parseInt(raw, 10) < min || Number.parseInt(raw, 10) > MAX_ENV_INT) {
      this.errors.push(`${name}=${JSON.stringify(this.env[name])}: expected a whole number >= ${min} and <= ${MAX_ENV_INT}`);
      return 0;
    }
    return Number.parseInt(raw, 10);
  }
}

/** Names of the contract's variables that `env` lacks (empty strings count as set for DISAGG only). */
export function missingEnv(env: Env): string[] {
  const multi = (env.IS_MULTINODE ?? "").trim().toLowerCase() === "true";
  const wanted = [...COMMON_ENV, ...(multi ? MULTI_NODE_ENV : SINGLE_NODE_ENV)];
  return wanted.filter((v) => env[v.name] === undefined || (env[v.name]!.trim() === "" && v.name !== "DISAGG")).map((v) => v.name);
}

/** The rule: a result with a zero divisor or nothing measured is not a benchmark result. */
function refuseEmptyResult(raw: RawResult): string[] {
  const reasons: string[] = [];
  if (raw.completed === 0) reasons.push("$.completed is 0: no request completed, so every metric would be meaningless");
  if (raw.total_output_tokens === 0) reasons.push("$.total_output_tokens is 0: the server generated no output token");
  for (const [key, value] of Object.entries(raw)) {
    if (/^(?!std_).*tpot_ms$/.test(key) && value === 0) reasons.push(`${jsonPath(key)} is 0: interactivity (1000 / TPOT) would divide by zero`);
  }
  return reasons;
}

/**
 * Turns one raw benchmark result into one aggregate row. `env` holds the job's
 * variables (see {@link COMMON_ENV}, {@link SINGLE_NODE_ENV},
 * {@link MULTI_NODE_ENV}); `RESULT_FILENAME` is not needed here. Throws
 * {@link ResultError} naming each missing variable or bad JSON path.
 */
export function processResult(raw: unknown, env: Env): AggRow {
  const missing = missingEnv(env);
  if (missing.length) {
    const all = [...COMMON_ENV, ...SINGLE_NODE_ENV, ...MULTI_NODE_ENV];
    throw new ResultError(
      `missing environment variable${missing.length > 1 ? "s" : ""}: ${missing.join(", ")}`,
      missing.map((m) => `  ${m}: ${all.find((v) => v.name === m)!.help}`),
    );
  }
  const e = new EnvReader(env);
  const isMultinode = e.boolText("IS_MULTINODE") === "true";
  const disagg = e.boolText("DISAGG") === "true";
  if (disagg && !isMultinode)
    throw new ResultError("DISAGG=true requires a multi-node job (IS_MULTINODE=true): disaggregated prefill/decode runs on separate nodes");

  const schemaErrors = validateRawResult(raw);
  if (schemaErrors.length) throw new ResultError("the raw result does not match schemas/raw-result.schema.json", schemaErrors);
  const r = raw as RawResult;
  const numberErrors = rawNumberProblems(r);
  if (numberErrors.length) throw new ResultError("the raw result has numbers that cannot be right", numberErrors);
  const empty = refuseEmptyResult(r);
  if (empty.length) throw new ResultError("the raw result measured nothing usable", empty);

  const base = {
    hw: e.str("RUNNER_TYPE"),
    conc: r.max_concurrency,
    image: e.str("IMAGE"),
    model: r.model_id,
    infmax_model_prefix: e.str("MODEL_PREFIX"),
    framework: e.str("FRAMEWORK"),
    precision: e.str("PRECISION"),
    spec_decoding: e.str("SPEC_DECODING"),
    disagg,
    isl: e.int("ISL", 1),
    osl: e.int("OSL", 1),
    is_multinode: isMultinode,
  };
  let row: Record<string, unknown>;
  if (isMultinode) {
    const prefillGpus = e.int("PREFILL_GPUS", 1);
    const decodeGpus = e.int("DECODE_GPUS", 1);
    row = {
      ...base,
      prefill_tp: e.int("PREFILL_TP", 1),
      prefill_ep: e.int("PREFILL_EP", 1),
      prefill_dp_attention: e.boolText("PREFILL_DP_ATTN"),
      prefill_num_workers: e.int("PREFILL_NUM_WORKERS", 1),
      decode_tp: e.int("DECODE_TP", 1),
      decode_ep: e.int("DECODE_EP", 1),
      decode_dp_attention: e.boolText("DECODE_DP_ATTN"),
      decode_num_workers: e.int("DECODE_NUM_WORKERS", 1),
      num_prefill_gpu: prefillGpus,
      num_decode_gpu: decodeGpus,
      ...throughputPerGpu(r, { prefill: prefillGpus, decode: decodeGpus }),
    };
  } else {
    const tp = e.int("TP", 1);
    row = {
      ...base,
      tp,
      ep: e.int("EP_SIZE", 1),
      dp_attention: e.boolText("DP_ATTENTION"),
      ...throughputPerGpu(r, { prefill: tp, decode: tp, all: tp }),
    };
  }
  if (e.errors.length) throw new ResultError("bad environment variable values", e.errors);
  Object.assign(row, latencyInSeconds(r));
  const rowErrors = nonFiniteRowFields(row);
  if (rowErrors.length) throw new ResultError("the row would hold numbers that are not finite", rowErrors);
  if (typeof r.date === "string") row.date = r.date;
  Object.assign(row, imageDigestField(env));
  return row as AggRow;
}

/** Largest whole number an environment variable (TP, ISL, ...) may hold: past it no job is real. */
export const MAX_ENV_INT = 2 ** 31 - 1;

/**
 * Numbers of a raw result that no benchmark produces: not finite (`1e400`
 * parses as Infinity), a concurrency past {@link MAX_ENV_INT}, or a total
 * throughput below the output throughput (a negative input throughput).
 */
export function rawNumberProblems(r: RawResult): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(r)) {
    if (typeof value === "number" && !Number.isFinite(value)) out.push(`  ${key}: ${value} is not a finite number`);
  }
  if (!(r.max_concurrency <= MAX_ENV_INT)) out.push(`  max_concurrency: ${r.max_concurrency} is more than ${MAX_ENV_INT}`);
  if (r.total_token_throughput < r.output_throughput) {
    out.push(
      `  total_token_throughput: ${r.total_token_throughput} is less than output_throughput ${r.output_throughput} (input throughput would be negative)`,
    );
  }
  return out;
}

/** Row fields that are numbers but not finite (a TPOT of 5e-324 ms gives an infinite interactivity): JSON would write them as null. */
export function nonFiniteRowFields(row: Record<string, unknown>): string[] {
  return Object.entries(row)
    .filter(([, v]) => typeof v === "number" && !Number.isFinite(v))
    .map(([k, v]) => `  ${k}: ${v}${k.endsWith("_intvty") ? ` (1000 / the raw result's ${k.replace(/_intvty$/, "_tpot_ms")})` : ""}`);
}

/**
 * Per-GPU throughput: total token throughput over all GPUs, output over the
 * decode GPUs, input (total - output) over the prefill GPUs. A single node
 * serves both phases on its TP GPUs: all three are divided by TP.
 */
export function throughputPerGpu(
  r: Pick<RawResult, "total_token_throughput" | "output_throughput">,
  gpus: { prefill: number; decode: number; all?: number },
): { tput_per_gpu: number; output_tput_per_gpu: number; input_tput_per_gpu: number } {
  const total = r.total_token_throughput;
  const output = r.output_throughput;
  return {
    tput_per_gpu: total / (gpus.all ?? gpus.prefill + gpus.decode),
    output_tput_per_gpu: output / gpus.decode,
    input_tput_per_gpu: (total - output) / gpus.prefill,
  };
}

/** `*_ms` metrics in seconds without the suffix, plus `*_intvty` for each TPOT statistic except `std`. */
export function latencyInSeconds(raw: RawResult): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (!key.endsWith("_ms") || typeof value !== "number") continue;
    const name = key.slice(0, -3);
    out[name] = value / 1000;
    if (name.endsWith("_tpot") && !name.startsWith("std_")) out[name.replace(/tpot$/, "intvty")] = 1000 / value;
  }
  return out;
}
