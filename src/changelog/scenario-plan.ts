/**
 * The changelog planner of the 2026-08 dialect (`scenarios` configs). The
 * 2026-02 one is src/changelog/plan.ts; both share the parsed-entry diff
 * (blank-line or comment-only changes are not deletions) and report every
 * problem with the entry that causes it.
 *
 * Rules (the reference's, in this order):
 * - `resolveScenarioKeys`: `*` matches any characters over whole keys; `?` is
 *   literal here (unlike test-config's --config-keys); a key or pattern that
 *   matches nothing fails, naming the entry.
 * - append-only entries may not share a diff with other entries nor with CLI
 *   --all-evals/--evals-only (`checkAppendOnlyMix`); see append-only.ts.
 * - Entries with `all-evals` go first; then each (config, scenario) pair
 *   produces throughput at most once and evals at most once per diff.
 *   Throughput is suppressed by CLI --evals-only, entry evals-only or entry
 *   all-evals (a suppressed entry does not claim the pair); evals expand with
 *   CLI --all-evals or entry all-evals; rows with prefill.ep below
 *   eval-min-prefill-ep are dropped from the evals.
 * - `trimScenarioConc` (--trim-conc), then `recipeFingerprint` on every
 *   throughput row, then buckets and the printed normalization
 *   (`scenarioChangelogPlan`).
 */
import { createHash } from "node:crypto";
import { UserError } from "../errors.js";
import { SCENARIO_TYPES, type ScenarioType } from "../config/scenario-types.js";
import { seqLenName } from "../plan/dialects/2026-08.js";
import { canonicalJson } from "../plan/scenario-evals.js";
import type { ScenarioRow } from "../plan/scenario-matrix.js";
import { entryLabel, type ChangelogItem } from "./parse.js";
import type { ScenarioChangelogEntry } from "./scenario-entry.js";

export interface ScenarioEntryWork {
  entry: ScenarioChangelogEntry;
  item: ChangelogItem;
}

export interface ChangelogFlags {
  trimConc?: boolean;
  allEvals?: boolean;
  evalsOnly?: boolean;
}

/** Rows of some config keys: throughput (`noEvals`) or evals (`evalsOnly`, maybe `allEvals`), restricted to scenario kinds. */
export type ScenarioGenerator = (
  keys: string[],
  o: { noEvals?: boolean; evalsOnly?: boolean; allEvals?: boolean; scenarioTypes?: ScenarioType[] },
) => ScenarioRow[];

/** Changelog wildcard: `*` is any characters, everything else literal, over the whole key. */
export function changelogKeyRegExp(pattern: string): RegExp {
  return new RegExp(
    `^${pattern
      .split("*")
      .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*")}$`,
    "s",
  );
}

/** The config keys of each entry (in config order per pattern, duplicates collapsed); every unmatched key or pattern fails, with its entry. */
export function resolveScenarioKeys(work: ScenarioEntryWork[], allKeys: string[], file: string): string[][] {
  const problems: string[] = [];
  const out = work.map(({ entry, item }) => {
    const keys = new Set<string>();
    const pos = item.fields.get("config-keys") ?? item;
    for (const p of entry["config-keys"]) {
      if (p.includes("*")) {
        const re = changelogKeyRegExp(p);
        const hits = allKeys.filter((k) => re.test(k));
        if (!hits.length)
          problems.push(
            `  ${file}:${pos.line}:${pos.column}: ${entryLabel(item)}: the pattern '${p}' matches no config key ('*' is the only wildcard here; '?' is literal)`,
          );
        for (const h of hits) keys.add(h);
      } else if (!allKeys.includes(p))
        problems.push(`  ${file}:${pos.line}:${pos.column}: ${entryLabel(item)}: config key '${p}' is not defined in the master configs`);
      else keys.add(p);
    }
    return [...keys];
  });
  if (problems.length)
    throw new UserError(
      `${file}: ${problems.length} config key${problems.length === 1 ? "" : "s"} or pattern${problems.length === 1 ? "" : "s"} of the new entries match${problems.length === 1 ? "es" : ""} nothing:`,
      problems,
    );
  return out;
}

/** append-only entries run alone: no regular entries, no CLI --all-evals/--evals-only. */
export function checkAppendOnlyMix(work: ScenarioEntryWork[], flags: ChangelogFlags): boolean {
  const append = work.filter((w) => w.entry["append-only"]);
  if (!append.length) return false;
  const regular = work.filter((w) => !w.entry["append-only"]);
  if (regular.length)
    throw new UserError(
      `append-only entries cannot share a sweep with regular entries: ${append.map((w) => entryLabel(w.item)).join(", ")} ${append.length === 1 ? "is" : "are"} append-only, ${regular.map((w) => entryLabel(w.item)).join(", ")} ${regular.length === 1 ? "is" : "are"} not; put them in separate pull requests`,
    );
  if (flags.allEvals || flags.evalsOnly)
    throw new UserError(
      `${append.map((w) => entryLabel(w.item)).join(", ")}: append-only sweeps run new throughput points only, so they cannot use --${flags.allEvals ? "all-evals" : "evals-only"}`,
    );
  return true;
}

/** The scenario kinds an entry covers. */
export const entryScenarios = (e: ScenarioChangelogEntry): ScenarioType[] =>
  SCENARIO_TYPES.filter((s) => !e["scenario-type"] || e["scenario-type"].includes(s));

/** Claims the still-unseen (config, scenario) pairs; groups configs by the kinds they claimed (insertion order). */
function claim(keys: string[], scenarios: ScenarioType[], seen: Map<string, Set<ScenarioType>>): Map<string, { types: ScenarioType[]; keys: string[] }> {
  const groups = new Map<string, { types: ScenarioType[]; keys: string[] }>();
  for (const k of keys) {
    const s = seen.get(k) ?? new Set<ScenarioType>();
    seen.set(k, s);
    const fresh = SCENARIO_TYPES.filter((t) => scenarios.includes(t) && !s.has(t));
    if (!fresh.length) continue;
    for (const t of fresh) s.add(t);
    const id = fresh.join(",");
    const g = groups.get(id);
    if (g) g.keys.push(k);
    else groups.set(id, { types: fresh, keys: [k] });
  }
  return groups;
}

/** Eval rows below an entry's eval-min-prefill-ep (multi-node rows only) are dropped. */
export function dropBelowPrefillEp(rows: ScenarioRow[], min: number | undefined): ScenarioRow[] {
  if (min === undefined) return rows;
  return rows.filter((r) => {
    const p = r.prefill as { ep?: unknown } | undefined;
    if (!p || typeof p !== "object") return true;
    const ep = Number(p.ep ?? 1);
    return Number.isFinite(ep) && ep >= min;
  });
}

export interface PlannedRows {
  throughput: ScenarioRow[];
  evals: ScenarioRow[];
}

/**
 * The rows of the new entries (see the module comment). `appendDelta`, for
 * append-only entries, turns an entry's head rows into only the new points.
 */
export function planScenarioEntries(
  work: ScenarioEntryWork[],
  keysPerEntry: string[][],
  flags: ChangelogFlags,
  generate: ScenarioGenerator,
  appendDelta?: (w: ScenarioEntryWork, keys: string[], types: ScenarioType[] | undefined, head: ScenarioRow[]) => ScenarioRow[],
): PlannedRows {
  const order = work.map((w, i) => ({ w, keys: keysPerEntry[i]! })).sort((a, b) => Number(b.w.entry["all-evals"]) - Number(a.w.entry["all-evals"]));
  const benchSeen = new Map<string, Set<ScenarioType>>();
  const evalSeen = new Map<string, Set<ScenarioType>>();
  const out: PlannedRows = { throughput: [], evals: [] };
  for (const { w, keys } of order) {
    const e = w.entry;
    const scenarios = entryScenarios(e);
    const suppress = flags.evalsOnly || e["evals-only"] || e["all-evals"];
    if (!suppress)
      for (const g of claim(keys, scenarios, benchSeen).values()) {
        const types = g.types.length === SCENARIO_TYPES.length ? undefined : g.types;
        const head = generate(g.keys, { noEvals: true, scenarioTypes: types });
        out.throughput.push(...(e["append-only"] && appendDelta ? appendDelta(w, g.keys, types, head) : head));
      }
    if (e["append-only"]) continue;
    for (const g of claim(keys, scenarios, evalSeen).values()) {
      const rows = generate(g.keys, { evalsOnly: true, allEvals: Boolean(flags.allEvals || e["all-evals"]), scenarioTypes: g.types });
      out.evals.push(...dropBelowPrefillEp(rows, e["eval-min-prefill-ep"]));
    }
  }
  return out;
}

/** Fields that make a point, not a recipe. */
const POINT_FIELDS = new Set(["conc", "exp-name", "recipe-fingerprint"]);

/** The row without conc, exp-name and recipe-fingerprint (a recipe; a chart curve). */
export function recipeOf(row: ScenarioRow): ScenarioRow {
  const out: ScenarioRow = {};
  for (const k of Object.keys(row)) if (!POINT_FIELDS.has(k)) out[k] = row[k];
  return out;
}

/** --trim-conc: single-node, the lowest-conc row per group equal but for conc/exp-name; multi-node, `conc: [min]`. */
export function trimScenarioConc(rows: ScenarioRow[]): ScenarioRow[] {
  const best = new Map<string, number>();
  const keyOf = (r: ScenarioRow) => {
    const rest: ScenarioRow = {};
    for (const k of Object.keys(r)) if (k !== "conc" && k !== "exp-name") rest[k] = r[k];
    return canonicalJson(rest);
  };
  rows.forEach((r, i) => {
    if (r.prefill !== undefined) return;
    const k = keyOf(r);
    const b = best.get(k);
    if (b === undefined || (r.conc as number) < (rows[b]!.conc as number)) best.set(k, i);
  });
  const keep = new Set(best.values());
  const out: ScenarioRow[] = [];
  rows.forEach((r, i) => {
    if (r.prefill !== undefined) {
      const c = r.conc as number[];
      out.push(c.length > 1 ? { ...r, conc: [Math.min(...c)] } : r);
    } else if (keep.has(i)) out.push(r);
  });
  return out;
}

/** JSON as Python's json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=True) writes it. */
export function pythonJson(v: unknown): string {
  return canonicalJson(v).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** recipe-fingerprint: SHA-256 (hex) of the row without conc, exp-name and recipe-fingerprint. */
export function recipeFingerprint(row: ScenarioRow): string {
  return createHash("sha256")
    .update(pythonJson(recipeOf(row)), "utf8")
    .digest("hex");
}

/** The printed form of a plan row: fixed rows carry eval-only (multi-node also eval-all-concs), workers additional-settings. */
export function normalizeRow(row: ScenarioRow): ScenarioRow {
  const out: ScenarioRow = { ...row };
  const agentic = row["scenario-type"] === "agentic-coding";
  if (!agentic && out["eval-only"] === undefined) out["eval-only"] = false;
  if (!agentic && row.prefill !== undefined && out["eval-all-concs"] === undefined) out["eval-all-concs"] = false;
  for (const w of ["prefill", "decode"])
    if (out[w] && typeof out[w] === "object") {
      const worker = out[w] as Record<string, unknown>;
      if (worker["additional-settings"] === undefined) out[w] = { ...worker, "additional-settings": [] };
    }
  return out;
}

export interface ScenarioChangelogPlan {
  single_node: Record<string, ScenarioRow[]>;
  multi_node: Record<string, ScenarioRow[]>;
  evals: ScenarioRow[];
  agentic_evals: ScenarioRow[];
  multinode_evals: ScenarioRow[];
  multinode_agentic_evals: ScenarioRow[];
  changelog_metadata: { base_ref: string; head_ref: string; entries: ScenarioChangelogEntry[] };
}

const isAgentic = (r: ScenarioRow) => r["scenario-type"] === "agentic-coding";

/** Buckets: throughput by node kind and `<seq>`/`agentic`; evals by fixed/agentic and node kind. */
export function scenarioChangelogPlan(
  rows: PlannedRows,
  flags: ChangelogFlags,
  baseRef: string,
  headRef: string,
  entries: ScenarioChangelogEntry[],
): ScenarioChangelogPlan {
  const plan: ScenarioChangelogPlan = {
    single_node: {},
    multi_node: {},
    evals: [],
    agentic_evals: [],
    multinode_evals: [],
    multinode_agentic_evals: [],
    changelog_metadata: { base_ref: baseRef, head_ref: headRef, entries },
  };
  const throughput = flags.trimConc ? trimScenarioConc(rows.throughput) : rows.throughput;
  for (const r of throughput) {
    const fingerprint = recipeFingerprint(r);
    const side = r.prefill !== undefined ? plan.multi_node : plan.single_node;
    const bucket = isAgentic(r) ? "agentic" : seqLenName(r.isl as number, r.osl as number);
    (side[bucket] ??= []).push(normalizeRow({ ...r, "recipe-fingerprint": fingerprint }));
  }
  for (const r of rows.evals) {
    const multi = r.prefill !== undefined;
    const list = isAgentic(r) ? (multi ? plan.multinode_agentic_evals : plan.agentic_evals) : multi ? plan.multinode_evals : plan.evals;
    list.push(normalizeRow(r));
  }
  return plan;
}
