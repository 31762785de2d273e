import { localIdentities } from "../../src/compare/identities.js";
import { KEPT_METRICS } from "../../src/compare/metrics.js";
import type { FileRows } from "../../src/compare/run.js";

/** A file's rows spelled out, to compare two readers: per row its identity's key and object, metrics (NaN and -0 as words), bad bits, date and index. */
export function plainRows(r: FileRows) {
  const table = localIdentities();
  const ids = [...r.ids.subarray(0, r.n)];
  return {
    keys: ids.map((id) => table.key(id)),
    identities: ids.map((id) => table.identity(id)),
    values: Array.from(r.values.subarray(0, r.n * KEPT_METRICS.length), (v) => (Number.isNaN(v) ? "NaN" : Object.is(v, -0) ? "-0" : v)),
    bad: [...r.bad.subarray(0, r.n)],
    dates: r.dates.slice(0, r.n),
    index: [...r.index.subarray(0, r.n)],
  };
}
