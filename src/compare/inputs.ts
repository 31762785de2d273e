/** From paths to runs, and the floor options: the input side of `infx compare` (no CLI, no GitHub). */
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { closest, UsageError, UserError } from "../errors.js";
import { filesOf, loadRun, type Run } from "./load.js";
import type { LoadJob } from "./packed.js";
import { METRIC_NAMES } from "./metrics.js";

/** A baseline or head: every `.json` file under a directory is one run's rows. */
export function readRun(label: string, path: string): Run {
  const run = loadRun(label, filesOf(path, `--${label}`), isDir(path) ? path : undefined);
  if (run.ids.length === 0) {
    throw new UserError(
      `--${label} ${path}: no usable benchmark rows, nothing to compare${run.problems.length ? ":" : " (the file holds no rows)"}`,
      run.problems.slice(0, 20),
    );
  }
  return run;
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The history runs to read, as jobs for `loadRunsInParallel`: a file is one
 * run; a directory holds one run per subdirectory (as artifacts are
 * downloaded: `<dir>/<run>/agg_bmk.json`) and one per `.json` file directly in it.
 */
export function historyJobs(paths: readonly string[]): LoadJob[] {
  const jobs: LoadJob[] = [];
  const add = (label: string, files: string[], root?: string) => jobs.push({ index: jobs.length, label, files, ...(root ? { root } : {}) });
  for (const p of paths) {
    if (!isDir(p)) {
      add(`history ${p}`, filesOf(p, "--history"));
      continue;
    }
    const entries = readdirSync(p, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
    if (!entries.length) throw new UserError(`--history ${p}: empty directory (expected one folder or agg_bmk.json per earlier run)`);
    for (const e of entries) {
      const sub = join(p, e.name);
      if (e.isDirectory()) add(`history ${sub}`, filesOf(sub, "--history"), sub);
      else if (e.isFile() && e.name.endsWith(".json")) add(`history ${sub}`, [sub]);
    }
  }
  return jobs;
}

/** `--floor 5` and `--floor p99_ttft=10`: percentages into fractions. */
export function parseFloors(values: readonly string[] | undefined, dflt: number): { floor: number; floors: Record<string, number> } {
  let floor = dflt;
  const floors: Record<string, number> = {};
  for (const v of values ?? []) {
    const m = /^(?:([a-z0-9_]+)=)?([0-9]*\.?[0-9]+)%?$/.exec(v.trim());
    if (!m) throw new UsageError(`--floor: expected a percentage like '5' or 'METRIC=PCT' like 'p99_ttft=10', got '${v}'`);
    const pct = Number(m[2]);
    if (!(pct > 0 && pct < 100)) throw new UsageError(`--floor: ${v}: the percentage must be above 0 and below 100`);
    if (m[1] === undefined) floor = pct / 100;
    else if (!METRIC_NAMES.includes(m[1])) {
      const hint = closest(m[1], METRIC_NAMES);
      throw new UsageError(
        `--floor: unknown metric '${m[1]}'${hint.length ? ` (did you mean ${hint.join(", ")}?)` : ""}; compared metrics: ${METRIC_NAMES.join(", ")}`,
      );
    } else floors[m[1]] = pct / 100;
  }
  return { floor, floors };
}
