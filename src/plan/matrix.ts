/**
 * The matrix generator: turns validated planning inputs into benchmark jobs.
 *
 * Output order (deterministic): configs in file order (--config-files order,
 * then key order inside each file); inside a config, seq-len-configs in order;
 * inside those, search-space entries in order; inside an entry, concurrencies
 * ascending; and, with --runner-node-filter (or in runner-model-sweep), one job
 * per matching runner node in runner-map order, innermost.
 */
import { UserError } from "../errors.js";
import { closest } from "../errors.js";
import type { PlanningInputs } from "../config/load.js";
import type {
  ConcurrencyFields,
  MasterConfigEntry,
  MultiNodeConfig,
  MultiNodeSearchSpace,
  SeqLenConfig,
  SingleNodeConfig,
  SingleNodeSearchSpace,
} from "../config/types.js";
import { markEvals } from "./eval-selection.js";
import { concurrenciesFor, filterConcurrencies, type ConcurrencyWindow } from "./matrix-concurrency.js";
import type { MatrixEntry, MultiNodeEntry, SingleNodeEntry, WorkerBlock } from "./types.js";

export type NodeType = "single" | "multi";

/** Filters shared by the sweep commands; each list matches any of its values. */
export interface ConfigFilters {
  modelPrefix?: string[];
  precision?: string[];
  framework?: string[];
  runnerType?: string[];
}

export interface FullSweepOptions extends ConfigFilters {
  nodeType: NodeType;
  /** 1k1k | 1k8k | 8k1k */
  seqLens?: string[];
  stepSize?: number;
  minConc?: number;
  maxConc?: number;
  maxTp?: number;
  maxEp?: number;
  runEvals?: boolean;
  evalsOnly?: boolean;
  runnerNodeFilter?: string;
}

export interface RunnerModelSweepOptions {
  runnerType: string;
  nodeType: NodeType;
  modelPrefix?: string[];
  precision?: string[];
  framework?: string[];
  conc?: number;
  runnerNodeFilter?: string;
  runEvals?: boolean;
  evalsOnly?: boolean;
}

export interface TestConfigOptions {
  configKeys: string[];
  /** Run every entry at exactly these concurrencies (`sweep --local --conc`). */
  conc?: number[];
  /** Keep only the entry's own concurrencies that are among these (`test-config --conc`, `filterConcurrencies`). */
  onlyConc?: number[];
  runEvals?: boolean;
  evalsOnly?: boolean;
}

export const SEQ_LEN_NAMES = ["1k1k", "1k8k", "8k1k"] as const;
const SEQ_LENS: Record<string, [number, number]> = { "1k1k": [1024, 1024], "1k8k": [1024, 8192], "8k1k": [8192, 1024] };

/** `1k1k`, `1k8k`, `8k1k`, or `<isl>_<osl>` for other lengths. */
export function seqLenName(isl: number, osl: number): string {
  for (const [name, [i, o]] of Object.entries(SEQ_LENS)) if (i === isl && o === osl) return name;
  return `${isl}_${osl}`;
}

/** `max-model-len` of sweep jobs: room for the prompt, the answer and 200 tokens of template. */
export function sweepMaxModelLen(isl: number, osl: number): number {
  return isl + osl + 200;
}
/** `max-model-len` of runner-model-sweep jobs (a short smoke test). */
export const RUNNER_SWEEP_MAX_MODEL_LEN = 2048;

function workerBlock(w: WorkerBlock, alwaysSettings: boolean): WorkerBlock {
  const out: WorkerBlock = { "num-worker": w["num-worker"], tp: w.tp, ep: w.ep, "dp-attn": w["dp-attn"] };
  if (w["additional-settings"] !== undefined) out["additional-settings"] = [...w["additional-settings"]];
  else if (alwaysSettings) out["additional-settings"] = [];
  return out;
}

function singleEntry(
  cfg: SingleNodeConfig,
  slc: SeqLenConfig<SingleNodeSearchSpace>,
  ss: SingleNodeSearchSpace,
  o: { runner: string; conc: number; ep: number; maxModelLen: number; expName: string },
): SingleNodeEntry {
  return {
    image: cfg.image,
    model: cfg.model,
    "model-prefix": cfg["model-prefix"],
    precision: cfg.precision,
    framework: cfg.framework,
    runner: o.runner,
    isl: slc.isl,
    osl: slc.osl,
    tp: ss.tp,
    conc: o.conc,
    "max-model-len": o.maxModelLen,
    ep: o.ep,
    "dp-attn": ss["dp-attn"] ?? false,
    "spec-decoding": ss["spec-decoding"] ?? "none",
    "exp-name": o.expName,
    disagg: cfg.disagg ?? false,
    "run-eval": false,
  };
}

function multiEntry(
  cfg: MultiNodeConfig,
  slc: SeqLenConfig<MultiNodeSearchSpace>,
  ss: MultiNodeSearchSpace,
  o: { runner: string; conc: number[]; prefill: WorkerBlock; decode: WorkerBlock; maxModelLen: number; expName: string },
): MultiNodeEntry {
  return {
    image: cfg.image,
    model: cfg.model,
    "model-prefix": cfg["model-prefix"],
    precision: cfg.precision,
    framework: cfg.framework,
    runner: o.runner,
    isl: slc.isl,
    osl: slc.osl,
    "spec-decoding": ss["spec-decoding"] ?? "none",
    prefill: o.prefill,
    decode: o.decode,
    conc: o.conc,
    "max-model-len": o.maxModelLen,
    "exp-name": o.expName,
    disagg: cfg.disagg ?? false,
    "run-eval": false,
  };
}

function matches(list: string[] | undefined, value: string): boolean {
  return !list || list.length === 0 || list.includes(value);
}

function configMatches(cfg: MasterConfigEntry, f: ConfigFilters, nodeType: NodeType | undefined): boolean {
  if (nodeType === "single" && cfg.multinode) return false;
  if (nodeType === "multi" && !cfg.multinode) return false;
  return (
    matches(f.modelPrefix, cfg["model-prefix"]) &&
    matches(f.precision, cfg.precision) &&
    matches(f.framework, cfg.framework) &&
    matches(f.runnerType, cfg.runner)
  );
}

/** Runner nodes of `runnerType` whose label contains `filter`. */
export function runnerNodesMatching(inputs: PlanningInputs, runnerType: string, filter: string): string[] {
  return (inputs.runners[runnerType] ?? []).filter((n) => n.includes(filter));
}

/** Rejects --runner-type values that are not runner types of the runner map. */
export function checkRunnerTypes(inputs: PlanningInputs, types: string[] | undefined): void {
  if (!types?.length) return;
  const known = Object.keys(inputs.runners);
  const bad = types.filter((t) => !known.includes(t));
  if (!bad.length) return;
  const hints = bad.map((b) => closest(b, known, 1)[0]).filter(Boolean);
  throw new UserError(
    `unknown runner type${bad.length > 1 ? "s" : ""} ${bad.map((b) => `'${b}'`).join(", ")} (not in ${inputs.runnerConfig})` +
      (hints.length ? `; did you mean ${hints.map((h) => `'${h}'`).join(", ")}?` : "") +
      `\nvalid runner types: ${[...known].sort().join(", ")}`,
  );
}

function applyEvalMode(entries: MatrixEntry[], o: { runEvals?: boolean; evalsOnly?: boolean }): MatrixEntry[] {
  if (o.evalsOnly) return markEvals(entries, "evals-only");
  if (o.runEvals) return markEvals(entries, "run-evals");
  return entries;
}

/** Values given to a filter that no config has (for a warning; the matrix is then empty for them). */
export function unmatchedFilterValues(inputs: PlanningInputs, f: ConfigFilters): string[] {
  const out: string[] = [];
  const check = (flag: string, values: string[] | undefined, field: "model-prefix" | "precision" | "framework") => {
    if (!values?.length) return;
    const known = new Set([...inputs.configs.values()].map((c) => c[field]));
    for (const v of values)
      if (!known.has(v)) {
        const near = closest(v, known, 1);
        out.push(`no config has ${field} '${v}' (--${flag})` + (near.length ? `; did you mean '${near[0]}'?` : `; known: ${[...known].sort().join(", ")}`));
      }
  };
  check("model-prefix", f.modelPrefix, "model-prefix");
  check("precision", f.precision, "precision");
  check("framework", f.framework, "framework");
  return out;
}

function expandSingle(
  out: MatrixEntry[],
  cfg: SingleNodeConfig,
  slc: SeqLenConfig<SingleNodeSearchSpace>,
  ss: SingleNodeSearchSpace,
  concs: number[],
  nodes: string[],
  ep: number,
): void {
  const expName = `${cfg["model-prefix"]}_${seqLenName(slc.isl, slc.osl)}`;
  const maxModelLen = sweepMaxModelLen(slc.isl, slc.osl);
  for (const conc of concs) for (const runner of nodes) out.push(singleEntry(cfg, slc, ss, { runner, conc, ep, maxModelLen, expName }));
}

function expandMulti(
  out: MatrixEntry[],
  cfg: MultiNodeConfig,
  slc: SeqLenConfig<MultiNodeSearchSpace>,
  ss: MultiNodeSearchSpace,
  concs: number[],
  nodes: string[],
  maxEp: number | undefined,
): void {
  const expName = `${cfg["model-prefix"]}_${seqLenName(slc.isl, slc.osl)}`;
  const maxModelLen = sweepMaxModelLen(slc.isl, slc.osl);
  for (const runner of nodes) {
    const prefill = workerBlock(ss.prefill, false);
    const decode = workerBlock(ss.decode, false);
    if (maxEp !== undefined) {
      prefill.ep = Math.min(prefill.ep, maxEp);
      decode.ep = Math.min(decode.ep, maxEp);
    }
    out.push(multiEntry(cfg, slc, ss, { runner, conc: [...concs], prefill, decode, maxModelLen, expName }));
  }
}

/**
 * `full-sweep`: every search-space point of every config matching the filters.
 * --max-tp drops points above it (single node: tp; multi node: prefill or
 * decode tp); --max-ep clamps ep; non-positive --max-tp/--max-ep drop all.
 */
export function fullSweep(inputs: PlanningInputs, opts: FullSweepOptions): MatrixEntry[] {
  checkRunnerTypes(inputs, opts.runnerType);
  if (opts.stepSize !== undefined && !(Number.isInteger(opts.stepSize) && opts.stepSize >= 2))
    throw new UserError(`the step size must be a whole number of at least 2, got ${opts.stepSize}`);
  const window: ConcurrencyWindow = { minConc: opts.minConc, maxConc: opts.maxConc, stepSize: opts.stepSize ?? 2 };
  const seqLens = opts.seqLens?.length ? new Set(opts.seqLens) : undefined;
  const { maxTp, maxEp } = opts;
  const out: MatrixEntry[] = [];
  if ((maxTp !== undefined && maxTp <= 0) || (maxEp !== undefined && maxEp <= 0)) return out;
  for (const cfg of inputs.configs.values()) {
    if (!configMatches(cfg, opts, opts.nodeType)) continue;
    const nodes = opts.runnerNodeFilter !== undefined ? runnerNodesMatching(inputs, cfg.runner, opts.runnerNodeFilter) : [cfg.runner];
    if (nodes.length === 0) continue;
    if (cfg.multinode) {
      for (const slc of cfg["seq-len-configs"]) {
        if (seqLens && !seqLens.has(seqLenName(slc.isl, slc.osl))) continue;
        for (const ss of slc["search-space"]) {
          if (maxTp !== undefined && (ss.prefill.tp > maxTp || ss.decode.tp > maxTp)) continue;
          const concs = concurrenciesFor(ss, window);
          if (concs.length) expandMulti(out, cfg, slc, ss, concs, nodes, maxEp);
        }
      }
    } else {
      for (const slc of cfg["seq-len-configs"]) {
        if (seqLens && !seqLens.has(seqLenName(slc.isl, slc.osl))) continue;
        for (const ss of slc["search-space"]) {
          if (maxTp !== undefined && ss.tp > maxTp) continue;
          const ep = maxEp !== undefined ? Math.min(ss.ep ?? 1, maxEp) : (ss.ep ?? 1);
          expandSingle(out, cfg, slc, ss, concurrenciesFor(ss, window), nodes, ep);
        }
      }
    }
  }
  return applyEvalMode(out, opts);
}

/**
 * `runner-model-sweep`: one smoke-test job per config of the runner type and
 * per runner node of that type (e.g. to check every node after maintenance).
 * It uses the config's 1k1k block (configs without one are skipped):
 * single node: the first search-space entry with the highest TP, at its lowest
 * concurrency (or --conc); multi node: the entry with the lowest concurrency,
 * at that concurrency (or --conc). `max-model-len` is 2048, `exp-name` is
 * `<model-prefix>_test`.
 */
export function runnerModelSweep(inputs: PlanningInputs, opts: RunnerModelSweepOptions): MatrixEntry[] {
  const known = Object.keys(inputs.runners);
  if (!known.includes(opts.runnerType)) {
    const near = closest(opts.runnerType, known, 1);
    throw new UserError(
      `runner type '${opts.runnerType}' is not defined in ${inputs.runnerConfig}` +
        (near.length ? ` (did you mean '${near[0]}'?)` : "") +
        `\nvalid runner types: ${known.join(", ")}`,
    );
  }
  let nodes = inputs.runners[opts.runnerType]!;
  if (opts.runnerNodeFilter !== undefined) {
    const filter = opts.runnerNodeFilter;
    nodes = nodes.filter((n) => n.includes(filter));
    if (nodes.length === 0)
      throw new UserError(
        `no runner node of type '${opts.runnerType}' matches --runner-node-filter '${filter}'\nnodes of '${opts.runnerType}': ${inputs.runners[opts.runnerType]!.join(", ")}`,
      );
  }
  const out: MatrixEntry[] = [];
  for (const cfg of inputs.configs.values()) {
    if (cfg.runner !== opts.runnerType) continue;
    if (!configMatches(cfg, { modelPrefix: opts.modelPrefix, precision: opts.precision, framework: opts.framework }, opts.nodeType)) continue;
    const expName = `${cfg["model-prefix"]}_test`;
    if (cfg.multinode) {
      const slc = cfg["seq-len-configs"].find((s) => s.isl === 1024 && s.osl === 1024);
      if (!slc) continue;
      let best: MultiNodeSearchSpace | undefined;
      let bestConc = Infinity;
      for (const ss of slc["search-space"]) {
        const c = lowestConcurrency(ss);
        if (c < bestConc) {
          best = ss;
          bestConc = c;
        }
      }
      if (!best) continue;
      const conc = opts.conc ?? bestConc;
      for (const runner of nodes)
        out.push(
          multiEntry(cfg, slc, best, {
            runner,
            conc: [conc],
            prefill: workerBlock(best.prefill, true),
            decode: workerBlock(best.decode, true),
            maxModelLen: RUNNER_SWEEP_MAX_MODEL_LEN,
            expName,
          }),
        );
    } else {
      const slc = cfg["seq-len-configs"].find((s) => s.isl === 1024 && s.osl === 1024);
      if (!slc) continue;
      let best: SingleNodeSearchSpace | undefined;
      for (const ss of slc["search-space"]) if (!best || ss.tp > best.tp) best = ss;
      if (!best) continue;
      const conc = opts.conc ?? lowestConcurrency(best);
      for (const runner of nodes)
        out.push(runnerSweepSingleEntry(singleEntry(cfg, slc, best, { runner, conc, ep: best.ep ?? 1, maxModelLen: RUNNER_SWEEP_MAX_MODEL_LEN, expName })));
    }
  }
  return applyEvalMode(out, opts);
}

/** runner-model-sweep prints single-node fields in its own order (the reference's). */
function runnerSweepSingleEntry(e: SingleNodeEntry): SingleNodeEntry {
  return {
    image: e.image,
    model: e.model,
    "model-prefix": e["model-prefix"],
    precision: e.precision,
    framework: e.framework,
    runner: e.runner,
    isl: e.isl,
    osl: e.osl,
    tp: e.tp,
    ep: e.ep,
    "dp-attn": e["dp-attn"],
    "spec-decoding": e["spec-decoding"],
    conc: e.conc,
    "max-model-len": e["max-model-len"],
    "exp-name": e["exp-name"],
    disagg: e.disagg,
    "run-eval": e["run-eval"],
  };
}

function lowestConcurrency(ss: SingleNodeSearchSpace | MultiNodeSearchSpace): number {
  const list = ss["conc-list"];
  if (list) {
    let m = Infinity;
    for (const c of list) if (c < m) m = c;
    return m;
  }
  return ss["conc-start"]!;
}

/**
 * `test-config`: every search-space point of the named configs, all sequence
 * lengths, full concurrency ranges (step 2) or conc-lists; `onlyConc` keeps
 * those among its values (`filterConcurrencies`); `conc` replaces them
 * (single node: one job per value; multi node: the list as the job's conc).
 */
export function testConfig(inputs: PlanningInputs, opts: TestConfigOptions): MatrixEntry[] {
  const missing = opts.configKeys.filter((k) => !inputs.configs.has(k));
  if (missing.length) {
    const known = [...inputs.configs.keys()];
    const hints = missing.map((m) => closest(m, known, 1)[0]).filter(Boolean);
    throw new UserError(
      `config key${missing.length > 1 ? "s" : ""} not found: ${missing.map((m) => `'${m}'`).join(", ")}` +
        (hints.length ? ` (did you mean ${hints.map((h) => `'${h}'`).join(", ")}?)` : ""),
      [`available keys: ${[...known].sort().join(", ")}`],
    );
  }
  const window: ConcurrencyWindow = { stepSize: 2 };
  const concsOf = (ss: ConcurrencyFields): number[] => {
    if (opts.conc?.length) return opts.conc;
    const own = concurrenciesFor(ss, window);
    return opts.onlyConc ? filterConcurrencies(own, opts.onlyConc) : own;
  };
  const out: MatrixEntry[] = [];
  const seen = new Set<string>();
  for (const key of opts.configKeys) {
    if (seen.has(key)) continue;
    seen.add(key);
    const cfg = inputs.configs.get(key)!;
    if (cfg.multinode) {
      for (const slc of cfg["seq-len-configs"])
        for (const ss of slc["search-space"]) {
          const concs = concsOf(ss);
          if (concs.length) expandMulti(out, cfg, slc, ss, concs, [cfg.runner], undefined);
        }
    } else {
      for (const slc of cfg["seq-len-configs"])
        for (const ss of slc["search-space"]) {
          expandSingle(out, cfg, slc, ss, concsOf(ss), [cfg.runner], ss.ep ?? 1);
        }
    }
  }
  return applyEvalMode(out, opts);
}
