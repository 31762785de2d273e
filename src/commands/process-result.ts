import { resolve } from "node:path";
import { defineSpec, type OptionsOf, type OptSpec } from "../cli/args.js";
import type { Io } from "../cli/io.js";
import { COMMON_ENV, MULTI_NODE_ENV, SINGLE_NODE_ENV, type Env } from "../results/process.js";
import { processResultFile } from "../results/process-file.js";

const ENV_VARS = ["RESULT_FILENAME", "IS_MULTINODE", ...[...COMMON_ENV, ...SINGLE_NODE_ENV, ...MULTI_NODE_ENV].map((v) => v.name), "IMAGE_DIGEST"];
const flagOf = (envName: string) => envName.toLowerCase().replace(/_/g, "-");
/** A flag that overrides one environment variable (`--tp 8` for TP); collected in `options.env`. */
type EnvFlag = OptSpec & { name: string; group: "env"; kind: "string" };

export const spec = defineSpec({
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
"date", the client's run date, by which 'infx collect' keeps the newest retry,
and, when IMAGE_DIGEST is set (the plan's image-digest, the image the job
ran), "image_digest".
The raw file is checked against schemas/raw-result.schema.json.`,
  options: [
    ...ENV_VARS.map((name): EnvFlag => ({ name: flagOf(name), group: "env", kind: "string", metavar: "VALUE", help: `overrides $${name}` })),
    { name: "dir", kind: "string", metavar: "DIR", help: "directory of the raw file and the output (default: the working directory)" },
    { name: "print", kind: "flag", help: "also print the row on stdout" },
  ],
  examples: [
    "RESULT_FILENAME=glm47_conc4 RUNNER_TYPE=h200 FRAMEWORK=vllm PRECISION=bf16 SPEC_DECODING=none ISL=1024 OSL=1024 \\\n    DISAGG=false MODEL_PREFIX=glm47 IMAGE=vllm/vllm-openai:v0.11.0 TP=8 EP_SIZE=1 DP_ATTENTION=false infx process-result",
    "infx process-result --result-filename glm47_conc4 --tp 4 --print   # with the rest from the environment",
  ],
});

export type ProcessResultOptions = OptionsOf<typeof spec>;

/** The job's configuration: each variable from its flag if given, else from the environment. */
export function envOf(o: ProcessResultOptions, processEnv: NodeJS.ProcessEnv): Env {
  const env: Env = {};
  for (const name of ENV_VARS) env[name] = o.env[flagOf(name)] ?? processEnv[name];
  return env;
}

export async function run(o: ProcessResultOptions, io: Io): Promise<number> {
  const { json, outPath } = processResultFile(resolve(io.cwd, o.dir ?? "."), envOf(o, io.env));
  if (o.print) io.out(json);
  io.err(`wrote ${outPath}\n`);
  return 0;
}
