import type { CommandSpec, ParsedArgs } from "../cli/args.js";
import type { Io } from "../cli/io.js";
import { runnerModelSweep, unmatchedFilterValues } from "../plan/matrix.js";
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
  printMatrix,
  warnUndefinedRunners,
  requirePositive,
} from "./lib/matrix-options.js";

export const spec: CommandSpec = {
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
};

export async function run(args: ParsedArgs, io: Io): Promise<number> {
  requirePositive(args, "conc");
  const inputs = loadInputsFor(args, io);
  const filters = { modelPrefix: listArg(args, "model-prefix"), precision: listArg(args, "precision"), framework: listArg(args, "framework") };
  const entries = runnerModelSweep(inputs, {
    ...filters,
    runnerType: args["runner-type"] as string,
    nodeType: nodeTypeOf(args),
    conc: intArg(args, "conc"),
    runnerNodeFilter: args["runner-node-filter"] as string | undefined,
    runEvals: args["run-evals"] === true,
    evalsOnly: args["evals-only"] === true && args["all-evals"] !== true, // with --all-evals the policy marks, then keeps, every eval
  });
  for (const w of unmatchedFilterValues(inputs, filters)) io.err(`infx runner-model-sweep: warning: ${w}\n`);
  warnUndefinedRunners("runner-model-sweep", inputs, entries, io);
  return printMatrix(entries, args, io);
}
