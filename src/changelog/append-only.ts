/**
 * append-only changelog entries (2026-08 dialect): a pull request that only
 * adds points to existing chart curves. The configs are also read at the base
 * ref, and:
 * - `checkAppendOnlyScope`: every selected config exists at the base;
 *   unselected configs are unchanged; a selected config keeps its scenario
 *   kinds and its unselected scenarios, and, when any scenario is unselected,
 *   its top-level fields;
 * - `appendOnlyDelta`: per recipe (row without conc/exp-name/fingerprint) only
 *   the head concurrencies the base lacks run; a base recipe or point that
 *   disappears fails, no new point fails, and each new row must extend an
 *   existing curve whose base rows all used the same image.
 * Every refusal names the entry and the reason.
 */
import { UserError } from "../errors.js";
import type { ScenarioConfig, ScenarioType } from "../config/scenario-types.js";
import { canonicalJson } from "../plan/scenario-evals.js";
import type { ScenarioRow } from "../plan/scenario-matrix.js";
import { sameValue } from "./diff.js";
import { recipeOf } from "./scenario-plan.js";

/** Which scenario kinds of which configs the append-only entries select. */
export type Selection = Map<string, Set<ScenarioType>>;

function refuse(who: string, why: string): never {
  throw new UserError(`${who}: append-only refused: ${why}`);
}

export function checkAppendOnlyScope(
  who: string,
  base: Map<string, ScenarioConfig>,
  head: Map<string, ScenarioConfig>,
  selected: Selection,
  baseRef: string,
): void {
  const missing = [...selected.keys()].filter((k) => !base.has(k));
  if (missing.length)
    refuse(
      who,
      `every selected config must exist at the base ref ${baseRef}; missing there: ${missing.join(", ")} (a new config is a regular entry, not append-only)`,
    );
  const changed = [...new Set([...base.keys(), ...head.keys()])].filter((k) => !selected.has(k) && !sameValue(base.get(k), head.get(k)));
  if (changed.length) refuse(who, `configs not selected by the entry changed since ${baseRef}: ${changed.sort().join(", ")}`);
  for (const [key, allowed] of selected) {
    const b = base.get(key)!;
    const h = head.get(key)!;
    const bs = Object.keys(b.scenarios ?? {}).sort();
    const hs = Object.keys(h.scenarios ?? {}).sort();
    if (bs.join() !== hs.join())
      refuse(who, `config '${key}' added or removed a scenario kind (${bs.join(", ") || "none"} at ${baseRef}, now ${hs.join(", ") || "none"})`);
    const unselected = bs.filter((s) => !allowed.has(s as ScenarioType));
    const top = (c: ScenarioConfig) => Object.fromEntries(Object.entries(c).filter(([k]) => k !== "scenarios"));
    if (unselected.length && !sameValue(top(b), top(h)))
      refuse(who, `config '${key}' changed config-wide fields, which also affect its scenarios outside the entry's scope (${unselected.join(", ")})`);
    for (const s of unselected)
      if (!sameValue((b.scenarios as Record<string, unknown>)[s], (h.scenarios as Record<string, unknown>)[s]))
        refuse(who, `config '${key}' changed its ${s} scenario, outside the entry's scope`);
  }
}

const concsOf = (r: ScenarioRow): number[] => {
  if (typeof r.conc === "number") return [r.conc];
  if (Array.isArray(r.conc) && r.conc.every((c) => typeof c === "number")) return r.conc as number[];
  throw new UserError(`append-only: a generated row has an invalid concurrency ${JSON.stringify(r.conc)}`);
};

/** The chart curve a row is drawn on (model, runner, framework, sequence lengths or agentic, offload on/off, ...). */
function visualSeries(r: ScenarioRow): string {
  const agentic = r["scenario-type"] === "agentic-coding";
  const kv = r["kv-offloading"];
  const p = (r.prefill ?? {}) as Record<string, unknown>;
  const d = (r.decode ?? {}) as Record<string, unknown>;
  return JSON.stringify([
    r.model,
    r["model-prefix"],
    r.precision,
    r.framework,
    r.runner,
    Boolean(r.disagg ?? false),
    agentic ? "agentic_traces" : "single_turn",
    agentic ? null : r.isl,
    agentic ? null : r.osl,
    kv === undefined || kv === null || kv === "" || kv === "none" ? "off" : "on",
    agentic ? "" : (r["spec-decoding"] ?? "none"),
    p.hardware ?? null,
    d.hardware ?? null,
  ]);
}

function groupConcs(rows: ScenarioRow[]): Map<string, Set<number>> {
  const m = new Map<string, Set<number>>();
  for (const r of rows) {
    const k = canonicalJson(recipeOf(r));
    const s = m.get(k) ?? new Set<number>();
    for (const c of concsOf(r)) s.add(c);
    m.set(k, s);
  }
  return m;
}

/** Only the new points of `head` over `base` (see the module comment). */
export function appendOnlyDelta(who: string, base: ScenarioRow[], head: ScenarioRow[]): ScenarioRow[] {
  const b = groupConcs(base);
  const h = groupConcs(head);
  if (!b.size) refuse(who, "there is no existing curve at the base ref to append to");
  for (const [k, concs] of b) {
    const now = h.get(k);
    if (!now) refuse(who, `an existing generated recipe was removed or modified: ${k.slice(0, 200)}`);
    const gone = [...concs].filter((c) => !now.has(c)).sort((x, y) => x - y);
    if (gone.length) refuse(who, `existing concurrency points were removed: ${gone.join(", ")}`);
  }
  const emitted = new Map<string, Set<number>>();
  const delta: ScenarioRow[] = [];
  for (const r of head) {
    const k = canonicalJson(recipeOf(r));
    const old = b.get(k) ?? new Set<number>();
    const done = emitted.get(k) ?? new Set<number>();
    emitted.set(k, done);
    const fresh = concsOf(r).filter((c) => !old.has(c) && !done.has(c));
    for (const c of fresh) done.add(c);
    if (!fresh.length) continue;
    delta.push(typeof r.conc === "number" ? r : { ...r, conc: fresh });
  }
  if (!delta.length) refuse(who, "the configs add no new generated points (nothing to run)");
  const images = new Map<string, Set<unknown>>();
  for (const r of base) {
    const s = images.get(visualSeries(r)) ?? new Set<unknown>();
    s.add(r.image);
    images.set(visualSeries(r), s);
  }
  for (const r of delta) {
    const s = images.get(visualSeries(r));
    if (r.image === undefined || !s || s.size !== 1 || !s.has(r.image))
      refuse(
        who,
        `the new points of ${String(r["exp-name"])} (${String(r.runner)}) do not extend an existing chart curve with one unchanged image (a new recipe kind, e.g. a new offload mode, or a new image, is a regular entry)`,
      );
  }
  return delta;
}
