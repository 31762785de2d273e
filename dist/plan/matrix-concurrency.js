/** conc-start, conc-start*step, ... clamped to conc-end. */
export function geometricConcurrencies(start, end, step) {
    const out = [];
    let c = start;
    while (c <= end) {
        out.push(c);
        if (c === end)
            break;
        c *= step;
        if (c > end)
            c = end;
    }
    return out;
}
/** The concurrencies a search-space entry runs at, under the window; empty = drop the entry. */
export function concurrenciesFor(ss, w) {
    if (w.minConc !== undefined && w.minConc <= 0)
        return [];
    if (w.maxConc !== undefined && w.maxConc <= 0)
        return [];
    const list = ss["conc-list"];
    if (list) {
        let kept = list;
        if (w.maxConc !== undefined) {
            const max = w.maxConc;
            kept = kept.filter((c) => c <= max);
            if (kept.length === 0)
                kept = [max];
        }
        if (w.minConc !== undefined) {
            const min = w.minConc;
            kept = kept.filter((c) => c >= min);
        }
        return kept;
    }
    let start = ss["conc-start"];
    let end = ss["conc-end"];
    if (w.maxConc !== undefined) {
        end = Math.min(end, w.maxConc);
        start = Math.min(start, end);
    }
    if (w.minConc !== undefined)
        start = Math.max(start, w.minConc);
    if (start > end)
        return [];
    return geometricConcurrencies(start, end, w.stepSize);
}
