/**
 * The matrix generator of the 2026-08 dialect (`scenarios` configs):
 * `full-sweep` and `test-config` rows for fixed-seq-len and agentic-coding
 * scenarios. The dialect's constants and names (max-model-len, exp-name
 * forms, duration, total-cpu-dram-gb) are in src/plan/dialects/2026-08.ts;
 * eval selection is in src/plan/scenario-evals.ts.
 *
 * Output order: configs in file order (test-config: --config-keys order after
 * pattern expansion), fixed-seq-len blocks, then agentic-coding blocks; inside
 * them search-space entries and concurrencies as written; runner nodes
 * innermost.
 */
import { closest, UserError } from "../errors.js";
import type { PlanningInputs } from "../config/load.js";
import type {
  AgenticCodingScenario,
  AgenticSearchSpace,
  FixedSeqLenScenario,
  LabeledRunnerMap,
  ScenarioConfig,
  ScenarioInputs,
  ScenarioMultiSearchSpace,
  ScenarioSingleSearchSpace,
  ScenarioType,
  ScenarioWorker,
} from "../config/scenario-types.js";
import type { ConcurrencyFields } from "../config/types.js";
import * as R from "./dialects/2026-08.js";
import { finishEvals, type EvalFlags, type ScenarioRow } from "./scenario-evals.js";

/** A row of the 2026-08 matrix (fields and order as the reference prints them). */
export type { ScenarioRow };

export interface ScenarioFilters {
  modelPrefix?: string[];
  precision?: string[];
  framework?: string[];
  runnerType?: string[];
}

export interface ScenarioSweepOptions extends ScenarioFilters, EvalFlags {
  singleNode: boolean;
  multiNode: boolean;
  seqLens?: string[];
  stepSize?: number;
  minConc?: number;
  maxConc?: number;
  maxTp?: number;
  maxEp?: number;
  runnerNodeFilter?: string;
  scenarioTypes?: ScenarioType[];
}

export interface ScenarioTestConfigOptions extends EvalFlags {
  configKeys: string[];
  conc?: number[];
  seqLens?: string[];
  runnerNodeFilter?: string;
  scenarioTypes?: ScenarioType[];
}

export function scenarioInputs(inputs: PlanningInputs): ScenarioInputs {
  if (!inputs.scenario) throw new Error("the 2026-08 planner needs scenarios configs");
  return inputs.scenario;
}

/** conc-start, conc-start*step, ... clamped to conc-end; or the conc-list. */
function configuredConcs(ss: ConcurrencyFields, step: number): number[] {
  if (ss["conc-list"]?.length) return [...ss["conc-list"]];
  const out: number[] = [];
  const end = ss["conc-end"]!;
  for (let c = ss["conc-start"]!; c <= end; c = Math.min(c * step, end)) {
    out.push(c);
    if (c === end) break;
  }
  return out;
}

interface Window {
  minConc?: number;
  maxConc?: number;
  step: number;
}

/**
 * Single-node fixed-seq-len concurrencies under --min-conc/--max-conc (2026-02
 * rules, conc-list honoured): a range starts at max(start, min) and is dropped
 * when it ends below min; a range starting above max runs at max alone; a list
 * keeps its values in the window, and becomes [max] when all are above it.
 * Non-positive limits drop the entry. Empty: drop.
 */
export function singleFixedConcs(ss: ConcurrencyFields, w: Window): number[] {
  const { minConc: min, maxConc: max } = w;
  if ((min !== undefined && min <= 0) || (max !== undefined && max <= 0)) return [];
  if (ss["conc-list"]?.length) {
    let v = ss["conc-list"].filter((c) => min === undefined || c >= min);
    if (!v.length) return [];
    if (max !== undefined) {
      const under = v.filter((c) => c <= max);
      v = under.length ? under : [max];
    }
    return v;
  }
  let start = ss["conc-start"]!;
  let end = ss["conc-end"]!;
  if (min !== undefined) {
    if (end < min) return [];
    start = Math.max(start, min);
  }
  if (max !== undefined) {
    if (start > max) start = end = max;
    else end = Math.min(end, max);
  }
  return configuredConcs({ "conc-start": start, "conc-end": end }, w.step);
}

/** Multi-node fixed-seq-len: filter by --min-conc (non-positive drops), then --max-conc (nothing left: [max], when positive). */
export function multiFixedConcs(ss: ConcurrencyFields, w: Window): number[] {
  let v = configuredConcs(ss, w.step);
  if (w.minConc !== undefined) {
    const min = w.minConc;
    if (min <= 0) return [];
    v = v.filter((c) => c >= min);
    if (!v.length) return [];
  }
  if (w.maxConc !== undefined) {
    const max = w.maxConc;
    const under = v.filter((c) => c <= max);
    v = under.length ? under : max > 0 ? [max] : [];
  }
  return v;
}

/** Agentic: only filtered by the window (no substitution; a non-positive --min-conc keeps everything). */
export function agenticConcs(ss: ConcurrencyFields, w: Window): number[] {
  return configuredConcs(ss, w.step).filter((c) => (w.minConc === undefined || c >= w.minConc) && (w.maxConc === undefined || c <= w.maxConc));
}

/** router / kv-p2p-transfer from the search-space entry, else from the config, when present (added in place). */
function addComponents(row: ScenarioRow, ss: { router?: unknown; "kv-p2p-transfer"?: unknown }, cfg: ScenarioConfig): ScenarioRow {
  const router = ss.router ?? cfg.router;
  if (router !== undefined && router !== null) row.router = router;
  const kv = ss["kv-p2p-transfer"] ?? cfg["kv-p2p-transfer"];
  if (kv !== undefined && kv !== null) row["kv-p2p-transfer"] = kv;
  return row;
}

const withDefaults = new WeakMap<ScenarioWorker, ScenarioWorker>();
/** A worker with pp, dcp-size and pcp-size filled in (one object per config worker, shared by its rows; rows never mutate it). */
function withParallelismDefaults(w: ScenarioWorker): ScenarioWorker {
  let out = withDefaults.get(w);
  if (!out) withDefaults.set(w, (out = { ...w, pp: w.pp ?? 1, "dcp-size": w["dcp-size"] ?? 1, "pcp-size": w["pcp-size"] ?? 1 }));
  return out;
}

/** The GPUs of one server that offload KV: single-node tp*pp*pcp (within a node); multi-node the prefill worker's share of a node. */
function offloadGpus(key: string, ss: AgenticSearchSpace, gpusPerNode: number, runner: string): number {
  if (ss.prefill) {
    const w = ss.prefill;
    const g = w.tp * (w.pp ?? 1) * (w["pcp-size"] ?? 1);
    if (g > gpusPerNode) {
      if (g % gpusPerNode !== 0)
        throw new UserError(
          `${key}: prefill worker tp*pp*pcp-size = ${g} spans several nodes but is not a multiple of gpus-per-node = ${gpusPerNode} (runner '${runner}')`,
        );
      return gpusPerNode;
    }
    if (gpusPerNode % g !== 0)
      throw new UserError(`${key}: prefill worker tp*pp*pcp-size = ${g} does not divide gpus-per-node = ${gpusPerNode} evenly (runner '${runner}')`);
    return g;
  }
  const g = ss.tp! * (ss.pp ?? 1) * (ss["pcp-size"] ?? 1);
  if (g > gpusPerNode) throw new UserError(`${key}: tp*pp*pcp-size = ${g} GPUs exceeds gpus-per-node = ${gpusPerNode} of runner '${runner}'`);
  return g;
}

/** `total-cpu-dram-gb` of one agentic search-space entry (0 unless it offloads to dram); the label is the config's runner. */
function entryDramGb(key: string, cfg: ScenarioConfig, block: AgenticCodingScenario, ss: AgenticSearchSpace, runners: LabeledRunnerMap): number {
  if ((ss["kv-offloading"] ?? "none") !== "dram") return 0;
  const hw = runners.hardware?.[cfg.runner];
  if (!hw) {
    const known = Object.keys(runners.hardware ?? {});
    const near = closest(cfg.runner, known, 1);
    throw new UserError(
      `${key}: runner '${cfg.runner}' offloads KV to dram but has no hardware: entry (available-cpu-dram-mib, gpus-per-node) in the runner map` +
        (near.length ? ` (did you mean '${near[0]}'?)` : "") +
        `; hardware labels: ${known.sort().join(", ")}`,
    );
  }
  const gpus = offloadGpus(key, ss, hw["gpus-per-node"], cfg.runner);
  return R.totalCpuDramGb(hw["available-cpu-dram-mib"], block["dram-utilization"]!, gpus, hw["gpus-per-node"]);
}

/*
 * Fixed-seq-len rows start with image, model, model-prefix, precision,
 * framework, runner, isl, osl (the reference's order). Each row is one object
 * literal with the fields written out: spreading a shared head object
 * (`{...head(), tp, ...}`) made `infx full-sweep` over the 2026-08 reference
 * ~17 ms slower (whole process, medians of 15: 106 -> 88 ms; bench/dialect-2026-08.mjs: 109 -> 92).
 */
function singleFixedRow(
  cfg: ScenarioConfig,
  b: FixedSeqLenScenario<unknown>,
  ss: ScenarioSingleSearchSpace,
  runner: string,
  conc: number,
  ep: number | undefined,
): ScenarioRow {
  const row: ScenarioRow = {
    image: cfg.image,
    model: cfg.model,
    "model-prefix": cfg["model-prefix"],
    precision: cfg.precision,
    framework: cfg.framework,
    runner,
    isl: b.isl,
    osl: b.osl,
    tp: ss.tp,
    pp: ss.pp ?? 1,
    "dcp-size": ss["dcp-size"] ?? 1,
    "pcp-size": ss["pcp-size"] ?? 1,
    conc,
    "max-model-len": R.maxModelLen(b.isl, b.osl),
    ep: ep ?? 1,
    "dp-attn": ss["dp-attn"] ?? false,
    "spec-decoding": ss["spec-decoding"] ?? "none",
    "exp-name": R.fixedExpName(cfg["model-prefix"], b.isl, b.osl),
    disagg: cfg.disagg ?? false,
    "run-eval": false,
  };
  return addComponents(row, ss, cfg);
}

function multiFixedRow(cfg: ScenarioConfig, b: FixedSeqLenScenario<unknown>, ss: ScenarioMultiSearchSpace, runner: string, concs: number[]): ScenarioRow {
  const row: ScenarioRow = {
    image: cfg.image,
    model: cfg.model,
    "model-prefix": cfg["model-prefix"],
    precision: cfg.precision,
    framework: cfg.framework,
    runner,
    isl: b.isl,
    osl: b.osl,
    "spec-decoding": ss["spec-decoding"] ?? "none",
    prefill: withParallelismDefaults(ss.prefill),
    decode: withParallelismDefaults(ss.decode),
    conc: concs,
    "max-model-len": R.maxModelLen(b.isl, b.osl),
    "exp-name": R.fixedExpName(cfg["model-prefix"], b.isl, b.osl),
    disagg: cfg.disagg ?? false,
    "run-eval": false,
  };
  return addComponents(row, ss, cfg);
}

/** kv-offload-backend (when given), then router / kv-p2p-transfer. */
function agenticTail(row: ScenarioRow, ss: AgenticSearchSpace, cfg: ScenarioConfig): ScenarioRow {
  if (ss["kv-offload-backend"] !== undefined) row["kv-offload-backend"] = ss["kv-offload-backend"];
  return addComponents(row, ss, cfg);
}

function agenticRows(cfg: ScenarioConfig, ss: AgenticSearchSpace, runners: string[], concs: number[], dramGb: number): ScenarioRow[] {
  const kv = { mode: ss["kv-offloading"] ?? "none", backend: ss["kv-offload-backend"] };
  const spec = ss["spec-decoding"] ?? "none";
  const prefix = cfg["model-prefix"];
  const out: ScenarioRow[] = [];
  if (ss.prefill && ss.decode) {
    const prefill = withParallelismDefaults(ss.prefill);
    const decode = withParallelismDefaults(ss.decode);
    for (const runner of runners)
      for (let i = 0; i < concs.length; i += R.MULTINODE_AGENTIC_CONCS_PER_ROW) {
        const batch = concs.slice(i, i + R.MULTINODE_AGENTIC_CONCS_PER_ROW);
        const row: ScenarioRow = {
          image: cfg.image,
          model: cfg.model,
          "model-prefix": prefix,
          precision: cfg.precision,
          framework: cfg.framework,
          runner,
          "spec-decoding": spec,
          prefill,
          decode,
          conc: batch,
          "kv-offloading": kv.mode,
          "total-cpu-dram-gb": dramGb,
          duration: R.AGENTIC_DURATION_SECONDS,
          "exp-name": R.agenticMultiExpName(prefix, prefill, decode, batch, kv),
          disagg: cfg.disagg ?? false,
          "scenario-type": "agentic-coding",
        };
        out.push(agenticTail(row, ss, cfg));
      }
    return out;
  }
  const tp = ss.tp!;
  for (const conc of concs)
    for (const runner of runners) {
      const row: ScenarioRow = {
        image: cfg.image,
        model: cfg.model,
        "model-prefix": prefix,
        precision: cfg.precision,
        framework: cfg.framework,
        runner,
        tp,
        pp: ss.pp ?? 1,
        "dcp-size": ss["dcp-size"] ?? 1,
        "pcp-size": ss["pcp-size"] ?? 1,
        ep: ss.ep ?? 1,
        "dp-attn": ss["dp-attn"] ?? false,
        "spec-decoding": spec,
        conc,
        "kv-offloading": kv.mode,
        "total-cpu-dram-gb": dramGb,
        duration: R.AGENTIC_DURATION_SECONDS,
        "exp-name": R.agenticSingleExpName(prefix, tp, conc, kv, spec),
        "scenario-type": "agentic-coding",
      };
      out.push(agenticTail(row, ss, cfg));
    }
  return out;
}

const wants = (types: ScenarioType[] | undefined, t: ScenarioType) => !types?.length || types.includes(t);

/** Rejects --runner-type values that are not labels of the runner map. */
function checkRunnerLabels(runners: LabeledRunnerMap, types: string[] | undefined, file: string): void {
  const known = Object.keys(runners.labels);
  const bad = (types ?? []).filter((t) => !known.includes(t));
  if (!bad.length) return;
  const hints = bad.map((b) => closest(b, known, 1)[0]).filter(Boolean);
  throw new UserError(
    `unknown runner type${bad.length > 1 ? "s" : ""} ${bad.map((b) => `'${b}'`).join(", ")} (not a label of ${file})` +
      (hints.length ? `; did you mean ${hints.map((h) => `'${h}'`).join(", ")}?` : "") +
      `\nvalid runner types: ${[...known].sort().join(", ")}`,
  );
}

/** Does a config pass the full-sweep filters? (--model-prefix matches the start of the config key, as the reference does.) */
function passesFilters(key: string, cfg: ScenarioConfig, f: ScenarioFilters): boolean {
  if (f.modelPrefix?.length && !f.modelPrefix.some((p) => key.startsWith(p))) return false;
  if (f.precision?.length && !f.precision.includes(cfg.precision)) return false;
  if (f.framework?.length && !f.framework.includes(cfg.framework)) return false;
  return !(f.runnerType?.length && !f.runnerType.includes(cfg.runner));
}

/** `full-sweep` over scenarios configs (see the module comment and `infx full-sweep --help`). */
export function scenarioFullSweep(inputs: PlanningInputs, o: ScenarioSweepOptions): ScenarioRow[] {
  const { configs, runners } = scenarioInputs(inputs);
  if ((o.stepSize ?? 2) <= 1) throw new UserError(`--step-size must be greater than 1, got ${o.stepSize}`);
  if (o.minConc !== undefined && o.maxConc !== undefined && o.minConc > o.maxConc)
    throw new UserError(`--min-conc (${o.minConc}) must be less than or equal to --max-conc (${o.maxConc})`);
  checkRunnerLabels(runners, o.runnerType, inputs.runnerConfig);
  const w: Window = { minConc: o.minConc, maxConc: o.maxConc, step: o.stepSize ?? 2 };
  const seqs = o.seqLens?.length ? new Set(o.seqLens) : undefined;
  const rows: ScenarioRow[] = [];
  for (const [key, cfg] of configs) {
    if (!passesFilters(key, cfg, o)) continue;
    if (cfg.multinode ? !o.multiNode : !o.singleNode) continue;
    let nodes = [cfg.runner];
    if (o.runnerNodeFilter) {
      const filter = o.runnerNodeFilter;
      nodes = (runners.labels[cfg.runner] ?? []).filter((n) => n.includes(filter));
      if (!nodes.length) continue;
    }
    if (wants(o.scenarioTypes, "fixed-seq-len"))
      for (const b of cfg.scenarios["fixed-seq-len"] ?? []) {
        if (seqs && !seqs.has(R.seqLenName(b.isl, b.osl))) continue;
        for (const ss of b["search-space"]) rows.push(...sweepFixedEntry(cfg, b, ss, nodes, w, o));
      }
    if (wants(o.scenarioTypes, "agentic-coding"))
      for (const block of cfg.scenarios["agentic-coding"] ?? [])
        for (const ss of block["search-space"]) {
          const gb = entryDramGb(key, cfg, block, ss, runners);
          const concs = agenticConcs(ss, w);
          if (concs.length) rows.push(...agenticRows(cfg, ss, nodes, concs, gb));
        }
  }
  return finishEvals(rows, o);
}

/** One fixed-seq-len search-space entry under the full-sweep limits. */
function sweepFixedEntry(
  cfg: ScenarioConfig,
  b: FixedSeqLenScenario<unknown>,
  entry: unknown,
  nodes: string[],
  w: Window,
  o: ScenarioSweepOptions,
): ScenarioRow[] {
  if (cfg.multinode) {
    const ss = entry as ScenarioMultiSearchSpace;
    const concs = multiFixedConcs(ss, w);
    return concs.length ? nodes.map((n) => multiFixedRow(cfg, b, ss, n, concs)) : [];
  }
  const ss = entry as ScenarioSingleSearchSpace;
  if (o.maxTp !== undefined && (o.maxTp <= 0 || ss.tp > o.maxTp)) return [];
  let ep = ss.ep;
  if (o.maxEp !== undefined) {
    if (o.maxEp <= 0) return [];
    if (ep !== undefined && ep > o.maxEp) ep = o.maxEp;
  }
  const out: ScenarioRow[] = [];
  for (const conc of singleFixedConcs(ss, w)) for (const n of nodes) out.push(singleFixedRow(cfg, b, ss, n, conc, ep));
  return out;
}

/**
 * fnmatch-style pattern (`*`, `?`, `[...]`) as a whole-key regular
 * expression: test-config's --config-keys (the changelog treats `?` literally,
 * see src/changelog/scenario-plan.ts).
 */
export function fnmatchRegExp(pattern: string): RegExp {
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "*") re += ".*";
    else if (c === "?") re += ".";
    else if (c === "[") {
      const close = pattern.indexOf("]", i + 2);
      if (close < 0) re += "\\[";
      else {
        let body = pattern.slice(i + 1, close).replace(/\\/g, "\\\\");
        if (body.startsWith("!")) body = `^${body.slice(1)}`;
        else if (body.startsWith("^")) body = `\\${body}`;
        re += `[${body}]`;
        i = close;
      }
    } else re += c.replace(/[.+^${}()|\\\]]/g, "\\$&");
  }
  return new RegExp(`^(?:${re})$`, "s");
}

/** --config-keys: patterns (with `*` or `?`) and keys, expanded in order, duplicates collapsed; nothing matched is an error. */
export function expandConfigKeys(patterns: string[], available: string[]): string[] {
  const out = new Set<string>();
  const all = `\navailable keys: ${[...available].sort().join(", ")}`;
  for (const p of patterns) {
    if (p.includes("*") || p.includes("?")) {
      const re = fnmatchRegExp(p);
      const hits = available.filter((k) => re.test(k));
      if (!hits.length) throw new UserError(`the pattern '${p}' matches no config key${all}`);
      for (const h of hits) out.add(h);
    } else if (!available.includes(p)) {
      const near = closest(p, available, 1);
      throw new UserError(`config key not found: '${p}'${near.length ? ` (did you mean '${near[0]}'?)` : ""}${all}`);
    } else out.add(p);
  }
  return [...out];
}

/** test-config's runners: with a node filter, the matching nodes of the label (and the label itself when it matches). */
function testConfigRunners(cfg: ScenarioConfig, runners: LabeledRunnerMap, filter: string | undefined): string[] {
  if (!filter) return [cfg.runner];
  const candidates = [...(cfg.runner.includes(filter) ? [cfg.runner] : []), ...(runners.labels[cfg.runner] ?? [])];
  return [...new Set(candidates.filter((n) => n.includes(filter)))];
}

/** `test-config` over scenarios configs: every point of the named configs (ranges grow by 2), optionally only --conc values. */
export function scenarioTestConfig(inputs: PlanningInputs, o: ScenarioTestConfigOptions): ScenarioRow[] {
  const { configs, runners } = scenarioInputs(inputs);
  const keys = expandConfigKeys(o.configKeys, [...configs.keys()]);
  const seqs = o.seqLens?.length ? new Set(o.seqLens) : undefined;
  const pick = (values: number[]) => (o.conc?.length ? values.filter((c) => o.conc!.includes(c)) : values);
  const rows: ScenarioRow[] = [];
  for (const key of keys) {
    const cfg = configs.get(key)!;
    const nodes = testConfigRunners(cfg, runners, o.runnerNodeFilter);
    if (!nodes.length) continue;
    if (wants(o.scenarioTypes, "fixed-seq-len"))
      for (const b of cfg.scenarios["fixed-seq-len"] ?? []) {
        if (seqs && !seqs.has(R.seqLenName(b.isl, b.osl))) continue;
        for (const entry of b["search-space"]) {
          const concs = pick(configuredConcs(entry as ConcurrencyFields, 2));
          if (!concs.length) continue;
          if (cfg.multinode) for (const n of nodes) rows.push(multiFixedRow(cfg, b, entry as ScenarioMultiSearchSpace, n, concs));
          else
            for (const c of concs)
              for (const n of nodes) rows.push(singleFixedRow(cfg, b, entry as ScenarioSingleSearchSpace, n, c, (entry as ScenarioSingleSearchSpace).ep));
        }
      }
    if (wants(o.scenarioTypes, "agentic-coding"))
      for (const block of cfg.scenarios["agentic-coding"] ?? [])
        for (const ss of block["search-space"]) {
          const gb = entryDramGb(key, cfg, block, ss, runners);
          const concs = pick(configuredConcs(ss, 2));
          if (concs.length) rows.push(...agenticRows(cfg, ss, nodes, concs, gb));
        }
  }
  return finishEvals(rows, o);
}
