/**
 * lm-evaluation-harness results to eval rows. A result file is recognised by
 * its `lm_eval_version` key; its `results.<task>` metrics are keyed
 * `"<metric>,<filter>"` (e.g. `"exact_match,strict-match"`) with stderr under
 * `"<metric>_stderr,<filter>"` (which may be the string `"N/A"`), and the
 * sample count under `n-samples.<task>.effective`. The configuration comes
 * from the job's `meta_env.json` beside it.
 *
 * Batched evals (several concurrencies run one after another on one server)
 * stage each result with a `_conc<N>` suffix: N is that result's `conc`
 * (the rule `batchedConc`), whatever `meta_env.json` says.
 *
 * The headline score (the rule `headlineScore`): strict exact match when the
 * task has it, else flexible exact match, else the task's first metric.
 */
import type { EvalRow } from "./types.js";

/** What the eval job writes to `meta_env.json` (extra keys are ignored). */
export interface MetaEnv {
  infmax_model_prefix?: string;
  model_prefix?: string;
  model?: string;
  hw?: string;
  runner_type?: string;
  framework: string;
  precision: string;
  spec_decoding?: string;
  tp: number | string;
  ep?: number | string;
  dp_attention?: boolean | string;
  conc: number | string;
  isl?: number | string;
  osl?: number | string;
  is_multinode?: boolean | string;
}

/** The configuration part of an eval row (from `meta_env.json`). */
export type EvalConfig = Pick<
  EvalRow,
  "model_prefix" | "model" | "hw" | "framework" | "precision" | "spec_decoding" | "tp" | "ep" | "conc" | "dp_attention" | "isl" | "osl" | "is_multinode"
>;

export function isLmEvalResult(v: unknown): v is Record<string, unknown> & { results: Record<string, Record<string, unknown>> } {
  return typeof v === "object" && v !== null && !Array.isArray(v) && "lm_eval_version" in v;
}

const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);
const intOf = (v: unknown): number | null => {
  if (typeof v === "number" && Number.isInteger(v)) return v;
  if (typeof v === "string" && /^\d+$/.test(v.trim())) return Number(v);
  return null;
};

/** The configuration part of an eval row from `meta_env.json`, or the list of what is wrong with it. */
export function readMetaEnv(meta: unknown): { ok: true; value: EvalConfig } | { ok: false; errors: string[] } {
  if (typeof meta !== "object" || meta === null || Array.isArray(meta)) return { ok: false, errors: ["$: not a JSON object"] };
  const m = meta as Record<string, unknown>;
  const errors: string[] = [];
  const str = (...keys: string[]): string | undefined => {
    for (const k of keys) if (typeof m[k] === "string" && (m[k] as string) !== "") return m[k] as string;
    return undefined;
  };
  const hw = str("hw", "runner_type");
  if (!hw) errors.push("$.hw: missing (the runner type, e.g. b200)");
  const framework = str("framework");
  if (!framework) errors.push("$.framework: missing");
  const precision = str("precision");
  if (!precision) errors.push("$.precision: missing");
  const tp = intOf(m.tp);
  if (tp === null) errors.push(`$.tp: ${"tp" in m ? `must be a whole number, got ${JSON.stringify(m.tp)}` : "missing"}`);
  const conc = intOf(m.conc);
  if (conc === null) errors.push(`$.conc: ${"conc" in m ? `must be a whole number, got ${JSON.stringify(m.conc)}` : "missing"}`);
  const ep = m.ep === undefined ? 1 : intOf(m.ep);
  if (ep === null) errors.push(`$.ep: must be a whole number, got ${JSON.stringify(m.ep)}`);
  if (errors.length) return { ok: false, errors };
  const prefix = str("infmax_model_prefix", "model_prefix");
  const value: { ok: true; value: EvalConfig } = {
    ok: true,
    value: {
      ...(prefix ? { model_prefix: prefix } : {}),
      model: str("model") ?? "",
      hw: hw!.toUpperCase(),
      framework: framework!,
      precision: precision!,
      spec_decoding: typeof m.spec_decoding === "string" ? m.spec_decoding : "none",
      tp: tp!,
      ep: ep!,
      conc: conc!,
      dp_attention: String(m.dp_attention ?? "false").toLowerCase(),
    },
  };
  const isl = intOf(m.isl);
  const osl = intOf(m.osl);
  if (isl !== null) value.value.isl = isl;
  if (osl !== null) value.value.osl = osl;
  if (m.is_multinode !== undefined) value.value.is_multinode = String(m.is_multinode).toLowerCase() === "true";
  return value;
}

/** `results_2026-01-21T00-34-31.779836.json` -> `2026-01-21T00:34:31Z`; else lm-eval's `date` (epoch seconds). */
export function evalTimestamp(fileName: string, result: Record<string, unknown>): string | undefined {
  const m = /(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})/.exec(fileName);
  if (m) return `${m[1]}T${m[2]}:${m[3]}:${m[4]}Z`;
  if (typeof result.date === "number" && Number.isFinite(result.date)) return new Date(result.date * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
  return undefined;
}

/** The served model from the lm-eval file (`model_name`, or `model=` in `config.model_args`). */
function lmEvalModel(result: Record<string, unknown>): string | undefined {
  if (typeof result.model_name === "string" && result.model_name) return result.model_name;
  const cfg = result.config as Record<string, unknown> | undefined;
  const args = cfg?.model_args;
  if (typeof args === "string") return /(?:^|,)\s*model=([^,]+)/.exec(args)?.[1];
  if (args && typeof args === "object" && typeof (args as Record<string, unknown>).model === "string") return (args as Record<string, string>).model;
  return undefined;
}

function headlineScore(
  metrics: Record<string, unknown>,
  emStrict: number | null,
  emFlexible: number | null,
): { name: string; score: number; se: number | null } | undefined {
  if (emStrict !== null) return { name: "em_strict", score: emStrict, se: num(metrics["exact_match_stderr,strict-match"]) };
  if (emFlexible !== null) return { name: "em_flexible", score: emFlexible, se: num(metrics["exact_match_stderr,flexible-extract"]) };
  for (const [key, value] of Object.entries(metrics)) {
    const [metric, filter] = key.split(",");
    if (filter === undefined || metric!.endsWith("_stderr") || num(value) === null) continue;
    return { name: key, score: value as number, se: num(metrics[`${metric}_stderr,${filter}`]) };
  }
  return undefined;
}

/** The concurrency of a batched eval's result file (`results_<time>_conc16.json`), if it has one. */
export function batchedConc(fileName: string): number | undefined {
  const m = /_conc(\d+)\.json$/.exec(fileName);
  return m ? Number(m[1]) : undefined;
}

/**
 * Rows of one lm-eval result file: one per task (subtasks of a group are
 * left to the group's row). `problems` lists tasks that had no numeric metric.
 */
export function evalRowsOf(result: Record<string, unknown>, meta: EvalConfig, source: string, fileName: string): { rows: EvalRow[]; problems: string[] } {
  const results = result.results;
  const problems: string[] = [];
  if (typeof results !== "object" || results === null || Array.isArray(results)) return { rows: [], problems: ["$.results: missing or not an object"] };
  const subtasks = new Set<string>();
  const groups = result.group_subtasks;
  if (groups && typeof groups === "object") for (const list of Object.values(groups)) if (Array.isArray(list)) for (const t of list) subtasks.add(String(t));
  const nSamples = (result["n-samples"] ?? {}) as Record<string, { effective?: unknown }>;
  const timestamp = evalTimestamp(fileName, result);
  const model = meta.model || lmEvalModel(result) || "";
  const rows: EvalRow[] = [];
  for (const [task, metricsRaw] of Object.entries(results as Record<string, unknown>)) {
    if (subtasks.has(task)) continue;
    if (typeof metricsRaw !== "object" || metricsRaw === null) {
      problems.push(`$.results.${task}: not an object`);
      continue;
    }
    const metrics = metricsRaw as Record<string, unknown>;
    const emStrict = num(metrics["exact_match,strict-match"]);
    const emFlexible = num(metrics["exact_match,flexible-extract"]);
    const head = headlineScore(metrics, emStrict, emFlexible);
    if (!head) {
      problems.push(`$.results.${task}: no numeric metric ("<metric>,<filter>": number)`);
      continue;
    }
    const { isl, osl, is_multinode, ...config } = meta;
    const conc = batchedConc(fileName);
    if (conc !== undefined) config.conc = conc;
    const row: EvalRow = {
      ...config,
      model,
      task,
      em_strict: emStrict,
      em_strict_se: num(metrics["exact_match_stderr,strict-match"]),
      em_flexible: emFlexible,
      em_flexible_se: num(metrics["exact_match_stderr,flexible-extract"]),
      n_eff: num(nSamples[task]?.effective),
      source,
      score: head.score,
      score_name: head.name,
      score_se: head.se,
    };
    if (timestamp) row.timestamp = timestamp;
    if (isl !== undefined) row.isl = isl;
    if (osl !== undefined) row.osl = osl;
    if (is_multinode !== undefined) row.is_multinode = is_multinode;
    rows.push(row);
  }
  return { rows, problems };
}
