import { basename, dirname, join, resolve } from "node:path";
import { readUserFile } from "../io/read-user-file.js";
import { unsafeFileNameReason, writeFileNoFollow } from "../io/write-user-file.js";
import type { CommandSpec, OptSpec, ParsedArgs } from "../cli/args.js";
import { UserError, type Io } from "../cli/io.js";
import { parseJson } from "../results/json.js";
import { COMMON_ENV, MULTI_NODE_ENV, processResult, ResultError, SINGLE_NODE_ENV, type Env } from "../results/process.js";

const ENV_VARS = ["RESULT_FILENAME", "IS_MULTINODE", ...[...COMMON_ENV, ...SINGLE_NODE_ENV, ...MULTI_NODE_ENV].map((v) => v.name)];
const flagOf = (envName: string) => envName.toLowerCase().replace(/_/g, "-");

export const spec: CommandSpec = {
  name: "process-result",
  summary: "Turn one raw benchmark result into one aggregate row",
  description: `
Reads <RESULT_FILENAME>.json (the benchmark client's raw result) from the
working directory and writes agg_<RESULT_FILENAME>.json beside it: one row of
agg_bmk.json (see 'infx collect').

Configuration comes from the benchmark job's environment, as in the reference
workflow; each variable may also be given as a flag (--tp 8 overrides TP):
  every job:   RESULT_FILENAME ${COMMON_ENV.map((v) => v.name).join(" ")}
  single node: ${SINGLE_NODE_ENV.map((v) => v.name).join(" ")}
  multi-node:  IS_MULTINODE=true ${MULTI_NODE_ENV.map((v) => v.name).join(" ")}

The row holds the configuration, throughput per GPU (total, output, input),
every *_ms latency of the raw file in seconds without the suffix, and
interactivity (*_intvty = 1000 / *_tpot_ms, tokens/s per user). Unlike the
reference it refuses a result with no completed request, no output token or a
TPOT of 0, and it leaves out std_intvty (1000 / std is not a spread). It adds
"date", the client's run date, by which 'infx collect' keeps the newest retry.
The raw file is checked against schemas/raw-result.schema.json.`,
  options: [
    ...ENV_VARS.map(
      (name): OptSpec => ({ name: flagOf(name), kind: "string", metavar: "VALUE", help: `overrides $${name}` }),
    ),
    { name: "dir", kind: "string", metavar: "DIR", help: "directory of the raw file and the output (default: the working directory)" },
    { name: "print", kind: "flag", help: "also print the row on stdout" },
  ],
  examples: [
    "RESULT_FILENAME=glm47_conc4 RUNNER_TYPE=h200 FRAMEWORK=vllm PRECISION=bf16 SPEC_DECODING=none ISL=1024 OSL=1024 \\\n    DISAGG=false MODEL_PREFIX=glm47 IMAGE=vllm/vllm-openai:v0.11.0 TP=8 EP_SIZE=1 DP_ATTENTION=false infx process-result",
    "infx process-result --result-filename glm47_conc4 --tp 4 --print   # with the rest from the environment",
  ],
};

export async function run(args: ParsedArgs, io: Io): Promise<number> {
  const env: Env = {};
  for (const name of ENV_VARS) {
    const flag = args[flagOf(name)];
    env[name] = typeof flag === "string" ? flag : io.env[name];
  }
  const name = env.RESULT_FILENAME?.trim();
  if (!name) throw new UserError("missing environment variable RESULT_FILENAME (the raw result's file name without .json), or --result-filename");
  const unsafe = unsafeFileNameReason(name);
  if (unsafe) throw new UserError(`RESULT_FILENAME: ${unsafe} (the raw result's file name without .json; use --dir for its directory)`);
  const dir = resolve(io.cwd, typeof args.dir === "string" ? args.dir : ".");
  const rawPath = join(dir, `${name}.json`);
  const outPath = join(dirname(rawPath), `agg_${basename(name)}.json`);
  let text: string;
  try {
    text = readUserFile(rawPath);
  } catch (e) {
    throw new UserError(`cannot read the raw result ${rawPath}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, [
      "  RESULT_FILENAME names the file without .json, relative to the working directory (or --dir).",
    ]);
  }
  const parsed = parseJson(text);
  if (!parsed.ok) throw new UserError(`${rawPath} is not valid JSON: ${parsed.error}`);
  let row;
  try {
    row = processResult(parsed.value, env);
  } catch (e) {
    if (e instanceof ResultError) throw new UserError(`${rawPath}: ${e.message}`, e.details.map((d) => (d.startsWith(" ") ? d : `  ${d}`)));
    throw e;
  }
  const json = JSON.stringify(row, null, 2) + "\n";
  writeFileNoFollow(outPath, json);
  if (args.print) io.out(json);
  io.err(`wrote ${outPath}\n`);
  return 0;
}
