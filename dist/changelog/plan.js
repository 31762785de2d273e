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
import { UserError } from "../cli/io.js";
import { bucketBySeqLen } from "../plan/shard.js";
import { isMultiNode } from "../plan/types.js";
import { diffChangelogs } from "./diff.js";
import { resolveConfigKeys } from "./keys.js";
import { entryLabel, readChangelogDocument, validateChangelogEntry } from "./parse.js";
function atRef(e, ref) {
    if (e instanceof UserError)
        throw new UserError(`at ${ref}: ${e.message}`, e.details, e.exitCode);
    throw e;
}
/** Step 1: which entries are new, checked strictly. Throws UserError naming every problem. */
export function changelogWork(v) {
    let base;
    let head;
    try {
        base = v.baseText === undefined ? { file: v.file, items: [] } : readChangelogDocument(v.baseText, v.file);
    }
    catch (e) {
        atRef(e, v.baseRef);
    }
    try {
        head = readChangelogDocument(v.headText, v.file);
    }
    catch (e) {
        atRef(e, v.headRef);
    }
    const diff = diffChangelogs(base, head, v.baseRef, v.headRef);
    if (diff.problems.length)
        throw new UserError(`${v.file}: only new entries may be added between ${v.baseRef} and ${v.headRef}, but ${diff.problems.length} old entr${diff.problems.length === 1 ? "y was" : "ies were"} changed:`, diff.problems.map((p) => `  ${p}`));
    if (diff.added.length === 0) {
        if (v.baseText === v.headText)
            throw new UserError(`nothing to run: ${v.file} is the same at ${v.baseRef} and ${v.headRef} (append an entry to start a sweep)`);
        return {
            status: "no-new-entries",
            entries: [],
            message: `no new entries in ${v.file} between ${v.baseRef} and ${v.headRef} (only blank lines, comments or formatting changed): the plan is empty`,
        };
    }
    const errors = [];
    const entries = [];
    for (const item of diff.added) {
        const r = validateChangelogEntry(item, v.file);
        if (r.entry)
            entries.push({ entry: r.entry, item });
        else
            errors.push(...r.errors.map((e) => `  ${e}`));
    }
    if (errors.length)
        throw new UserError(`${v.file}: the new entr${diff.added.length === 1 ? "y is" : "ies are"} not valid (${errors.length} problem${errors.length === 1 ? "" : "s"}):`, errors);
    return { status: "new-entries", entries };
}
/** Step 2: the config keys of each new entry (patterns expanded, duplicates within an entry removed). */
export async function resolveEntryKeys(entries, allKeys, file) {
    const patterns = [...new Set(entries.flatMap((e) => e.entry["config-keys"]))];
    const { resolved, unmatched } = await resolveConfigKeys(patterns, allKeys);
    if (unmatched.length) {
        const bad = new Map(unmatched.map((u) => [u.pattern, u.message]));
        const lines = [];
        for (const { entry, item } of entries) {
            const pos = item.fields.get("config-keys") ?? item;
            for (const p of entry["config-keys"])
                if (bad.has(p))
                    lines.push(`  ${file}:${pos.line}:${pos.column}: ${entryLabel(item)}: ${bad.get(p)}`);
        }
        throw new UserError(`${file}: ${unmatched.length} config key${unmatched.length === 1 ? "" : "s"} or pattern${unmatched.length === 1 ? "" : "s"} of the new entries match${unmatched.length === 1 ? "es" : ""} nothing:`, lines);
    }
    return entries.map(({ entry }) => [...new Set(entry["config-keys"].flatMap((p) => resolved.get(p) ?? []))]);
}
/**
 * Changelog plans always carry `additional-settings` on both worker blocks of
 * a multi-node entry (`[]` when the config has none), as the reference's
 * changelog plans do (its test-config output omits an absent list).
 */
export function withWorkerSettings(e) {
    if (!isMultiNode(e))
        return e;
    if (e.prefill["additional-settings"] && e.decode["additional-settings"])
        return e;
    return {
        ...e,
        prefill: { ...e.prefill, "additional-settings": e.prefill["additional-settings"] ?? [] },
        decode: { ...e.decode, "additional-settings": e.decode["additional-settings"] ?? [] },
    };
}
/** Step 3: one run per config key (first entry wins), one generator call per entry. */
export function planChangelogEntries(entries, keysPerEntry, generate) {
    const claimed = new Map(); // key -> index of the entry that runs it
    const matrix = [];
    const work = [];
    entries.forEach(({ entry }, i) => {
        const keys = [];
        const skipped = [];
        for (const k of keysPerEntry[i] ?? []) {
            const owner = claimed.get(k);
            if (owner === undefined) {
                claimed.set(k, i);
                keys.push(k);
            }
            else if (owner !== i && !skipped.includes(k))
                skipped.push(k);
        }
        work.push({ entry, keys, skipped });
        if (keys.length)
            for (const m of generate(keys, { evalsOnly: entry["evals-only"] === true }))
                matrix.push(withWorkerSettings(m));
    });
    return { matrix, work };
}
/** The plan object `infx changelog` prints: entries bucketed by kind and sequence lengths. */
export function changelogPlan(matrix, baseRef, headRef, entries) {
    const b = bucketBySeqLen(matrix);
    return {
        single_node: b.single_node,
        multi_node: b.multi_node,
        changelog_metadata: { base_ref: baseRef, head_ref: headRef, entries },
    };
}
