/**
 * Plan policies shared by `infx changelog` and the matrix commands. Each is a
 * pure function over matrix entries, named after its rule; `applyPolicies`
 * runs the ones selected on the command line, in this order:
 *
 * 1. `markAllEvals` (--all-evals): every 1k8k single-node entry runs its eval.
 * 2. `keepEvalsOnly` (--evals-only): only entries that run an eval remain.
 * 3. `trimConcurrency` (--trim-conc): of each group of single-node entries
 *    that differ only in `conc`, keep the lowest concurrency; multi-node
 *    `conc` lists become `[min]`. (`run-eval` is part of the group, so an
 *    eval entry keeps the concurrency its eval was chosen at.)
 * 4. `pickCanary` (--canary): one cheap single-node entry (lowest concurrency,
 *    not an eval, 1k1k or 8k1k, then fewest GPUs) is marked `canary: true`
 *    and moved first; the workflow runs it before everything else.
 * 5. `assignIdsAndNames` (--ids, and always for --format github): `id` is a
 *    short stable hash of the entry's canonical fields without `conc` and
 *    `exp-name` (every concurrency of one server configuration shares it, and
 *    a retry of the same entry has the same id); `name` is unique within the
 *    plan and safe as a GitHub artifact name (bmk_<name>, eval_<name>, ...).
 */
import { createHash } from "node:crypto";
import { isMultiNode, type MatrixEntry, type SingleNodeEntry } from "./types.js";

/** Entry fields added by policies, never part of an entry's identity. */
const POLICY_FIELDS = new Set(["id", "name", "canary"]);

export interface PolicyOptions {
  allEvals?: boolean;
  evalsOnly?: boolean;
  trimConc?: boolean;
  canary?: boolean;
  ids?: boolean;
}

/** Applies the selected policies to a matrix (see the module comment for the order). */
export function applyPolicies(entries: MatrixEntry[], opts: PolicyOptions): MatrixEntry[] {
  let out = entries;
  if (opts.allEvals) out = markAllEvals(out);
  if (opts.evalsOnly) out = keepEvalsOnly(out);
  if (opts.trimConc) out = trimConcurrency(out);
  if (opts.canary) out = pickCanary(out);
  if (opts.ids) out = assignIdsAndNames(out);
  return out;
}

const is1k8k = (e: MatrixEntry) => e.isl === 1024 && e.osl === 8192;

/** --all-evals: every 1k8k single-node entry runs its eval. */
export function markAllEvals(entries: MatrixEntry[]): MatrixEntry[] {
  return entries.map((e) => (!isMultiNode(e) && is1k8k(e) && !e["run-eval"] ? { ...e, "run-eval": true } : e));
}

/** --evals-only: only entries that run an eval. */
export function keepEvalsOnly(entries: MatrixEntry[]): MatrixEntry[] {
  return entries.filter((e) => e["run-eval"]);
}

/** A canonical text of an entry's fields, leaving out `omit` (and policy fields). */
export function canonicalEntry(e: MatrixEntry, omit: readonly string[] = []): string {
  const skip = new Set([...omit, ...POLICY_FIELDS]);
  const walk = (v: unknown): string => {
    if (Array.isArray(v)) return `[${v.map(walk).join(",")}]`;
    if (v !== null && typeof v === "object") {
      const keys = Object.keys(v).sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${walk((v as Record<string, unknown>)[k])}`).join(",")}}`;
    }
    return JSON.stringify(v) ?? "null";
  };
  const top = Object.keys(e)
    .filter((k) => !skip.has(k))
    .sort()
    .map((k) => `${JSON.stringify(k)}:${walk((e as unknown as Record<string, unknown>)[k])}`);
  return `{${top.join(",")}}`;
}

/** --trim-conc: lowest concurrency per otherwise-identical single-node group; multi-node conc [min]. */
export function trimConcurrency(entries: MatrixEntry[]): MatrixEntry[] {
  const lowest = new Map<string, number>(); // group -> index of its lowest-conc entry
  entries.forEach((e, i) => {
    if (isMultiNode(e)) return;
    const g = canonicalEntry(e, ["conc"]);
    const best = lowest.get(g);
    if (best === undefined || (entries[best] as SingleNodeEntry).conc > e.conc) lowest.set(g, i);
  });
  const keep = new Set(lowest.values());
  const out: MatrixEntry[] = [];
  entries.forEach((e, i) => {
    if (isMultiNode(e)) out.push(e.conc.length > 1 ? { ...e, conc: [Math.min(...e.conc)] } : e);
    else if (keep.has(i)) out.push(e);
  });
  return out;
}

/** Total GPUs an entry occupies, for "cheapest" tie-breaks. */
function gpuCount(e: MatrixEntry): number {
  return isMultiNode(e) ? e.prefill["num-worker"] * e.prefill.tp + e.decode["num-worker"] * e.decode.tp : e.tp;
}

/**
 * --canary: the cheapest single-node entry that is not an eval and is 1k1k or
 * 8k1k (lowest conc, then fewest GPUs, then 1k1k before 8k1k, then plan
 * order) is marked `canary: true` and moved first. No candidate: unchanged.
 */
export function pickCanary(entries: MatrixEntry[]): MatrixEntry[] {
  let best = -1;
  const rank = (e: SingleNodeEntry) => [e.conc, gpuCount(e), e.isl === 1024 ? 0 : 1];
  entries.forEach((e, i) => {
    if (isMultiNode(e) || e["run-eval"]) return;
    const seqOk = (e.isl === 1024 && e.osl === 1024) || (e.isl === 8192 && e.osl === 1024);
    if (!seqOk) return;
    if (best < 0) {
      best = i;
      return;
    }
    const a = rank(e);
    const b = rank(entries[best] as SingleNodeEntry);
    for (let k = 0; k < a.length; k++) {
      if (a[k]! < b[k]!) {
        best = i;
        return;
      }
      if (a[k]! > b[k]!) return;
    }
  });
  if (best < 0) return entries;
  const canary = { ...(entries[best] as SingleNodeEntry), canary: true };
  return [canary, ...entries.slice(0, best), ...entries.slice(best + 1)];
}

/** The stable id: 10 hex digits of SHA-256 over the canonical fields without conc and exp-name. */
export function entryId(e: MatrixEntry): string {
  return createHash("sha256")
    .update(canonicalEntry(e, ["conc", "exp-name"]))
    .digest("hex")
    .slice(0, 10);
}

/** Characters GitHub refuses in artifact names (plus anything outside a conservative set). */
const UNSAFE = /[^A-Za-z0-9._+=-]+/g;
export const MAX_NAME_LENGTH = 100;

/** Makes a string safe as part of an artifact name: `"`, `:`, `<`, `>`, `|`, `*`, `?`, `\`, `/`, CR/LF and spaces become `-`. */
export function artifactSafe(s: string): string {
  return s
    .replace(UNSAFE, "-")
    .replace(/-{2,}/g, "-")
    .replace(/^[-.]+|[-.]+$/g, "");
}

/** The sequence-length tag used in names and buckets: 1k1k, 1k8k, 8k1k, else <isl>_<osl>. */
export function seqLenTag(isl: number, osl: number): string {
  if (isl === 1024 && osl === 1024) return "1k1k";
  if (isl === 1024 && osl === 8192) return "1k8k";
  if (isl === 8192 && osl === 1024) return "8k1k";
  return `${isl}_${osl}`;
}

function concTag(e: MatrixEntry): string {
  if (!isMultiNode(e)) return `c${e.conc}`;
  const c = e.conc;
  if (c.length === 0) return "c0";
  return c.length === 1 ? `c${c[0]}` : `c${Math.min(...c)}-${Math.max(...c)}`;
}

/**
 * A readable, artifact-safe name: model, precision, runner, framework,
 * sequence lengths, parallelism, concurrency, eval, then the id, at most
 * MAX_NAME_LENGTH characters (the readable part is shortened, never the
 * concurrency or the id). Unique within a plan after `assignIdsAndNames`.
 */
export function entryName(e: MatrixEntry, id: string): string {
  const shape = isMultiNode(e)
    ? `p${e.prefill["num-worker"]}x${e.prefill.tp}-d${e.decode["num-worker"]}x${e.decode.tp}${e.decode["dp-attn"] ? "-dpa" : ""}`
    : `tp${e.tp}-ep${e.ep}${e["dp-attn"] ? "-dpa" : ""}`;
  const spec = e["spec-decoding"] && e["spec-decoding"] !== "none" ? `_${e["spec-decoding"]}` : "";
  const seq = (e as unknown as Record<string, unknown>)["scenario-type"] === "agentic-coding" ? "agentic" : seqLenTag(e.isl, e.osl);
  const head = artifactSafe(`${e["model-prefix"]}_${e.precision}_${e.runner}_${e.framework}_${seq}_${shape}${spec}`);
  const tail = `_${concTag(e)}${e["run-eval"] ? "_eval" : ""}_${id}`;
  return head.slice(0, Math.max(0, MAX_NAME_LENGTH - tail.length)) + tail;
}

/** --ids: adds `id` and a plan-unique `name` to every entry (a repeated name gets _2, _3, ...). */
export function assignIdsAndNames(entries: MatrixEntry[]): MatrixEntry[] {
  const used = new Map<string, number>();
  return entries.map((e) => {
    const id = entryId(e);
    let name = entryName(e, id);
    const n = used.get(name) ?? 0;
    used.set(name, n + 1);
    if (n > 0) {
      let k = n + 1;
      while (used.has(`${name}_${k}`)) k++;
      name = `${name}_${k}`;
      used.set(name, 1);
    }
    return { ...e, id, name } as MatrixEntry;
  });
}
