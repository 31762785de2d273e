/**
 * Eval selection: which single-node benchmark jobs also run the accuracy
 * evals. Only 1k8k jobs (isl 1024, osl 8192) are candidates. Per group of
 * (model, runner, framework, precision, isl, osl, spec-decoding, dp-attn) it
 * marks the job with the highest TP at that TP's highest concurrency, and the
 * job with the lowest TP at that TP's highest concurrency (the same job when
 * the group has one TP). On ties the first job in matrix order wins.
 */
import type { MatrixEntry, SingleNodeEntry } from "./types.js";
import { isMultiNode } from "./types.js";

export const EVAL_ISL = 1024;
export const EVAL_OSL = 8192;

function evalGroupKey(e: SingleNodeEntry): string {
  return JSON.stringify([e.model, e.runner, e.framework, e.precision, e.isl, e.osl, e["spec-decoding"], e["dp-attn"]]);
}

/** Indices (into `entries`) of the jobs that run evals. */
export function selectEvalEntries(entries: readonly MatrixEntry[]): Set<number> {
  const groups = new Map<string, number[]>();
  entries.forEach((e, i) => {
    if (isMultiNode(e) || e.isl !== EVAL_ISL || e.osl !== EVAL_OSL) return;
    const k = evalGroupKey(e);
    const g = groups.get(k);
    if (g) g.push(i);
    else groups.set(k, [i]);
  });
  const chosen = new Set<number>();
  for (const members of groups.values()) {
    let maxTp = -Infinity;
    let minTp = Infinity;
    for (const i of members) {
      const tp = (entries[i] as SingleNodeEntry).tp;
      if (tp > maxTp) maxTp = tp;
      if (tp < minTp) minTp = tp;
    }
    for (const tp of [maxTp, minTp]) {
      let best = -1;
      for (const i of members) {
        const e = entries[i] as SingleNodeEntry;
        if (e.tp === tp && (best < 0 || e.conc > (entries[best] as SingleNodeEntry).conc)) best = i;
      }
      chosen.add(best);
    }
  }
  return chosen;
}

/** Sets `run-eval` on the selected jobs (`--run-evals`), or keeps only them (`--evals-only`). */
export function markEvals(entries: MatrixEntry[], mode: "run-evals" | "evals-only"): MatrixEntry[] {
  const chosen = selectEvalEntries(entries);
  for (const i of chosen) entries[i]!["run-eval"] = true;
  return mode === "evals-only" ? entries.filter((_, i) => chosen.has(i)) : entries;
}
