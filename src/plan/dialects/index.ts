/**
 * The two config dialects' planning rules side by side. The layout of the
 * config files decides which set applies (src/config/dialect.ts); each row
 * names the function or constant that implements it.
 *
 * | rule | 2026-02 (`seq-len-configs`) | 2026-08 (`scenarios`) |
 * |---|---|---|
 * | generator | plan/matrix.ts `fullSweep`, `testConfig`, `runnerModelSweep` | plan/scenario-matrix.ts `scenarioFullSweep`, `scenarioTestConfig` (no runner-model-sweep) |
 * | max-model-len | isl + osl + 200 (`maxModelLen` in 2026-02.ts) | isl + osl + 256 (`maxModelLen` in 2026-08.ts) |
 * | sequence names | 1k1k, 1k8k, 8k1k | 1k1k, 8k1k |
 * | exp-name | `<prefix>_<seq>` | `<prefix>_<seq>`; agentic `agenticSingleExpName`, `agenticMultiExpName` |
 * | evals | off unless --run-evals: 1k8k rows, highest and lowest TP at their highest conc (`selectEvalEntries`) | on unless --no-evals: 8k1k rows at conc >= 16, highest and upper-median conc (`markDefaultEvals`); --all-evals `expandAllEvals` |
 * | node kinds | exactly one of --single-node / --multi-node | both or neither = both |
 * | --model-prefix | the config's model-prefix | the start of the config key (the reference's rule) |
 * | single-node conc-list in full-sweep | honoured (the reference ignored it) | honoured |
 * | multi-node --max-tp / --max-ep | drop / clamp | ignored (the reference's rule) |
 * | changelog | changelog/plan.ts; `*`, `?` and globs via minimatch | changelog/scenario-plan.ts; only `*` (`?` literal); append-only, eval buckets |
 * | runner map | runner type -> nodes | `{labels, hardware}`; total-cpu-dram-gb (`totalCpuDramGb`) |
 */
import type { Dialect } from "../../config/dialect.js";
import * as v0202 from "./2026-02.js";
import * as v0208 from "./2026-08.js";

export interface DialectRules {
  seqLenNames: readonly string[];
  maxModelLen: (isl: number, osl: number) => number;
  seqLenName: (isl: number, osl: number) => string;
}

export const DIALECT_RULES: Record<Dialect, DialectRules> = {
  "2026-02": { seqLenNames: v0202.SEQ_LEN_NAMES, maxModelLen: v0202.maxModelLen, seqLenName: v0202.seqLenName },
  "2026-08": { seqLenNames: v0208.SEQ_LEN_NAMES, maxModelLen: v0208.maxModelLen, seqLenName: v0208.seqLenName },
};
