/**
 * `readCommentInput`: the sweep comment's inputs, read from the files the
 * comment job downloaded (each optional), as `infx comment` and the comment
 * action both read them. A file that is given but missing becomes a warning
 * and its section says so; a malformed one is an error naming its option.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { load } from "js-yaml";
import { UserError } from "../errors.js";
import { readUserFile } from "../io/read-user-file.js";
import { parseJson } from "../results/json.js";
import type { RunStats } from "../results/success-rate.js";
import { applyThresholds, parseThresholds, type Thresholds } from "../results/thresholds.js";
import type { AggRow, EvalRow } from "../results/types.js";
import type { Comparison } from "../compare/types.js";
import { summarizePlan, type CommentInput } from "./comment.js";

export interface CommentFiles {
  plan?: string;
  results?: string;
  evals?: string;
  runStats?: string;
  thresholds?: string;
  /** comparison.json of `infx compare`, or the compare action's no-baseline.json. */
  comparison?: string;
}

/** Reads an optional JSON input: undefined (with a warning) when missing, an error when malformed. */
function readJsonInput(cwd: string, option: string, file: string | undefined, warnings: string[]): unknown {
  if (file === undefined) return undefined;
  const path = resolve(cwd, file);
  if (!existsSync(path)) {
    warnings.push(`--${option} ${file}: file not found; that section is left out`);
    return undefined;
  }
  const parsed = parseJson(readUserFile(path));
  if (!parsed.ok) throw new UserError(`--${option} ${file}: not valid JSON: ${parsed.error}`);
  return parsed.value;
}

function expectArray<T>(value: unknown, option: string, file: string, check: (v: Record<string, unknown>) => string | undefined): T[] {
  if (!Array.isArray(value)) throw new UserError(`--${option} ${file}: expected a JSON array of rows, got ${typeof value}`);
  value.forEach((v, i) => {
    if (typeof v !== "object" || v === null || Array.isArray(v)) throw new UserError(`--${option} ${file}: [${i}] is not an object`);
    const problem = check(v as Record<string, unknown>);
    if (problem) throw new UserError(`--${option} ${file}: [${i}]: ${problem}`);
  });
  return value as T[];
}

const missingField = (v: Record<string, unknown>, fields: [string, string][]) => {
  for (const [f, t] of fields) if (typeof v[f] !== t) return `field '${f}' must be a ${t}`;
  return undefined;
};

function checkRunStats(value: unknown, file: string): RunStats {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new UserError(`--run-stats ${file}: expected {"<gpu>": {"n_success": N, "total": N}}`);
  for (const [gpu, s] of Object.entries(value)) {
    const st = s as Record<string, unknown>;
    if (!Number.isInteger(st?.n_success) || !Number.isInteger(st?.total))
      throw new UserError(`--run-stats ${file}: '${gpu}' needs integer n_success and total`);
  }
  return value as RunStats;
}

/** A comparison (infx compare --format json) or the compare action's no-baseline note. */
function checkComparison(value: unknown, file: string): NonNullable<CommentInput["comparison"]> {
  const v = (typeof value === "object" && value !== null ? value : {}) as Record<string, unknown>;
  if (typeof v.no_baseline === "string") return { noBaseline: v.no_baseline, ...(typeof v.base_ref === "string" ? { baseRef: v.base_ref } : {}) };
  if (typeof v.summary !== "object" || !Array.isArray(v.points) || !Array.isArray(v.curves))
    throw new UserError(`--comparison ${file}: expected the JSON of 'infx compare --format json' (summary, points, curves) or {"no_baseline": "..."}`);
  return { comparison: v as unknown as Comparison };
}

/** Reads the accuracy gate file (the format of `infx collect --thresholds`, src/results/thresholds.ts); errors name the file. */
function readThresholdsFile(path: string, label: string): Thresholds {
  let doc: unknown;
  try {
    doc = load(readUserFile(path));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(
      code ? `--thresholds ${label}: cannot read it (${code})` : `--thresholds ${label}: not valid YAML: ${(e as Error).message.split("\n")[0]}`,
    );
  }
  const t = parseThresholds(doc);
  if (!t.ok)
    throw new UserError(
      `--thresholds ${label}: invalid thresholds`,
      t.errors.map((e) => `  ${e}`),
    );
  return t.value;
}

/** Fills `input` from the given files (relative to `cwd`); missing files add to `warnings`. */
export function readCommentInput(input: CommentInput, f: CommentFiles, cwd: string, warnings: string[]): CommentInput {
  const plan = readJsonInput(cwd, "plan", f.plan, warnings);
  if (plan !== undefined) {
    if (typeof plan !== "object" || plan === null) throw new UserError(`--plan ${f.plan}: expected a matrix array or a plan object`);
    input.plan = summarizePlan(plan);
  }
  const results = readJsonInput(cwd, "results", f.results, warnings);
  if (results !== undefined)
    input.results = expectArray<AggRow>(results, "results", f.results!, (v) =>
      missingField(v, [
        ["model", "string"],
        ["hw", "string"],
        ["isl", "number"],
        ["osl", "number"],
        ["conc", "number"],
        ["tput_per_gpu", "number"],
      ]),
    );
  const evals = readJsonInput(cwd, "evals", f.evals, warnings);
  if (evals !== undefined) {
    let rows = expectArray<EvalRow>(evals, "evals", f.evals!, (v) =>
      missingField(v, [
        ["model", "string"],
        ["hw", "string"],
        ["task", "string"],
      ]),
    );
    if (f.thresholds) {
      rows = rows.map((r) => ({ ...r }));
      applyThresholds(rows, readThresholdsFile(resolve(cwd, f.thresholds), f.thresholds));
    }
    input.evals = rows;
  }
  const stats = readJsonInput(cwd, "run-stats", f.runStats, warnings);
  if (stats !== undefined) input.runStats = checkRunStats(stats, f.runStats!);
  const comparison = readJsonInput(cwd, "comparison", f.comparison, warnings);
  if (comparison !== undefined) input.comparison = checkComparison(comparison, f.comparison!);
  return input;
}
