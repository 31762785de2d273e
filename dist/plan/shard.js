/**
 * Shards: a plan of any size cut into pieces a CI matrix can run.
 *
 * GitHub refuses a matrix of more than 256 jobs and a job output over 1 MB,
 * so a plan is cut into shards of at most `maxEntries` (256) entries whose
 * JSON (the array a matrix job reads) stays under `maxBytes` (900 KB).
 * Single-node and multi-node entries are sharded separately (they run in
 * different job templates); the canary entry, if any, is a shard of its own.
 *
 * The cut is deterministic: entries are ordered by `name` (then canonical
 * content), the number of shards is the smallest that satisfies both bounds,
 * and entries are spread evenly over them, so the same plan always gives the
 * same shards. See docs/sharding.md for how the workflows fan out over them.
 */
import { isMultiNode } from "./types.js";
import { canonicalEntry, seqLenTag } from "./policies.js";
export const MAX_MATRIX_JOBS = 256;
export const MAX_SHARD_BYTES = 900_000;
/** Shard ids the workflows may pass around; anything else is refused (ids end up in paths). */
export const SHARD_ID_PATTERN = /^(canary|single-\d{3,5}|multi-\d{3,5})$/;
function orderForSharding(entries) {
    const rows = entries.map((entry) => {
        const json = JSON.stringify(entry);
        return { entry, json, bytes: Buffer.byteLength(json, "utf8"), key: entry.name ?? "", canon: canonicalEntry(entry) };
    });
    rows.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.canon < b.canon ? -1 : a.canon > b.canon ? 1 : 0));
    return rows;
}
/** Cuts one kind of entries into the fewest even shards that respect both bounds. */
function cut(kind, entries, maxEntries, maxBytes) {
    if (entries.length === 0)
        return [];
    const rows = orderForSharding(entries);
    const arrayBytes = (n, sum) => sum + 2 + Math.max(0, n - 1); // [..,..]
    for (const r of rows) {
        if (arrayBytes(1, r.bytes) > maxBytes)
            throw new Error(`one ${kind}-node entry alone is ${r.bytes} bytes of JSON, over the ${maxBytes}-byte shard limit (${r.entry.name ?? r.entry["exp-name"]})`);
    }
    const total = rows.reduce((s, r) => s + r.bytes, 0);
    const count = Math.max(Math.ceil(rows.length / maxEntries), Math.ceil(arrayBytes(rows.length, total) / maxBytes));
    const shards = [];
    // Even spread: each shard takes its share of what is left (the byte bound may close one earlier).
    const targetNow = (done) => Math.ceil((rows.length - done) / Math.max(1, count - shards.length));
    let done = 0;
    let target = targetNow(0);
    let cur = [];
    let curBytes = 0;
    const flush = () => {
        if (!cur.length)
            return;
        const json = `[${cur.map((r) => r.json).join(",")}]`;
        shards.push({ id: "", kind, entries: cur.map((r) => r.entry), json, bytes: Buffer.byteLength(json, "utf8") });
        done += cur.length;
        cur = [];
        curBytes = 0;
        target = targetNow(done);
    };
    for (const r of rows) {
        if (cur.length && (cur.length >= target || cur.length >= maxEntries || arrayBytes(cur.length + 1, curBytes + r.bytes) > maxBytes))
            flush();
        cur.push(r);
        curBytes += r.bytes;
    }
    flush();
    const width = Math.max(3, String(shards.length).length);
    shards.forEach((s, i) => (s.id = `${kind}-${String(i + 1).padStart(width, "0")}`));
    if (shards.length > MAX_MATRIX_JOBS)
        throw new Error(`the plan needs ${shards.length} ${kind}-node shards, more than the ${MAX_MATRIX_JOBS} a matrix over shards can run`);
    return shards;
}
/**
 * Splits a plan into shards: `canary` (the entry marked `canary: true`, if
 * any), then `single-NNN` and `multi-NNN`. Every entry is in exactly one shard.
 */
export function shardPlan(entries, opts = {}) {
    const maxEntries = opts.maxEntries ?? MAX_MATRIX_JOBS;
    const maxBytes = opts.maxBytes ?? MAX_SHARD_BYTES;
    if (maxEntries < 1 || maxBytes < 3)
        throw new Error("shard bounds must be positive");
    const canary = entries.filter((e) => !isMultiNode(e) && e.canary);
    const single = entries.filter((e) => !isMultiNode(e) && !e.canary);
    const multi = entries.filter((e) => isMultiNode(e));
    const shards = [];
    if (canary.length) {
        const json = JSON.stringify(canary);
        shards.push({ id: "canary", kind: "canary", entries: canary, json, bytes: Buffer.byteLength(json, "utf8") });
    }
    shards.push(...cut("single", single, maxEntries, maxBytes), ...cut("multi", multi, maxEntries, maxBytes));
    return shards;
}
/** Entries grouped by kind and sequence-length bucket (`1k1k`, `1k8k`, `8k1k`, else `<isl>_<osl>`), buckets in that order. */
export function bucketBySeqLen(entries) {
    const order = (tag) => ["1k1k", "1k8k", "8k1k"].indexOf(tag);
    const group = (list) => {
        const m = new Map();
        for (const e of list) {
            const tag = seqLenTag(e.isl, e.osl);
            let g = m.get(tag);
            if (!g)
                m.set(tag, (g = { isl: e.isl, osl: e.osl, entries: [] }));
            g.entries.push(e);
        }
        const tags = [...m.keys()].sort((a, b) => {
            const oa = order(a);
            const ob = order(b);
            if (oa >= 0 || ob >= 0)
                return (oa < 0 ? 99 : oa) - (ob < 0 ? 99 : ob);
            const ga = m.get(a);
            const gb = m.get(b);
            return ga.isl - gb.isl || ga.osl - gb.osl;
        });
        return Object.fromEntries(tags.map((t) => [t, m.get(t).entries]));
    };
    return { single_node: group(entries.filter((e) => !isMultiNode(e))), multi_node: group(entries.filter(isMultiNode)) };
}
/**
 * Lays a plan out as files: `plan.json` (the whole plan: buckets, optional
 * metadata, and the shard index) and `shards/<id>.json` (one compact entry
 * array per shard), plus the summary.
 */
export function githubPlanFiles(entries, planDir, extra = {}, opts = {}) {
    const shards = shardPlan(entries, opts);
    const files = new Map();
    for (const s of shards)
        files.set(`shards/${s.id}.json`, s.json + "\n");
    const summary = {
        "plan-dir": planDir,
        total: entries.length,
        "single-node": entries.filter((e) => !isMultiNode(e)).length,
        "multi-node": entries.filter(isMultiNode).length,
        "canary-shard": shards.some((s) => s.kind === "canary") ? "canary" : "",
        "single-node-shards": shards.filter((s) => s.kind === "single").map((s) => s.id),
        "multi-node-shards": shards.filter((s) => s.kind === "multi").map((s) => s.id),
    };
    const plan = {
        ...bucketBySeqLen(entries),
        ...extra,
        shards: shards.map((s) => ({ id: s.id, kind: s.kind, count: s.entries.length, bytes: s.bytes, file: `shards/${s.id}.json`, names: s.entries.map((e) => e.name ?? "") })),
        summary,
    };
    files.set("plan.json", JSON.stringify(plan) + "\n");
    return { summary, files };
}
/** `key=value` lines for $GITHUB_OUTPUT (every value is one line of JSON or text). */
export function githubOutputLines(summary) {
    const lines = [
        `plan-dir=${summary["plan-dir"]}`,
        `total=${summary.total}`,
        `single-node=${summary["single-node"]}`,
        `multi-node=${summary["multi-node"]}`,
        `canary-shard=${summary["canary-shard"]}`,
        `single-node-shards=${JSON.stringify(summary["single-node-shards"])}`,
        `multi-node-shards=${JSON.stringify(summary["multi-node-shards"])}`,
    ];
    return lines.join("\n") + "\n";
}
