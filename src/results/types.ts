/**
 * Row shapes of the public artifacts: `agg_bmk.json` (artifact `results_bmk`,
 * one {@link AggRow} per benchmark job and concurrency) and `agg_eval_all.json`
 * (artifact `eval_results_all`, one {@link EvalRow} per eval task run). Users
 * read these with jq, so field names and value types are a contract.
 */

/** Latency metrics, keyed as the raw file's `*_ms` keys without `_ms`, in seconds (e.g. `mean_ttft`, `p99_itl`). */
export type LatencyMetrics = { [metric: string]: number | string | boolean | undefined };

interface AggRowCommon {
  /** Runner type (`RUNNER_TYPE`), e.g. `h200`, `b200-trt`. */
  hw: string;
  conc: number;
  image: string;
  /** Served model as reported by the benchmark client (`model_id`), e.g. `zai-org/GLM-4.7`. */
  model: string;
  infmax_model_prefix: string;
  framework: string;
  precision: string;
  spec_decoding: string;
  disagg: boolean;
  isl: number;
  osl: number;
  is_multinode: boolean;
  /** Total (input + output) tokens per second per GPU. */
  tput_per_gpu: number;
  output_tput_per_gpu: number;
  input_tput_per_gpu: number;
  /**
   * When the benchmark ran, as the client wrote it (`YYYYMMDD-HHMMSS`). Not in
   * the reference's rows; `collect` uses it to keep the newest of retried runs.
   */
  date?: string;
  /**
   * The kind of server measured, when known: `serve-sim` for the simulated
   * server of `infx sweep --local` (its rows are not hardware data), the server's
   * URL for `infx sweep --base-url`. Not in the reference's rows.
   */
  server?: string;
  /** Local sweeps against a real server only (`infx sweep --base-url`): the server's GPUs (the per-GPU divisor). */
  server_gpus?: number;
  /** `IMAGE_DIGEST` of the job, when the plan resolved it: the image that ran, by content (`sha256:...`). Not in the reference's rows. */
  image_digest?: string;
  /** The run the row belongs to (`infx sweep --local` writes its output folder's name); `collect` recognises retries within one run only. */
  run?: string;
}

export interface SingleNodeAggRow extends AggRowCommon {
  is_multinode: false;
  tp: number;
  ep: number;
  /** `"true"` or `"false"` (a string, as in the reference). */
  dp_attention: string;
}

export interface MultiNodeAggRow extends AggRowCommon {
  is_multinode: true;
  prefill_tp: number;
  prefill_ep: number;
  prefill_dp_attention: string;
  prefill_num_workers: number;
  decode_tp: number;
  decode_ep: number;
  decode_dp_attention: string;
  decode_num_workers: number;
  num_prefill_gpu: number;
  num_decode_gpu: number;
}

/**
 * One row of `agg_bmk.json`. Besides the fixed fields it carries every latency
 * metric of the raw result in seconds (`mean_ttft`, `median_tpot`, `p99_e2el`,
 * ...) and, for every TPOT statistic except `std`, the interactivity
 * `*_intvty = 1 / tpot` in tokens per second per user.
 */
export type AggRow = (SingleNodeAggRow | MultiNodeAggRow) & LatencyMetrics;

/** One row of `agg_eval_all.json`: one lm-evaluation-harness task run. */
export interface EvalRow {
  model_prefix?: string;
  model: string;
  /** Upper-case runner type, e.g. `B200-TRT` (as the reference's eval rows). */
  hw: string;
  framework: string;
  precision: string;
  spec_decoding: string;
  tp: number;
  ep: number;
  conc: number;
  dp_attention: string;
  task: string;
  em_strict: number | null;
  em_strict_se: number | null;
  em_flexible: number | null;
  em_flexible_se: number | null;
  n_eff: number | null;
  /** Path of the lm-eval result file, as found under the collected directory. */
  source: string;
  /** The headline metric: `em_strict` when present, else `em_flexible`, else the task's first metric. */
  score: number;
  score_name: string;
  score_se: number | null;
  /** When lm-eval wrote the result (UTC, ISO 8601), when known. */
  timestamp?: string;
  isl?: number;
  osl?: number;
  is_multinode?: boolean;
  /** Set by the accuracy gate (`--thresholds`): the minimum score that applied. */
  threshold?: number;
  /** Set by the accuracy gate: whether `score >= threshold`. */
  passed?: boolean;
}

/** A file that could not be used, and why. */
export interface Problem {
  path: string;
  reason: string;
}

export function isMultiNodeRow(row: AggRow): row is MultiNodeAggRow & LatencyMetrics {
  return row.is_multinode === true;
}

/** Number of GPUs a row's throughput was divided by (TP for single node, prefill + decode GPUs for multi-node). */
export function gpuCount(row: AggRow): number {
  return isMultiNodeRow(row) ? row.num_prefill_gpu + row.num_decode_gpu : row.tp;
}

/** `1k1k`, `1k8k`, `8k1k`, or `<isl>_<osl>` for other lengths (the reference's naming). */
export function seqLenName(isl: number, osl: number): string {
  const key = `${isl}/${osl}`;
  return key === "1024/1024" ? "1k1k" : key === "1024/8192" ? "1k8k" : key === "8192/1024" ? "8k1k" : `${isl}_${osl}`;
}
