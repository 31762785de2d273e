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
import { isMultiNode, type MatrixEntry } from "./types.js";
import { canonicalEntry, seqLenTag } from "./policies.js";

export const MAX_MATRIX_JOBS = 256;
export const MAX_SHARD_BYTES = 900_000;

export type ShardKind = "single" | "multi" | "agentic" | "canary";

export interface Shard {
  /** `canary`, `single-001`, `multi-001`, ...: safe in file names, job names and artifact names. */
  id: string;
  kind: ShardKind;
  entries: MatrixEntry[];
  /** The shard's JSON (a compact array of entries): what a matrix job receives. */
  json: string;
  /** UTF-8 size of `json`. */
  bytes: number;
}

export interface ShardOptions {
  maxEntries?: number;
  maxBytes?: number;
}

/** Shard ids the workflows may pass around; anything else is refused (ids end up in paths). */
export const SHARD_ID_PATTERN = /^(canary|single-\d{3,5}|multi-\d{3,5}|agentic-\d{3,5})$/;

/** Agentic-coding rows (2026-08 dialect) run in their own job template, whatever their node kind. */
export function isAgenticEntry(e: MatrixEntry): boolean {
  return (e as unknown as Record<string, unknown>)["scenario-type"] === "agentic-coding";
}

function orderForSharding(entries: MatrixEntry[]): { entry: MatrixEntry; json: string; bytes: number }[] {
  const rows = entries.map((entry) => {
    const json = JSON.stringify(entry);
    return { entry, json, bytes: Buffer.byteLength(json, "utf8"), key: entry.name ?? "", canon: canonicalEntry(entry) };
  });
  rows.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.canon < b.canon ? -1 : a.canon > b.canon ? 1 : 0));
  return rows;
}

/** Cuts one kind of entries into the fewest even shards that respect both bounds. */
function cut(kind: "single" | "multi" | "agentic", entries: MatrixEntry[], maxEntries: number, maxBytes: number): Shard[] {
  if (entries.length === 0) return [];
  const rows = orderForSharding(entries);
  const arrayBytes = (n: number, sum: number) => sum + 2 + Math.max(0, n - 1); // [..,..]
  for (const r of rows) {
    if (arrayBytes(1, r.bytes) > maxBytes)
      throw new Error(
        `one ${kind}-node entry alone is ${r.bytes} bytes of JSON, over the ${maxBytes}-byte shard limit (${r.entry.name ?? r.entry["exp-name"]})`,
      );
  }
  const total = rows.reduce((s, r) => s + r.bytes, 0);
  const count = Math.max(Math.ceil(rows.length / maxEntries), Math.ceil(arrayBytes(rows.length, total) / maxBytes));
  const shards: Shard[] = [];
  // Even spread: each shard takes its share of what is left (the byte bound may close one earlier).
  const targetNow = (done: number) => Math.ceil((rows.length - done) / Math.max(1, count - shards.length));
  let done = 0;
  let target = targetNow(0);
  let cur: typeof rows = [];
  let curBytes = 0;
  const flush = () => {
    if (!cur.length) return;
    const json = `[${cur.map((r) => r.json).join(",")}]`;
    shards.push({ id: "", kind, entries: cur.map((r) => r.entry), json, bytes: Buffer.byteLength(json, "utf8") });
    done += cur.length;
    cur = [];
    curBytes = 0;
    target = targetNow(done);
  };
  for (const r of rows) {
    if (cur.length && (cur.length >= target || cur.length >= maxEntries || arrayBytes(cur.length + 1, curBytes + r.bytes) > maxBytes)) flush();
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
export function shardPlan(entries: MatrixEntry[], opts: ShardOptions = {}): Shard[] {
  const maxEntries = opts.maxEntries ?? MAX_MATRIX_JOBS;
  const maxBytes = opts.maxBytes ?? MAX_SHARD_BYTES;
  if (maxEntries < 1 || maxBytes < 3) throw new Error("shard bounds must be positive");
  const canary = entries.filter((e) => !isMultiNode(e) && e.canary);
  const single = entries.filter((e) => !isMultiNode(e) && !e.canary && !isAgenticEntry(e));
  const multi = entries.filter((e) => isMultiNode(e) && !isAgenticEntry(e));
  const agentic = entries.filter((e) => isAgenticEntry(e) && !(!isMultiNode(e) && e.canary));
  const shards: Shard[] = [];
  if (canary.length) {
    const json = JSON.stringify(canary);
    shards.push({ id: "canary", kind: "canary", entries: canary, json, bytes: Buffer.byteLength(json, "utf8") });
  }
  shards.push(...cut("single", single, maxEntries, maxBytes), ...cut("multi", multi, maxEntries, maxBytes), ...cut("agentic", agentic, maxEntries, maxBytes));
  return shards;
}

/** Entries grouped by kind and sequence-length bucket (`1k1k`, `1k8k`, `8k1k`, else `<isl>_<osl>`), buckets in that order. */
export function bucketBySeqLen(entries: MatrixEntry[]): { single_node: Record<string, MatrixEntry[]>; multi_node: Record<string, MatrixEntry[]> } {
  const order = (tag: string) => ["1k1k", "1k8k", "8k1k"].indexOf(tag);
  const group = (list: MatrixEntry[]) => {
    const m = new Map<string, { isl: number; osl: number; entries: MatrixEntry[] }>();
    for (const e of list) {
      const tag = isAgenticEntry(e) ? "agentic" : seqLenTag(e.isl, e.osl);
      let g = m.get(tag);
      if (!g) m.set(tag, (g = { isl: e.isl, osl: e.osl, entries: [] }));
      g.entries.push(e);
    }
    const tags = [...m.keys()].sort((a, b) => {
      const oa = order(a);
      const ob = order(b);
      if (oa >= 0 || ob >= 0) return (oa < 0 ? 99 : oa) - (ob < 0 ? 99 : ob);
      const ga = m.get(a)!;
      const gb = m.get(b)!;
      return ga.isl - gb.isl || ga.osl - gb.osl;
    });
    return Object.fromEntries(tags.map((t) => [t, m.get(t)!.entries]));
  };
  return { single_node: group(entries.filter((e) => !isMultiNode(e))), multi_node: group(entries.filter(isMultiNode)) };
}

/** What `--format github` prints on stdout and writes to $GITHUB_OUTPUT: small, whatever the plan size. */
export interface GithubPlanSummary {
  /** Directory holding plan.json and shards/<id>.json (upload it as the `sweep-plan` artifact). */
  "plan-dir": string;
  total: number;
  "single-node": number;
  "multi-node": number;
  /** `canary` when the plan has a canary shard, else "". */
  "canary-shard": string;
  "single-node-shards": string[];
  "multi-node-shards": string[];
  /** Agentic-coding entries (2026-08 dialect), of both node kinds, and their shards. */
  agentic: number;
  "agentic-shards": string[];
}

/** The files of a github-format plan, relative to the plan directory. */
export interface GithubPlanFiles {
  summary: GithubPlanSummary;
  files: Map<string, string>;
}

/**
 * Lays a plan out as files: `plan.json` (the whole plan: buckets, optional
 * metadata, and the shard index) and `shards/<id>.json` (one compact entry
 * array per shard), plus the summary.
 */
export function githubPlanFiles(entries: MatrixEntry[], planDir: string, extra: Record<string, unknown> = {}, opts: ShardOptions = {}): GithubPlanFiles {
  const shards = shardPlan(entries, opts);
  const files = new Map<string, string>();
  for (const s of shards) files.set(`shards/${s.id}.json`, s.json + "\n");
  const summary: GithubPlanSummary = {
    "plan-dir": planDir,
    total: entries.length,
    "single-node": entries.filter((e) => !isMultiNode(e)).length,
    "multi-node": entries.filter(isMultiNode).length,
    "canary-shard": shards.some((s) => s.kind === "canary") ? "canary" : "",
    "single-node-shards": shards.filter((s) => s.kind === "single").map((s) => s.id),
    "multi-node-shards": shards.filter((s) => s.kind === "multi").map((s) => s.id),
    agentic: entries.filter(isAgenticEntry).length,
    "agentic-shards": shards.filter((s) => s.kind === "agentic").map((s) => s.id),
  };
  const plan = {
    ...bucketBySeqLen(entries),
    ...extra,
    shards: shards.map((s) => ({
      id: s.id,
      kind: s.kind,
      count: s.entries.length,
      bytes: s.bytes,
      file: `shards/${s.id}.json`,
      names: s.entries.map((e) => e.name ?? ""),
    })),
    summary,
  };
  files.set("plan.json", JSON.stringify(plan) + "\n");
  return { summary, files };
}

/** `key=value` lines for $GITHUB_OUTPUT (every value is one line of JSON or text). */
export function githubOutputLines(summary: GithubPlanSummary): string {
  const lines = [
    `plan-dir=${summary["plan-dir"]}`,
    `total=${summary.total}`,
    `single-node=${summary["single-node"]}`,
    `multi-node=${summary["multi-node"]}`,
    `canary-shard=${summary["canary-shard"]}`,
    `single-node-shards=${JSON.stringify(summary["single-node-shards"])}`,
    `multi-node-shards=${JSON.stringify(summary["multi-node-shards"])}`,
    `agentic=${summary.agentic}`,
    `agentic-shards=${JSON.stringify(summary["agentic-shards"])}`,
  ];
  return lines.join("\n") + "\n";
}
