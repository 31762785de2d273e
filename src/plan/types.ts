/**
 * Matrix entries: the contract between the planner, the workflows (which
 * export them as environment variables) and the results pipeline. Field names
 * and values are the reference planner's, byte for byte.
 */

export type SpecDecoding = "mtp" | "draft_model" | "none";

/** One single-node benchmark job: one server, one concurrency. */
export interface SingleNodeEntry {
  image: string;
  model: string;
  "model-prefix": string;
  precision: string;
  framework: string;
  runner: string;
  isl: number;
  osl: number;
  tp: number;
  conc: number;
  "max-model-len": number;
  ep: number;
  "dp-attn": boolean;
  "spec-decoding": SpecDecoding;
  "exp-name": string;
  disagg: boolean;
  "run-eval": boolean;
  /** Added by plan policies (see src/plan/policies.ts), not by the reference. */
  id?: string;
  name?: string;
  /** Set by --canary on the one entry the workflow runs first (src/plan/policies.ts). */
  canary?: boolean;
  /** Set by --resolve-digests: the registry's digest of `image` (src/plan/image-digests.ts). */
  "image-digest"?: string;
}

export interface WorkerBlock {
  "num-worker": number;
  tp: number;
  ep: number;
  "dp-attn": boolean;
  "additional-settings"?: string[];
}

/** One multi-node (disaggregated prefill/decode) job: runs every concurrency in `conc`. */
export interface MultiNodeEntry {
  image: string;
  model: string;
  "model-prefix": string;
  precision: string;
  framework: string;
  runner: string;
  isl: number;
  osl: number;
  "spec-decoding": SpecDecoding;
  prefill: WorkerBlock;
  decode: WorkerBlock;
  conc: number[];
  "max-model-len": number;
  "exp-name": string;
  disagg: boolean;
  "run-eval": boolean;
  id?: string;
  name?: string;
  /** Set by --resolve-digests (src/plan/image-digests.ts). */
  "image-digest"?: string;
}

export type MatrixEntry = SingleNodeEntry | MultiNodeEntry;

export function isMultiNode(e: MatrixEntry): e is MultiNodeEntry {
  return "prefill" in e;
}
