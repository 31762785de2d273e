import { appendFileSync, existsSync } from "node:fs";
import { resolve } from "node:path";
import { writeFileNoFollow } from "../io/write-user-file.js";
import { defineSpec, type OptionsOf } from "../cli/args.js";
import { UsageError, UserError, type Io } from "../cli/io.js";
import { DEFAULT_MAX_BYTES, renderSummary, STEP_SUMMARY_LIMIT } from "../report/summary.js";
import { readSummaryRows } from "../report/summary-rows.js";

export const spec = defineSpec({
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
    {
      name: "max-bytes",
      kind: "int",
      metavar: "N",
      help: `size limit of the markdown in bytes (default ${DEFAULT_MAX_BYTES}; GitHub's limit is ${STEP_SUMMARY_LIMIT})`,
    },
    { name: "no-charts", kind: "flag", help: "leave the charts out" },
  ],
  examples: ["infx summarize --bmk agg_bmk.json --eval agg_eval_all.json --step-summary", "infx summarize --bmk results/agg_bmk.json --out summary.md"],
});

export type SummarizeOptions = OptionsOf<typeof spec>;

export async function run(o: SummarizeOptions, io: Io): Promise<number> {
  const neither = o.bmk === undefined && o.eval === undefined;
  const pick = (opt: string | undefined, fallback: string) =>
    opt !== undefined ? resolve(io.cwd, opt) : neither && existsSync(resolve(io.cwd, fallback)) ? resolve(io.cwd, fallback) : undefined;
  const bmkPath = pick(o.bmk, "agg_bmk.json");
  const evalPath = pick(o.eval, "agg_eval_all.json");
  if (!bmkPath && !evalPath) throw new UsageError("nothing to summarize: give --bmk and/or --eval (no agg_bmk.json or agg_eval_all.json here)");
  const maxBytes = o.maxBytes ?? DEFAULT_MAX_BYTES;
  if (maxBytes < 4096) throw new UsageError("--max-bytes must be at least 4096");

  const { bmk, evals } = readSummaryRows(bmkPath, evalPath, (line) => io.err(`${line}\n`));
  const md = renderSummary({ bmk, evals, title: o.title, maxBytes, charts: !o.noCharts });
  if (o.stepSummary) {
    const target = io.env.GITHUB_STEP_SUMMARY;
    if (!target) throw new UserError("--step-summary: GITHUB_STEP_SUMMARY is not set (it is set inside GitHub Actions steps)");
    appendFileSync(target, md);
  }
  if (o.out !== undefined) writeFileNoFollow(resolve(io.cwd, o.out), md);
  if (!o.stepSummary && o.out === undefined) io.out(md);
  return 0;
}
