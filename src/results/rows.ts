/**
 * Rules on aggregate rows read back from artifacts: what a valid row is
 * (`checkAggRow`), which rows are retries of the same benchmark
 * (`benchmarkIdentity`), which retry is the newest (`newerRow`), and the
 * deterministic order of `agg_bmk.json` (`compareAggRows`).
 */
import type { AggRow, EvalRow } from "./types.js";

const STRINGS = ["hw", "image", "model", "infmax_model_prefix", "framework", "precision", "spec_decoding"] as const;
const NUMBERS = ["conc", "isl", "osl", "tput_per_gpu", "output_tput_per_gpu", "input_tput_per_gpu"] as const;
const SINGLE_NUMBERS = ["tp", "ep"] as const;
const MULTI_NUMBERS = [
  "prefill_tp",
  "prefill_ep",
  "prefill_num_workers",
  "decode_tp",
  "decode_ep",
  "decode_num_workers",
  "num_prefill_gpu",
  "num_decode_gpu",
] as const;

/** The configuration fields every row has, first in sort order. */
const COMMON_IDENTITY = [
  "infmax_model_prefix",
  "model",
  "isl",
  "osl",
  "is_multinode",
  "hw",
  "framework",
  "precision",
  "spec_decoding",
  "disagg",
  "image",
] as const;
/** Configuration fields of a single-node row, in sort order. */
export const SINGLE_IDENTITY = [...COMMON_IDENTITY, "tp", "ep", "dp_attention", "conc"] as const;
/** Configuration fields of a multi-node row, in sort order. */
export const MULTI_IDENTITY = [
  ...COMMON_IDENTITY,
  "num_prefill_gpu",
  "prefill_num_workers",
  "prefill_tp",
  "prefill_ep",
  "prefill_dp_attention",
  "num_decode_gpu",
  "decode_num_workers",
  "decode_tp",
  "decode_ep",
  "decode_dp_attention",
  "conc",
] as const;

/** What a field of an aggregate row must hold (the words are those of the message). */
export type AggFieldRule = "a string" | "a finite number" | "a number" | "true or false";

const rules = (keys: readonly string[], rule: AggFieldRule): [string, AggFieldRule][] => keys.map((k) => [k, rule]);
const COMMON_RULES = [...rules(STRINGS, "a string"), ...rules(NUMBERS, "a finite number"), ...rules(["disagg", "is_multinode"], "true or false")];
const MULTI_RULES = [...COMMON_RULES, ...rules(MULTI_NUMBERS, "a number"), ...rules(["prefill_dp_attention", "decode_dp_attention"], "a string")];
const SINGLE_RULES = [...COMMON_RULES, ...rules(SINGLE_NUMBERS, "a number"), ...rules(["dp_attention"], "a string")];

/** The fields an aggregate row must have and what each must hold, given its `is_multinode` (the rule of `checkAggRow`). */
export function aggRowRules(isMultinode: unknown): readonly (readonly [string, AggFieldRule])[] {
  return isMultinode === true ? MULTI_RULES : isMultinode === false ? SINGLE_RULES : COMMON_RULES;
}

/** Every field `aggRowRules` names (for readers that keep only some fields of a row). */
export const CHECKED_AGG_FIELDS: readonly string[] = [...new Set([...MULTI_RULES, ...SINGLE_RULES].map(([k]) => k))];

export function fitsAggRule(v: unknown, rule: AggFieldRule): boolean {
  if (rule === "a string") return typeof v === "string";
  if (rule === "true or false") return typeof v === "boolean";
  return typeof v === "number" && (rule === "a number" || Number.isFinite(v));
}

/** Problems of one parsed value as an aggregate row, each naming its JSON path under `at`; empty when valid. */
export function checkAggRow(v: unknown, at = "$"): string[] {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return [`${at}: not a JSON object`];
  const o = v as Record<string, unknown>;
  const errs: string[] = [];
  for (const [k, rule] of aggRowRules(o.is_multinode))
    if (!fitsAggRule(o[k], rule)) errs.push(`${at}.${k}: ${k in o ? `must be ${rule}, got ${JSON.stringify(o[k])}` : "missing"}`);
  return errs;
}

/** Whether a parsed value looks like an aggregate row at all (as opposed to some other JSON). */
export function looksLikeAggRow(v: unknown): boolean {
  return typeof v === "object" && v !== null && !Array.isArray(v) && "tput_per_gpu" in v && "hw" in v;
}

/** Whether a parsed value is a raw result of the benchmark client (not yet processed). */
export function looksLikeRawResult(v: unknown): boolean {
  return typeof v === "object" && v !== null && !Array.isArray(v) && "total_token_throughput" in v && "max_concurrency" in v && !("hw" in v);
}

/**
 * Retries of one benchmark share this key: every configuration field of the
 * row (the runner node that ran it is not a row field, so two nodes of one
 * runner type running the same configuration are retries).
 */
export function benchmarkIdentity(row: AggRow): string {
  const fields = row.is_multinode ? MULTI_IDENTITY : SINGLE_IDENTITY;
  const r = row as Record<string, unknown>;
  return JSON.stringify(fields.map((f) => r[f]));
}

function compareValues(a: unknown, b: unknown): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0;
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/** The sort key of a row: model, sequence lengths, single (0) before multi-node (1), then its identity fields. */
function sortKey(row: AggRow): unknown[] {
  const r = row as Record<string, unknown>;
  return [
    r.infmax_model_prefix,
    r.model,
    r.isl,
    r.osl,
    row.is_multinode ? 1 : 0,
    ...(row.is_multinode ? MULTI_IDENTITY : SINGLE_IDENTITY).slice(5).map((f) => r[f]),
  ];
}

/** Sorts rows into the order of {@link compareAggRows}, computing each row's key once. */
export function sortAggRows<R extends AggRow>(rows: R[]): R[] {
  const keyed = rows.map((row) => ({ row, key: sortKey(row) }));
  keyed.sort((a, b) => {
    const n = Math.min(a.key.length, b.key.length);
    for (let i = 0; i < n; i++) {
      const c = compareValues(a.key[i], b.key[i]);
      if (c) return c;
    }
    return a.key.length - b.key.length;
  });
  return keyed.map((k) => k.row);
}

/** Order of `agg_bmk.json`: model, sequence lengths, single before multi-node, hardware, framework, ..., concurrency. */
export function compareAggRows(a: AggRow, b: AggRow): number {
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  if (a.is_multinode !== b.is_multinode) {
    for (const f of ["infmax_model_prefix", "model", "isl", "osl"]) {
      const c = compareValues(ra[f], rb[f]);
      if (c) return c;
    }
    return a.is_multinode ? 1 : -1;
  }
  for (const f of a.is_multinode ? MULTI_IDENTITY : SINGLE_IDENTITY) {
    const c = compareValues(ra[f], rb[f]);
    if (c) return c;
  }
  return 0;
}

/** A candidate row with where it came from, for choosing among retries. */
export interface Sourced<R> {
  row: R;
  path: string;
  /** Sort key of when it ran: the row's own timestamp, else the file's modification time. */
  when: string;
}

/**
 * The rule for retries: the newest run wins (its timestamp, else the file's
 * modification time); on a tie the later path wins, so the choice never
 * depends on the order files were read.
 */
export function newerRow<R>(a: Sourced<R>, b: Sourced<R>): Sourced<R> {
  if (a.when !== b.when) return a.when > b.when ? a : b;
  return a.path > b.path ? a : b;
}

/** `20260314-190304` (the benchmark client's date) as a sortable ISO string. */
export function clientDateToIso(date: string): string | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})$/.exec(date);
  return m ? `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}` : undefined;
}

/** Retries of one eval share this key: the configuration and the task. */
export function evalIdentity(row: EvalRow): string {
  return JSON.stringify([
    row.model_prefix ?? "",
    row.model,
    row.hw,
    row.framework,
    row.precision,
    row.spec_decoding,
    row.tp,
    row.ep,
    row.dp_attention,
    row.conc,
    row.isl ?? null,
    row.osl ?? null,
    row.task,
  ]);
}

/** Order of `agg_eval_all.json`. */
export function compareEvalRows(a: EvalRow, b: EvalRow): number {
  const ka: unknown[] = [a.model_prefix ?? "", a.model, a.task, a.hw, a.framework, a.precision, a.spec_decoding, a.tp, a.ep, a.dp_attention, a.conc, a.source];
  const kb: unknown[] = [b.model_prefix ?? "", b.model, b.task, b.hw, b.framework, b.precision, b.spec_decoding, b.tp, b.ep, b.dp_attention, b.conc, b.source];
  for (let i = 0; i < ka.length; i++) {
    const c = compareValues(ka[i], kb[i]);
    if (c) return c;
  }
  return 0;
}
