import { defineSpec, type OptionsOf } from "../cli/args.js";
import { UsageError, type Io } from "../cli/io.js";
import { collectExitCode, collectSummaryText, collectToFile } from "../results/collect-file.js";

export const spec = defineSpec({
  name: "collect",
  summary: "Aggregate downloaded artifacts into agg_bmk.json / agg_eval_all.json",
  description: `
Walks <dir>, a folder of downloaded artifacts (one folder per artifact, as
'gh run download' and actions/download-artifact lay them out), and writes one
JSON array of rows:

  --kind bmk   every agg_*.json row written by 'infx process-result'
               (bmk_<name>/agg_<name>.json) -> agg_bmk.json, artifact results_bmk
  --kind eval  every lm-evaluation-harness result (results_*.json, recognised by
               lm_eval_version) with the meta_env.json beside it
               -> agg_eval_all.json, artifact eval_results_all
               One row per task: model_prefix, model, hw (upper-case, as the
               reference's eval rows), framework, precision, spec_decoding, tp,
               ep, conc, dp_attention, task, em_strict(_se), em_flexible(_se),
               n_eff, source, score, score_name, score_se, timestamp.
               meta_env.json holds the job's configuration: hw (runner type),
               framework, precision, tp, conc (required), infmax_model_prefix,
               model, spec_decoding, ep, dp_attention, isl, osl, is_multinode.

A corrupt or foreign file never loses the other rows: it is listed (path and
reason) on stdout and in the --report file, and only --strict makes it fail
the command. Retries of the same benchmark (same configuration; the runner
node is not part of it) keep the newest row and the count of replaced rows is
printed. Rows are sorted (model, sequence lengths, hardware, framework, ...,
concurrency), so the output does not depend on the download order.

--thresholds applies an accuracy gate to eval rows: rows below their task's
minimum get "passed": false, and the command exits 1 (see evals/thresholds.yaml).

Exit codes: 0 ok, 1 a gate failed or (--strict) a file was unusable, 2 usage.`,
  positionals: [{ name: "dir", help: "folder of downloaded artifacts", required: true }],
  options: [
    { name: "kind", kind: "string", choices: ["bmk", "eval"], required: true, help: "benchmark rows or eval rows" },
    { name: "out", short: "o", kind: "string", metavar: "FILE", help: "output file (default: agg_bmk.json or agg_eval_all.json)" },
    { name: "report", kind: "string", metavar: "FILE", help: "also write a JSON report: counts and every unusable file with the reason" },
    { name: "strict", kind: "flag", help: "exit 1 when any file was unusable" },
    { name: "thresholds", kind: "string", metavar: "FILE", help: "YAML of minimum eval scores per task (--kind eval only)" },
  ],
  examples: [
    "gh run download 12345 -p 'bmk_*' -D artifacts && infx collect artifacts --kind bmk --out agg_bmk.json",
    "infx collect eval_results --kind eval --thresholds evals/thresholds.yaml --report collect-report.json",
  ],
});

export type CollectOptions = OptionsOf<typeof spec>;

export async function run(o: CollectOptions, io: Io): Promise<number> {
  if (o.thresholds !== undefined && o.kind !== "eval") throw new UsageError("--thresholds applies to --kind eval only");
  const outcome = await collectToFile({ ...o, cwd: io.cwd });
  io.out(collectSummaryText(outcome));
  return collectExitCode(outcome, o.strict);
}
