/**
 * `collectToFile`: a folder of downloaded artifacts in, one aggregate file
 * (and optionally a JSON report) out, as `infx collect` and the collect action
 * both run it: `collect` walks the folder, `applyThresholds` gates eval rows,
 * the rows are written in chunks; `collectSummaryText` is the text both print.
 */
import { closeSync, constants, openSync, writeSync } from "node:fs";
import { basename, isAbsolute, resolve } from "node:path";
import { UserError } from "../errors.js";
import { readUserFile } from "../io/read-user-file.js";
import { writeFileNoFollow } from "../io/write-user-file.js";
import { collect, rowsToJsonChunks, type CollectKind, type Replacement } from "./collect.js";
import { applyThresholds, parseThresholds, type Thresholds } from "./thresholds.js";
import type { EvalRow, Problem } from "./types.js";

export const DEFAULT_COLLECT_OUT: Record<CollectKind, string> = { bmk: "agg_bmk.json", eval: "agg_eval_all.json" };
const SHOWN_PROBLEMS = 20;

export interface CollectRequest {
  /** The artifacts folder as given (relative to `cwd`, or absolute). */
  dir: string;
  kind: CollectKind;
  /** Output file (relative to `cwd`); default DEFAULT_COLLECT_OUT[kind]. */
  out?: string;
  /** Also write the JSON report here (relative to `cwd`). */
  report?: string;
  /** Thresholds YAML (relative to `cwd`); eval rows only. */
  thresholds?: string;
  cwd: string;
}

export interface CollectReport {
  kind: CollectKind;
  dir: string;
  out: string;
  files: number;
  rows: number;
  replaced: number;
  /** Each retry that replaced an older one: which file was kept and which dropped. */
  replacements?: Replacement[];
  /** Benchmark rows only: copies of rows found in two files (skipped), and the runs the rows came from. */
  duplicates?: number;
  runs?: number;
  problems: Problem[];
  gate?: { gated: number; failed: number };
}

export interface CollectOutcome {
  report: CollectReport;
  /** Eval rows below their threshold (empty without thresholds). */
  failing: EvalRow[];
}

export async function loadThresholds(path: string): Promise<Thresholds> {
  let text: string;
  try {
    text = readUserFile(path);
  } catch (e) {
    throw new UserError(`cannot read thresholds file ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const { parse } = await import("yaml");
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (e) {
    throw new UserError(`${path}: not valid YAML: ${(e as Error).message.split("\n")[0]}`);
  }
  const t = parseThresholds(doc);
  if (!t.ok)
    throw new UserError(
      `${path}: invalid thresholds`,
      t.errors.map((e) => `  ${e}`),
    );
  return t.value;
}

export async function collectToFile(r: CollectRequest): Promise<CollectOutcome> {
  const { kind } = r;
  const thresholds = r.thresholds !== undefined ? await loadThresholds(resolve(r.cwd, r.thresholds)) : undefined;
  const dir = resolve(r.cwd, r.dir);
  // Paths in problems and eval rows' `source` start at the directory as given
  // (`eval_results/eval_x/results_....json`, as in the reference's rows); an
  // absolute directory (a runner's temp folder) is shown by its name only.
  const displayRoot = isAbsolute(r.dir)
    ? basename(dir)
    : r.dir
        .replace(/\\/g, "/")
        .replace(/^\.\/+/, "")
        .replace(/\/+$/, "");
  let result;
  try {
    result = await collect(dir, kind, { displayRoot: displayRoot === "." ? undefined : displayRoot });
  } catch (e) {
    throw new UserError((e as Error).message);
  }
  const evalRows = result.rows as EvalRow[];
  const failed = thresholds ? applyThresholds(evalRows, thresholds) : 0;

  const outPath = resolve(r.cwd, r.out ?? DEFAULT_COLLECT_OUT[kind]);
  let fd: number;
  try {
    fd = openSync(outPath, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, 0o644); // never through a symlink
  } catch (e) {
    throw new UserError(`cannot write ${outPath}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    for (const chunk of rowsToJsonChunks(result.rows)) writeSync(fd, chunk);
  } finally {
    closeSync(fd);
  }
  const report: CollectReport = {
    kind,
    dir: r.dir,
    out: outPath,
    files: result.files,
    rows: result.rows.length,
    replaced: result.replaced,
    replacements: result.replacements,
    ...(kind === "bmk" ? { duplicates: result.duplicates ?? 0, runs: result.runs ?? 0 } : {}),
    problems: result.problems,
    ...(thresholds ? { gate: { gated: evalRows.filter((row) => row.threshold !== undefined).length, failed } } : {}),
  };
  if (r.report !== undefined) writeFileNoFollow(resolve(r.cwd, r.report), JSON.stringify(report, null, 2) + "\n");
  return { report, failing: thresholds ? evalRows.filter((row) => row.passed === false) : [] };
}

/** What `infx collect` prints: counts, unusable files (the first 20), eval rows below their threshold. */
export function collectSummaryText({ report: r, failing }: CollectOutcome): string {
  const kind = r.kind;
  const lines = [
    `collected ${r.rows} ${kind === "bmk" ? "benchmark" : "eval"} row${r.rows === 1 ? "" : "s"} from ${r.files} file${r.files === 1 ? "" : "s"}${r.runs !== undefined && r.runs > 1 ? ` of ${r.runs} runs` : ""} into ${r.out}`,
    `replaced ${r.replaced} older retr${r.replaced === 1 ? "y" : "ies"} of the same ${kind === "bmk" ? "benchmark" : "eval"}${kind === "bmk" ? " (within one run; rows of different runs are all kept)" : ""}`,
  ];
  for (const x of (r.replacements ?? []).slice(0, SHOWN_PROBLEMS))
    lines.push(`  ${x.kept.path} (${x.kept.when}) replaced ${x.dropped.path} (${x.dropped.when})`);
  if ((r.replacements?.length ?? 0) > SHOWN_PROBLEMS) lines.push(`  ... and ${r.replacements!.length - SHOWN_PROBLEMS} more (all are in the --report file)`);
  if (r.duplicates)
    lines.push(
      `skipped ${r.duplicates} cop${r.duplicates === 1 ? "y" : "ies"} of rows found in two files (a sweep folder has each row in agg_bmk.json and in agg/)`,
    );
  if (r.problems.length) {
    lines.push(`${r.problems.length} file${r.problems.length === 1 ? "" : "s"} could not be used (no other row was lost):`);
    for (const p of r.problems.slice(0, SHOWN_PROBLEMS)) lines.push(`  ${p.path}: ${p.reason}`);
    if (r.problems.length > SHOWN_PROBLEMS) lines.push(`  ... and ${r.problems.length - SHOWN_PROBLEMS} more (all are in the --report file)`);
  } else lines.push("every file was usable");
  if (failing.length) {
    lines.push(`${failing.length} eval row${failing.length === 1 ? "" : "s"} below the accuracy threshold:`);
    for (const f of failing.slice(0, SHOWN_PROBLEMS))
      lines.push(
        `  ${f.model} ${f.hw} ${f.framework} ${f.precision} tp${f.tp} conc${f.conc} ${f.task}: ${f.score_name} ${f.score.toFixed(4)} < ${f.threshold}`,
      );
  }
  return lines.join("\n") + "\n";
}

/** The exit code `infx collect` gives: 1 when a gate failed, or with `strict` when a file was unusable. */
export function collectExitCode({ report }: CollectOutcome, strict: boolean): number {
  if (report.gate?.failed) return 1;
  if (strict && report.problems.length) return 1;
  return 0;
}
