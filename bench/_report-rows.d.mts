import type { AggRow } from "../src/results/types.js";
/** Synthetic aggregate rows for the report's tests and bench (see _report-rows.mjs). */
export declare function syntheticRows(n: number, opts?: { seed?: number; server?: string }): AggRow[];
