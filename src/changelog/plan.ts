/**
 * From two versions of perf-changelog.yaml to a sweep plan.
 *
 * 1. `changelogWork`: the semantic diff (see diff.ts) and strict checks of
 *    the new entries; decides "new entries", "no new entries" (a change that
 *    only touched whitespace, comments or formatting: an empty plan) or
 *    "nothing to run" (identical files: an error).
 * 2. `resolveEntryKeys`: wildcard resolution; every key or pattern that
 *    matches nothing is reported with the entry that names it.
 * 3. `planChangelogEntries`: each config key runs once per diff: the first
 *    entry that names it decides `evals-only`. Each entry's remaining keys go
 *    through the matrix generator in one call (as `test-config --run-evals`,
 *    or `--evals-only` for an evals-only entry), all in this process.
 */
import { UserError } from "../errors.js";
import { bucketBySeqLen } from "../plan/shard.js";
import { isMultiNode, type MatrixEntry, type MultiNodeEntry, type SingleNodeEntry } from "../plan/types.js";
import { diffChangelogs } from "./diff.js";
import { resolveConfigKeys } from "./keys.js";
import { entryLabel, readChangelogDocument, validateChangelogEntry, type ChangelogEntry, type ChangelogItem } from "./parse.js";

export interface NewChangelogEntry {
  entry: ChangelogEntry;
  item: ChangelogItem;
}

export type ChangelogWork = { status: "new-entries"; entries: NewChangelogEntry[] } | { status: "no-new-entries"; entries: []; message: string };

export interface ChangelogVersions {
  /** The changelog path as shown in messages. */
  file: string;
  baseRef: string;
  headRef: string;
  /** Text at the base ref; undefined when the file did not exist there. */
  baseText: string | undefined;
  headText: string;
}

function atRef(e: unknown, ref: string): never {
  if (e instanceof UserError) throw new UserError(`at ${ref}: ${e.message}`, e.details, e.exitCode);
  throw e;
}

/** Checks one new entry (the dialect decides the fields: parse.ts for 2026-02, scenario-entry.ts for 2026-08). */
export type EntryValidator = (item: ChangelogItem, file: string) => { entry?: ChangelogEntry; errors: string[] };

/**
 * The common case, cheaply: the head text is the base text plus whole new
 * entries at the end (the suffix starts a new top-level `- ` item). Then only
 * the suffix is parsed (a long changelog costs nothing), with lines and entry
 * numbers of the head file. Undefined when that does not hold: the full
 * parsed-entry diff decides.
 */
export function appendedItems(v: ChangelogVersions): ChangelogItem[] | undefined {
  const base = v.baseText;
  if (base === undefined || base.length === 0 || !base.endsWith("\n") || v.headText.length === base.length || !v.headText.startsWith(base)) return undefined;
  const suffix = v.headText.slice(base.length);
  const first = suffix.split("\n").find((l) => l.trim() !== "" && !l.trimStart().startsWith("#"));
  if (first === undefined || !/^-(\s|$)/.test(first)) return undefined;
  let doc;
  try {
    doc = readChangelogDocument(suffix, v.file);
  } catch {
    return undefined;
  }
  let lines = 0;
  for (let i = base.indexOf("\n"); i >= 0; i = base.indexOf("\n", i + 1)) lines++;
  const items = (base.match(/^-(\s|$)/gm) ?? []).length;
  return doc.items.map((it) => ({
    ...it,
    number: it.number + items,
    line: it.line + lines,
    fields: new Map([...it.fields].map(([k, p]) => [k, { line: p.line + lines, column: p.column }])),
  }));
}

/** Step 1: which entries are new, checked strictly. Throws UserError naming every problem. */
export function changelogWork(v: ChangelogVersions, validate: EntryValidator = validateChangelogEntry): ChangelogWork {
  const appended = appendedItems(v);
  if (appended) return validatedWork(appended, v, validate);
  let base;
  let head;
  try {
    base = v.baseText === undefined ? { file: v.file, items: [] } : readChangelogDocument(v.baseText, v.file);
  } catch (e) {
    atRef(e, v.baseRef);
  }
  try {
    head = readChangelogDocument(v.headText, v.file);
  } catch (e) {
    atRef(e, v.headRef);
  }
  const diff = diffChangelogs(base, head, v.baseRef, v.headRef);
  if (diff.problems.length)
    throw new UserError(
      `${v.file}: only new entries may be added between ${v.baseRef} and ${v.headRef}, but ${diff.problems.length} old entr${diff.problems.length === 1 ? "y was" : "ies were"} changed:`,
      diff.problems.map((p) => `  ${p}`),
    );
  if (diff.added.length === 0) {
    if (v.baseText === v.headText)
      throw new UserError(`nothing to run: ${v.file} is the same at ${v.baseRef} and ${v.headRef} (append an entry to start a sweep)`);
    return {
      status: "no-new-entries",
      entries: [],
      message: `no new entries in ${v.file} between ${v.baseRef} and ${v.headRef} (only blank lines, comments or formatting changed): the plan is empty`,
    };
  }
  return validatedWork(diff.added, v, validate);
}

function validatedWork(added: ChangelogItem[], v: ChangelogVersions, validate: EntryValidator): ChangelogWork {
  const errors: string[] = [];
  const entries: NewChangelogEntry[] = [];
  for (const item of added) {
    const r = validate(item, v.file);
    if (r.entry) entries.push({ entry: r.entry, item });
    else errors.push(...r.errors.map((e) => `  ${e}`));
  }
  if (errors.length)
    throw new UserError(
      `${v.file}: the new entr${added.length === 1 ? "y is" : "ies are"} not valid (${errors.length} problem${errors.length === 1 ? "" : "s"}):`,
      errors,
    );
  return { status: "new-entries", entries };
}

/** Step 2: the config keys of each new entry (patterns expanded, duplicates within an entry removed). */
export async function resolveEntryKeys(entries: NewChangelogEntry[], allKeys: readonly string[], file: string): Promise<string[][]> {
  const patterns = [...new Set(entries.flatMap((e) => e.entry["config-keys"]))];
  const { resolved, unmatched } = await resolveConfigKeys(patterns, allKeys);
  if (unmatched.length) {
    const bad = new Map(unmatched.map((u) => [u.pattern, u.message]));
    const lines: string[] = [];
    for (const { entry, item } of entries) {
      const pos = item.fields.get("config-keys") ?? item;
      for (const p of entry["config-keys"]) if (bad.has(p)) lines.push(`  ${file}:${pos.line}:${pos.column}: ${entryLabel(item)}: ${bad.get(p)}`);
    }
    throw new UserError(
      `${file}: ${unmatched.length} config key${unmatched.length === 1 ? "" : "s"} or pattern${unmatched.length === 1 ? "" : "s"} of the new entries match${unmatched.length === 1 ? "es" : ""} nothing:`,
      lines,
    );
  }
  return entries.map(({ entry }) => [...new Set(entry["config-keys"].flatMap((p) => resolved.get(p) ?? []))]);
}

/** Generates the matrix entries of some config keys (the planner's `testConfig`). */
export type MatrixGenerator = (configKeys: string[], mode: { evalsOnly: boolean }) => MatrixEntry[];

export interface EntryWork {
  entry: ChangelogEntry;
  /** Keys this entry runs (already minus the keys an earlier entry claimed). */
  keys: string[];
  /** Keys this entry names that an earlier entry already runs. */
  skipped: string[];
}

/**
 * Changelog plans always carry `additional-settings` on both worker blocks of
 * a multi-node entry (`[]` when the config has none), as the reference's
 * changelog plans do (its test-config output omits an absent list).
 */
export function withWorkerSettings(e: MatrixEntry): MatrixEntry {
  if (!isMultiNode(e)) return e;
  if (e.prefill["additional-settings"] && e.decode["additional-settings"]) return e;
  return {
    ...e,
    prefill: { ...e.prefill, "additional-settings": e.prefill["additional-settings"] ?? [] },
    decode: { ...e.decode, "additional-settings": e.decode["additional-settings"] ?? [] },
  };
}

/** Step 3: one run per config key (first entry wins), one generator call per entry. */
export function planChangelogEntries(
  entries: NewChangelogEntry[],
  keysPerEntry: string[][],
  generate: MatrixGenerator,
): { matrix: MatrixEntry[]; work: EntryWork[] } {
  const claimed = new Map<string, number>(); // key -> index of the entry that runs it
  const matrix: MatrixEntry[] = [];
  const work: EntryWork[] = [];
  entries.forEach(({ entry }, i) => {
    const keys: string[] = [];
    const skipped: string[] = [];
    for (const k of keysPerEntry[i] ?? []) {
      const owner = claimed.get(k);
      if (owner === undefined) {
        claimed.set(k, i);
        keys.push(k);
      } else if (owner !== i && !skipped.includes(k)) skipped.push(k);
    }
    work.push({ entry, keys, skipped });
    if (keys.length) for (const m of generate(keys, { evalsOnly: entry["evals-only"] === true })) matrix.push(withWorkerSettings(m));
  });
  return { matrix, work };
}

export interface ChangelogPlan {
  single_node: Record<string, SingleNodeEntry[]>;
  multi_node: Record<string, MultiNodeEntry[]>;
  changelog_metadata: { base_ref: string; head_ref: string; entries: ChangelogEntry[] };
}

/** The plan object `infx changelog` prints: entries bucketed by kind and sequence lengths. */
export function changelogPlan(matrix: MatrixEntry[], baseRef: string, headRef: string, entries: ChangelogEntry[]): ChangelogPlan {
  const b = bucketBySeqLen(matrix);
  return {
    single_node: b.single_node as Record<string, SingleNodeEntry[]>,
    multi_node: b.multi_node as Record<string, MultiNodeEntry[]>,
    changelog_metadata: { base_ref: baseRef, head_ref: headRef, entries },
  };
}
