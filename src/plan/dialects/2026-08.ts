/**
 * The planning rules of the 2026-08 dialect (`scenarios` configs), in one
 * place; src/plan/dialects/2026-02.ts holds the 2026-02 counterparts under the
 * same names, and src/plan/dialects/index.ts puts the two side by side.
 */
import { Fraction } from "./fraction.js";

/** Sequence-length names of this dialect (no 1k8k). */
export const SEQ_LENS: Record<string, readonly [number, number]> = { "1k1k": [1024, 1024], "8k1k": [8192, 1024] };
export const SEQ_LEN_NAMES = Object.keys(SEQ_LENS);

/** `1k1k`, `8k1k`, else `<isl>_<osl>`. */
export function seqLenName(isl: number, osl: number): string {
  for (const [name, [i, o]] of Object.entries(SEQ_LENS)) if (i === isl && o === osl) return name;
  return `${isl}_${osl}`;
}

/** `max-model-len` of fixed-seq-len rows: prompt + answer + 256 tokens of template. */
export function maxModelLen(isl: number, osl: number): number {
  return isl + osl + 256;
}

/** Fixed-seq-len `exp-name`: `<model-prefix>_<1k1k|8k1k|isl_osl>`. */
export function fixedExpName(prefix: string, isl: number, osl: number): string {
  return `${prefix}_${seqLenName(isl, osl)}`;
}

/** Every agentic run lasts this long (seconds); configs cannot set it. */
export const AGENTIC_DURATION_SECONDS = 3600;

export interface KvOffload {
  mode: string;
  backend?: { name: string };
}

/** `kvnone`, or `kv<mode>-<backend name>`. */
export function kvSuffix(kv: KvOffload): string {
  return kv.mode === "none" ? "kvnone" : `kv${kv.mode}-${kv.backend?.name}`;
}

/** Single-node agentic `exp-name`: `<prefix>_tp<tp>_conc<c>_<kv>[_spec-<spec>]`. */
export function agenticSingleExpName(prefix: string, tp: number, conc: number, kv: KvOffload, spec: string): string {
  return `${prefix}_tp${tp}_conc${conc}_${kvSuffix(kv)}${spec !== "none" ? `_spec-${spec}` : ""}`;
}

interface WorkerShape {
  "num-worker": number;
  tp: number;
  ep?: number;
  "dp-attn"?: boolean;
}

function workerTag(w: WorkerShape, role: "p" | "d"): string {
  const ep = w.ep ?? 1;
  return `${role}${w["num-worker"]}x${w.tp}${ep !== 1 ? `ep${ep}` : ""}${w["dp-attn"] ? "dpa" : ""}`;
}

/** Multi-node agentic `exp-name`: `<prefix>_p<N>x<tp>[ep<ep>][dpa]_d<N>x<tp>[ep<ep>][dpa]_conc<c>[_kv<mode>-<backend>]`. */
export function agenticMultiExpName(prefix: string, prefill: WorkerShape, decode: WorkerShape, concs: number[], kv: KvOffload): string {
  return `${prefix}_${workerTag(prefill, "p")}_${workerTag(decode, "d")}_conc${concs.join("x")}${kv.mode !== "none" ? `_${kvSuffix(kv)}` : ""}`;
}

/** Multi-node agentic rows: concurrencies per row (one server allocation per concurrency). */
export const MULTINODE_AGENTIC_CONCS_PER_ROW = 1;

/** Eval selection: only 8k1k fixed rows, only concurrencies >= 16 (see scenario-evals.ts). */
export const EVAL_SEQ_LEN = SEQ_LENS["8k1k"]!;
export const MIN_EVAL_CONC = 16;

/** CPU DRAM considered per node, at most (3 TB decimal, in MiB), before utilization. */
export const MAX_AGENTIC_CPU_DRAM_MIB = 2_861_022;
const BYTES_PER_MIB = 1_048_576n;
const BYTES_PER_GB = 1_000_000_000n;

/**
 * `total-cpu-dram-gb` of a dram-offloading agentic row, in exact rational
 * arithmetic (the utilization as written): min(available MiB, cap) x 2^20 x
 * utilization x gpus / gpus-per-node / 10^9, truncated.
 */
export function totalCpuDramGb(availableMib: number, utilization: number | string, gpus: number, gpusPerNode: number): number {
  const mib = BigInt(Math.min(availableMib, MAX_AGENTIC_CPU_DRAM_MIB));
  const u = Fraction.fromDecimal(String(utilization));
  const bytes = new Fraction(mib * BYTES_PER_MIB * BigInt(gpus), BigInt(gpusPerNode)).times(u);
  return Number(bytes.div(BYTES_PER_GB).floor());
}
