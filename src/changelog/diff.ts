/**
 * The semantic diff of two versions of perf-changelog.yaml.
 *
 * Rule: the changelog is append-only. Entries are compared as parsed values,
 * not as text lines, so blank lines, comments, quoting style and the final
 * newline do not matter. Every entry of the old version must still be there,
 * unchanged and in the same order; entries that are new in the head version
 * are the work to plan (usually appended at the end; one that landed between
 * old entries after a rebase is accepted too, since nothing old changed).
 * An edited, removed or reordered entry is an error that names the entry
 * (number, line, pr-link) and says what changed.
 */
import { entryLabel, type ChangelogDocument, type ChangelogItem } from "./parse.js";

export interface ChangelogDiff {
  /** Items that are new in the head version, in head order. */
  added: ChangelogItem[];
  /** One line per edited, removed or moved entry; empty when the change is append-only. */
  problems: string[];
}

/** A canonical text for a parsed YAML value: equal values, equal text (key order ignored). */
export function canonicalValue(v: unknown): string {
  if (v === null || v === undefined) return "null";
  if (typeof v === "number") return Number.isNaN(v) ? '"NaN"' : Number.isFinite(v) ? String(v) : `"${v}"`;
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "boolean") return v ? "true" : "false";
  if (Array.isArray(v)) return `[${v.map(canonicalValue).join(",")}]`;
  if (typeof v === "object") {
    const keys = Object.keys(v as object).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalValue((v as Record<string, unknown>)[k])}`).join(",")}}`;
  }
  return JSON.stringify(String(v));
}

/** A value for a message: canonical text, shortened to `max` characters. */
function shortValue(v: unknown, max = 60): string {
  const t = canonicalValue(v);
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

/** Structural equality of parsed YAML values (key order ignored), without building strings. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === "number" && typeof b === "number") return Number.isNaN(a) && Number.isNaN(b);
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameValue(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) if (!Object.hasOwn(b, k) || !sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  return true;
}

/** Which fields differ between two versions of an entry, for the error message. */
export function describeEntryChange(before: unknown, after: unknown): string {
  const isMap = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);
  if (!isMap(before) || !isMap(after)) return "its content changed";
  const parts: string[] = [];
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  for (const k of keys) {
    if (!(k in after)) parts.push(`'${k}' was removed`);
    else if (!(k in before)) parts.push(`'${k}' was added`);
    else if (canonicalValue(before[k]) !== canonicalValue(after[k])) {
      const b = before[k];
      const a = after[k];
      if (Array.isArray(b) && Array.isArray(a)) {
        const gone = b.filter((x) => !a.some((y) => canonicalValue(y) === canonicalValue(x)));
        const fresh = a.filter((x) => !b.some((y) => canonicalValue(y) === canonicalValue(x)));
        const bits = [
          gone.length ? `removed ${gone.map((x) => shortValue(x)).join(", ")}` : "",
          fresh.length ? `added ${fresh.map((x) => shortValue(x)).join(", ")}` : "",
        ].filter(Boolean);
        parts.push(`'${k}' changed${bits.length ? ` (${bits.join("; ")})` : " (order)"}`);
      } else parts.push(`'${k}' changed from ${shortValue(b)} to ${shortValue(a)}`);
    }
  }
  return parts.length ? parts.join(", ") : "its content changed";
}

/** Indices (into `seq`) of one longest strictly increasing subsequence. */
function longestIncreasing(seq: number[]): Set<number> {
  const tails: number[] = []; // index into seq of the smallest tail of each length
  const prev = new Array<number>(seq.length).fill(-1);
  for (let i = 0; i < seq.length; i++) {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (seq[tails[mid]!]! < seq[i]!) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) prev[i] = tails[lo - 1]!;
    tails[lo] = i;
  }
  const keep = new Set<number>();
  for (let i = tails.length ? tails[tails.length - 1]! : -1; i >= 0; i = prev[i]!) keep.add(i);
  return keep;
}

/**
 * Compares the base and head versions entry by entry (see the module comment
 * for the rule). `baseRef`/`headRef` only appear in messages.
 */
export function diffChangelogs(base: ChangelogDocument, head: ChangelogDocument, baseRef = "base", headRef = "head"): ChangelogDiff {
  const b = base.items;
  const h = head.items;
  // Fast path: the common case is an untouched prefix plus appended entries.
  let prefix = 0;
  while (prefix < b.length && prefix < h.length && sameValue(b[prefix]!.value, h[prefix]!.value)) prefix++;
  if (prefix === b.length) return { added: h.slice(prefix), problems: [] };
  const bKeys = b.map((i) => canonicalValue(i.value));
  const hKeys = h.map((i) => canonicalValue(i.value));

  // Match every base entry to an identical head entry (first unused occurrence).
  const unused = new Map<string, number[]>();
  hKeys.forEach((k, j) => {
    const q = unused.get(k);
    if (q) q.push(j);
    else unused.set(k, [j]);
  });
  const matchOf = bKeys.map((k) => {
    const q = unused.get(k);
    return q?.length ? q.shift()! : -1;
  });
  const headMatched = new Set(matchOf.filter((j) => j >= 0));
  // Base entries whose match keeps the old order; the others were moved.
  const matchedIdx = matchOf.map((j, i) => (j >= 0 ? i : -1)).filter((i) => i >= 0);
  const inOrder = longestIncreasing(matchedIdx.map((i) => matchOf[i]!));
  const stable = new Set([...inOrder].map((k) => matchedIdx[k]!));

  const problems: string[] = [];
  const consumed = new Set<number>();
  const where = (item: ChangelogItem, doc: ChangelogDocument, ref: string) => `${doc.file}:${item.line} at ${ref}`;
  for (let i = 0; i < b.length; i++) {
    const old = b[i]!;
    if (matchOf[i]! >= 0) {
      if (!stable.has(i)) {
        const j = matchOf[i]!;
        problems.push(
          `${entryLabel(old)} was moved: it is entry ${i + 1} (${where(old, base, baseRef)}) but entry ${j + 1} (${where(h[j]!, head, headRef)}); entries must keep their order`,
        );
      }
      continue;
    }
    // Unmatched: edited if an unmatched head entry sits where it used to be, else removed.
    let lo = -1;
    for (let k = i - 1; k >= 0; k--)
      if (stable.has(k)) {
        lo = matchOf[k]!;
        break;
      }
    let hi = h.length;
    for (let k = i + 1; k < b.length; k++)
      if (stable.has(k)) {
        hi = matchOf[k]!;
        break;
      }
    let edited = -1;
    for (let j = lo + 1; j < hi; j++)
      if (!headMatched.has(j) && !consumed.has(j)) {
        edited = j;
        break;
      }
    if (edited >= 0) {
      consumed.add(edited);
      problems.push(
        `${entryLabel(old)} (${where(old, base, baseRef)}) was edited (${where(h[edited]!, head, headRef)}): ${describeEntryChange(old.value, h[edited]!.value)}; old entries must not change, append a new entry instead`,
      );
    } else {
      problems.push(`${entryLabel(old)} (${where(old, base, baseRef)}) was removed; old entries must not be deleted`);
    }
  }
  const added = h.filter((_, j) => !headMatched.has(j) && !consumed.has(j));
  return { added, problems };
}
