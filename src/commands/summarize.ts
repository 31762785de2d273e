import { appendFileSync, existsSync } from "node:fs";
import { resolve } from "node:path";
import { writeFileNoFollow } from "../io/write-user-file.js";
import { readUserFile } from "../io/read-user-file.js";
import type { CommandSpec, ParsedArgs } from "../cli/args.js";
import { UsageError, UserError, type Io } from "../cli/io.js";
import { parseJson } from "../results/json.js";
import { checkAggRow } from "../results/rows.js";
import type { AggRow, EvalRow } from "../results/types.js";
import { DEFAULT_MAX_BYTES, renderSummary, STEP_SUMMARY_LIMIT } from "../report/summary.js";

export const spec: CommandSpec = {
  name: "summarize",
  summary: "Markdown tables and charts for the step summary",
  description: `
Renders agg_bmk.json and/or agg_eval_all.json (written by 'infx collect') as
markdown: one throughput-per-GPU vs interactivity chart (mermaid xychart-beta,
rendered by GitHub) per model and sequence lengths with a series per
hardware/framework, the eval table (with the accuracy gate's verdict when
collect ran with --thresholds), and the single-node and multi-node tables
(model, served model, hardware, framework, precision, ISL, OSL, TP/EP/DP
attention or prefill/decode workers, conc, TTFT ms, TPOT ms, interactivity,
E2EL s, throughput per GPU: total, output, input).

The output stays under GitHub's 1 MiB step-summary limit: when rows must be
cut, the summary says how many and where the full data is.

Without --bmk/--eval it reads ./agg_bmk.json and ./agg_eval_all.json when present.`,
  options: [
    { name: "bmk", kind: "string", metavar: "FILE", help: "benchmark rows (agg_bmk.json)" },
    { name: "eval", kind: "string", metavar: "FILE", help: "eval rows (agg_eval_all.json)" },
    { name: "out", short: "o", kind: "string", metavar: "FILE", help: "write the markdown here instead of stdout" },
    { name: "step-summary", kind: "flag", help: "append to the file named by $GITHUB_STEP_SUMMARY" },
    { name: "title", kind: "string", metavar: "TEXT", help: "heading of the summary", default: "Benchmark results" },
    { name: "max-bytes", kind: "int", metavar: "N", help: `size limit of the markdown in bytes (default ${DEFAULT_MAX_BYTES}; GitHub's limit is ${STEP_SUMMARY_LIMIT})` },
    { name: "no-charts", kind: "flag", help: "leave the charts out" },
  ],
  examples: [
    "infx summarize --bmk agg_bmk.json --eval agg_eval_all.json --step-summary",
    "infx summarize --bmk results/agg_bmk.json --out summary.md",
  ],
};

function readRows(path: string, what: string): unknown[] {
  let text: string;
  try {
    text = readUserFile(path);
  } catch (e) {
    throw new UserError(`cannot read ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const parsed = parseJson(text);
  if (!parsed.ok) throw new UserError(`${path} is not valid JSON: ${parsed.error}`);
  if (!Array.isArray(parsed.value)) throw new UserError(`${path}: expected a JSON array of rows (as 'infx collect' writes), got ${typeof parsed.value}`);
  return parsed.value;
}

export async function run(args: ParsedArgs, io: Io): Promise<number> {
  const neither = typeof args.bmk !== "string" && typeof args.eval !== "string";
  const pick = (opt: unknown, fallback: string) =>
    typeof opt === "string" ? resolve(io.cwd, opt) : neither && existsSync(resolve(io.cwd, fallback)) ? resolve(io.cwd, fallback) : undefined;
  const bmkPath = pick(args.bmk, "agg_bmk.json");
  const evalPath = pick(args.eval, "agg_eval_all.json");
  if (!bmkPath && !evalPath) throw new UsageError("nothing to summarize: give --bmk and/or --eval (no agg_bmk.json or agg_eval_all.json here)");
  const maxBytes = typeof args["max-bytes"] === "number" ? args["max-bytes"] : DEFAULT_MAX_BYTES;
  if (maxBytes < 4096) throw new UsageError("--max-bytes must be at least 4096");

  const bmk: AggRow[] = [];
  if (bmkPath) {
    const raw = readRows(bmkPath, "benchmark rows");
    let bad = 0;
    raw.forEach((r, i) => {
      const errs = checkAggRow(r, `$[${i}]`);
      if (errs.length) {
        if (bad++ < 5) io.err(`warning: ${bmkPath}: skipping ${errs[0]}\n`);
      } else bmk.push(r as AggRow);
    });
    if (bad > 5) io.err(`warning: ${bmkPath}: skipped ${bad} invalid rows in all\n`);
  }
  const evals: EvalRow[] = [];
  if (evalPath) {
    const raw = readRows(evalPath, "eval rows");
    const bad = new Set(raw.filter((r) => typeof r !== "object" || r === null || typeof (r as EvalRow).task !== "string" || typeof (r as EvalRow).score !== "number"));
    if (bad.size) io.err(`warning: ${evalPath}: skipping ${bad.size} row${bad.size === 1 ? "" : "s"} without a task and a numeric score\n`);
    for (const r of raw) if (!bad.has(r)) evals.push(r as EvalRow);
  }

  const md = renderSummary({ bmk, evals, title: args.title as string, maxBytes, charts: !args["no-charts"] });
  if (args["step-summary"]) {
    const target = io.env.GITHUB_STEP_SUMMARY;
    if (!target) throw new UserError("--step-summary: GITHUB_STEP_SUMMARY is not set (it is set inside GitHub Actions steps)");
    appendFileSync(target, md);
  }
  if (typeof args.out === "string") writeFileNoFollow(resolve(io.cwd, args.out), md);
  if (!args["step-summary"] && typeof args.out !== "string") io.out(md);
  return 0;
}
