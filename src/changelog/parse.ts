/**
 * perf-changelog.yaml reader.
 *
 * A changelog is a YAML list; each entry names the config keys a change
 * affects (`config-keys`, wildcards allowed), says what changed
 * (`description`, one string per line) and where (`pr-link`), and may ask for
 * evals only (`evals-only`). The same rules are written as a JSON Schema in
 * schemas/changelog-entry.schema.json (for editors); a test keeps the two in
 * agreement.
 *
 * Reading is split in two so that the diff can compare old entries that
 * predate today's rules (real changelogs carry such legacy entries) while new
 * entries are checked strictly:
 * - `readChangelogDocument` parses the YAML and remembers, for every entry,
 *   its source line and the line of each of its fields;
 * - `validateChangelogEntry` checks one entry and names entry, line and field
 *   in every error.
 *
 * Parsing uses js-yaml's event stream (fast, and it carries source offsets),
 * so errors can cite lines without a second, slower parser.
 */
import { constructFromEvents, getScalarValue, parseEvents, YAMLException, type Event } from "js-yaml";
import { closest } from "../errors.js";
import { UserError } from "../errors.js";

export interface ChangelogEntry {
  "config-keys": string[];
  description: string[];
  "pr-link": string;
  "evals-only"?: boolean;
}

/** The fields an entry may have; anything else is an error. */
export const CHANGELOG_FIELDS = ["config-keys", "description", "pr-link", "evals-only"] as const;
const REQUIRED_FIELDS = ["config-keys", "description", "pr-link"] as const;

/** One item of the top-level list, as written (not yet validated). */
export interface ChangelogItem {
  /** 1-based position in the list. */
  number: number;
  /** 1-based source line and column where the item starts. */
  line: number;
  column: number;
  /** The parsed value (any YAML value; an entry when valid). */
  value: unknown;
  /** 1-based line and column of each key of the item, when it is a mapping. */
  fields: Map<string, { line: number; column: number }>;
}

export interface ChangelogDocument {
  file: string;
  items: ChangelogItem[];
}

/** Anchors/aliases a changelog may use: bounded, so a hostile file cannot blow up comparisons. */
const MAX_ALIASES = 20;

/** Maps source offsets to 1-based line/column. */
function lineIndex(text: string): (offset: number) => { line: number; column: number } {
  const starts = [0];
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - starts[lo]! + 1 };
  };
}

function eventStart(e: Event): number {
  switch (e.type) {
    case 2:
    case 3:
      return e.anchorStart >= 0 ? Math.min(e.start, e.anchorStart) : e.start;
    case 4:
      return e.anchorStart >= 0 ? e.anchorStart : e.tagStart >= 0 ? e.tagStart : e.valueStart;
    case 5:
      return e.anchorStart;
    default:
      return -1;
  }
}

function yamlProblem(e: YAMLException, text: string, file: string): UserError {
  const mark = e.mark;
  const where = mark ? `${file}:${mark.line + 1}:${mark.column + 1}` : file;
  let hint = "";
  if (/alias/.test(e.reason) && mark) {
    const lineText = text.split("\n")[mark.line] ?? "";
    if (/^\s*-\s*\*/.test(lineText)) hint = ` (a wildcard that starts with '*' must be quoted, e.g. - "*-trt"; unquoted, YAML reads it as an alias)`;
  }
  const snippet = mark?.snippet ? mark.snippet.split("\n").map((l) => "  " + l) : [];
  return new UserError(`${where}: not valid YAML: ${e.reason}${hint}`, snippet);
}

/**
 * Parses a changelog into located items. Throws UserError (with file, line
 * and column) when the text is not YAML or not a list. An empty file (or one
 * with only comments) is an empty list.
 */
export function readChangelogDocument(text: string, file: string): ChangelogDocument {
  let events: Event[];
  let docs: unknown[];
  try {
    events = parseEvents(text, { filename: file });
    docs = constructFromEvents(events, { source: text, filename: file, maxAliases: MAX_ALIASES });
  } catch (e) {
    if (e instanceof YAMLException) throw yamlProblem(e, text, file);
    throw new UserError(`${file}: not valid YAML: ${(e as Error)?.message ?? String(e)}`);
  }
  if (docs.length > 1) throw new UserError(`${file}: expected one YAML document, found ${docs.length} (remove the '---' separators)`);
  const doc = docs[0];
  if (doc == null) return { file, items: [] };
  const at = lineIndex(text);
  if (!Array.isArray(doc)) {
    const first = events.find((e) => e.type !== 1);
    const pos = first ? at(Math.max(0, eventStart(first))) : { line: 1, column: 1 };
    const kind = typeof doc === "object" ? "a mapping" : `a single value (${describeValue(doc)})`;
    throw new UserError(`${file}:${pos.line}:${pos.column}: expected a list of entries ('- config-keys: ...'), found ${kind}`);
  }
  // Walk the events: depth 1 = the document, 2 = the top-level list, items open at depth 2.
  const items: ChangelogItem[] = [];
  let depth = 0;
  let current: ChangelogItem | undefined;
  let keyTurn = true; // inside an item mapping at depth 3: alternates key / value
  for (const e of events) {
    if (e.type === 6) {
      depth--;
      if (depth === 3 && current) keyTurn = !keyTurn; // a collection value of the item mapping closed
      continue;
    }
    if (depth === 2) {
      const pos = at(Math.max(0, eventStart(e)));
      current = { number: items.length + 1, line: pos.line, column: pos.column, value: doc[items.length], fields: new Map() };
      items.push(current);
      keyTurn = true;
    } else if (depth === 3 && current && (current.value as object) !== null && typeof current.value === "object" && !Array.isArray(current.value)) {
      if (keyTurn && e.type === 4) {
        const k = getScalarValue(text, e);
        if (!current.fields.has(k)) current.fields.set(k, at(eventStart(e)));
      }
      if (e.type === 4 || e.type === 5) keyTurn = !keyTurn;
    }
    if (e.type === 1 || e.type === 2 || e.type === 3) depth++;
  }
  return { file, items };
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function describeValue(v: unknown): string {
  if (v === null || v === undefined) return "nothing";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  if (typeof v === "string") return `the text ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + "…" : v)}`;
  return `${typeof v} ${String(v)}`;
}

/** "entry 12 (pr-link https://…/pull/7)": how errors name an entry. */
export function entryLabel(item: ChangelogItem): string {
  const link = isPlainObject(item.value) && typeof item.value["pr-link"] === "string" ? item.value["pr-link"] : undefined;
  return `entry ${item.number}${link ? ` (pr-link ${link})` : ""}`;
}

/**
 * Checks one entry against the changelog rules. Returns the normalised entry
 * (with `evals-only` defaulting to false) or every problem found, each as
 * `file:line:col: entry N (pr-link …): field: what is wrong`.
 */
export function validateChangelogEntry(item: ChangelogItem, file: string): { entry: ChangelogEntry; errors: [] } | { entry?: undefined; errors: string[] } {
  const errors: string[] = [];
  const label = entryLabel(item);
  const here = `${file}:${item.line}:${item.column}: ${label}`;
  const v = item.value;
  if (!isPlainObject(v)) {
    return { errors: [`${here}: expected a mapping with config-keys, description and pr-link, found ${describeValue(v)}`] };
  }
  const fieldAt = (name: string) => {
    const p = item.fields.get(name);
    return p ? `${file}:${p.line}:${p.column}: ${label}` : here;
  };
  for (const key of Object.keys(v)) {
    if ((CHANGELOG_FIELDS as readonly string[]).includes(key)) continue;
    const hint = closest(key, CHANGELOG_FIELDS, 1);
    errors.push(`${fieldAt(key)}: unknown field '${key}'${hint.length ? ` (did you mean '${hint[0]}'?)` : ""}; allowed: ${CHANGELOG_FIELDS.join(", ")}`);
  }
  for (const key of REQUIRED_FIELDS) if (!(key in v)) errors.push(`${here}: missing required field '${key}'`);

  const stringList = (name: string, what: string): string[] | undefined => {
    if (!(name in v)) return undefined;
    const val = v[name];
    if (!Array.isArray(val)) {
      const extra = typeof val === "string" ? ` (write it as a list: '${name}:' then '- ...' on the next lines)` : "";
      errors.push(`${fieldAt(name)}: ${name}: expected a list of ${what}, found ${describeValue(val)}${extra}`);
      return undefined;
    }
    if (val.length === 0) {
      errors.push(`${fieldAt(name)}: ${name}: must list at least one ${what.replace(/s$/, "")}`);
      return undefined;
    }
    let ok = true;
    val.forEach((x, i) => {
      if (typeof x !== "string" || x.trim() === "") {
        ok = false;
        errors.push(`${fieldAt(name)}: ${name}[${i}]: expected a non-empty string, found ${describeValue(x)}`);
      }
    });
    return ok ? (val as string[]) : undefined;
  };
  const keys = stringList("config-keys", "config keys");
  const description = stringList("description", "lines");
  const link = v["pr-link"];
  if ("pr-link" in v && (typeof link !== "string" || link.trim() === ""))
    errors.push(`${fieldAt("pr-link")}: pr-link: expected the pull request URL as text, found ${describeValue(link)}`);
  const evalsOnly = v["evals-only"];
  if ("evals-only" in v && typeof evalsOnly !== "boolean")
    errors.push(`${fieldAt("evals-only")}: evals-only: expected true or false, found ${describeValue(evalsOnly)}`);
  if (errors.length || !keys || !description) return { errors };
  return {
    entry: { "config-keys": keys, description, "pr-link": link as string, "evals-only": (evalsOnly as boolean | undefined) ?? false },
    errors: [],
  };
}

/**
 * Parses and validates a whole changelog; throws one UserError listing every
 * problem of every entry. Entries come back normalised (`evals-only` set).
 */
export function parseChangelog(text: string, file: string): ChangelogEntry[] {
  const doc = readChangelogDocument(text, file);
  const entries: ChangelogEntry[] = [];
  const errors: string[] = [];
  for (const item of doc.items) {
    const r = validateChangelogEntry(item, file);
    if (r.entry) entries.push(r.entry);
    else errors.push(...r.errors);
  }
  if (errors.length) throw new UserError(`${file}: ${errors.length} problem${errors.length === 1 ? "" : "s"} in the changelog`, errors);
  return entries;
}
