import { isMultiNode } from "./types.js";
export const EVAL_ISL = 1024;
export const EVAL_OSL = 8192;
function evalGroupKey(e) {
    return JSON.stringify([e.model, e.runner, e.framework, e.precision, e.isl, e.osl, e["spec-decoding"], e["dp-attn"]]);
}
/** Indices (into `entries`) of the jobs that run evals. */
export function selectEvalEntries(entries) {
    const groups = new Map();
    entries.forEach((e, i) => {
        if (isMultiNode(e) || e.isl !== EVAL_ISL || e.osl !== EVAL_OSL)
            return;
        const k = evalGroupKey(e);
        const g = groups.get(k);
        if (g)
            g.push(i);
        else
            groups.set(k, [i]);
    });
    const chosen = new Set();
    for (const members of groups.values()) {
        let maxTp = -Infinity;
        let minTp = Infinity;
        for (const i of members) {
            const tp = entries[i].tp;
            if (tp > maxTp)
                maxTp = tp;
            if (tp < minTp)
                minTp = tp;
        }
        for (const tp of [maxTp, minTp]) {
            let best = -1;
            for (const i of members) {
                const e = entries[i];
                if (e.tp === tp && (best < 0 || e.conc > entries[best].conc))
                    best = i;
            }
            chosen.add(best);
        }
    }
    return chosen;
}
/** Sets `run-eval` on the selected jobs (`--run-evals`), or keeps only them (`--evals-only`). */
export function markEvals(entries, mode) {
    const chosen = selectEvalEntries(entries);
    for (const i of chosen)
        entries[i]["run-eval"] = true;
    return mode === "evals-only" ? entries.filter((_, i) => chosen.has(i)) : entries;
}
