/**
 * Reading the runs to compare: `agg_bmk.json` files (or directories of them)
 * into points keyed by benchmark identity (each file through `readFileRows`).
 * Only the identity and the compared metrics are kept (memory stays bounded
 * by the number of points, not the size of the files).
 */
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { UserError } from "../errors.js";
import { type FileRows, KEPT_METRICS, parsedFileRows, readFileRows, rowPath } from "./file-rows.js";
import type { Identity } from "./metrics.js";

export { KEPT_METRICS };

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

/** The words for a row dropped because a newer row of the same identity is in the run. */
export function duplicateProblem(display: string, at: string, old: { source: string; date: string }, keep: { source: string; date: string }): string {
  return `${display}: ${at} has the same benchmark identity as ${old.source}; kept the newer (${keep.source}${keep.date ? `, date ${keep.date}` : ""})`;
}

/** Adds a file's rows to `run`; the newest `date` wins among duplicates (later row on a tie). */
function mergeRows(run: Run, rows: FileRows, display: string): void {
  const k = KEPT_METRICS.length;
  for (let j = 0; j < rows.n; j++) {
    const at = rowPath(rows, j);
    const point: Point = {
      key: rows.keys[j]!,
      identity: rows.identities[j]!,
      values: rows.values.slice(j * k, (j + 1) * k),
      bad: rows.bad[j]!,
      date: rows.dates[j]!,
      source: `${display} ${at}`,
    };
    const old = run.points.get(point.key);
    if (old) {
      run.duplicates++;
      const keep = point.date >= old.date ? point : old;
      run.problems.push(duplicateProblem(display, at, old, keep));
      run.points.set(point.key, keep);
    } else run.points.set(point.key, point);
  }
}

/** `file` as problems show it: under `root` when one is given. */
export function displayPath(file: string, root?: string): string {
  return root && file !== root ? `${root.replace(/\/+$/, "")}/${relative(root, file)}` : file;
}

/** Reads the files as one run. `root` shortens the paths in problems. */
export function loadRun(label: string, files: readonly string[], root?: string): Run {
  const run: Run = { label, points: new Map(), problems: [], files: 0, duplicates: 0 };
  for (const f of files) {
    const display = displayPath(f, root);
    const rows = readFileRows(f, display, run.problems);
    if (rows) mergeRows(run, rows, display);
    run.files++;
  }
  return run;
}

/** Builds a run from rows already in memory (tests, the simulation). */
export function runFromRows(label: string, rows: readonly unknown[]): Run {
  const run: Run = { label, points: new Map(), problems: [], files: 1, duplicates: 0 };
  const got = parsedFileRows(rows, label, run.problems);
  if (got) mergeRows(run, got, label);
  return run;
}
