import type { CommandSpec, ParsedArgs } from "../cli/args.js";
import { UsageError, type Io } from "../cli/io.js";
import { testConfig } from "../plan/matrix.js";
import { unmatchedConcurrencies } from "../plan/matrix-concurrency.js";
import type { PlanningInputs } from "../config/load.js";
import { COMMON_TAIL_OPTIONS, EVAL_OPTIONS, EXCLUSIVE_EVALS, loadInputsFor, OUTPUT_ORDER_HELP, printMatrix, warnUndefinedRunners } from "../plan/matrix-cli.js";

export const spec: CommandSpec = {
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

${OUTPUT_ORDER_HELP.replace("configs in --config-files order, then key order\nwithin each file", "configs in --config-keys\norder")}`,
  options: [
    { name: "config-keys", kind: "string", multiple: true, required: true, metavar: "KEY", help: "Config keys to expand (see 'infx validate' for the list)" },
    { name: "conc", kind: "int", multiple: true, metavar: "N", help: "Keep only the entries' own concurrencies that are among these values (a filter)" },
    ...EVAL_OPTIONS,
    ...COMMON_TAIL_OPTIONS,
  ],
  exclusive: [EXCLUSIVE_EVALS],
  examples: ["infx test-config --config-keys dsr1-fp8-b200-sglang --conc 4 64", "infx test-config --config-keys dsr1-fp8-b200-sglang gptoss-fp4-h200-vllm --format table"],
};

export async function run(args: ParsedArgs, io: Io): Promise<number> {
  const conc = args.conc as number[] | undefined;
  const bad = conc?.find((c) => c < 1);
  if (bad !== undefined) throw new UsageError(`--conc values must be at least 1, got ${bad}`);
  const inputs = loadInputsFor(args, io);
  const configKeys = args["config-keys"] as string[];
  const entries = testConfig(inputs, {
    configKeys,
    onlyConc: conc,
    runEvals: args["run-evals"] === true,
    evalsOnly: args["evals-only"] === true && args["all-evals"] !== true, // with --all-evals the policy marks, then keeps, every eval
  });
  warnUndefinedRunners("test-config", inputs, entries, io);
  if (conc) warnUnmatchedConcurrencies(inputs, configKeys, conc, entries, io);
  return printMatrix(entries, args, io);
}

/** Names the --conc values no entry runs at, and the concurrencies the named configs do have. */
function warnUnmatchedConcurrencies(inputs: PlanningInputs, configKeys: string[], conc: number[], entries: { conc: number | number[] }[], io: Io): void {
  const missing = unmatchedConcurrencies(conc, entries);
  if (!missing.length) return;
  const own = [...new Set(testConfig(inputs, { configKeys }).flatMap((e) => e.conc))].sort((a, b) => a - b);
  const values = missing.join(", ");
  io.err(
    `infx test-config: warning: no search-space entry of ${configKeys.join(", ")} runs at concurrency ${values} (--conc filters the configs' own concurrencies); ` +
      `theirs: ${own.join(", ")}\n`,
  );
}
