/**
 * Typed master configs and runner map, as described by
 * schemas/master-config.schema.json and schemas/runners.schema.json.
 * Values of these types have passed validation (src/config/validate.ts).
 */
import type { SpecDecoding, WorkerBlock } from "../plan/types.js";

/** Concurrencies of a search-space entry: a geometric range or an explicit list. */
export interface ConcurrencyFields {
  "conc-start"?: number;
  "conc-end"?: number;
  "conc-list"?: number[];
}

export interface SingleNodeSearchSpace extends ConcurrencyFields {
  tp: number;
  ep?: number;
  "dp-attn"?: boolean;
  "spec-decoding"?: SpecDecoding;
}

export interface MultiNodeSearchSpace extends ConcurrencyFields {
  "spec-decoding"?: SpecDecoding;
  prefill: WorkerBlock;
  decode: WorkerBlock;
}

export interface SeqLenConfig<S> {
  isl: number;
  osl: number;
  "search-space": S[];
}

interface ConfigCommon {
  image: string;
  model: string;
  "model-prefix": string;
  runner: string;
  precision: string;
  framework: string;
  disagg?: boolean;
}

export interface SingleNodeConfig extends ConfigCommon {
  multinode: false;
  "seq-len-configs": SeqLenConfig<SingleNodeSearchSpace>[];
}

export interface MultiNodeConfig extends ConfigCommon {
  multinode: true;
  "seq-len-configs": SeqLenConfig<MultiNodeSearchSpace>[];
}

/** One entry of a master config file (the value under a config key). */
export type MasterConfigEntry = SingleNodeConfig | MultiNodeConfig;

/** Runner type (e.g. `b200`) -> runner node labels (e.g. `b200-nv_0`). */
export type RunnerMap = Record<string, string[]>;
