/**
 * The matrix commands (`full-sweep`, `test-config`) on a 2026-08 file set
 * (`scenarios` configs): their command-line rules and the run loop. The
 * commands load the inputs, see `inputs.dialect` and come here; the
 * 2026-02-only and 2026-08-only options are refused, with the reason, in the
 * other dialect (`checkDialectOptions`).
 */
import type { OptSpec, ParsedArgs } from "../cli/args.js";
import type { Io } from "../cli/io.js";
import { describeDialect, type Dialect } from "../config/dialect.js";
import type { PlanningInputs } from "../config/load.js";
import type { ScenarioType } from "../config/scenario-types.js";
import { SCENARIO_TYPES } from "../config/scenario-types.js";
import { UsageError } from "../errors.js";
import { SEQ_LEN_NAMES } from "./../plan/dialects/2026-08.js";
import { formatMatrix, type MatrixFormat } from "../plan/format.js";
import { writeGithubPlan } from "../plan/github-format.js";
import { applyPlanPolicies, policyOptionsFromArgs } from "../plan/policies.js";
import { scenarioFullSweep, scenarioTestConfig, type ScenarioRow } from "../plan/scenario-matrix.js";
import type { MatrixEntry } from "../plan/types.js";

/** Options of the 2026-08 matrix command line (besides the shared ones). */
export const NO_EVALS_OPTION: OptSpec = {
  name: "no-evals",
  kind: "flag",
  help: "2026-08 configs: no eval selection (throughput only; by default 8k1k rows at the highest and upper-median concurrency >= 16 get run-eval: true)",
};
export const SCENARIO_TYPE_OPTION: OptSpec = {
  name: "scenario-type",
  kind: "string",
  multiple: true,
  choices: SCENARIO_TYPES,
  metavar: "TYPE",
  help: "2026-08 configs: only these scenario kinds (fixed-seq-len, agentic-coding; default both)",
};
export const TEST_CONFIG_SEQ_LENS_OPTION: OptSpec = { name: "seq-lens", kind: "string", multiple: true, choices: SEQ_LEN_NAMES, help: "2026-08 configs: only these fixed-seq-len lengths (agentic rows are kept)" };
export const TEST_CONFIG_NODE_FILTER_OPTION: OptSpec = {
  name: "runner-node-filter",
  kind: "string",
  metavar: "TEXT",
  help: "2026-08 configs: one job per runner node (or the label itself) containing TEXT; configs with none are left out",
};

/** Options that only one dialect knows, with what to do instead. */
const ONLY_IN: Record<string, { dialect: Dialect; instead: string }> = {
  "no-evals": { dialect: "2026-08", instead: "with seq-len-configs files evals are off unless --run-evals" },
  "scenario-type": { dialect: "2026-08", instead: "seq-len-configs files have no scenarios" },
  "run-evals": { dialect: "2026-02", instead: "with scenarios files evals are on by default (--no-evals turns them off)" },
};

function given(args: ParsedArgs, name: string): boolean {
  const v = args[name];
  return v !== undefined && v !== false && !(Array.isArray(v) && v.length === 0);
}

/** Refuses options of the other dialect, naming the dialect of the files. */
export function checkDialectOptions(args: ParsedArgs, dialect: Dialect, extra: Record<string, string> = {}): void {
  for (const [name, rule] of Object.entries({ ...ONLY_IN, ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, { dialect: "2026-08" as Dialect, instead: v }])) }))
    if (rule.dialect !== dialect && given(args, name))
      throw new UsageError(`--${name} applies to ${describeDialect(rule.dialect)} files, but these files are ${describeDialect(dialect)}${rule.instead ? `; ${rule.instead}` : ""}`);
}

/** The 2026-02 node-type rule: exactly one of --single-node / --multi-node. */
export function requireOneNodeType(args: ParsedArgs): void {
  const both = args["single-node"] === true && args["multi-node"] === true;
  if (both) throw new UsageError("--single-node and --multi-node cannot be used together (2026-02 configs; with 2026-08 configs both or neither mean both kinds)");
  if (args["single-node"] !== true && args["multi-node"] !== true) throw new UsageError("one of --single-node | --multi-node is required (2026-02 configs; with 2026-08 configs neither means both kinds)");
}

function evalFlags(args: ParsedArgs) {
  const f = { noEvals: args["no-evals"] === true, evalsOnly: args["evals-only"] === true, allEvals: args["all-evals"] === true };
  if (f.noEvals && f.allEvals) throw new UsageError("--all-evals cannot be combined with --no-evals");
  if (f.noEvals && f.evalsOnly) throw new UsageError("--evals-only cannot be combined with --no-evals");
  return f;
}

const list = (args: ParsedArgs, name: string) => (Array.isArray(args[name]) ? (args[name] as string[]) : undefined);
const int = (args: ParsedArgs, name: string) => (typeof args[name] === "number" ? (args[name] as number) : undefined);

function checkSeqLens(args: ParsedArgs): string[] | undefined {
  const s = list(args, "seq-lens");
  const bad = s?.filter((x) => !SEQ_LEN_NAMES.includes(x));
  if (bad?.length) throw new UsageError(`--seq-lens: ${bad.map((b) => `'${b}'`).join(", ")} is not a sequence length of 2026-08 configs (choose from ${SEQ_LEN_NAMES.join(", ")})`);
  return s;
}

/** Prints rows like the 2026-02 commands do; the generator already applied the eval flags, so only the other policies run. */
export function printScenarioRows(rows: ScenarioRow[], args: ParsedArgs, io: Io, dialect: Dialect): number {
  const opts = { ...policyOptionsFromArgs(args), allEvals: false, evalsOnly: false };
  const final = applyPlanPolicies(rows as unknown as MatrixEntry[], opts);
  if (args.format === "github") writeGithubPlan(final, args, io);
  else {
    io.out(formatMatrix(final, args.format as MatrixFormat));
    if (args.format === "table") io.out(`${describeDialect(dialect)}\n`);
  }
  return 0;
}

export function runScenarioFullSweep(args: ParsedArgs, inputs: PlanningInputs, io: Io): number {
  checkDialectOptions(args, "2026-08");
  const bothOrNeither = args["single-node"] === args["multi-node"];
  const rows = scenarioFullSweep(inputs, {
    modelPrefix: list(args, "model-prefix"),
    precision: list(args, "precision"),
    framework: list(args, "framework"),
    runnerType: list(args, "runner-type"),
    singleNode: bothOrNeither || args["single-node"] === true,
    multiNode: bothOrNeither || args["multi-node"] === true,
    seqLens: checkSeqLens(args),
    stepSize: int(args, "step-size"),
    minConc: int(args, "min-conc"),
    maxConc: int(args, "max-conc"),
    maxTp: int(args, "max-tp"),
    maxEp: int(args, "max-ep"),
    runnerNodeFilter: args["runner-node-filter"] as string | undefined,
    scenarioTypes: list(args, "scenario-type") as ScenarioType[] | undefined,
    ...evalFlags(args),
  });
  return printScenarioRows(rows, args, io, "2026-08");
}

export function runScenarioTestConfig(args: ParsedArgs, inputs: PlanningInputs, io: Io): number {
  checkDialectOptions(args, "2026-08");
  const rows = scenarioTestConfig(inputs, {
    configKeys: args["config-keys"] as string[],
    conc: args.conc as number[] | undefined,
    seqLens: checkSeqLens(args),
    runnerNodeFilter: args["runner-node-filter"] as string | undefined,
    scenarioTypes: list(args, "scenario-type") as ScenarioType[] | undefined,
    ...evalFlags(args),
  });
  return printScenarioRows(rows, args, io, "2026-08");
}
