/**
 * The matrix commands (`full-sweep`, `test-config`) on a 2026-08 file set
 * (`scenarios` configs): their command-line rules and plans. The commands
 * load the inputs, see `inputs.dialect` and come here; the 2026-02-only and
 * 2026-08-only options are refused, with the reason, in the other dialect
 * (`checkDialectOptions`).
 */
import type { OptSpec } from "../cli/args.js";
import { describeDialect, type Dialect } from "../config/dialect.js";
import type { PlanningInputs } from "../config/load.js";
import { SCENARIO_TYPES, type ScenarioType } from "../config/scenario-types.js";
import { UsageError } from "../errors.js";
import { SEQ_LEN_NAMES } from "../plan/dialects/2026-08.js";
import { applyPolicies } from "../plan/policies.js";
import { scenarioFullSweep, scenarioTestConfig, type ScenarioRow } from "../plan/scenario-matrix.js";
import type { MatrixEntry } from "../plan/types.js";
import { policyOptions, type MatrixPlan, type TailOptions } from "./lib/matrix-options.js";

/** Options of the 2026-08 matrix command line (besides the shared ones). */
export const NO_EVALS_OPTION = {
  name: "no-evals",
  kind: "flag",
  help: "2026-08 configs: no eval selection (throughput only; by default 8k1k rows at the highest and upper-median concurrency >= 16 get run-eval: true)",
} as const satisfies OptSpec;
export const SCENARIO_TYPE_OPTION = {
  name: "scenario-type",
  kind: "string",
  multiple: true,
  choices: SCENARIO_TYPES,
  metavar: "TYPE",
  help: "2026-08 configs: only these scenario kinds (fixed-seq-len, agentic-coding; default both)",
} as const satisfies OptSpec;
export const TEST_CONFIG_SEQ_LENS_OPTION = {
  name: "seq-lens",
  kind: "string",
  multiple: true,
  choices: SEQ_LEN_NAMES,
  help: "2026-08 configs: only these fixed-seq-len lengths (agentic rows are kept)",
} as const satisfies OptSpec;
export const TEST_CONFIG_NODE_FILTER_OPTION = {
  name: "runner-node-filter",
  kind: "string",
  metavar: "TEXT",
  help: "2026-08 configs: one job per runner node (or the label itself) containing TEXT; configs with none are left out",
} as const satisfies OptSpec;

/** The options of a matrix command that only one dialect knows. */
export interface DialectOptions {
  noEvals?: boolean;
  scenarioType?: ScenarioType[];
  runEvals?: boolean;
}

/** Options that only one dialect knows, with what to do instead. */
const ONLY_IN: Record<string, { dialect: Dialect; instead: string }> = {
  "no-evals": { dialect: "2026-08", instead: "with seq-len-configs files evals are off unless --run-evals" },
  "scenario-type": { dialect: "2026-08", instead: "seq-len-configs files have no scenarios" },
  "run-evals": { dialect: "2026-02", instead: "with scenarios files evals are on by default (--no-evals turns them off)" },
};

function given(v: unknown): boolean {
  return v !== undefined && v !== false && !(Array.isArray(v) && v.length === 0);
}

/**
 * Refuses options of the other dialect, naming the dialect of the files.
 * `extra`: more 2026-08-only options, by name, each with its value and what to do instead.
 */
export function checkDialectOptions(o: DialectOptions, dialect: Dialect, extra: Record<string, { value: unknown; instead: string }> = {}): void {
  const values: Record<string, unknown> = { "no-evals": o.noEvals, "scenario-type": o.scenarioType, "run-evals": o.runEvals };
  const rules = { ...ONLY_IN };
  for (const [name, e] of Object.entries(extra)) {
    values[name] = e.value;
    rules[name] = { dialect: "2026-08", instead: e.instead };
  }
  for (const [name, rule] of Object.entries(rules))
    if (rule.dialect !== dialect && given(values[name]))
      throw new UsageError(
        `--${name} applies to ${describeDialect(rule.dialect)} files, but these files are ${describeDialect(dialect)}${rule.instead ? `; ${rule.instead}` : ""}`,
      );
}

/** The 2026-02 node-type rule: exactly one of --single-node / --multi-node. */
export function requireOneNodeType(o: { singleNode: boolean; multiNode: boolean }): void {
  if (o.singleNode && o.multiNode)
    throw new UsageError("--single-node and --multi-node cannot be used together (2026-02 configs; with 2026-08 configs both or neither mean both kinds)");
  if (!o.singleNode && !o.multiNode)
    throw new UsageError("one of --single-node | --multi-node is required (2026-02 configs; with 2026-08 configs neither means both kinds)");
}

interface EvalOptions {
  noEvals?: boolean;
  evalsOnly: boolean;
  allEvals: boolean;
}

function evalFlags(o: EvalOptions): Required<EvalOptions> {
  const f = { noEvals: o.noEvals === true, evalsOnly: o.evalsOnly, allEvals: o.allEvals };
  if (f.noEvals && f.allEvals) throw new UsageError("--all-evals cannot be combined with --no-evals");
  if (f.noEvals && f.evalsOnly) throw new UsageError("--evals-only cannot be combined with --no-evals");
  return f;
}

function checkSeqLens(s: readonly string[] | undefined): string[] | undefined {
  const bad = s?.filter((x) => !SEQ_LEN_NAMES.includes(x));
  if (bad?.length)
    throw new UsageError(
      `--seq-lens: ${bad.map((b) => `'${b}'`).join(", ")} is not a sequence length of 2026-08 configs (choose from ${SEQ_LEN_NAMES.join(", ")})`,
    );
  return s ? [...s] : undefined;
}

/** The plan of 2026-08 rows; the generator already applied the eval flags, so only the other policies run. */
function scenarioPlan(rows: ScenarioRow[], o: TailOptions): MatrixPlan {
  const opts = { ...policyOptions(o), allEvals: false, evalsOnly: false };
  return { entries: applyPolicies(rows as unknown as MatrixEntry[], opts), warnings: [], dialect: "2026-08" };
}

/** What `full-sweep` passes for 2026-08 configs. */
export interface ScenarioFullSweepOptions extends TailOptions, DialectOptions, EvalOptions {
  modelPrefix?: string[];
  precision?: string[];
  framework?: string[];
  runnerType?: string[];
  singleNode: boolean;
  multiNode: boolean;
  seqLens?: readonly string[];
  stepSize?: number;
  minConc?: number;
  maxConc?: number;
  maxTp?: number;
  maxEp?: number;
  runnerNodeFilter?: string;
}

export function scenarioFullSweepPlan(o: ScenarioFullSweepOptions, inputs: PlanningInputs): MatrixPlan {
  checkDialectOptions(o, "2026-08");
  const bothOrNeither = o.singleNode === o.multiNode;
  const rows = scenarioFullSweep(inputs, {
    modelPrefix: o.modelPrefix,
    precision: o.precision,
    framework: o.framework,
    runnerType: o.runnerType,
    singleNode: bothOrNeither || o.singleNode,
    multiNode: bothOrNeither || o.multiNode,
    seqLens: checkSeqLens(o.seqLens),
    stepSize: o.stepSize,
    minConc: o.minConc,
    maxConc: o.maxConc,
    maxTp: o.maxTp,
    maxEp: o.maxEp,
    runnerNodeFilter: o.runnerNodeFilter,
    scenarioTypes: o.scenarioType,
    ...evalFlags(o),
  });
  return scenarioPlan(rows, o);
}

/** What `test-config` passes for 2026-08 configs. */
export interface ScenarioTestConfigCommandOptions extends TailOptions, DialectOptions, EvalOptions {
  configKeys: string[];
  conc?: number[];
  seqLens?: readonly string[];
  runnerNodeFilter?: string;
}

export function scenarioTestConfigPlan(o: ScenarioTestConfigCommandOptions, inputs: PlanningInputs): MatrixPlan {
  checkDialectOptions(o, "2026-08");
  const rows = scenarioTestConfig(inputs, {
    configKeys: o.configKeys,
    conc: o.conc,
    seqLens: checkSeqLens(o.seqLens),
    runnerNodeFilter: o.runnerNodeFilter,
    scenarioTypes: o.scenarioType,
    ...evalFlags(o),
  });
  return scenarioPlan(rows, o);
}
