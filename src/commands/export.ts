import { resolve } from "node:path";
import { writeFileNoFollow } from "../io/write-user-file.js";
import { readUserFile } from "../io/read-user-file.js";
import { defineSpec, type OptionsOf } from "../cli/args.js";
import { UserError, type Io } from "../cli/io.js";
import { toCsv, toPoints } from "../results/export.js";
import { parseJson } from "../results/json.js";
import { checkAggRow } from "../results/rows.js";
import type { AggRow } from "../results/types.js";

export const spec = defineSpec({
  name: "export",
  summary: "Export aggregate rows as CSV or dashboard points",
  description: `
Reads agg_bmk.json (from 'infx collect' or the results_bmk artifact) and writes
  --csv     one line per row with the InferenceMAX extraction columns:
            gpu_model, framework, precision, input_seq_len, output_seq_len,
            tensor_parallel, expert_parallel, concurrency,
            throughput_tokens_per_sec_per_gpu, output_throughput_per_gpu,
            mean_time_to_first_token_sec, p99_time_to_first_token_sec,
            mean_time_per_output_token_sec, mean_end_to_end_latency_sec,
            median_end_to_end_latency_sec   (empty when the run did not measure it)
  --points  a JSON array of dashboard points: x = interactivity (tok/s/user),
            y = throughput per GPU, hwKey, precision, tp, conc (plus model, isl,
            osl, framework to pick a chart)
For multi-node rows tensor/expert parallelism are the decode workers'.
Filters narrow the rows: --model-prefix, --hw, --isl, --osl.`,
  positionals: [{ name: "file", help: "agg_bmk.json", required: true }],
  options: [
    { name: "csv", kind: "flag", help: "CSV output" },
    { name: "points", kind: "flag", help: "dashboard points (JSON)" },
    { name: "out", short: "o", kind: "string", metavar: "FILE", help: "write here instead of stdout" },
    { name: "model-prefix", kind: "string", metavar: "PREFIX", help: "only this model (e.g. gptoss)" },
    { name: "hw", kind: "string", metavar: "RUNNER", help: "only this hardware (e.g. h200)" },
    { name: "isl", kind: "int", metavar: "N", help: "only this input length" },
    { name: "osl", kind: "int", metavar: "N", help: "only this output length" },
  ],
  exclusive: [{ names: ["csv", "points"], required: true }],
  examples: ["infx export agg_bmk.json --csv --model-prefix gptoss --out inferencemax.csv", "infx export agg_bmk.json --points --isl 1024 --osl 1024"],
});

export type ExportOptions = OptionsOf<typeof spec>;

export async function run(o: ExportOptions, io: Io): Promise<number> {
  const path = resolve(io.cwd, o.file);
  let text: string;
  try {
    text = readUserFile(path);
  } catch (e) {
    throw new UserError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const parsed = parseJson(text);
  if (!parsed.ok) throw new UserError(`${path} is not valid JSON: ${parsed.error}`);
  if (!Array.isArray(parsed.value)) throw new UserError(`${path}: expected a JSON array of rows (agg_bmk.json)`);
  const bad: string[] = [];
  const rows = parsed.value.filter((r, i) => {
    const errs = checkAggRow(r, `$[${i}]`);
    if (errs.length) bad.push(errs[0]!);
    return errs.length === 0;
  }) as AggRow[];
  if (bad.length) io.err(`warning: ${path}: skipped ${bad.length} invalid row${bad.length === 1 ? "" : "s"}, first: ${bad[0]}\n`);
  const wanted = rows.filter(
    (r) =>
      (o.modelPrefix === undefined || r.infmax_model_prefix === o.modelPrefix) &&
      (o.hw === undefined || r.hw === o.hw) &&
      (o.isl === undefined || r.isl === o.isl) &&
      (o.osl === undefined || r.osl === o.osl),
  );
  const output = o.csv ? toCsv(wanted) : JSON.stringify(toPoints(wanted), null, 1) + "\n";
  if (o.out !== undefined) writeFileNoFollow(resolve(io.cwd, o.out), output);
  else io.out(output);
  return 0;
}
