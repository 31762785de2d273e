/**
 * Typed master configs and runner map of the 2026-08 dialect (`scenarios`
 * layout), as described by schemas/scenario-master-config.schema.json and
 * schemas/runner-labels.schema.json. Values of these types have passed
 * validation (src/config/scenario-validate.ts). The 2026-02 dialect's types
 * are in src/config/types.ts.
 */
import type { SpecDecoding } from "../plan/types.js";
import type { ConcurrencyFields } from "./types.js";

/** A named component with a version (router). */
export interface ComponentMetadata {
  name: string;
  version: string;
}

/** The KV offload backend of an agentic entry (version optional). */
export interface KvOffloadBackend {
  name: string;
  version?: string;
}

export type KvOffloading = "none" | "dram";

/** Parallelism shared by single-node entries and multi-node workers. */
export interface Parallelism {
  tp: number;
  pp?: number;
  "dcp-size"?: number;
  "pcp-size"?: number;
  ep?: number;
  "dp-attn"?: boolean;
}

export interface ScenarioWorker extends Parallelism {
  "num-worker": number;
  ep: number;
  "dp-attn": boolean;
  hardware?: string;
  "additional-settings"?: string[];
}

export interface ScenarioSingleSearchSpace extends Parallelism, ConcurrencyFields {
  "spec-decoding"?: SpecDecoding;
  router?: ComponentMetadata;
}

export interface ScenarioMultiSearchSpace extends ConcurrencyFields {
  "spec-decoding"?: SpecDecoding;
  prefill: ScenarioWorker;
  decode: ScenarioWorker;
  router?: ComponentMetadata;
  "kv-p2p-transfer"?: string;
}

/** An agentic search-space entry: single-node (tp ...) or multi-node (prefill/decode). */
export interface AgenticSearchSpace extends ConcurrencyFields {
  tp?: number;
  pp?: number;
  "dcp-size"?: number;
  "pcp-size"?: number;
  ep?: number;
  "dp-attn"?: boolean;
  "spec-decoding"?: SpecDecoding;
  prefill?: ScenarioWorker;
  decode?: ScenarioWorker;
  "kv-offloading"?: KvOffloading;
  "kv-offload-backend"?: KvOffloadBackend;
  router?: ComponentMetadata;
  "kv-p2p-transfer"?: string;
}

export interface FixedSeqLenScenario<S> {
  isl: number;
  osl: number;
  "search-space": S[];
}

export interface AgenticCodingScenario {
  "search-space": AgenticSearchSpace[];
  /** Fraction of the node's CPU DRAM for KV offload, (0, 1]; needed when an entry offloads to dram. */
  "dram-utilization"?: number;
}

export type ScenarioType = "fixed-seq-len" | "agentic-coding";
export const SCENARIO_TYPES: readonly ScenarioType[] = ["fixed-seq-len", "agentic-coding"];

export interface ScenarioConfig {
  image: string;
  model: string;
  "model-prefix": string;
  precision: string;
  framework: string;
  runner: string;
  multinode: boolean;
  disagg?: boolean;
  router?: ComponentMetadata;
  "kv-p2p-transfer"?: string;
  scenarios: {
    "fixed-seq-len"?: FixedSeqLenScenario<ScenarioSingleSearchSpace | ScenarioMultiSearchSpace>[];
    "agentic-coding"?: AgenticCodingScenario[];
  };
}

export interface RunnerHardware {
  "available-cpu-dram-mib": number;
  "gpus-per-node": number;
}

/** runners.yaml of the 2026-08 dialect. */
export interface LabeledRunnerMap {
  labels: Record<string, string[]>;
  hardware?: Record<string, RunnerHardware>;
}

/** What the 2026-08 planner reads (besides the shared PlanningInputs fields). */
export interface ScenarioInputs {
  configs: Map<string, ScenarioConfig>;
  runners: LabeledRunnerMap;
}
