/**
 * Eval selection of the 2026-08 dialect (the 2026-02 rule is in
 * src/plan/eval-selection.ts; src/plan/dialects/index.ts shows both):
 *
 * - `markDefaultEvals`: only 8k1k fixed rows at concurrency >= 16 are
 *   candidates. Single-node: per (model, runner, framework, precision, isl,
 *   osl, spec-decoding, dp-attn), every row at the highest and at the upper
 *   median (element n//2 of the sorted distinct) eligible concurrency.
 *   Multi-node: per topology (the row without conc/exp-name/eval fields), the
 *   row holding the highest eligible concurrency, with `eval-conc`. With
 *   agentic rows included (--evals-only, --all-evals): single-node, the
 *   highest-conc row per (model, runner, framework, precision); multi-node,
 *   like fixed multi-node rows. Every row gets `run-eval`.
 * - `expandAllEvals` (--all-evals): every 8k1k fixed and single-node agentic
 *   row is marked; multi-node 8k1k rows of one topology merge into one row
 *   with the union of concs and `eval-all-concs: true`; multi-node agentic rows
 *   of one topology merge with `eval-conc` = the highest conc.
 * - `finishEvals`: the command-line flow (--no-evals, --evals-only, --all-evals);
 *   with --evals-only or --all-evals only marked rows remain, `eval-only: true`.
 */
import { EVAL_SEQ_LEN, MIN_EVAL_CONC } from "./dialects/2026-08.js";

/** One planned 2026-08 row (matrix entry), as src/plan/scenario-matrix.ts makes it. */
export type ScenarioRow = Record<string, unknown>;

export interface EvalFlags {
  noEvals?: boolean;
  evalsOnly?: boolean;
  allEvals?: boolean;
}

const POINT_FIELDS = new Set(["conc", "run-eval", "eval-only", "eval-conc", "eval-all-concs", "exp-name"]);

/** Canonical text of a value with object keys sorted (lists keep their order). */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
  if (v !== null && typeof v === "object")
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  return JSON.stringify(v) ?? "null";
}

const nestedKeys = new WeakMap<object, string>();
/** canonicalJson of a nested value, remembered per object (worker blocks are shared between rows). */
function nestedJson(v: unknown): string {
  if (v === null || typeof v !== "object") return JSON.stringify(v) ?? "null";
  let k = nestedKeys.get(v);
  if (k === undefined) nestedKeys.set(v, (k = canonicalJson(v)));
  return k;
}

/** A multi-node row's topology: everything but the point and eval fields (key order ignored, as the reference's frozen dict). */
export function topologyKey(row: ScenarioRow): string {
  const keys = Object.keys(row)
    .filter((k) => !POINT_FIELDS.has(k))
    .sort();
  let out = "";
  for (const k of keys) out += `${k}\u0000${nestedJson(row[k])}\u0001`;
  return out;
}

const isAgentic = (r: ScenarioRow) => r["scenario-type"] === "agentic-coding";
const isMulti = (r: ScenarioRow) => r.prefill !== undefined;
const is8k1k = (r: ScenarioRow) => r.isl === EVAL_SEQ_LEN[0] && r.osl === EVAL_SEQ_LEN[1];
const concsOf = (r: ScenarioRow): number[] => (Array.isArray(r.conc) ? (r.conc as number[]) : [r.conc as number]);
const eligible = (r: ScenarioRow) =>
  concsOf(r)
    .filter((c) => c >= MIN_EVAL_CONC)
    .sort((a, b) => a - b);

function group<T>(map: Map<string, T[]>, key: string, item: T): void {
  const g = map.get(key);
  if (g) g.push(item);
  else map.set(key, [item]);
}

/** The item with the largest value (the first one on ties). */
function highest(items: [number, number][]): [number, number] {
  let best = items[0]!;
  for (const it of items) if (it[1] > best[1]) best = it;
  return best;
}

/** The default eval policy (see the module comment). Mutates and returns `rows`. */
export function markDefaultEvals(rows: ScenarioRow[], includeAgentic: boolean): ScenarioRow[] {
  const chosen = new Set<number>();
  const evalConc = new Map<number, number>();
  const single = new Map<string, number[]>();
  const multi = new Map<string, [number, number][]>();
  const agSingle = new Map<string, [number, number][]>();
  const agMulti = new Map<string, [number, number][]>();
  rows.forEach((r, i) => {
    if (isAgentic(r)) {
      if (!includeAgentic) return;
      if (isMulti(r)) {
        const e = eligible(r);
        if (e.length) group(agMulti, topologyKey(r), [i, e[e.length - 1]!]);
      } else group(agSingle, JSON.stringify([r.model, r.runner, r.framework, r.precision]), [i, Math.max(...concsOf(r))]);
      return;
    }
    if (!is8k1k(r)) return;
    const e = eligible(r);
    if (!e.length) return;
    if (isMulti(r)) group(multi, topologyKey(r), [i, e[e.length - 1]!]);
    else group(single, JSON.stringify([r.model, r.runner, r.framework, r.precision, r.isl, r.osl, r["spec-decoding"], r["dp-attn"]]), i);
  });
  for (const members of single.values()) {
    const concs = [...new Set(members.map((i) => rows[i]!.conc as number))].sort((a, b) => a - b);
    const targets = new Set([concs[concs.length - 1], concs[Math.floor(concs.length / 2)]]);
    for (const i of members) if (targets.has(rows[i]!.conc as number)) chosen.add(i);
  }
  for (const m of [multi, agMulti])
    for (const items of m.values()) {
      const [i, c] = highest(items);
      chosen.add(i);
      evalConc.set(i, c);
    }
  for (const items of agSingle.values()) chosen.add(highest(items)[0]);
  rows.forEach((r, i) => {
    r["run-eval"] = chosen.has(i);
    if (evalConc.has(i)) r["eval-conc"] = evalConc.get(i);
  });
  return rows;
}

const sortedUnion = (a: number[], b: number[]) => [...new Set([...a, ...b])].sort((x, y) => x - y);

/** --all-evals (see the module comment). */
export function expandAllEvals(rows: ScenarioRow[]): ScenarioRow[] {
  const out: ScenarioRow[] = [];
  const merged = new Map<string, ScenarioRow>();
  for (const r of rows) {
    const agentic = isAgentic(r);
    if (!agentic && !is8k1k(r)) {
      out.push(r);
      continue;
    }
    if (!isMulti(r)) {
      r["run-eval"] = true;
      out.push(r);
      continue;
    }
    const key = `${agentic ? "a" : "f"}${topologyKey(r)}`;
    const first = merged.get(key);
    if (first) {
      first.conc = sortedUnion(first.conc as number[], concsOf(r));
      if (agentic) first["eval-conc"] = Math.max(...(first.conc as number[]));
      continue;
    }
    const conc = sortedUnion([], concsOf(r));
    const row: ScenarioRow = agentic
      ? { ...r, conc, "run-eval": true, "eval-conc": Math.max(...conc) }
      : { ...r, conc, "run-eval": true, "eval-all-concs": true };
    if (!agentic) delete row["eval-conc"];
    merged.set(key, row);
    out.push(row);
  }
  return out;
}

/** The eval flags of a matrix command applied to generated rows. */
export function finishEvals(rows: ScenarioRow[], f: EvalFlags): ScenarioRow[] {
  let out = rows;
  if (!f.noEvals) {
    out = markDefaultEvals(out, Boolean(f.evalsOnly || f.allEvals));
    if (f.allEvals) out = expandAllEvals(out);
  }
  if (f.evalsOnly || f.allEvals) {
    out = out.filter((r) => r["run-eval"] === true);
    for (const r of out) r["eval-only"] = true;
  }
  return out;
}
