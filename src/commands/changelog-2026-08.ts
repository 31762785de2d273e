/**
 * `infx changelog` on a 2026-08 file set (`scenarios` configs): the new
 * entry fields, append-only (configs also read at --base-ref), the eval
 * buckets. The planning rules are in src/changelog/scenario-plan.ts and
 * src/changelog/append-only.ts; this is the glue.
 */
import { isAbsolute, resolve } from "node:path";
import type { ParsedArgs } from "../cli/args.js";
import type { Io } from "../cli/io.js";
import { appendOnlyDelta, checkAppendOnlyScope, type Selection } from "../changelog/append-only.js";
import { readFileAtRefs } from "../changelog/git.js";
import { entryLabel } from "../changelog/parse.js";
import { changelogWork, type ChangelogVersions } from "../changelog/plan.js";
import { validateScenarioChangelogEntry, type ScenarioChangelogEntry } from "../changelog/scenario-entry.js";
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
} from "../changelog/scenario-plan.js";
import { assignIdsAndNames } from "../plan/policies.js";
import { describeDialect } from "../config/dialect.js";
import { planningInputsFromTexts, type PlanningInputs, type SourceText } from "../config/load.js";
import type { ScenarioType } from "../config/scenario-types.js";
import { UserError } from "../errors.js";
import { formatMatrix } from "../plan/format.js";
import { DEFAULT_PLAN_DIR, writeGithubPlan } from "../plan/github-format.js";
import { scenarioInputs, scenarioTestConfig, type ScenarioRow } from "../plan/scenario-matrix.js";
import type { MatrixEntry } from "../plan/types.js";

function generatorFor(inputs: PlanningInputs): ScenarioGenerator {
  return (keys, o) => scenarioTestConfig(inputs, { configKeys: keys, ...o });
}

/** The configs and runner map as they were at `ref` (append-only compares against them). */
async function inputsAtRef(args: ParsedArgs, io: Io, ref: string): Promise<PlanningInputs> {
  const files = [...(args["config-files"] as string[]), args["runner-config"] as string];
  const texts: SourceText[] = [];
  for (const f of files) {
    const [at] = await readFileAtRefs(isAbsolute(f) ? f : resolve(io.cwd, f), [ref]);
    if (at!.text === undefined) throw new UserError(`append-only compares the configs with the base ref, but ${f} does not exist at ${ref}`);
    texts.push({ file: `${f}@${ref.slice(0, 12)}`, text: at!.text });
  }
  const inputs = planningInputsFromTexts(texts.slice(0, -1), texts[texts.length - 1]!);
  if (inputs.dialect !== "2026-08") throw new UserError(`append-only needs 2026-08 (scenarios) configs at the base ref ${ref} too, but they are ${describeDialect(inputs.dialect)}`);
  return inputs;
}

/** The append-only delta maker, after checking the entries' scope against the base configs. */
async function appendOnlyPlanner(args: ParsedArgs, io: Io, v: ChangelogVersions, head: PlanningInputs, work: ScenarioEntryWork[], keys: string[][]) {
  const base = await inputsAtRef(args, io, v.baseRef);
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

/** --ids (and --format github): a stable id and a plan-unique artifact-safe name on every row of every bucket. */
function withIdsAndNames(plan: ScenarioChangelogPlan): void {
  const lists: ScenarioRow[][] = [...Object.values(plan.single_node), ...Object.values(plan.multi_node), plan.evals, plan.agentic_evals, plan.multinode_evals, plan.multinode_agentic_evals];
  const named = assignIdsAndNames(lists.flat() as unknown as MatrixEntry[]) as unknown as ScenarioRow[];
  let i = 0;
  for (const list of lists) for (let j = 0; j < list.length; j++) list[j] = named[i++]!;
}

export async function runScenarioChangelog(args: ParsedArgs, io: Io, v: ChangelogVersions, inputs: PlanningInputs): Promise<number> {
  const flags: ChangelogFlags = { trimConc: args["trim-conc"] === true, allEvals: args["all-evals"] === true, evalsOnly: args["evals-only"] === true };
  const found = changelogWork(v, validateScenarioChangelogEntry);
  const work = found.entries.map((e) => ({ entry: e.entry as ScenarioChangelogEntry, item: e.item }));
  let rows = { throughput: [] as ScenarioRow[], evals: [] as ScenarioRow[] };
  if (found.status === "no-new-entries") io.err(`${found.message}\n`);
  else {
    const keys = resolveScenarioKeys(work, [...scenarioInputs(inputs).configs.keys()], v.file);
    const appendOnly = checkAppendOnlyMix(work, flags);
    const delta = appendOnly ? await appendOnlyPlanner(args, io, v, inputs, work, keys) : undefined;
    rows = planScenarioEntries(work, keys, flags, generatorFor(inputs), delta);
  }
  const plan = scenarioChangelogPlan(rows, flags, v.baseRef, v.headRef, work.map((w) => w.entry));
  if (args.ids === true || args.format === "github") withIdsAndNames(plan);
  const all = [...Object.values(plan.single_node).flat(), ...Object.values(plan.multi_node).flat(), ...plan.evals, ...plan.agentic_evals, ...plan.multinode_evals, ...plan.multinode_agentic_evals] as unknown as MatrixEntry[];
  switch (args.format) {
    case "github":
      writeGithubPlan(all, { ...args, "out-dir": args["out-dir"] ?? DEFAULT_PLAN_DIR }, io, { changelog_metadata: plan.changelog_metadata });
      break;
    case "table":
      io.out(formatMatrix(all, "table"));
      io.out(`${work.length} new changelog entr${work.length === 1 ? "y" : "ies"} between ${v.baseRef} and ${v.headRef}; ${describeDialect("2026-08")}\n`);
      break;
    default:
      io.out(JSON.stringify(plan) + "\n");
  }
  return 0;
}
