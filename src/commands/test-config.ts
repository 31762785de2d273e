import type { CommandSpec, ParsedArgs } from "../cli/args.js";
import { UsageError, type Io } from "../cli/io.js";
import { describeDialect } from "../config/dialect.js";
import { testConfig } from "../plan/matrix.js";
import { checkDialectOptions, NO_EVALS_OPTION, runScenarioTestConfig, SCENARIO_TYPE_OPTION, TEST_CONFIG_NODE_FILTER_OPTION, TEST_CONFIG_SEQ_LENS_OPTION } from "./matrix-2026-08.js";
import { COMMON_TAIL_OPTIONS, EVAL_OPTIONS, EXCLUSIVE_EVALS, loadInputsFor, OUTPUT_ORDER_HELP, printMatrix, warnUndefinedRunners } from "../plan/matrix-cli.js";

export const spec: CommandSpec = {
  name: "test-config",
  summary: "Matrix of named config keys",
  description: `
Every search-space entry of the named configs, at every sequence length and
every concurrency of its range (growing by 2) or conc-list. --conc replaces the
concurrencies: single-node entries get one job per value, multi-node entries
run the whole list. A key named twice is expanded once.

2026-08 configs (scenarios; docs/dialects.md): --config-keys may be patterns
(* and ?; one matching nothing is an error), --conc keeps only the configured
concurrencies it names, --seq-lens and --runner-node-filter narrow the rows,
--scenario-type picks the scenario kinds, and evals are marked by default
(--no-evals, --evals-only, --all-evals).

${OUTPUT_ORDER_HELP.replace("configs in --config-files order, then key order\nwithin each file", "configs in --config-keys\norder")}`,
  options: [
    { name: "config-keys", kind: "string", multiple: true, required: true, metavar: "KEY", help: "Config keys to expand (see 'infx validate' for the list)" },
    { name: "conc", kind: "int", multiple: true, metavar: "N", help: "Run at exactly these concurrencies" },
    ...EVAL_OPTIONS,
    NO_EVALS_OPTION,
    SCENARIO_TYPE_OPTION,
    TEST_CONFIG_SEQ_LENS_OPTION,
    TEST_CONFIG_NODE_FILTER_OPTION,
    ...COMMON_TAIL_OPTIONS,
  ],
  exclusive: [{ names: [...EXCLUSIVE_EVALS.names, "no-evals"] }],
  examples: ["infx test-config --config-keys dsr1-fp8-b200-sglang --conc 4 64", "infx test-config --config-keys dsr1-fp8-b200-sglang gptoss-fp4-h200-vllm --format table"],
};

export async function run(args: ParsedArgs, io: Io): Promise<number> {
  const conc = args.conc as number[] | undefined;
  const bad = conc?.find((c) => c < 1);
  if (bad !== undefined) throw new UsageError(`--conc values must be at least 1, got ${bad}`);
  const inputs = loadInputsFor(args, io);
  if (inputs.dialect === "2026-08") return runScenarioTestConfig(args, inputs, io);
  checkDialectOptions(args, inputs.dialect, { "seq-lens": "2026-02 test-config runs every sequence length", "runner-node-filter": "2026-02 test-config runs on the config's runner type" });
  const entries = testConfig(inputs, {
    configKeys: args["config-keys"] as string[],
    conc,
    runEvals: args["run-evals"] === true,
    evalsOnly: args["evals-only"] === true && args["all-evals"] !== true, // with --all-evals the policy marks, then keeps, every eval
  });
  warnUndefinedRunners("test-config", inputs, entries, io);
  printMatrix(entries, args, io);
  if (args.format === "table") io.out(`${describeDialect(inputs.dialect)}\n`);
  return 0;
}
