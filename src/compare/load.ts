/**
 * Reading the runs to compare: `agg_bmk.json` files (or directories of them)
 * into points keyed by benchmark identity (each file through `readFileRows`).
 * Only the identity and the compared metrics are kept (memory stays bounded
 * by the number of points, not the size of the files).
 */
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { UserError } from "../errors.js";
import { KEPT_METRICS, parsedFileRows } from "./file-rows.js";
import { loadPackedRun, PackedBuilder, type Point, type Run, runOf } from "./packed.js";

export { KEPT_METRICS, type Point, type Run };

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
 * The files of a path: itself, or every `.json` file under a directory (for
 * `--history DIR`, `historyJobs` makes each subdirectory or file one run).
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

/** Reads the files as one run. `root` shortens the paths in problems. */
export function loadRun(label: string, files: readonly string[], root?: string): Run {
  return runOf(loadPackedRun({ index: 0, label, files: [...files], ...(root ? { root } : {}) }));
}

/** Builds a run from rows already in memory (tests, the simulation). */
export function runFromRows(label: string, rows: readonly unknown[]): Run {
  const b = new PackedBuilder();
  const problems: string[] = [];
  const got = parsedFileRows(rows, label, problems);
  if (got) b.merge(got, label, problems);
  return runOf(b.done(0, label, problems, 1));
}
