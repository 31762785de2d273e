/**
 * What a comparison compares: the metrics of an aggregate row (with the
 * direction of "better" for each) and the fields that make two rows of two
 * runs the same benchmark point.
 */
import type { AggRow } from "../results/types.js";

export type Direction = "higher" | "lower";

export interface MetricSpec {
  name: string;
  /** Which way is better. */
  better: Direction;
  label: string;
  /** Tied to the throughput/interactivity frontier: a significant curve move supports a point verdict (see `metricVerdict`, rule 5). */
  onCurve: boolean;
}

/** Compared per point, in this order. `median_intvty` is 1 / `median_tpot` and is reported next to it, not compared twice. */
export const METRICS: readonly MetricSpec[] = [
  { name: "tput_per_gpu", better: "higher", label: "tput/GPU", onCurve: true },
  { name: "output_tput_per_gpu", better: "higher", label: "output tput/GPU", onCurve: true },
  { name: "median_ttft", better: "lower", label: "median TTFT", onCurve: false },
  { name: "p99_ttft", better: "lower", label: "p99 TTFT", onCurve: false },
  { name: "median_tpot", better: "lower", label: "median TPOT", onCurve: true },
  { name: "median_e2el", better: "lower", label: "median E2EL", onCurve: false },
];
export const METRIC_NAMES: readonly string[] = METRICS.map((m) => m.name);
/** Metrics a row must carry (the others are compared when present). */
export const REQUIRED_METRICS = new Set(["tput_per_gpu", "output_tput_per_gpu"]);
/** The companion shown next to a metric. */
export const COMPANION: Record<string, string> = { median_tpot: "median_intvty" };
/** Every metric a point keeps: the compared ones and their companions. */
export const KEPT_METRICS: readonly string[] = [...METRIC_NAMES, ...Object.values(COMPANION)];
/** The frontier's axes. */
export const CURVE_X = "median_intvty";
export const CURVE_Y = "tput_per_gpu";

/**
 * A benchmark point across runs: model prefix, hardware, framework, precision,
 * spec decoding, sequence lengths, the parallel shape (single-node TP/EP/DP
 * attention or multi-node prefill/decode workers) and concurrency. Not the
 * image, the served model id, the runner node or the date: a PR that changes
 * the image is exactly what is compared.
 */
export const CURVE_FIELDS = ["infmax_model_prefix", "hw", "framework", "precision", "spec_decoding", "isl", "osl"] as const;
export const SINGLE_SHAPE = ["tp", "ep", "dp_attention"] as const;
export const MULTI_SHAPE = [
  "prefill_num_workers",
  "prefill_tp",
  "prefill_ep",
  "prefill_dp_attention",
  "decode_num_workers",
  "decode_tp",
  "decode_ep",
  "decode_dp_attention",
] as const;

export type Identity = Record<string, string | number | boolean>;

const SINGLE_IDENTITY_FIELDS = [...CURVE_FIELDS, "disagg", "is_multinode", ...SINGLE_SHAPE, "conc"] as const;
const MULTI_IDENTITY_FIELDS = [...CURVE_FIELDS, "disagg", "is_multinode", ...MULTI_SHAPE, "conc"] as const;

/** The fields of an identity, in order: curve fields, disagg, is_multinode, the parallel shape, concurrency. */
export function identityFields(isMultinode: boolean): readonly string[] {
  return isMultinode ? MULTI_IDENTITY_FIELDS : SINGLE_IDENTITY_FIELDS;
}

/**
 * The identity of a row as an object: the fields of `identityFields`, in that
 * order (CURVE_FIELDS, disagg, is_multinode, the shape, conc). Written out
 * field by field: objects of one shape, built without a store per name looked
 * up at run time (it runs for every row of every run).
 */
export function identityOf(row: AggRow): Identity {
  const r = row as unknown as Record<string, string | number | boolean>;
  const id: Identity = {
    infmax_model_prefix: r.infmax_model_prefix!,
    hw: r.hw!,
    framework: r.framework!,
    precision: r.precision!,
    spec_decoding: r.spec_decoding!,
    isl: r.isl!,
    osl: r.osl!,
    disagg: r.disagg!,
    is_multinode: r.is_multinode!,
  };
  if (row.is_multinode) {
    id.prefill_num_workers = r.prefill_num_workers!;
    id.prefill_tp = r.prefill_tp!;
    id.prefill_ep = r.prefill_ep!;
    id.prefill_dp_attention = r.prefill_dp_attention!;
    id.decode_num_workers = r.decode_num_workers!;
    id.decode_tp = r.decode_tp!;
    id.decode_ep = r.decode_ep!;
    id.decode_dp_attention = r.decode_dp_attention!;
  } else {
    id.tp = r.tp!;
    id.ep = r.ep!;
    id.dp_attention = r.dp_attention!;
  }
  id.conc = r.conc!;
  return id;
}

/** The identity as a string key (same fields, same order, so equal identities give equal keys): the JSON text of its values. */
export function identityKey(id: Identity): string {
  return JSON.stringify(Object.values(id));
}

/** The curve a point belongs to: model, hardware, framework, precision, spec decoding, ISL/OSL. */
export function curveKeyOf(id: Identity): string {
  return JSON.stringify(CURVE_FIELDS.map((f) => id[f]));
}

export function curveIdentityOf(id: Identity): Identity {
  const out: Identity = {};
  for (const f of CURVE_FIELDS) out[f] = id[f]!;
  return out;
}

/** A short human name of a point: `dsr1 b200 sglang fp8 1k1k tp8 ep1 conc64`. */
export function pointName(id: Identity): string {
  const len =
    id.isl === 1024 && id.osl === 1024
      ? "1k1k"
      : id.isl === 1024 && id.osl === 8192
        ? "1k8k"
        : id.isl === 8192 && id.osl === 1024
          ? "8k1k"
          : `${id.isl}/${id.osl}`;
  const spec = id.spec_decoding && id.spec_decoding !== "none" ? ` ${id.spec_decoding}` : "";
  const shape = id.is_multinode
    ? `P${id.prefill_num_workers}x(tp${id.prefill_tp}) D${id.decode_num_workers}x(tp${id.decode_tp}${id.decode_dp_attention === "true" ? " dpa" : ""})`
    : `tp${id.tp}${Number(id.ep) > 1 ? ` ep${id.ep}` : ""}${id.dp_attention === "true" ? " dpa" : ""}`;
  const conc = id.conc === undefined ? "" : ` conc${id.conc}`;
  return `${id.infmax_model_prefix} ${id.hw} ${id.framework} ${id.precision}${spec} ${len}${id.tp === undefined && id.prefill_tp === undefined ? "" : " " + shape}${conc}`;
}
