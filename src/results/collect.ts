/**
 * Collection: walks a directory of downloaded artifacts (as `gh run download`
 * or actions/download-artifact lay them out: one folder per artifact, e.g.
 * `bmk_<name>/agg_<name>.json`, `eval_<name>/results_<time>.json` +
 * `meta_env.json`) and builds the rows of `agg_bmk.json` or
 * `agg_eval_all.json`.
 *
 * - A corrupt or foreign file never loses other rows: it becomes a problem
 *   (path and reason).
 * - Retries of one benchmark keep the newest row (see `newerRow`), counted in
 *   `replaced`. Retries are recognised within one run only (the rule
 *   `runOf`): rows of different runs are all kept, and `runs` counts them.
 *   The same row found twice in one sweep's files (a sweep folder holds it in
 *   `agg_bmk.json` and in `agg/`) is counted in `duplicates`, not as a retry.
 * - Rows come out in a fixed order whatever the file system's order.
 * - Memory: files are read one at a time and only the kept rows are held.
 *   (Synchronous reads: for thousands of small files they are about three
 *   times faster than promise-based reads, see bench/results.mjs.)
 */
import { type Dirent, readdirSync, statSync } from "node:fs";
import { basename, dirname, join, relative, sep } from "node:path";
import { readUserFile } from "../io/read-user-file.js";
import { evalRowsOf, isLmEvalResult, readMetaEnv, type EvalConfig } from "./evals.js";
import { parseJson } from "./json.js";
import {
  benchmarkIdentity,
  checkAggRow,
  clientDateToIso,
  sortAggRows,
  compareEvalRows,
  evalIdentity,
  looksLikeAggRow,
  looksLikeRawResult,
  newerRow,
  type Sourced,
} from "./rows.js";
import type { AggRow, EvalRow, Problem } from "./types.js";

export type CollectKind = "bmk" | "eval";

/** One retry replacement: which row (path, date) replaced which. */
export interface Replacement {
  kept: { path: string; when: string };
  dropped: { path: string; when: string };
}

/** Records which of two retries was kept. */
function keepNewer<R>(a: Sourced<R>, b: Sourced<R>, log: Replacement[]): Sourced<R> {
  const kept = newerRow(a, b);
  const dropped = kept === a ? b : a;
  log.push({ kept: { path: kept.path, when: kept.when }, dropped: { path: dropped.path, when: dropped.when } });
  return kept;
}

export interface CollectOptions {
  /** Prefix of the paths in problems and in eval rows' `source` (default: the paths relative to `dir`). */
  displayRoot?: string;
}

export interface CollectResult<R> {
  rows: R[];
  problems: Problem[];
  /** Rows dropped because a newer retry of the same benchmark was found. */
  replaced: number;
  /** Each replacement: the row kept and the one dropped (paths and dates). */
  replacements: Replacement[];
  /** Files looked at. */
  files: number;
  /** Rows found again in another file, identical (not retries). */
  duplicates?: number;
  /** Distinct runs the kept rows belong to (see `runOf`). */
  runs?: number;
}

/** Files that belong in artifacts or sweep folders but hold no rows: skipped without a problem. */
const EXPECTED_EXTRA = /(^|\/)(samples_[^/]*\.jsonl|\.[^/]*|summary\.md|report\.html)$/;

/** Why a directory entry that is neither a regular file nor a directory is not read. */
function skippedKind(e: Dirent): string {
  if (e.isSymbolicLink()) return "a symbolic link: not followed (artifacts hold regular files only)";
  if (e.isFIFO()) return "a FIFO (named pipe): not read";
  if (e.isSocket()) return "a socket: not read";
  return "a device or special file: not read";
}

/**
 * The regular files under `root`, sorted. An unreadable subdirectory, a
 * symlink or a FIFO is passed to `skip` with the reason, and the walk goes
 * on (only an unreadable `root` throws). No recursion on directory depth.
 */
function listFiles(root: string, skip: (path: string, reason: string) => void = () => {}): string[] {
  const out: string[] = [];
  const pending = [root];
  while (pending.length) {
    const dir = pending.pop()!;
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      if (dir === root) throw e;
      skip(dir, `cannot read directory: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      continue;
    }
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory()) pending.push(p);
      else if (e.isFile()) out.push(p);
      else skip(p, skippedKind(e));
    }
  }
  return out.sort();
}

/** A file's text, or the reason it cannot be read. */
function readText(file: string): { text: string } | { error: string } {
  try {
    return { text: readUserFile(file) };
  } catch (e) {
    return { error: `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` };
  }
}

/** Modification time (ISO), the fallback "when" of a row without its own timestamp. */
function mtimeOf(file: string): string {
  try {
    return statSync(file).mtime.toISOString();
  } catch {
    return "";
  }
}

const toPosix = (p: string) => (sep === "/" ? p : p.split(sep).join("/"));

export async function collect(dir: string, kind: "bmk", opts?: CollectOptions): Promise<CollectResult<AggRow>>;
export async function collect(dir: string, kind: "eval", opts?: CollectOptions): Promise<CollectResult<EvalRow>>;
export async function collect(dir: string, kind: CollectKind, opts?: CollectOptions): Promise<CollectResult<AggRow | EvalRow>>;
export async function collect(dir: string, kind: CollectKind, opts: CollectOptions = {}): Promise<CollectResult<AggRow | EvalRow>> {
  let files: string[];
  const skipped: Problem[] = [];
  try {
    files = listFiles(dir, (p, reason) => skipped.push({ path: p, reason }));
  } catch (e) {
    throw new Error(`cannot read directory ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const display = (p: string) => {
    const rel = toPosix(relative(dir, p));
    return opts.displayRoot ? `${opts.displayRoot.replace(/\/+$/, "")}/${rel}` : rel;
  };
  const result = kind === "bmk" ? collectBenchmarks(files, display) : collectEvals(dir, files, display);
  if (skipped.length) {
    result.problems.push(...skipped.map((p) => ({ path: display(p.path), reason: p.reason })));
    result.problems.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.reason < b.reason ? -1 : 1));
  }
  return result;
}

/**
 * The run a row belongs to: the row's own `run` (written by `infx sweep
 * --local`), else the sweep output folder the file is in (a folder holding
 * both agg_bmk.json and summary.md), else "" (one CI run's artifacts).
 */
export function runOf(row: AggRow, file: string, present: ReadonlySet<string>): string {
  if (typeof row.run === "string" && row.run) return `run:${row.run}`;
  for (let d = dirname(file); ; d = dirname(d)) {
    if (present.has(join(d, "agg_bmk.json")) && present.has(join(d, "summary.md"))) return `dir:${d}`;
    if (dirname(d) === d) return "";
  }
}

/** Whether a raw result's row is already there: `agg_<name>` beside it (an artifact) or in `../agg/` (a sweep folder). */
function rawHasRow(file: string, present: ReadonlySet<string>): boolean {
  const name = `agg_${basename(file)}`;
  return present.has(join(dirname(file), name)) || present.has(join(dirname(dirname(file)), "agg", name));
}

function collectBenchmarks(files: string[], display: (p: string) => string): CollectResult<AggRow> {
  const problems: Problem[] = [];
  const kept = new Map<string, Sourced<AggRow> & { run: string; json: string }>();
  let replaced = 0;
  const replacements: Replacement[] = [];
  let duplicates = 0;
  const present = new Set(files);
  const offer = (cand: Sourced<AggRow>, file: string) => {
    const run = runOf(cand.row, file, present);
    const id = JSON.stringify([run, benchmarkIdentity(cand.row)]);
    const json = JSON.stringify(cand.row);
    const have = kept.get(id);
    if (have && run && have.json === json) duplicates++;
    else if (have) {
      replaced++;
      const newer = keepNewer(have, cand, replacements);
      kept.set(id, newer === have ? have : { ...cand, run, json });
    } else kept.set(id, { ...cand, run, json });
  };
  for (const file of files) {
    const shown = display(file);
    if (EXPECTED_EXTRA.test(shown)) continue;
    if (!file.endsWith(".json")) {
      problems.push({ path: shown, reason: "foreign file: not a .json aggregate row" });
      continue;
    }
    const parsed = readJsonFile(file, shown, problems);
    if (!parsed) continue;
    const v = parsed.value;
    const candidates: { value: unknown; at: string }[] = Array.isArray(v) ? v.map((value, i) => ({ value, at: `$[${i}]` })) : [{ value: v, at: "$" }];
    if (!Array.isArray(v) && !looksLikeAggRow(v)) {
      if (looksLikeRawResult(v)) {
        if (!rawHasRow(file, present)) problems.push({ path: shown, reason: "raw benchmark result without its agg_ row (run 'infx process-result' on it)" });
      } else problems.push({ path: shown, reason: "foreign JSON: not an aggregate row (no hw / tput_per_gpu)" });
      continue;
    }
    for (const { value, at } of candidates) {
      const errs = checkAggRow(value, at);
      if (errs.length) {
        problems.push({ path: shown, reason: `not a valid aggregate row: ${errs.join("; ")}` });
        continue;
      }
      const row = value as AggRow;
      offer({ row, path: shown, when: (typeof row.date === "string" && clientDateToIso(row.date)) || mtimeOf(file) }, file);
    }
  }
  const rows = sortAggRows([...kept.values()].map((s) => s.row));
  problems.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const runs = new Set([...kept.values()].map((s) => s.run)).size;
  return { rows, problems, replaced, replacements, files: files.length, duplicates, runs };
}

function collectEvals(root: string, files: string[], display: (p: string) => string): CollectResult<EvalRow> {
  const problems: Problem[] = [];
  const kept = new Map<string, Sourced<EvalRow>>();
  let replaced = 0;
  const replacements: Replacement[] = [];
  const metaCache = new Map<string, { ok: true; value: EvalConfig; path: string } | { ok: false; reason: string }>();
  const present = new Set(files);

  /** The nearest meta_env.json at or above the result's folder (within the collected directory). */
  const metaFor = (folder: string) => {
    let cached = metaCache.get(folder);
    if (!cached) {
      cached = (() => {
        for (let d = folder; ; d = dirname(d)) {
          const p = join(d, "meta_env.json");
          if (present.has(p)) {
            const read = readText(p);
            if ("error" in read) return { ok: false as const, reason: `${display(p)}: ${read.error}` };
            const parsed = parseJson(read.text);
            if (!parsed.ok) return { ok: false as const, reason: `${display(p)} is not valid JSON: ${parsed.error}` };
            const meta = readMetaEnv(parsed.value);
            if (!meta.ok) return { ok: false as const, reason: `${display(p)}: ${meta.errors.join("; ")}` };
            return { ok: true as const, value: meta.value, path: p };
          }
          if (d === root || dirname(d) === d || !d.startsWith(root)) break;
        }
        return { ok: false as const, reason: "no meta_env.json beside it: the configuration of the eval is unknown" };
      })();
      metaCache.set(folder, cached);
    }
    return cached;
  };

  for (const file of files) {
    const shown = display(file);
    if (EXPECTED_EXTRA.test(shown) || basename(file) === "meta_env.json") continue;
    if (!file.endsWith(".json")) {
      problems.push({ path: shown, reason: "foreign file: not an lm-eval result (.json)" });
      continue;
    }
    const parsed = readJsonFile(file, shown, problems);
    if (!parsed) continue;
    if (!isLmEvalResult(parsed.value)) {
      problems.push({ path: shown, reason: "foreign JSON: not an lm-eval result (no lm_eval_version)" });
      continue;
    }
    const meta = metaFor(dirname(file));
    if (!meta.ok) {
      problems.push({ path: shown, reason: meta.reason });
      continue;
    }
    const { rows, problems: taskProblems } = evalRowsOf(parsed.value, meta.value, shown, basename(file));
    for (const p of taskProblems) problems.push({ path: shown, reason: p });
    for (const row of rows) {
      const cand = { row, path: shown, when: row.timestamp ?? mtimeOf(file) };
      const id = evalIdentity(row);
      const have = kept.get(id);
      if (have) {
        replaced++;
        kept.set(id, keepNewer(have, cand, replacements));
      } else kept.set(id, cand);
    }
  }
  const rows = [...kept.values()].map((s) => s.row).sort(compareEvalRows);
  problems.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.reason < b.reason ? -1 : 1));
  return { rows, problems, replaced, replacements, files: files.length };
}

/** Writes rows as a JSON array, one row per line, in chunks (no giant string). */
export function rowsToJsonChunks(rows: readonly unknown[], chunk = 500): string[] {
  if (rows.length === 0) return ["[]\n"];
  const out: string[] = [];
  for (let i = 0; i < rows.length; i += chunk) {
    const part = rows.slice(i, i + chunk).map((r) => JSON.stringify(r));
    out.push((i === 0 ? "[\n" : ",\n") + part.join(",\n"));
  }
  out.push("\n]\n");
  return out;
}

/** Reads and parses one JSON file; records why it could not be (and returns undefined) instead of throwing. */
function readJsonFile(file: string, shown: string, problems: Problem[]): { value: unknown } | undefined {
  const read = readText(file);
  if ("error" in read) {
    problems.push({ path: shown, reason: read.error });
    return undefined;
  }
  const parsed = parseJson(read.text);
  if (!parsed.ok) {
    problems.push({ path: shown, reason: `not valid JSON: ${parsed.error}` });
    return undefined;
  }
  return { value: parsed.value };
}
