import { defineSpec, type OptionsOf } from "../cli/args.js";
import { UsageError, type Io } from "../cli/io.js";
import { testConfig } from "../plan/matrix.js";
import { applyPolicies } from "../plan/policies.js";
import {
  COMMON_TAIL_OPTIONS,
  EVAL_OPTIONS,
  EXCLUSIVE_EVALS,
  generatorEvalsOnly,
  loadInputs,
  OUTPUT_ORDER_HELP,
  planPlaceOf,
  policyOptions,
  printMatrix,
  undefinedRunnerWarnings,
  type MatrixPlan,
  type PlanPlace,
} from "./lib/matrix-options.js";
import {
  checkDialectOptions,
  NO_EVALS_OPTION,
  scenarioTestConfigPlan,
  SCENARIO_TYPE_OPTION,
  TEST_CONFIG_NODE_FILTER_OPTION,
  TEST_CONFIG_SEQ_LENS_OPTION,
} from "./matrix-2026-08.js";
import type { PlanningInputs } from "../config/load.js";
import { unmatchedConcurrencies } from "../plan/matrix-concurrency.js";

export const spec = defineSpec({
  name: "test-config",
  summary: "Matrix of named config keys",
  description: `
Every search-space entry of the named configs, at every sequence length and
every concurrency of its range (growing by 2) or conc-list. A key named twice
is expanded once.

--conc N... filters: each entry keeps only those of its own concurrencies that
are among the values. A single-node entry with none of them gives no job; a
multi-node entry keeps the filtered list and is left out when it is empty. An
empty matrix is printed as [] with a warning naming the values no entry has
(and the concurrencies the configs do have). To run at concurrencies that are
not in the configs, use 'infx sweep --local --config-keys K --conc N...'.

2026-08 configs (scenarios; docs/dialects.md): --config-keys may be patterns
(* and ?; one matching nothing is an error), --conc keeps only the configured
concurrencies it names, --seq-lens and --runner-node-filter narrow the rows,
--scenario-type picks the scenario kinds, and evals are marked by default
(--no-evals, --evals-only, --all-evals).

${OUTPUT_ORDER_HELP.replace("configs in --config-files order, then key order\nwithin each file", "configs in --config-keys\norder")}`,
  options: [
    { name: "config-keys", kind: "string", multiple: true, required: true, metavar: "KEY", help: "Config keys to expand (see 'infx validate' for the list)" },
    { name: "conc", kind: "int", multiple: true, metavar: "N", help: "Keep only the entries' own concurrencies that are among these values (a filter)" },
    ...EVAL_OPTIONS,
    NO_EVALS_OPTION,
    SCENARIO_TYPE_OPTION,
    TEST_CONFIG_SEQ_LENS_OPTION,
    TEST_CONFIG_NODE_FILTER_OPTION,
    ...COMMON_TAIL_OPTIONS,
  ],
  exclusive: [{ names: [...EXCLUSIVE_EVALS.names, "no-evals"] }],
  examples: [
    "infx test-config --config-keys dsr1-fp8-b200-sglang --conc 4 64",
    "infx test-config --config-keys dsr1-fp8-b200-sglang gptoss-fp4-h200-vllm --format table",
  ],
});

export type TestConfigOptions = OptionsOf<typeof spec>;

/** The matrix `infx test-config` prints (policies applied), and its warnings. */
export function plan(o: TestConfigOptions, place: PlanPlace): MatrixPlan {
  const bad = o.conc?.find((c) => c < 1);
  if (bad !== undefined) throw new UsageError(`--conc values must be at least 1, got ${bad}`);
  const inputs = loadInputs(o, place);
  if (inputs.dialect === "2026-08") return scenarioTestConfigPlan(o, inputs);
  checkDialectOptions(o, inputs.dialect, {
    "seq-lens": { value: o.seqLens, instead: "2026-02 test-config runs every sequence length" },
    "runner-node-filter": { value: o.runnerNodeFilter, instead: "2026-02 test-config runs on the config's runner type" },
  });
  const entries = testConfig(inputs, {
    configKeys: o.configKeys,
    onlyConc: o.conc,
    runEvals: o.runEvals,
    evalsOnly: generatorEvalsOnly(o),
  });
  const warnings = undefinedRunnerWarnings(inputs, entries);
  if (o.conc) warnings.push(...unmatchedConcurrencyWarnings(inputs, o.configKeys, o.conc, entries));
  return { entries: applyPolicies(entries, policyOptions(o)), warnings, dialect: inputs.dialect };
}

export async function run(o: TestConfigOptions, io: Io): Promise<number> {
  return printMatrix("test-config", plan(o, planPlaceOf(io)), o, io);
}

/** Names the --conc values no entry runs at, and the concurrencies the named configs do have. */
function unmatchedConcurrencyWarnings(inputs: PlanningInputs, configKeys: string[], conc: number[], entries: { conc: number | number[] }[]): string[] {
  const missing = unmatchedConcurrencies(conc, entries);
  if (!missing.length) return [];
  const own = [...new Set(testConfig(inputs, { configKeys }).flatMap((e) => e.conc))].sort((a, b) => a - b);
  return [
    `no search-space entry of ${configKeys.join(", ")} runs at concurrency ${missing.join(", ")} (--conc filters the configs' own concurrencies); theirs: ${own.join(", ")}`,
  ];
}
