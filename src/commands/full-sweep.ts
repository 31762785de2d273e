import type { CommandSpec, ParsedArgs } from "../cli/args.js";
import type { Io } from "../cli/io.js";
import { fullSweep, SEQ_LEN_NAMES, unmatchedFilterValues } from "../plan/matrix.js";
import {
  COMMON_TAIL_OPTIONS,
  EVAL_OPTIONS,
  EXCLUSIVE_EVALS,
  EXCLUSIVE_NODE_TYPE,
  intArg,
  listArg,
  loadInputsFor,
  NODE_FILTER_OPTION,
  NODE_TYPE_OPTIONS,
  nodeTypeOf,
  OUTPUT_ORDER_HELP,
  printMatrix,
  warnUndefinedRunners,
  requirePositive,
} from "./lib/matrix-options.js";

export const spec: CommandSpec = {
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
    NODE_FILTER_OPTION,
    ...NODE_TYPE_OPTIONS,
    ...COMMON_TAIL_OPTIONS,
  ],
  exclusive: [EXCLUSIVE_NODE_TYPE, EXCLUSIVE_EVALS],
  examples: [
    "infx full-sweep --single-node --model-prefix dsr1 --runner-type b200 --max-conc 16",
    "infx full-sweep --multi-node --seq-lens 1k1k --format table",
    "infx full-sweep --single-node --evals-only --config-files configs/nvidia-master.yaml",
  ],
};

export async function run(args: ParsedArgs, io: Io): Promise<number> {
  requirePositive(args, "step-size", 2);
  const inputs = loadInputsFor(args, io);
  const filters = {
    modelPrefix: listArg(args, "model-prefix"),
    precision: listArg(args, "precision"),
    framework: listArg(args, "framework"),
    runnerType: listArg(args, "runner-type"),
  };
  const entries = fullSweep(inputs, {
    ...filters,
    nodeType: nodeTypeOf(args),
    seqLens: listArg(args, "seq-lens"),
    stepSize: intArg(args, "step-size"),
    minConc: intArg(args, "min-conc"),
    maxConc: intArg(args, "max-conc"),
    maxTp: intArg(args, "max-tp"),
    maxEp: intArg(args, "max-ep"),
    runEvals: args["run-evals"] === true,
    evalsOnly: args["evals-only"] === true && args["all-evals"] !== true, // with --all-evals the policy marks, then keeps, every eval
    runnerNodeFilter: args["runner-node-filter"] as string | undefined,
  });
  for (const w of unmatchedFilterValues(inputs, filters)) io.err(`infx full-sweep: warning: ${w}\n`);
  warnUndefinedRunners("full-sweep", inputs, entries, io);
  return printMatrix(entries, args, io);
}
