/**
 * The 2026-08 (`scenarios`) branch of `planChangelogDiff` (plan-diff.ts): the
 * new entry fields, append-only (configs also read at the base ref), the eval
 * buckets. The planning rules are in scenario-plan.ts and append-only.ts; this
 * puts them together, for `infx changelog` and the plan action alike.
 */
import { isAbsolute, resolve } from "node:path";
import { describeDialect } from "../config/dialect.js";
import { planningInputsFromTexts, type PlanningInputs, type SourceText } from "../config/load.js";
import type { ScenarioType } from "../config/scenario-types.js";
import { UserError } from "../errors.js";
import { assignIdsAndNames, pickCanary, type PolicyOptions } from "../plan/policies.js";
import { scenarioInputs, scenarioTestConfig, type ScenarioRow } from "../plan/scenario-matrix.js";
import type { MatrixEntry } from "../plan/types.js";
import { appendOnlyDelta, checkAppendOnlyScope, type Selection } from "./append-only.js";
import { readFileAtRefs } from "./git.js";
import { entryLabel } from "./parse.js";
import { changelogWork, type ChangelogVersions } from "./plan.js";
import { validateScenarioChangelogEntry, type ScenarioChangelogEntry } from "./scenario-entry.js";
import {
  checkAppendOnlyMix,
  entryScenarios,
  planScenarioEntries,
  resolveScenarioKeys,
  scenarioChangelogPlan,
  type ChangelogFlags,
  type ScenarioEntryWork,
  type ScenarioChangelogPlan,
  type ScenarioGenerator,
} from "./scenario-plan.js";

/** What the 2026-08 planner needs besides the two versions of the changelog. */
export interface ScenarioDiffRequest {
  configFiles: string[];
  runnerConfig: string;
  policies: PolicyOptions;
  cwd: string;
  note(text: string): void;
}

export interface ScenarioDiffPlan {
  /** Every row of every bucket, in plan order. */
  matrix: MatrixEntry[];
  plan: ScenarioChangelogPlan;
  entries: ScenarioChangelogEntry[];
}

function generatorFor(inputs: PlanningInputs): ScenarioGenerator {
  return (keys, o) => scenarioTestConfig(inputs, { configKeys: keys, ...o });
}

/** The configs and runner map as they were at `ref` (append-only compares against them). */
async function inputsAtRef(r: ScenarioDiffRequest, ref: string): Promise<PlanningInputs> {
  const files = [...r.configFiles, r.runnerConfig];
  const texts: SourceText[] = [];
  for (const f of files) {
    const [at] = await readFileAtRefs(isAbsolute(f) ? f : resolve(r.cwd, f), [ref]);
    if (at!.text === undefined) throw new UserError(`append-only compares the configs with the base ref, but ${f} does not exist at ${ref}`);
    texts.push({ file: `${f}@${ref.slice(0, 12)}`, text: at!.text });
  }
  const inputs = planningInputsFromTexts(texts.slice(0, -1), texts[texts.length - 1]!);
  if (inputs.dialect !== "2026-08")
    throw new UserError(`append-only needs 2026-08 (scenarios) configs at the base ref ${ref} too, but they are ${describeDialect(inputs.dialect)}`);
  return inputs;
}

/** The append-only delta maker, after checking the entries' scope against the base configs. */
async function appendOnlyPlanner(r: ScenarioDiffRequest, v: ChangelogVersions, head: PlanningInputs, work: ScenarioEntryWork[], keys: string[][]) {
  const base = await inputsAtRef(r, v.baseRef);
  const selected: Selection = new Map();
  work.forEach((w, i) => {
    for (const k of keys[i]!) {
      const s = selected.get(k) ?? new Set<ScenarioType>();
      for (const t of entryScenarios(w.entry)) s.add(t);
      selected.set(k, s);
    }
  });
  const who = work.map((w) => entryLabel(w.item)).join(", ");
  checkAppendOnlyScope(who, scenarioInputs(base).configs, scenarioInputs(head).configs, selected, v.baseRef);
  const baseGen = generatorFor(base);
  return (w: ScenarioEntryWork, groupKeys: string[], types: ScenarioType[] | undefined, headRows: ScenarioRow[]) =>
    appendOnlyDelta(entryLabel(w.item), baseGen(groupKeys, { noEvals: true, scenarioTypes: types }), headRows);
}

function bucketLists(plan: ScenarioChangelogPlan): ScenarioRow[][] {
  return [
    ...Object.values(plan.single_node),
    ...Object.values(plan.multi_node),
    plan.evals,
    plan.agentic_evals,
    plan.multinode_evals,
    plan.multinode_agentic_evals,
  ];
}

/** ids (and --format github): a stable id and a plan-unique artifact-safe name on every row of every bucket. */
function withIdsAndNames(plan: ScenarioChangelogPlan): void {
  const lists = bucketLists(plan);
  const named = assignIdsAndNames(lists.flat() as unknown as MatrixEntry[]) as unknown as ScenarioRow[];
  let i = 0;
  for (const list of lists) for (let j = 0; j < list.length; j++) list[j] = named[i++]!;
}

/**
 * --canary in the 2026-08 layout: `pickCanary` over the single-node throughput
 * rows of every sequence bucket; the chosen row is marked `canary: true` and
 * moved first in its own bucket (the buckets keep the layout's order).
 */
function markScenarioCanary(plan: ScenarioChangelogPlan): void {
  const rows = Object.values(plan.single_node).flat();
  const [first, ...rest] = pickCanary(rows as unknown as MatrixEntry[]) as unknown as ScenarioRow[];
  if (!first || (first as { canary?: boolean }).canary !== true) return;
  const others = new Set(rest);
  const chosen = rows.find((r) => !others.has(r))!;
  for (const list of Object.values(plan.single_node)) {
    const i = list.indexOf(chosen);
    if (i < 0) continue;
    list.splice(i, 1);
    list.unshift(first);
  }
}

/** The 2026-08 plan of the changelog entries new between the two versions. */
export async function planScenarioChangelogDiff(r: ScenarioDiffRequest, v: ChangelogVersions, inputs: PlanningInputs): Promise<ScenarioDiffPlan> {
  const flags: ChangelogFlags = { trimConc: r.policies.trimConc === true, allEvals: r.policies.allEvals === true, evalsOnly: r.policies.evalsOnly === true };
  const found = changelogWork(v, validateScenarioChangelogEntry);
  const work = found.entries.map((e) => ({ entry: e.entry as ScenarioChangelogEntry, item: e.item }));
  let rows = { throughput: [] as ScenarioRow[], evals: [] as ScenarioRow[] };
  if (found.status === "no-new-entries") r.note(found.message);
  else {
    const keys = resolveScenarioKeys(work, [...scenarioInputs(inputs).configs.keys()], v.file);
    const appendOnly = checkAppendOnlyMix(work, flags);
    const delta = appendOnly ? await appendOnlyPlanner(r, v, inputs, work, keys) : undefined;
    rows = planScenarioEntries(work, keys, flags, generatorFor(inputs), delta);
  }
  const plan = scenarioChangelogPlan(
    rows,
    flags,
    v.baseRef,
    v.headRef,
    work.map((w) => w.entry),
  );
  if (r.policies.canary) markScenarioCanary(plan);
  if (r.policies.ids) withIdsAndNames(plan);
  return { matrix: bucketLists(plan).flat() as unknown as MatrixEntry[], plan, entries: work.map((w) => w.entry) };
}
