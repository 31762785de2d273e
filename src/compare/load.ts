/**
 * Reading the runs to compare: `agg_bmk.json` files (or directories of them)
 * into points keyed by benchmark identity. A bad row never becomes a verdict:
 * it becomes a problem (file, row, field, what to do) and is left out; a bad
 * metric of a good row is kept as `NaN` so that metric is `inconclusive`.
 * Only the identity and the compared metrics are kept (memory stays bounded
 * by the number of points, not the size of the files).
 */
import { readdirSync, statSync } from "node:fs";
import { readUserFile } from "../io/read-user-file.js";
import { join, relative } from "node:path";
import { UserError } from "../errors.js";
import { parseJson } from "../results/json.js";
import { checkAggRow, looksLikeAggRow, looksLikeRawResult } from "../results/rows.js";
import type { AggRow } from "../results/types.js";
import { COMPANION, identityKey, identityOf, METRIC_NAMES, type Identity } from "./metrics.js";

/** Every metric a point keeps: the compared ones and their companions. */
export const KEPT_METRICS: readonly string[] = [...METRIC_NAMES, ...Object.values(COMPANION)];

export interface Point {
  key: string;
  identity: Identity;
  /** Metric values in KEPT_METRICS order; NaN when absent, non-numeric or not positive. */
  values: Float64Array;
  /** Which of `values` were present but unusable (non-numeric, zero, negative): bit i = KEPT_METRICS[i]. */
  bad: number;
  date: string;
  source: string;
}

export interface Run {
  label: string;
  points: Map<string, Point>;
  /** One line per problem: `file: $[3].tput_per_gpu: ...`. */
  problems: string[];
  /** Number of files read. */
  files: number;
  /** Rows dropped because a newer row of the same identity was in the same run. */
  duplicates: number;
}

function listJson(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && e.name.endsWith(".json")) out.push(p);
    }
  };
  walk(dir);
  return out;
}

/**
 * The files of a path: itself, or every `.json` file under a directory.
 * `perRun` (for `--history DIR`) groups them by file: each file is one run.
 */
export function filesOf(path: string, what: string): string[] {
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    throw new UserError(`${what} ${path}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file or directory" : (e as Error).message}`);
  }
  if (!st.isDirectory()) return [path];
  const files = listJson(path);
  if (!files.length) throw new UserError(`${what} ${path}: no .json files under this directory (expected agg_bmk.json from the results_bmk artifact)`);
  return files;
}

/** What a JSON document that is not benchmark rows looks like, for the message. */
function foreignKind(v: unknown): string | undefined {
  const first = Array.isArray(v) ? v[0] : v;
  if (typeof first !== "object" || first === null) return undefined;
  if ("task" in first && "score" in first) return "eval rows (agg_eval_all.json), not benchmark rows";
  if (looksLikeRawResult(first)) return "a raw benchmark result (run 'infx process-result' or 'infx collect' first)";
  if ("summary" in first && "points" in first) return "a comparison (infx compare output), not benchmark rows";
  return undefined;
}

function metricValues(row: Record<string, unknown>, where: string, problems: string[]): { values: Float64Array; bad: number } {
  const values = new Float64Array(KEPT_METRICS.length);
  let bad = 0;
  KEPT_METRICS.forEach((m, i) => {
    const v = row[m];
    if (typeof v === "number" && Number.isFinite(v) && v > 0) values[i] = v;
    else {
      values[i] = Number.NaN;
      if (v !== undefined && v !== null) {
        bad |= 1 << i;
        problems.push(
          `${where}.${m}: ${typeof v === "number" ? `${v} is not a positive number` : `must be a number, got ${JSON.stringify(v)}`}; this metric of this point is left inconclusive`,
        );
      }
    }
  });
  return { values, bad };
}

/** Adds the rows of one parsed document to `run`; the newest `date` wins among duplicates (later row on a tie). */
function addRows(run: Run, doc: unknown, file: string, display: string): void {
  const rows = Array.isArray(doc) ? doc : looksLikeAggRow(doc) ? [doc] : undefined;
  const foreign = foreignKind(doc);
  if (!rows || (foreign && !rows.some(looksLikeAggRow))) {
    run.problems.push(`${display}: ${foreign ?? "not aggregate benchmark rows (expected a JSON array like agg_bmk.json)"}; file skipped`);
    return;
  }
  rows.forEach((r, i) => {
    const at = Array.isArray(doc) ? `$[${i}]` : "$";
    const errs = checkAggRow(r, at);
    if (errs.length) {
      run.problems.push(`${display}: ${errs[0]}${errs.length > 1 ? ` (and ${errs.length - 1} more)` : ""}; row skipped`);
      return;
    }
    const row = r as AggRow;
    const identity = identityOf(row);
    const key = identityKey(identity);
    const { values, bad } = metricValues(row as unknown as Record<string, unknown>, `${display}: ${at}`, run.problems);
    const point: Point = { key, identity, values, bad, date: typeof row.date === "string" ? row.date : "", source: `${display} ${at}` };
    const old = run.points.get(key);
    if (old) {
      run.duplicates++;
      const keep = point.date >= old.date ? point : old;
      run.problems.push(
        `${display}: ${at} has the same benchmark identity as ${old.source}; kept the newer (${keep.source}${keep.date ? `, date ${keep.date}` : ""})`,
      );
      run.points.set(key, keep);
    } else run.points.set(key, point);
  });
  void file;
}

function readDoc(file: string, display: string, problems: string[]): unknown {
  let text: string;
  try {
    text = readUserFile(file);
  } catch (e) {
    problems.push(`${display}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    return undefined;
  }
  const parsed = parseJson(text);
  if (!parsed.ok) {
    problems.push(`${display}: not valid JSON: ${parsed.error}; file skipped`);
    return undefined;
  }
  return parsed.value;
}

/** Reads the files as one run. `root` shortens the paths in problems. */
export function loadRun(label: string, files: readonly string[], root?: string): Run {
  const run: Run = { label, points: new Map(), problems: [], files: 0, duplicates: 0 };
  for (const f of files) {
    const display = root && f !== root ? `${root.replace(/\/+$/, "")}/${relative(root, f)}` : f;
    const doc = readDoc(f, display, run.problems);
    run.files++;
    if (doc !== undefined) addRows(run, doc, f, display);
  }
  return run;
}

/** Builds a run from rows already in memory (tests, the simulation). */
export function runFromRows(label: string, rows: readonly unknown[]): Run {
  const run: Run = { label, points: new Map(), problems: [], files: 1, duplicates: 0 };
  addRows(run, rows, label, label);
  return run;
}
