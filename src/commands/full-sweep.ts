import { defineSpec, type OptionsOf } from "../cli/args.js";
import type { Io } from "../cli/io.js";
import { fullSweep, SEQ_LEN_NAMES, unmatchedFilterValues } from "../plan/matrix.js";
import { applyPolicies } from "../plan/policies.js";
import {
  COMMON_TAIL_OPTIONS,
  EVAL_OPTIONS,
  EXCLUSIVE_EVALS,
  generatorEvalsOnly,
  loadInputs,
  NODE_FILTER_OPTION,
  NODE_TYPE_OPTIONS,
  OUTPUT_ORDER_HELP,
  planPlaceOf,
  policyOptions,
  printMatrix,
  requireAtLeast,
  undefinedRunnerWarnings,
  type MatrixPlan,
  type PlanPlace,
} from "./lib/matrix-options.js";
import { checkDialectOptions, NO_EVALS_OPTION, requireOneNodeType, scenarioFullSweepPlan, SCENARIO_TYPE_OPTION } from "./matrix-2026-08.js";

export const spec = defineSpec({
  name: "full-sweep",
  summary: "Matrix of every config matching the filters",
  description: `
Expands every config that matches the filters into benchmark jobs: each
search-space entry of each sequence length, at every concurrency from
conc-start to conc-end growing by --step-size (the last value is clamped to
conc-end), or at each value of its conc-list. Filters given several values
match any of them. max-model-len is isl + osl + 200; exp-name is
<model-prefix>_<1k1k|1k8k|8k1k> (or <model-prefix>_<isl>_<osl>).

Concurrency window: --min-conc raises the start of a range (a range entirely
below it is dropped); --max-conc lowers its end (a range entirely above it
runs at --max-conc alone); conc-lists keep the values inside the window, and a
conc-list entirely above --max-conc becomes [--max-conc]. --max-tp drops
entries with a larger TP (multi-node: prefill or decode); --max-ep clamps EP.
A non-positive --min-conc, --max-conc, --max-tp or --max-ep selects nothing.

2026-08 configs (scenarios; docs/dialects.md): neither or both of
--single-node/--multi-node plan both kinds; max-model-len is isl + osl + 256;
evals are marked by default (8k1k rows at the highest and upper-median
concurrency >= 16; --no-evals, --evals-only, --all-evals); --scenario-type
picks fixed-seq-len and/or agentic-coding. Agentic rows ignore --max-tp,
--max-ep and --seq-lens and are only filtered by --min-conc/--max-conc.
--model-prefix matches the start of the config key. --format table ends with
the dialect.

${OUTPUT_ORDER_HELP}`,
  options: [
    { name: "model-prefix", kind: "string", multiple: true, metavar: "PREFIX", help: "Only configs with this model-prefix (e.g. dsr1 gptoss)" },
    { name: "precision", kind: "string", multiple: true, help: "Only configs with this precision (e.g. fp4 fp8)" },
    { name: "framework", kind: "string", multiple: true, help: "Only configs with this framework (e.g. sglang trt vllm)" },
    { name: "runner-type", kind: "string", multiple: true, metavar: "TYPE", help: "Only configs for this runner type (a key of the runner map, e.g. b200)" },
    { name: "seq-lens", kind: "string", multiple: true, choices: SEQ_LEN_NAMES, help: "Only these sequence lengths" },
    { name: "step-size", kind: "int", default: 2, metavar: "N", help: "Growth factor between concurrencies of a conc-start..conc-end range (at least 2)" },
    { name: "min-conc", kind: "int", metavar: "N", help: "Lowest concurrency to run" },
    { name: "max-conc", kind: "int", metavar: "N", help: "Highest concurrency to run" },
    { name: "max-tp", kind: "int", metavar: "N", help: "Skip entries with a larger tensor parallelism" },
    { name: "max-ep", kind: "int", metavar: "N", help: "Clamp expert parallelism to at most N" },
    ...EVAL_OPTIONS,
    NO_EVALS_OPTION,
    SCENARIO_TYPE_OPTION,
    NODE_FILTER_OPTION,
    ...NODE_TYPE_OPTIONS,
    ...COMMON_TAIL_OPTIONS,
  ],
  // 2026-02 files need exactly one of --single-node/--multi-node (requireOneNodeType); 2026-08 files take both or neither as both.
  exclusive: [{ names: [...EXCLUSIVE_EVALS.names, "no-evals"] }],
  examples: [
    "infx full-sweep --single-node --model-prefix dsr1 --runner-type b200 --max-conc 16",
    "infx full-sweep --multi-node --seq-lens 1k1k --format table",
    "infx full-sweep --single-node --evals-only --config-files configs/nvidia-master.yaml",
    "infx full-sweep --scenario-type agentic-coding --config-files examples/2026-08/nvidia-master.yaml examples/2026-08/amd-master.yaml --runner-config examples/2026-08/runners.yaml",
  ],
});

export type FullSweepOptions = OptionsOf<typeof spec>;

/** The matrix `infx full-sweep` prints (policies applied), and its warnings. */
export function plan(o: FullSweepOptions, place: PlanPlace): MatrixPlan {
  requireAtLeast("step-size", o.stepSize, 2);
  const inputs = loadInputs(o, place);
  if (inputs.dialect === "2026-08") return scenarioFullSweepPlan(o, inputs);
  checkDialectOptions(o, inputs.dialect);
  requireOneNodeType(o);
  const filters = { modelPrefix: o.modelPrefix, precision: o.precision, framework: o.framework, runnerType: o.runnerType };
  const entries = fullSweep(inputs, {
    ...filters,
    nodeType: o.multiNode ? "multi" : "single",
    seqLens: o.seqLens,
    stepSize: o.stepSize,
    minConc: o.minConc,
    maxConc: o.maxConc,
    maxTp: o.maxTp,
    maxEp: o.maxEp,
    runEvals: o.runEvals,
    evalsOnly: generatorEvalsOnly(o),
    runnerNodeFilter: o.runnerNodeFilter,
  });
  const warnings = [...unmatchedFilterValues(inputs, filters), ...undefinedRunnerWarnings(inputs, entries)];
  return { entries: applyPolicies(entries, policyOptions(o)), warnings, dialect: inputs.dialect };
}

export async function run(o: FullSweepOptions, io: Io): Promise<number> {
  return printMatrix("full-sweep", plan(o, planPlaceOf(io)), o, io);
}
