/**
 * Command-line surface shared by the matrix commands (full-sweep,
 * runner-model-sweep, test-config) and `infx changelog`: the reference
 * planner's options, plus --format, plus the plan policies' options; and the
 * common tail of a run (policies -> format -> stdout).
 */
import { defineOptions, type OptSpec } from "../../cli/args.js";
import { UsageError } from "../../errors.js";
import type { Io } from "../../cli/io.js";
import { describeDialect, type Dialect } from "../../config/dialect.js";
import { DEFAULT_CONFIG_FILES, DEFAULT_RUNNER_CONFIG, loadPlanningInputs, type PlanningInputs } from "../../config/load.js";
import { formatMatrix, MATRIX_FORMATS, type MatrixFormat } from "../../plan/format.js";
import { appendGithubOutput, DEFAULT_PLAN_DIR, writeGithubPlan } from "../../plan/github-format.js";
import type { PolicyOptions } from "../../plan/policies.js";
import type { MatrixEntry } from "../../plan/types.js";
import { resolvePlanDigests } from "../../registry/oci-digest.js";

export const INPUT_OPTIONS = defineOptions([
  {
    name: "config-files",
    kind: "string",
    multiple: true,
    metavar: "FILE",
    default: DEFAULT_CONFIG_FILES,
    help: "Master config files (keys must be unique across them)",
  },
  { name: "runner-config", kind: "string", metavar: "FILE", default: DEFAULT_RUNNER_CONFIG, help: "Runner map: runner type -> runner node labels" },
]);

export const EVAL_OPTIONS = defineOptions([
  {
    name: "run-evals",
    kind: "flag",
    help: "Also run evals: per group, the 1k8k jobs at the highest and lowest TP, each at its highest concurrency, get run-eval: true",
  },
  { name: "evals-only", kind: "flag", help: "Output only the jobs --run-evals would mark" },
]);

export const NODE_FILTER_OPTION = {
  name: "runner-node-filter",
  kind: "string",
  metavar: "TEXT",
  help: "Only runner nodes whose label contains TEXT; each job is pinned to one matching node (one job per node)",
} as const satisfies OptSpec;

export const NODE_TYPE_OPTIONS = defineOptions([
  { name: "single-node", kind: "flag", help: "Single-node configs (multinode: false)" },
  { name: "multi-node", kind: "flag", help: "Multi-node disaggregated configs (multinode: true)" },
]);

export const FORMAT_OPTION = {
  name: "format",
  kind: "string",
  choices: MATRIX_FORMATS,
  default: "json",
  help: "json: one-line JSON array (for workflows); table: compact table plus job counts per runner and sequence length; github: plan.json + shards of <=256 entries in --out-dir and a one-line summary (docs/sharding.md)",
} as const satisfies OptSpec;

/** Options every plan-producing command accepts (besides the generator's own --run-evals / --evals-only). */
export const POLICY_OPTIONS = defineOptions([
  { name: "trim-conc", kind: "flag", help: "Keep only the lowest concurrency of each single-node group (multi-node: conc [min]); for cheap PR smoke sweeps" },
  { name: "all-evals", kind: "flag", help: "Mark every 1k8k single-node entry to run its eval" },
  {
    name: "canary",
    kind: "flag",
    help: "Mark one cheap single-node entry (lowest conc, no eval, 1k1k/8k1k) canary: true and put it first; the workflow runs the rest only if it succeeds",
  },
  {
    name: "ids",
    kind: "flag",
    help: "Add a stable `id` (hash of the entry without conc/exp-name) and a unique artifact-safe `name` to every entry (always on with --format github)",
  },
  { name: "out-dir", kind: "string", metavar: "DIR", help: "With --format github: where to write plan.json and shards/<id>.json (default: sweep-plan)" },
]);

/** Image digests (src/plan/image-digests.ts): off by default, so the matrix is the reference planner's byte for byte. */
export const DIGEST_OPTIONS = defineOptions([
  {
    name: "resolve-digests",
    kind: "flag",
    help: "Ask each image's registry (once per distinct image) for the digest of its tag and add image-digest: sha256:... to every entry; the benchmark job then runs name@digest (docs/security.md)",
  },
  { name: "digest-timeout", kind: "int", default: 30, metavar: "SECONDS", help: "With --resolve-digests: how long one image's registry may take" },
]);

/** Options every matrix command ends with. */
export const COMMON_TAIL_OPTIONS = defineOptions([...INPUT_OPTIONS, FORMAT_OPTION, ...POLICY_OPTIONS, ...DIGEST_OPTIONS]);

export const EXCLUSIVE_EVALS = { names: ["run-evals", "evals-only"] } as const;
export const EXCLUSIVE_NODE_TYPE = { names: ["single-node", "multi-node"], required: true } as const;

export const OUTPUT_ORDER_HELP = `Output order (deterministic): configs in --config-files order, then key order
within each file; inside a config, seq-len-configs, search-space entries and
concurrencies as written (ranges ascending); with a runner node filter, one
job per matching node (runner-map order), innermost. JSON goes to stdout on
one line; warnings go to stderr.`;

/** The typed options of the shared tail (what `policyOptions`, `loadInputs` and `printMatrix` read). */
export interface TailOptions {
  configFiles: string[];
  runnerConfig: string;
  format: MatrixFormat;
  trimConc: boolean;
  allEvals: boolean;
  canary: boolean;
  ids: boolean;
  outDir?: string;
  evalsOnly: boolean;
  resolveDigests: boolean;
  digestTimeout: number;
}

/** Where a plan is made: the working directory and the planner's cache settings. */
export interface PlanPlace {
  cwd: string;
  noCache?: boolean;
  cacheDir?: string;
}

/** A matrix command's result before it is printed: the entries (policies applied) and the warnings for stderr. */
export interface MatrixPlan {
  entries: MatrixEntry[];
  warnings: string[];
  /** The config dialect planned (--format table ends with it). */
  dialect?: Dialect;
}

export function planPlaceOf(io: Pick<Io, "cwd" | "env">): PlanPlace {
  return { cwd: io.cwd, noCache: Boolean(io.env.INFX_NO_CACHE), cacheDir: io.env.INFX_CACHE_DIR || undefined };
}

/** The policy flags (`--format github` implies ids). */
export function policyOptions(o: TailOptions): PolicyOptions {
  return { allEvals: o.allEvals, evalsOnly: o.evalsOnly, trimConc: o.trimConc, canary: o.canary, ids: o.ids || o.format === "github" };
}

/** With --all-evals the policy marks, then keeps, every eval: the generator must not filter first. */
export function generatorEvalsOnly(o: { evalsOnly: boolean; allEvals: boolean }): boolean {
  return o.evalsOnly && !o.allEvals;
}

export function loadInputs(o: Pick<TailOptions, "configFiles" | "runnerConfig">, place: PlanPlace): PlanningInputs {
  return loadPlanningInputs(o.configFiles, o.runnerConfig, { cwd: place.cwd, noCache: place.noCache, cacheDir: place.cacheDir });
}

/** Warnings for jobs planned for runner types the runner map does not define. */
export function undefinedRunnerWarnings(inputs: PlanningInputs, entries: MatrixEntry[]): string[] {
  if (inputs.undefinedRunners.size === 0) return [];
  const used = new Set(entries.map((e) => e.runner));
  const out: string[] = [];
  for (const [runner, keys] of inputs.undefinedRunners)
    if (used.has(runner))
      out.push(`runner type '${runner}' (${keys.join(", ")}) is not defined in ${inputs.runnerConfig}; its jobs wait for a runner label nobody may have`);
  return out;
}

/** `--format github`: writes the plan files, prints the summary line and appends it to $GITHUB_OUTPUT when set. */
export function printGithubPlan(entries: MatrixEntry[], o: Pick<TailOptions, "outDir">, io: Io, extra: Record<string, unknown> = {}): void {
  const summary = writeGithubPlan(entries, { outDir: o.outDir ?? DEFAULT_PLAN_DIR, cwd: io.cwd, extra });
  io.out(JSON.stringify(summary) + "\n");
  if (io.env.GITHUB_OUTPUT) appendGithubOutput(io.env.GITHUB_OUTPUT, summary);
}

/** With --resolve-digests: every entry gains image-digest (in place); otherwise nothing changes. */
export async function withDigests<E extends { image: string }>(entries: E[], o: Pick<TailOptions, "resolveDigests" | "digestTimeout">): Promise<E[]> {
  if (!o.resolveDigests) return entries;
  requireAtLeast("digest-timeout", o.digestTimeout);
  return resolvePlanDigests(entries, { timeoutMs: o.digestTimeout * 1000 });
}

/** Warnings to stderr, then the plan (image digests resolved when asked) in the chosen format to stdout. */
export async function printMatrix(command: string, plan: MatrixPlan, o: TailOptions, io: Io): Promise<number> {
  for (const w of plan.warnings) io.err(`infx ${command}: warning: ${w}\n`);
  await withDigests(plan.entries, o);
  if (o.format === "github") printGithubPlan(plan.entries, o, io);
  else {
    io.out(formatMatrix(plan.entries, o.format));
    if (o.format === "table" && plan.dialect) io.out(`${describeDialect(plan.dialect)}\n`);
  }
  return 0;
}

export function requireAtLeast(name: string, value: number | undefined, min = 1): void {
  if (value !== undefined && value < min) throw new UsageError(`--${name} must be at least ${min}, got ${value}`);
}
