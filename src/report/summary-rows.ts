/**
 * `readSummaryRows`: the rows `renderSummary` draws, read from agg_bmk.json /
 * agg_eval_all.json as `infx summarize` and the collect action both read
 * them. Invalid rows are skipped with a warning, never fatal.
 */
import { UserError } from "../errors.js";
import { readUserFile } from "../io/read-user-file.js";
import { parseJson } from "../results/json.js";
import { checkAggRow } from "../results/rows.js";
import type { AggRow, EvalRow } from "../results/types.js";

/** A user's JSON file (rows, a comparison, run stats), or a UserError naming the file and what it should have been. */
export function readUserJson(path: string, what: string): unknown {
  let text: string;
  try {
    text = readUserFile(path);
  } catch (e) {
    throw new UserError(`cannot read ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const parsed = parseJson(text);
  if (!parsed.ok) throw new UserError(`${path} is not valid JSON: ${parsed.error}`);
  return parsed.value;
}

function readRows(path: string, what: string): unknown[] {
  const value = readUserJson(path, what);
  if (!Array.isArray(value)) throw new UserError(`${path}: expected a JSON array of rows (as 'infx collect' writes), got ${typeof value}`);
  return value;
}

export function readSummaryRows(bmkPath: string | undefined, evalPath: string | undefined, warn: (line: string) => void): { bmk: AggRow[]; evals: EvalRow[] } {
  const bmk: AggRow[] = [];
  if (bmkPath) {
    const raw = readRows(bmkPath, "benchmark rows");
    let bad = 0;
    raw.forEach((r, i) => {
      const errs = checkAggRow(r, `$[${i}]`);
      if (errs.length) {
        if (bad++ < 5) warn(`warning: ${bmkPath}: skipping ${errs[0]}`);
      } else bmk.push(r as AggRow);
    });
    if (bad > 5) warn(`warning: ${bmkPath}: skipped ${bad} invalid rows in all`);
  }
  const evals: EvalRow[] = [];
  if (evalPath) {
    const raw = readRows(evalPath, "eval rows");
    const bad = new Set(
      raw.filter((r) => typeof r !== "object" || r === null || typeof (r as EvalRow).task !== "string" || typeof (r as EvalRow).score !== "number"),
    );
    if (bad.size) warn(`warning: ${evalPath}: skipping ${bad.size} row${bad.size === 1 ? "" : "s"} without a task and a numeric score`);
    for (const r of raw) if (!bad.has(r)) evals.push(r as EvalRow);
  }
  return { bmk, evals };
}
