/**
 * Changelog entries of the 2026-08 dialect: the 2026-02 fields
 * (src/changelog/parse.ts) plus `all-evals`, `append-only` (booleans),
 * `eval-min-prefill-ep` (a whole number >= 1) and `scenario-type` (a
 * non-empty list of fixed-seq-len / agentic-coding). An append-only entry is a
 * throughput delta: it may not ask for evals (evals-only, all-evals,
 * eval-min-prefill-ep). schemas/scenario-changelog-entry.schema.json says the
 * same for editors.
 */
import { closest } from "../errors.js";
import { SCENARIO_TYPES, type ScenarioType } from "../config/scenario-types.js";
import { CHANGELOG_FIELDS, entryLabel, validateChangelogEntry, type ChangelogEntry, type ChangelogItem } from "./parse.js";

export interface ScenarioChangelogEntry extends ChangelogEntry {
  "evals-only": boolean;
  "all-evals": boolean;
  "append-only": boolean;
  "eval-min-prefill-ep"?: number;
  "scenario-type"?: ScenarioType[];
}

const EXTRA_FIELDS = ["all-evals", "append-only", "eval-min-prefill-ep", "scenario-type"] as const;
export const SCENARIO_CHANGELOG_FIELDS = [...CHANGELOG_FIELDS, ...EXTRA_FIELDS];

function describe(v: unknown): string {
  if (v === null || v === undefined) return "nothing";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  return typeof v === "string" ? `the text ${JSON.stringify(v)}` : `${typeof v} ${String(v)}`;
}

/** Checks one new entry; every error names file, line, entry and field. */
export function validateScenarioChangelogEntry(
  item: ChangelogItem,
  file: string,
): { entry: ScenarioChangelogEntry; errors: [] } | { entry?: undefined; errors: string[] } {
  const v = item.value;
  if (typeof v !== "object" || v === null || Array.isArray(v)) return validateChangelogEntry(item, file) as { errors: string[] };
  const rec = v as Record<string, unknown>;
  const base: Record<string, unknown> = {};
  const errors: string[] = [];
  const label = entryLabel(item);
  const at = (name: string) => {
    const p = item.fields.get(name) ?? item;
    return `${file}:${p.line}:${p.column}: ${label}`;
  };
  for (const [k, val] of Object.entries(rec)) {
    if ((EXTRA_FIELDS as readonly string[]).includes(k)) continue;
    if (!(CHANGELOG_FIELDS as readonly string[]).includes(k)) {
      const near = closest(k, SCENARIO_CHANGELOG_FIELDS, 1);
      errors.push(`${at(k)}: unknown field '${k}'${near.length ? ` (did you mean '${near[0]}'?)` : ""}; allowed: ${SCENARIO_CHANGELOG_FIELDS.join(", ")}`);
      continue;
    }
    base[k] = val;
  }
  const inner = validateChangelogEntry({ ...item, value: base }, file);
  errors.push(...inner.errors);
  for (const f of ["all-evals", "append-only"] as const)
    if (f in rec && typeof rec[f] !== "boolean") errors.push(`${at(f)}: ${f}: expected true or false, found ${describe(rec[f])}`);
  const ep = rec["eval-min-prefill-ep"];
  if ("eval-min-prefill-ep" in rec && ep !== null && !(typeof ep === "number" && Number.isInteger(ep) && ep >= 1))
    errors.push(`${at("eval-min-prefill-ep")}: eval-min-prefill-ep: expected a whole number of at least 1, found ${describe(ep)}`);
  const st = rec["scenario-type"];
  if ("scenario-type" in rec && st !== null) {
    if (!Array.isArray(st) || st.length === 0)
      errors.push(`${at("scenario-type")}: scenario-type: expected a non-empty list of ${SCENARIO_TYPES.join(", ")}, found ${describe(st)}`);
    else
      st.forEach((s, i) => {
        if (!(SCENARIO_TYPES as readonly unknown[]).includes(s)) {
          const near = typeof s === "string" ? closest(s, SCENARIO_TYPES, 1) : [];
          errors.push(
            `${at("scenario-type")}: scenario-type[${i}]: must be one of ${SCENARIO_TYPES.join(", ")}, found ${describe(s)}${near.length ? ` (did you mean '${near[0]}'?)` : ""}`,
          );
        }
      });
  }
  const entry: ScenarioChangelogEntry | undefined = inner.entry && {
    ...inner.entry,
    "evals-only": inner.entry["evals-only"] ?? false,
    "all-evals": rec["all-evals"] === true,
    "append-only": rec["append-only"] === true,
    ...(typeof ep === "number" ? { "eval-min-prefill-ep": ep } : {}),
    ...(Array.isArray(st) ? { "scenario-type": st as ScenarioType[] } : {}),
  };
  if (entry?.["append-only"] && (entry["evals-only"] || entry["all-evals"] || entry["eval-min-prefill-ep"] !== undefined))
    errors.push(
      `${at("append-only")}: append-only: an append-only entry runs new throughput points only; it cannot be combined with evals-only, all-evals or eval-min-prefill-ep`,
    );
  if (errors.length || !entry) return { errors };
  return { entry, errors: [] };
}
