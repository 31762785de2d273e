import { closeSync, openSync, readFileSync, writeFileSync, writeSync } from "node:fs";
import { basename, isAbsolute, resolve } from "node:path";
import type { CommandSpec, ParsedArgs } from "../cli/args.js";
import { UsageError, UserError, type Io } from "../cli/io.js";
import { collect, rowsToJsonChunks, type CollectKind } from "../results/collect.js";
import { applyThresholds, parseThresholds, type Thresholds } from "../results/thresholds.js";
import type { EvalRow, Problem } from "../results/types.js";

const DEFAULT_OUT: Record<CollectKind, string> = { bmk: "agg_bmk.json", eval: "agg_eval_all.json" };
const SHOWN_PROBLEMS = 20;

export const spec: CommandSpec = {
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
};

async function loadThresholds(path: string): Promise<Thresholds> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
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
  if (!t.ok) throw new UserError(`${path}: invalid thresholds`, t.errors.map((e) => `  ${e}`));
  return t.value;
}

export async function run(args: ParsedArgs, io: Io): Promise<number> {
  const kind = args.kind as CollectKind;
  const dirArg = args.dir as string;
  if (args.thresholds !== undefined && kind !== "eval") throw new UsageError("--thresholds applies to --kind eval only");
  const thresholds = typeof args.thresholds === "string" ? await loadThresholds(resolve(io.cwd, args.thresholds)) : undefined;
  const dir = resolve(io.cwd, dirArg);
  // Paths in problems and eval rows' `source` start at the directory as given
  // (`eval_results/eval_x/results_....json`, as in the reference's rows); an
  // absolute directory (a runner's temp folder) is shown by its name only.
  const displayRoot = isAbsolute(dirArg) ? basename(dir) : dirArg.replace(/\\/g, "/").replace(/^\.\/+/, "").replace(/\/+$/, "");
  let result;
  try {
    result = await collect(dir, kind, { displayRoot: displayRoot === "." ? undefined : displayRoot });
  } catch (e) {
    throw new UserError((e as Error).message);
  }
  const failed = thresholds ? applyThresholds(result.rows as EvalRow[], thresholds) : 0;

  const outPath = resolve(io.cwd, typeof args.out === "string" ? args.out : DEFAULT_OUT[kind]);
  let fd: number;
  try {
    fd = openSync(outPath, "w");
  } catch (e) {
    throw new UserError(`cannot write ${outPath}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    for (const chunk of rowsToJsonChunks(result.rows)) writeSync(fd, chunk);
  } finally {
    closeSync(fd);
  }
  const report = {
    kind,
    dir: dirArg,
    out: outPath,
    files: result.files,
    rows: result.rows.length,
    replaced: result.replaced,
    ...(kind === "bmk" ? { duplicates: result.duplicates ?? 0, runs: result.runs ?? 0 } : {}),
    problems: result.problems,
    ...(thresholds ? { gate: { gated: (result.rows as EvalRow[]).filter((r) => r.threshold !== undefined).length, failed } } : {}),
  };
  if (typeof args.report === "string") writeFileSync(resolve(io.cwd, args.report), JSON.stringify(report, null, 2) + "\n");

  io.out(summaryText(report, kind, thresholds ? (result.rows as EvalRow[]).filter((r) => r.passed === false) : []));
  if (failed) return 1;
  if (args.strict && result.problems.length) return 1;
  return 0;
}

function summaryText(r: { files: number; rows: number; replaced: number; out: string; problems: Problem[]; runs?: number; duplicates?: number }, kind: CollectKind, failing: EvalRow[]): string {
  const lines = [
    `collected ${r.rows} ${kind === "bmk" ? "benchmark" : "eval"} row${r.rows === 1 ? "" : "s"} from ${r.files} file${r.files === 1 ? "" : "s"}${r.runs !== undefined && r.runs > 1 ? ` of ${r.runs} runs` : ""} into ${r.out}`,
    `replaced ${r.replaced} older retr${r.replaced === 1 ? "y" : "ies"} of the same ${kind === "bmk" ? "benchmark" : "eval"}${kind === "bmk" ? " (within one run; rows of different runs are all kept)" : ""}`,
  ];
  if (r.duplicates) lines.push(`skipped ${r.duplicates} cop${r.duplicates === 1 ? "y" : "ies"} of rows found in two files (a sweep folder has each row in agg_bmk.json and in agg/)`);
  if (r.problems.length) {
    lines.push(`${r.problems.length} file${r.problems.length === 1 ? "" : "s"} could not be used (no other row was lost):`);
    for (const p of r.problems.slice(0, SHOWN_PROBLEMS)) lines.push(`  ${p.path}: ${p.reason}`);
    if (r.problems.length > SHOWN_PROBLEMS) lines.push(`  ... and ${r.problems.length - SHOWN_PROBLEMS} more (all are in the --report file)`);
  } else lines.push("every file was usable");
  if (failing.length) {
    lines.push(`${failing.length} eval row${failing.length === 1 ? "" : "s"} below the accuracy threshold:`);
    for (const f of failing.slice(0, SHOWN_PROBLEMS))
      lines.push(`  ${f.model} ${f.hw} ${f.framework} ${f.precision} tp${f.tp} conc${f.conc} ${f.task}: ${f.score_name} ${f.score.toFixed(4)} < ${f.threshold}`);
  }
  return lines.join("\n") + "\n";
}
