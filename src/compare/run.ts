/** A run as a comparison sees it: points by identity key (src/compare/packed.ts reads them). */
import type { Identity } from "./metrics.js";

export { KEPT_METRICS } from "./metrics.js";

export interface Point {
  key: string;
  /** Empty for a history run (it needs values only). */
  identity: Identity;
  /** Metric values in KEPT_METRICS order; NaN when absent, non-numeric or not positive. */
  values: Float64Array;
  /** Which of `values` were present but unusable (non-numeric, zero, negative): bit i = KEPT_METRICS[i]. */
  bad: number;
}

export interface Run {
  label: string;
  points: Map<string, Point>;
  /** One line per problem: `file: $[3].tput_per_gpu: ...`. */
  problems: string[];
  /** Number of files read. */
  files: number;
  /** Rows dropped because a newer row of the same identity was in the same run. */
  duplicates: number;
}

/** The valid rows of one file. Valid until the next read on this thread (`values` is reused). */
export interface FileRows {
  n: number;
  keys: string[];
  /** Per row, when asked for (empty for a history run read the fast way). */
  identities: Identity[];
  /** n × KEPT_METRICS.length, row after row; NaN where absent or unusable. */
  values: Float64Array;
  /** Per row: which metrics were present but unusable (bit i = KEPT_METRICS[i]). */
  bad: number[];
  dates: string[];
  /** Per row: its index in the file's array, or -1 for a file holding one row object. */
  index: number[];
}

/** A row's JSON path: `$[12]`, or `$` for a file holding one row object. */
export function rowPath(rows: FileRows, j: number): string {
  const i = rows.index[j]!;
  return i < 0 ? "$" : `$[${i}]`;
}
