/**
 * Validation of the 2026-08 dialect (`scenarios` master configs and the
 * `{labels, hardware}` runner map). Two layers, as for the 2026-02 dialect
 * (src/config/validate.ts): the JSON Schemas
 * schemas/scenario-master-config.schema.json and
 * schemas/runner-labels.schema.json (compiled ahead of time into
 * src/config/generated/scenario-validators.ts), then the cross-field rules of
 * the reference that a schema cannot say well, each a named function below.
 * Every rule reports a ConfigProblem (path + message); src/config/locate.ts
 * turns paths into file:line:col.
 */
import { closest } from "../errors.js";
import { SCENARIO_SCHEMA_FIELDS, validateLabeledRunnersSchema, validateScenarioMasterSchema } from "./generated/scenario-validators.js";
import type { LabeledRunnerMap } from "./scenario-types.js";
import { checkConcurrencyShape, checkConfigKey, describeValue, translateAjvErrors, type ConfigProblem, type PathSegment, type Validator } from "./validate.js";

const masterValidator = validateScenarioMasterSchema as unknown as Validator;
const runnersValidator = validateLabeledRunnersSchema as unknown as Validator;

/** Agentic configs must run on one exact hardware fleet: a `cluster:<name>` runner label. */
export const CLUSTER_LABEL_PREFIX = "cluster:";

type Rec = Record<string, unknown>;
function isRecord(v: unknown): v is Rec {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/**
 * YAML 1.1 (the reference's parser) reads `2_063_837` as the integer 2063837;
 * a YAML 1.2 parser gives the string. Turns such strings in the runner map's
 * hardware section into integers, so both parsers agree.
 */
export function normalizeRunnerNumbers(data: unknown): unknown {
  if (!isRecord(data) || !isRecord(data.hardware)) return data;
  const hardware: Rec = {};
  for (const [label, hw] of Object.entries(data.hardware)) {
    if (!isRecord(hw)) {
      hardware[label] = hw;
      continue;
    }
    const out: Rec = {};
    for (const [k, v] of Object.entries(hw))
      out[k] = typeof v === "string" && /^[-+]?[0-9][0-9_]*$/.test(v) && !v.endsWith("_") ? Number(v.replace(/_/g, "")) : v;
    hardware[label] = out;
  }
  return { ...data, hardware };
}

/** The fields allowed at `path` of a scenarios master config, for "did you mean". */
function scenarioFieldsAt(data: unknown, path: PathSegment[]): string[] {
  const F = SCENARIO_SCHEMA_FIELDS;
  const entry = isRecord(data) ? data[String(path[0])] : undefined;
  const multi = isRecord(entry) && entry.multinode === true;
  const kind = path[2];
  if (path.length === 1) return F.configEntry;
  if (path.length === 2) return F.scenarios;
  if (path.length === 4) return kind === "agentic-coding" ? F.agenticCoding : F.fixedSeqLen;
  if (path.length === 6) return kind === "agentic-coding" ? F.agenticSearchSpace : multi ? F.multiNodeSearchSpace : F.singleNodeSearchSpace;
  if (path.length === 7) {
    const last = path[6];
    if (last === "prefill" || last === "decode") return F.worker;
    if (last === "kv-offload-backend") return F.kvOffloadBackend;
    return F.component;
  }
  return path[path.length - 1] === "router" ? F.component : [];
}

/** Schema rules for one scenarios master config file. */
export function scenarioSchemaProblems(data: unknown): ConfigProblem[] {
  if (masterValidator(data)) return [];
  if (!isRecord(data)) return [{ path: [], message: `a master config must be a mapping from config key to config, got ${describeValue(data)}` }];
  return translateAjvErrors(masterValidator.errors ?? [], data, (path) => scenarioFieldsAt(data, path));
}

/** Schema rules for a labels/hardware runner map. */
export function scenarioRunnerProblems(data: unknown): ConfigProblem[] {
  if (runnersValidator(data)) return [];
  if (!isRecord(data)) return [{ path: [], message: `the runner map must be a mapping with labels: (and hardware:), got ${describeValue(data)}` }];
  const F = SCENARIO_SCHEMA_FIELDS;
  return translateAjvErrors(runnersValidator.errors ?? [], data, (path) =>
    path.length === 0 ? F.runners : path.length === 2 && path[0] === "hardware" ? F.hardware : [],
  );
}

/** Schema and cross-field rules of one file; `runners` (when valid) checks runner labels. */
export function scenarioConfigProblems(data: unknown, runners: LabeledRunnerMap | undefined, runnerFile: string): ConfigProblem[] {
  const out = scenarioSchemaProblems(data);
  if (!isRecord(data)) return out;
  for (const [key, entry] of Object.entries(data)) {
    out.push(...checkConfigKey(key));
    if (isRecord(entry)) out.push(...scenarioConfigRules(key, entry, runners, runnerFile));
  }
  return dedupe(out);
}

function dedupe(ps: ConfigProblem[]): ConfigProblem[] {
  const seen = new Set<string>();
  return ps.filter((p) => {
    const k = JSON.stringify([p.path, p.message]);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

interface SearchSpaceAt {
  ss: Rec;
  path: PathSegment[];
  scenario: "fixed-seq-len" | "agentic-coding";
}

function searchSpaces(key: string, entry: Rec): SearchSpaceAt[] {
  const out: SearchSpaceAt[] = [];
  const scenarios = isRecord(entry.scenarios) ? entry.scenarios : {};
  for (const scenario of ["fixed-seq-len", "agentic-coding"] as const)
    list(scenarios[scenario]).forEach((block, i) => {
      if (isRecord(block))
        list(block["search-space"]).forEach((ss, j) => {
          if (isRecord(ss)) out.push({ ss, path: [key, "scenarios", scenario, i, "search-space", j], scenario });
        });
    });
  return out;
}

/** Every cross-field rule of one config. */
function scenarioConfigRules(key: string, entry: Rec, runners: LabeledRunnerMap | undefined, runnerFile: string): ConfigProblem[] {
  const spaces = searchSpaces(key, entry);
  const out: ConfigProblem[] = [
    ...atLeastOneScenario(key, entry),
    ...agenticRunnerIsCluster(key, entry),
    ...componentScope(key, entry, spaces),
    ...singleNodeNotDisagg(key, entry),
    ...runnerLabelDefined(key, entry, runners, runnerFile),
  ];
  for (const at of spaces) {
    out.push(...checkConcurrencyShape(at.ss, at.path));
    out.push(...tpDivisibleByDcp(at.ss, at.path));
    for (const w of ["prefill", "decode"] as const) if (isRecord(at.ss[w])) out.push(...tpDivisibleByDcp(at.ss[w] as Rec, [...at.path, w]));
    if (at.scenario === "agentic-coding") out.push(...agenticEntryShape(at.ss, at.path, entry.multinode === true), ...kvOffloadFields(at.ss, at.path));
    out.push(...workerHardwarePair(at.ss, at.path));
  }
  list(isRecord(entry.scenarios) ? entry.scenarios["agentic-coding"] : undefined).forEach((block, i) => {
    if (isRecord(block)) out.push(...dramNeedsUtilization(block, [key, "scenarios", "agentic-coding", i]));
  });
  return out;
}

/** scenarios must have fixed-seq-len or agentic-coding with at least one block. */
export function atLeastOneScenario(key: string, entry: Rec): ConfigProblem[] {
  const s = entry.scenarios;
  if (!isRecord(s)) return [];
  if (list(s["fixed-seq-len"]).length || list(s["agentic-coding"]).length) return [];
  return [{ path: [key, "scenarios"], message: "give at least one scenario: fixed-seq-len or agentic-coding, with at least one block" }];
}

/** Agentic configs must use a `cluster:<name>` runner, so every point runs on one exact hardware fleet. */
export function agenticRunnerIsCluster(key: string, entry: Rec): ConfigProblem[] {
  const s = entry.scenarios;
  if (!isRecord(s) || !list(s["agentic-coding"]).length || typeof entry.runner !== "string" || entry.runner.startsWith(CLUSTER_LABEL_PREFIX)) return [];
  return [
    {
      path: [key, "runner"],
      message: `a config with agentic-coding scenarios must use a '${CLUSTER_LABEL_PREFIX}<name>' runner label (one exact hardware fleet), got '${entry.runner}'`,
    },
  ];
}

/**
 * router and kv-p2p-transfer are declared at the top level or in search-space
 * entries, not both; kv-p2p-transfer only on multi-node configs; `disagg: true`
 * needs kv-p2p-transfer at the top level or in every search-space entry.
 */
export function componentScope(key: string, entry: Rec, spaces: SearchSpaceAt[]): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  for (const field of ["router", "kv-p2p-transfer"]) {
    const inner = spaces.find((s) => s.ss[field] !== undefined);
    if (entry[field] !== undefined && inner)
      out.push({
        path: [key, field],
        message: `${field} is declared both here and in ${inner.path.slice(1).join(" › ")}; declare it at the top level or in search-space entries, not both`,
        locate: [key, field],
        atKey: true,
      });
  }
  if (entry.multinode !== true)
    for (const s of spaces)
      if (s.ss["kv-p2p-transfer"] !== undefined)
        out.push({
          path: [...s.path, "kv-p2p-transfer"],
          message: "kv-p2p-transfer is only valid in multi-node configs (multinode: true)",
          locate: [...s.path, "kv-p2p-transfer"],
          atKey: true,
        });
  if (entry.disagg === true && entry["kv-p2p-transfer"] === undefined) {
    const missing = spaces.filter((s) => s.ss["kv-p2p-transfer"] === undefined);
    if (!spaces.length || missing.length)
      out.push({
        path: [key, "disagg"],
        message:
          `disagg: true needs kv-p2p-transfer (e.g. nixl) at the top level or in every search-space entry` +
          (missing.length ? `; missing in ${missing.map((m) => m.path.slice(1).join(" › ")).join(", ")}` : ""),
      });
  }
  return out;
}

/** Single-node configs are never disaggregated. */
export function singleNodeNotDisagg(key: string, entry: Rec): ConfigProblem[] {
  if (entry.multinode === true || entry.disagg !== true) return [];
  return [{ path: [key, "disagg"], message: "disagg: true needs multinode: true (single-node configs are not disaggregated)" }];
}

/** The runner label should be a key of labels: (a warning, like the 2026-02 runner types). */
function runnerLabelDefined(key: string, entry: Rec, runners: LabeledRunnerMap | undefined, runnerFile: string): ConfigProblem[] {
  if (!runners || typeof entry.runner !== "string" || Object.hasOwn(runners.labels, entry.runner)) return [];
  const near = closest(entry.runner, Object.keys(runners.labels), 1);
  return [
    {
      path: [key, "runner"],
      severity: "warning",
      message:
        `runner '${entry.runner}' is not a label of ${runnerFile}, so its jobs wait for a runner nobody may have` +
        (near.length ? ` (did you mean '${near[0]}'?)` : ""),
    },
  ];
}

/** tp must be divisible by dcp-size (single-node entries and workers). */
export function tpDivisibleByDcp(p: Rec, path: PathSegment[]): ConfigProblem[] {
  const tp = p.tp;
  const dcp = p["dcp-size"] ?? 1;
  if (typeof tp !== "number" || typeof dcp !== "number" || dcp < 1 || tp % dcp === 0) return [];
  return [{ path, message: `tp (${tp}) must be divisible by dcp-size (${dcp})`, locate: [...path, "dcp-size"], atKey: true }];
}

/** Workers name their hardware on both prefill and decode, or on neither. */
export function workerHardwarePair(ss: Rec, path: PathSegment[]): ConfigProblem[] {
  if (!isRecord(ss.prefill) || !isRecord(ss.decode)) return [];
  if (Boolean(ss.prefill.hardware) === Boolean(ss.decode.hardware)) return [];
  return [{ path, message: "give hardware on both prefill and decode, or on neither" }];
}

/**
 * An agentic entry is single-node (tp, no prefill/decode; kv-offloading
 * required) or multi-node (prefill and decode; no pp/dcp-size/pcp-size),
 * matching its config's multinode.
 */
export function agenticEntryShape(ss: Rec, path: PathSegment[], multinode: boolean): ConfigProblem[] {
  const hasTp = ss.tp !== undefined;
  const workers = ["prefill", "decode"].filter((w) => ss[w] !== undefined);
  if (hasTp ? workers.length > 0 : workers.length !== 2)
    return [{ path, message: "an agentic search-space entry gives either tp (single-node) or both prefill and decode (multi-node)" }];
  if (hasTp && multinode) return [{ path, message: "this config is multinode: true, so its agentic entries need prefill and decode workers, not tp" }];
  if (!hasTp && !multinode) return [{ path, message: "this config is multinode: false, so its agentic entries need tp, not prefill/decode workers" }];
  if (hasTp && ss["kv-offloading"] === undefined) return [{ path, message: "single-node agentic entries must give kv-offloading (none or dram)" }];
  const stray = ["pp", "dcp-size", "pcp-size"].filter((f) => !hasTp && ss[f] !== undefined);
  return stray.map((f) => ({
    path: [...path, f],
    message: `multi-node agentic entries cannot give ${f} (set it on the prefill/decode workers)`,
    locate: [...path, f],
    atKey: true,
  }));
}

/** kv-offload-backend exactly when kv-offloading is dram. */
export function kvOffloadFields(ss: Rec, path: PathSegment[]): ConfigProblem[] {
  const mode = ss["kv-offloading"];
  const backend = ss["kv-offload-backend"];
  if (backend !== undefined && (mode === undefined || mode === "none"))
    return [
      {
        path: [...path, "kv-offload-backend"],
        message: `kv-offload-backend is only valid with kv-offloading: dram (got ${mode === undefined ? "no kv-offloading" : "kv-offloading: none"})`,
        locate: [...path, "kv-offload-backend"],
        atKey: true,
      },
    ];
  if (mode === "dram" && backend === undefined) return [{ path, message: "kv-offloading: dram needs kv-offload-backend (e.g. { name: hicache })" }];
  return [];
}

/** An agentic block with an entry offloading to dram needs dram-utilization. */
export function dramNeedsUtilization(block: Rec, path: PathSegment[]): ConfigProblem[] {
  if (block["dram-utilization"] !== undefined) return [];
  const j = list(block["search-space"]).findIndex((ss) => isRecord(ss) && ss["kv-offloading"] === "dram");
  if (j < 0) return [];
  return [{ path, message: `search-space[${j}] offloads KV to dram, so this agentic-coding block needs dram-utilization (a fraction in (0, 1])` }];
}
