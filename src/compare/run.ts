/** A run as a comparison sees it: points by identity id (src/compare/packed.ts reads them). */
import type { IdentityTable } from "./identities.js";
import { type Identity, KEPT_METRICS } from "./metrics.js";

export { KEPT_METRICS } from "./metrics.js";

export interface Point {
  identity: Identity;
  /**
   * Metric values in KEPT_METRICS order from `at` on (the run's array: no view
   * per point, which a big run would make by the 20,000); NaN when absent,
   * non-numeric or not positive.
   */
  values: Float64Array;
  at: number;
  /** Which of `values` were present but unusable (non-numeric, zero, negative): bit i = KEPT_METRICS[i]. */
  bad: number;
}

/** A run's points in flat arrays: point j is `ids[j]` (an id of `table`, once per run) with its values at `values[j * K ..]`. */
export interface Run {
  label: string;
  table: IdentityTable;
  ids: Int32Array;
  /** ids.length × KEPT_METRICS.length, point after point. */
  values: Float64Array;
  bad: Int32Array;
  /** One line per problem: `file: $[3].tput_per_gpu: ...`. */
  problems: string[];
  /** Number of files read. */
  files: number;
  /** Rows dropped because a newer row of the same identity was in the same run. */
  duplicates: number;
}

const K = KEPT_METRICS.length;

/** A run's point: its values in the run's array, its identity object made when first read (the markdown reads few). */
class RunPoint implements Point {
  constructor(
    private readonly table: IdentityTable,
    private readonly id: number,
    readonly values: Float64Array,
    readonly at: number,
    readonly bad: number,
  ) {}

  get identity(): Identity {
    return this.table.identity(this.id);
  }
}

/** Point j of a run as an object. */
export function pointAt(run: Run, j: number): Point {
  return new RunPoint(run.table, run.ids[j]!, run.values, j * K, run.bad[j]!);
}

/** The valid rows of one file. Valid until the next read on this thread (`values` is reused). */
export interface FileRows {
  n: number;
  /** Per row: its identity's id in this thread's table (`localIdentities`). The arrays may be longer than n. */
  ids: Int32Array;
  /** n × KEPT_METRICS.length, row after row; NaN where absent or unusable. */
  values: Float64Array;
  /** Per row: which metrics were present but unusable (bit i = KEPT_METRICS[i]). */
  bad: Int32Array;
  dates: string[];
  /** Per row: its index in the file's array, or -1 for a file holding one row object. */
  index: Int32Array;
}

/** A row's JSON path: `$[12]`, or `$` for a file holding one row object. */
export function rowPath(rows: FileRows, j: number): string {
  const i = rows.index[j]!;
  return i < 0 ? "$" : `$[${i}]`;
}
