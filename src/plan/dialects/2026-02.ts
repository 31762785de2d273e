/**
 * The planning rules of the 2026-02 dialect (`seq-len-configs` configs),
 * under the same names as src/plan/dialects/2026-08.ts. The generator that
 * uses them is src/plan/matrix.ts; eval selection is
 * src/plan/eval-selection.ts.
 */
export { SEQ_LEN_NAMES, seqLenName, sweepMaxModelLen as maxModelLen, RUNNER_SWEEP_MAX_MODEL_LEN } from "../matrix.js";
export { EVAL_ISL, EVAL_OSL, selectEvalEntries } from "../eval-selection.js";
