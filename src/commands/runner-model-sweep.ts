import { defineSpec, type OptionsOf } from "../cli/args.js";
import type { Io } from "../cli/io.js";
import { runnerModelSweep, unmatchedFilterValues } from "../plan/matrix.js";
import { applyPolicies } from "../plan/policies.js";
import {
  COMMON_TAIL_OPTIONS,
  EVAL_OPTIONS,
  EXCLUSIVE_EVALS,
  EXCLUSIVE_NODE_TYPE,
  generatorEvalsOnly,
  loadInputs,
  NODE_FILTER_OPTION,
  NODE_TYPE_OPTIONS,
  planPlaceOf,
  policyOptions,
  printMatrix,
  requireAtLeast,
  undefinedRunnerWarnings,
  type MatrixPlan,
  type PlanPlace,
} from "./lib/matrix-options.js";

export const spec = defineSpec({
  name: "runner-model-sweep",
  summary: "Matrix that exercises every node of one runner type",
  description: `
One short smoke-test job per config of the runner type and per runner node of
that type (e.g. to check every node after maintenance). From each config's
1k1k block (configs without one are skipped) it takes, for single-node
configs, the first search-space entry with the highest TP at its lowest
concurrency; for multi-node configs, the entry with the lowest concurrency.
--conc replaces the concurrency. max-model-len is 2048 and exp-name is
<model-prefix>_test.

Output order: configs in --config-files order, then key order within each
file; for each config, one job per runner node in runner-map order. The JSON
array is printed on one line on stdout.`,
  options: [
    { name: "runner-type", kind: "string", required: true, metavar: "TYPE", help: "Runner type whose nodes to exercise (a key of the runner map)" },
    { name: "model-prefix", kind: "string", multiple: true, metavar: "PREFIX", help: "Only configs with this model-prefix" },
    { name: "precision", kind: "string", multiple: true, help: "Only configs with this precision" },
    { name: "framework", kind: "string", multiple: true, help: "Only configs with this framework" },
    { name: "conc", kind: "int", metavar: "N", help: "Concurrency of every job (default: the entry's lowest)" },
    ...EVAL_OPTIONS,
    NODE_FILTER_OPTION,
    ...NODE_TYPE_OPTIONS,
    ...COMMON_TAIL_OPTIONS,
  ],
  exclusive: [EXCLUSIVE_NODE_TYPE, EXCLUSIVE_EVALS],
  examples: ["infx runner-model-sweep --runner-type h200 --single-node", "infx runner-model-sweep --runner-type gb200 --multi-node --runner-node-filter nv_0"],
});

export type RunnerModelSweepOptions = OptionsOf<typeof spec>;

/** The matrix `infx runner-model-sweep` prints (policies applied), and its warnings. */
export function plan(o: RunnerModelSweepOptions, place: PlanPlace): MatrixPlan {
  requireAtLeast("conc", o.conc);
  const inputs = loadInputs(o, place);
  const filters = { modelPrefix: o.modelPrefix, precision: o.precision, framework: o.framework };
  const entries = runnerModelSweep(inputs, {
    ...filters,
    runnerType: o.runnerType,
    nodeType: o.multiNode ? "multi" : "single",
    conc: o.conc,
    runnerNodeFilter: o.runnerNodeFilter,
    runEvals: o.runEvals,
    evalsOnly: generatorEvalsOnly(o),
  });
  const warnings = [...unmatchedFilterValues(inputs, filters), ...undefinedRunnerWarnings(inputs, entries)];
  return { entries: applyPolicies(entries, policyOptions(o)), warnings };
}

export async function run(o: RunnerModelSweepOptions, io: Io): Promise<number> {
  return printMatrix("runner-model-sweep", plan(o, planPlaceOf(io)), o, io);
}
