/**
 * Command-line surface shared by the matrix commands (full-sweep,
 * runner-model-sweep, test-config): the reference planner's options, plus
 * --format, plus the plan policies' options; and the common run loop
 * (load inputs -> generate -> policies -> format).
 */
import type { OptSpec, ParsedArgs } from "../../cli/args.js";
import { UsageError } from "../../errors.js";
import type { Io } from "../../cli/io.js";
import { DEFAULT_CONFIG_FILES, DEFAULT_RUNNER_CONFIG, loadPlanningInputs, type PlanningInputs } from "../../config/load.js";
import { formatMatrix, MATRIX_FORMATS, type MatrixFormat } from "../../plan/format.js";
import { appendGithubOutput, DEFAULT_PLAN_DIR, writeGithubPlan } from "../../plan/github-format.js";
import type { NodeType } from "../../plan/matrix.js";
import { applyPolicies, type PolicyOptions } from "../../plan/policies.js";
import type { MatrixEntry } from "../../plan/types.js";

/** Options every plan-producing command accepts (besides the generator's own --run-evals / --evals-only). */
export const POLICY_OPTIONS: OptSpec[] = [
  { name: "trim-conc", kind: "flag", help: "Keep only the lowest concurrency of each single-node group (multi-node: conc [min]); for cheap PR smoke sweeps" },
  { name: "all-evals", kind: "flag", help: "Mark every 1k8k single-node entry to run its eval" },
  { name: "canary", kind: "flag", help: "Mark one cheap single-node entry (lowest conc, no eval, 1k1k/8k1k) canary: true and put it first; the workflow runs the rest only if it succeeds" },
  { name: "ids", kind: "flag", help: "Add a stable `id` (hash of the entry without conc/exp-name) and a unique artifact-safe `name` to every entry (always on with --format github)" },
  { name: "out-dir", kind: "string", metavar: "DIR", help: "With --format github: where to write plan.json and shards/<id>.json (default: sweep-plan)" },
];

/** Reads the policy flags out of parsed arguments (`--format github` implies ids). */
export function policyOptionsFromArgs(args: ParsedArgs): PolicyOptions {
  return {
    allEvals: args["all-evals"] === true,
    evalsOnly: args["evals-only"] === true,
    trimConc: args["trim-conc"] === true,
    canary: args.canary === true,
    ids: args.ids === true || args.format === "github",
  };
}

/** `--format github`: writes the plan files, prints the summary line and appends it to $GITHUB_OUTPUT when set. */
export function printGithubPlan(entries: MatrixEntry[], args: ParsedArgs, io: Io, extra: Record<string, unknown> = {}): void {
  const outDir = typeof args["out-dir"] === "string" ? (args["out-dir"] as string) : DEFAULT_PLAN_DIR;
  const summary = writeGithubPlan(entries, { outDir, cwd: io.cwd, extra });
  io.out(JSON.stringify(summary) + "\n");
  if (io.env.GITHUB_OUTPUT) appendGithubOutput(io.env.GITHUB_OUTPUT, summary);
}

export const INPUT_OPTIONS: OptSpec[] = [
  { name: "config-files", kind: "string", multiple: true, metavar: "FILE", default: DEFAULT_CONFIG_FILES, help: "Master config files (keys must be unique across them)" },
  { name: "runner-config", kind: "string", metavar: "FILE", default: DEFAULT_RUNNER_CONFIG, help: "Runner map: runner type -> runner node labels" },
];

export const EVAL_OPTIONS: OptSpec[] = [
  { name: "run-evals", kind: "flag", help: "Also run evals: per group, the 1k8k jobs at the highest and lowest TP, each at its highest concurrency, get run-eval: true" },
  { name: "evals-only", kind: "flag", help: "Output only the jobs --run-evals would mark" },
];

export const NODE_FILTER_OPTION: OptSpec = {
  name: "runner-node-filter",
  kind: "string",
  metavar: "TEXT",
  help: "Only runner nodes whose label contains TEXT; each job is pinned to one matching node (one job per node)",
};

export const NODE_TYPE_OPTIONS: OptSpec[] = [
  { name: "single-node", kind: "flag", help: "Single-node configs (multinode: false)" },
  { name: "multi-node", kind: "flag", help: "Multi-node disaggregated configs (multinode: true)" },
];

export const FORMAT_OPTION: OptSpec = {
  name: "format",
  kind: "string",
  choices: MATRIX_FORMATS,
  default: "json",
  help: "json: one-line JSON array (for workflows); table: compact table plus job counts per runner and sequence length; github: plan.json + shards of <=256 entries in --out-dir and a one-line summary (docs/sharding.md)",
};

/** Options every matrix command ends with. */
export const COMMON_TAIL_OPTIONS: OptSpec[] = [...INPUT_OPTIONS, FORMAT_OPTION, ...POLICY_OPTIONS];

export const EXCLUSIVE_EVALS = { names: ["run-evals", "evals-only"] };
export const EXCLUSIVE_NODE_TYPE = { names: ["single-node", "multi-node"], required: true };

export const OUTPUT_ORDER_HELP = `Output order (deterministic): configs in --config-files order, then key order
within each file; inside a config, seq-len-configs, search-space entries and
concurrencies as written (ranges ascending); with a runner node filter, one
job per matching node (runner-map order), innermost. JSON goes to stdout on
one line; warnings go to stderr.`;

export function nodeTypeOf(args: ParsedArgs): NodeType {
  return args["multi-node"] ? "multi" : "single";
}

/** Optional list option (argparse nargs='+'): undefined when absent. */
export function listArg(args: ParsedArgs, name: string): string[] | undefined {
  const v = args[name];
  return Array.isArray(v) ? (v as string[]) : undefined;
}

export function intArg(args: ParsedArgs, name: string): number | undefined {
  const v = args[name];
  return typeof v === "number" ? v : undefined;
}

export function loadInputsFor(args: ParsedArgs, io: Io): PlanningInputs {
  return loadPlanningInputs(args["config-files"] as string[], args["runner-config"] as string, {
    cwd: io.cwd,
    noCache: Boolean(io.env.INFX_NO_CACHE),
    cacheDir: io.env.INFX_CACHE_DIR || undefined,
  });
}

/** Warns (stderr) when jobs are planned for runner types the runner map does not define. */
export function warnUndefinedRunners(command: string, inputs: PlanningInputs, entries: MatrixEntry[], io: Io): void {
  if (inputs.undefinedRunners.size === 0) return;
  const used = new Set(entries.map((e) => e.runner));
  for (const [runner, keys] of inputs.undefinedRunners)
    if (used.has(runner))
      io.err(`infx ${command}: warning: runner type '${runner}' (${keys.join(", ")}) is not defined in ${inputs.runnerConfig}; its jobs wait for a runner label nobody may have\n`);
}

/** Policies, then the chosen format, to stdout. */
export function printMatrix(entries: MatrixEntry[], args: ParsedArgs, io: Io): number {
  const final = applyPolicies(entries, policyOptionsFromArgs(args));
  if (args.format === "github") printGithubPlan(final, args, io);
  else io.out(formatMatrix(final, args.format as MatrixFormat));
  return 0;
}

export function requirePositive(args: ParsedArgs, name: string, min = 1): void {
  const v = intArg(args, name);
  if (v !== undefined && v < min) throw new UsageError(`--${name} must be at least ${min}, got ${v}`);
}
