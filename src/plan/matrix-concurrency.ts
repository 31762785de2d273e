/**
 * Concurrency rules of the matrix generator (reference semantics, plus the
 * conc-list fix):
 *  - a conc-start..conc-end range grows geometrically by the step size and its
 *    last value is clamped to conc-end (4..48 by 2 is 4 8 16 32 48);
 *  - --max-conc lowers the end of a range; a range entirely above it yields
 *    the single value --max-conc; then --min-conc raises the start of the
 *    range, and a range entirely below it is dropped;
 *  - a conc-list keeps the values inside [--min-conc, --max-conc]; when every
 *    value is above --max-conc it becomes [--max-conc]; when none is left
 *    otherwise it is dropped;
 *  - a non-positive --min-conc or --max-conc drops everything.
 */
import type { ConcurrencyFields } from "../config/types.js";

export interface ConcurrencyWindow {
  minConc?: number;
  maxConc?: number;
  /** Growth factor of conc-start..conc-end ranges (>= 2). */
  stepSize: number;
}

/** conc-start, conc-start*step, ... clamped to conc-end. */
export function geometricConcurrencies(start: number, end: number, step: number): number[] {
  const out: number[] = [];
  let c = start;
  while (c <= end) {
    out.push(c);
    if (c === end) break;
    c *= step;
    if (c > end) c = end;
  }
  return out;
}

/** The concurrencies a search-space entry runs at, under the window; empty = drop the entry. */
export function concurrenciesFor(ss: ConcurrencyFields, w: ConcurrencyWindow): number[] {
  if (w.minConc !== undefined && w.minConc <= 0) return [];
  if (w.maxConc !== undefined && w.maxConc <= 0) return [];
  const list = ss["conc-list"];
  if (list) {
    let kept = list;
    if (w.maxConc !== undefined) {
      const max = w.maxConc;
      kept = kept.filter((c) => c <= max);
      if (kept.length === 0) kept = [max];
    }
    if (w.minConc !== undefined) {
      const min = w.minConc;
      kept = kept.filter((c) => c >= min);
    }
    return kept;
  }
  let start = ss["conc-start"]!;
  let end = ss["conc-end"]!;
  if (w.maxConc !== undefined) {
    end = Math.min(end, w.maxConc);
    start = Math.min(start, end);
  }
  if (w.minConc !== undefined) start = Math.max(start, w.minConc);
  if (start > end) return [];
  return geometricConcurrencies(start, end, w.stepSize);
}

/**
 * `test-config --conc`: the search-space entry's own concurrencies (its range
 * or conc-list, as `concurrenciesFor` gives them) that are among `wanted`, in
 * the entry's order. Empty: a single-node entry yields no job and a multi-node
 * entry is dropped.
 */
export function filterConcurrencies(own: readonly number[], wanted: readonly number[]): number[] {
  const keep = new Set(wanted);
  return own.filter((c) => keep.has(c));
}

/** The `wanted` values that no entry of the matrix runs at (single-node `conc`, or in a multi-node `conc` list). */
export function unmatchedConcurrencies(wanted: readonly number[], entries: readonly { conc: number | number[] }[]): number[] {
  const seen = new Set<number>();
  for (const e of entries) for (const c of Array.isArray(e.conc) ? e.conc : [e.conc]) seen.add(c);
  return [...new Set(wanted)].filter((c) => !seen.has(c));
}
