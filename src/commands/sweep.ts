/**
 * `infx sweep --local`: the whole benchmark job on this machine. Plans the
 * matrix with the planner, benchmarks every job (against serve-sim, or a real
 * server given by --base-url), turns each raw result into an aggregate row,
 * and writes agg_bmk.json and summary.md to the output directory.
 */
import { existsSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { CommandSpec, ParsedArgs } from "../cli/args.js";
import { withInterrupt } from "../cli/interrupt.js";
import { UsageError, UserError, type Io } from "../cli/io.js";
import { DEFAULT_CONFIG_FILES, DEFAULT_RUNNER_CONFIG, loadPlanningInputs, type PlanningInputs } from "../config/load.js";
import { fullSweep, SEQ_LEN_NAMES, testConfig } from "../plan/matrix.js";
import type { MatrixEntry } from "../plan/types.js";
import { renderSummary } from "../report/summary.js";
import { runLocalSweep, sweepJobs, type JobOutcome } from "../bench/local-sweep.js";
import { bar20, formatSeconds, ProgressLine } from "../bench/progress.js";

const DEFAULT_KEYS = 2;
const DEFAULT_CONCS = [1, 4];
const DEFAULT_LIMIT = 8;

export const spec: CommandSpec = {
  name: "sweep",
  summary: "Plan, benchmark, collect and summarize a whole sweep locally",
  description: `
Runs the benchmark job of every matrix entry on this machine: plans the matrix
(--config-keys like 'infx test-config', or the filters of 'infx full-sweep'),
starts a simulated server (serve-sim) per job unless --base-url names a real
one, runs 'infx bench' for each job, processes every raw result into a row
(the same environment contract as the workflow's process-result step), and
writes to --out-dir:
  raw/<job>.json       the raw results (benchmark_serving format)
  agg/agg_<job>.json   one row per job
  agg_bmk.json         every row (the results_bmk artifact's file)
  summary.md           job status, then the results tables and charts

Default matrix (no selection options): the first ${DEFAULT_KEYS} single-node config keys,
their 1k1k search spaces at concurrency ${DEFAULT_CONCS.join(" and ")}, at most ${DEFAULT_LIMIT} jobs
(--limit changes that); it finishes in seconds.

Scaled down by default: local runs divide the input and output lengths by
--scale (default 64, so 1k1k runs as 16/16 tokens) and send conc x
--prompts-per-conc requests (default 4) per job; rows record the lengths
actually sent. For a real server at full size: --base-url URL --scale 1
--prompts-per-conc 10.`,
  options: [
    { name: "local", kind: "flag", help: "Run on this machine (the only mode of this command; CI sweeps run in GitHub Actions)" },
    { name: "config-files", kind: "string", multiple: true, default: DEFAULT_CONFIG_FILES, metavar: "FILE", help: "Master config files" },
    { name: "runner-config", kind: "string", default: DEFAULT_RUNNER_CONFIG, metavar: "FILE", help: "Runner map" },
    { name: "config-keys", kind: "string", multiple: true, metavar: "KEY", help: "Config keys to run (as 'infx test-config')" },
    { name: "conc", kind: "int", multiple: true, metavar: "N", help: "With --config-keys: run at exactly these concurrencies (not a filter, unlike test-config --conc)" },
    { name: "model-prefix", kind: "string", multiple: true, metavar: "P", help: "Only configs of these model prefixes, e.g. dsr1 gptoss (full-sweep filter)" },
    { name: "precision", kind: "string", multiple: true, metavar: "P", help: "Only these precisions, e.g. fp8 fp4 (full-sweep filter)" },
    { name: "framework", kind: "string", multiple: true, metavar: "F", help: "Only these frameworks, e.g. sglang vllm (full-sweep filter)" },
    { name: "runner-type", kind: "string", multiple: true, metavar: "R", help: "Only these runner types, e.g. h200 b200 (full-sweep filter)" },
    { name: "seq-lens", kind: "string", multiple: true, choices: SEQ_LEN_NAMES, help: "Only these sequence lengths (full-sweep filter)" },
    { name: "min-conc", kind: "int", metavar: "N", help: "Lowest concurrency (full-sweep filter)" },
    { name: "max-conc", kind: "int", metavar: "N", help: "Highest concurrency (full-sweep filter)" },
    { name: "max-tp", kind: "int", metavar: "N", help: "Drop points with a larger TP (full-sweep filter)" },
    { name: "max-ep", kind: "int", metavar: "N", help: "Clamp EP to N (full-sweep filter)" },
    { name: "multi-node", kind: "flag", help: "Sweep multi-node configs (one job per concurrency) instead of single-node ones" },
    { name: "limit", kind: "int", metavar: "N", help: "Run at most N jobs (the first N in matrix order)" },
    { name: "base-url", kind: "string", metavar: "URL", help: "A real OpenAI-compatible server (default: serve-sim per job)" },
    { name: "model", kind: "string", help: "Model name to send to --base-url (default: each entry's model)" },
    { name: "out-dir", kind: "string", metavar: "DIR", help: "Output directory (default: sweep-results/<timestamp>)" },
    { name: "scale", kind: "int", default: 64, metavar: "N", help: "Divide input/output lengths by N (1: full size)" },
    { name: "prompts-per-conc", kind: "int", default: 4, metavar: "N", help: "Requests per job = conc x N" },
    { name: "num-warmups", kind: "int", default: 0, metavar: "N", help: "Warm-up requests per job (not timed)" },
    { name: "stall-timeout", kind: "number", default: 60, metavar: "S", help: "Fail a request after S seconds without a byte" },
    { name: "max-failure-rate", kind: "number", default: 0.05, metavar: "F", help: "A job fails when more than this fraction of its requests failed" },
  ],
  examples: [
    "infx sweep --local",
    "infx sweep --local --config-keys dsr1-fp8-b200-sglang --conc 4 8",
    "infx sweep --local --model-prefix gptoss --seq-lens 1k1k --max-conc 8 --out-dir /tmp/sweep",
    "infx sweep --local --base-url http://127.0.0.1:8000 --config-keys dsr1-fp8-h200-sglang --conc 16 --scale 1 --prompts-per-conc 10",
  ],
};

const FILTERS = ["model-prefix", "precision", "framework", "runner-type", "seq-lens", "min-conc", "max-conc", "max-tp", "max-ep"];

/** The package root (configs/ lives there), for running the default sweep from any directory. */
function packageRoot(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), "../..");
}

function loadInputs(a: ParsedArgs, io: Io): PlanningInputs {
  const files = a["config-files"] as string[];
  const runners = a["runner-config"] as string;
  const usingDefaults = files === DEFAULT_CONFIG_FILES && runners === DEFAULT_RUNNER_CONFIG;
  const cwd = usingDefaults && !files.every((f) => existsSync(resolve(io.cwd, f))) ? packageRoot() : io.cwd;
  return loadPlanningInputs(files, runners, { cwd });
}

/** The matrix the options select (see the help text for the default). */
export function planLocalSweep(a: ParsedArgs, inputs: PlanningInputs): { entries: MatrixEntry[]; description: string; isDefault?: boolean } {
  const keys = a["config-keys"] as string[] | undefined;
  const filters = FILTERS.filter((f) => a[f] !== undefined);
  if (keys && filters.length) throw new UsageError(`--config-keys cannot be combined with full-sweep filters (${filters.map((f) => "--" + f).join(", ")})`);
  if (a.conc !== undefined && !keys) throw new UsageError("--conc needs --config-keys (use --min-conc/--max-conc with filters)");
  if (keys) return { entries: testConfig(inputs, { configKeys: keys, conc: a.conc as number[] | undefined }), description: `config keys ${keys.join(", ")}` };
  if (filters.length || a["multi-node"]) {
    const entries = fullSweep(inputs, {
      nodeType: a["multi-node"] ? "multi" : "single",
      modelPrefix: a["model-prefix"] as string[] | undefined,
      precision: a.precision as string[] | undefined,
      framework: a.framework as string[] | undefined,
      runnerType: a["runner-type"] as string[] | undefined,
      seqLens: a["seq-lens"] as string[] | undefined,
      minConc: a["min-conc"] as number | undefined,
      maxConc: a["max-conc"] as number | undefined,
      maxTp: a["max-tp"] as number | undefined,
      maxEp: a["max-ep"] as number | undefined,
    });
    return { entries, description: `full sweep (${a["multi-node"] ? "multi" : "single"}-node${filters.length ? ", " + filters.map((f) => `--${f} ${[a[f]].flat().join(" ")}`).join(" ") : ""})` };
  }
  const defaults = [...inputs.configs].filter(([, c]) => !c.multinode).slice(0, DEFAULT_KEYS).map(([k]) => k);
  if (defaults.length === 0) throw new UserError(`no single-node config in ${inputs.configFiles.join(", ")} to run by default; pass --config-keys or filters`);
  const all = testConfig(inputs, { configKeys: defaults, conc: DEFAULT_CONCS });
  const oneK = all.filter((e) => e.isl === 1024 && e.osl === 1024);
  return {
    entries: oneK.length ? oneK : all,
    isDefault: true,
    description: `default: config keys ${defaults.join(", ")}, ${oneK.length ? "1k1k, " : ""}conc ${DEFAULT_CONCS.join(" and ")}`,
  };
}

function timestamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

export function jobTable(outcomes: readonly JobOutcome[]): string {
  const L = ["| # | Job | Conc | ISL/OSL sent | Status | Seconds | Note |", "|---:|---|---:|---|---|---:|---|"];
  outcomes.forEach((o, i) => {
    const note = (o.reason ?? "").replace(/\|/g, "\\|").replace(/\n/g, " ");
    L.push(`| ${i + 1} | \`${o.job.name}\` | ${o.job.conc} | ${o.job.isl}/${o.job.osl} | ${o.status} | ${o.seconds !== undefined ? o.seconds.toFixed(1) : ""} | ${note.length > 300 ? note.slice(0, 300) + "…" : note} |`);
  });
  return L.join("\n") + "\n";
}

export async function run(a: ParsedArgs, io: Io): Promise<number> {
  if (!a.local) throw new UsageError("only local sweeps run from the command line: add --local (CI sweeps run in the GitHub workflow)");
  for (const n of ["scale", "prompts-per-conc", "limit"]) if (a[n] !== undefined && (a[n] as number) < 1) throw new UsageError(`--${n} must be at least 1`);
  if ((a["num-warmups"] as number) < 0) throw new UsageError("--num-warmups must be >= 0");
  const mfr = a["max-failure-rate"] as number;
  if (!(mfr >= 0 && mfr <= 1)) throw new UsageError(`--max-failure-rate must be in [0, 1], got ${mfr}`);
  if (!((a["stall-timeout"] as number) > 0)) throw new UsageError("--stall-timeout must be > 0");
  if (a["base-url"] !== undefined) {
    try {
      new URL(a["base-url"] as string);
    } catch {
      throw new UsageError(`--base-url: not a URL: '${a["base-url"]}'`);
    }
  }

  const inputs = loadInputs(a, io);
  const plan = planLocalSweep(a, inputs);
  let entries = plan.entries;
  const scale = a.scale as number;
  const ppc = a["prompts-per-conc"] as number;
  let jobs = sweepJobs(entries, scale, ppc);
  const limit = (a.limit as number | undefined) ?? (plan.isDefault ? DEFAULT_LIMIT : undefined);
  if (limit !== undefined && jobs.length > limit) {
    // Keep whole entries up to the job limit (a multi-node entry is several jobs).
    const kept: MatrixEntry[] = [];
    let n = 0;
    for (const e of entries) {
      const k = sweepJobs([e], scale, ppc).length;
      if (n + k > limit && kept.length) break;
      kept.push(e);
      n += k;
    }
    entries = kept;
    jobs = sweepJobs(entries, scale, ppc);
  }
  if (jobs.length === 0) throw new UserError(`the matrix is empty (${plan.description}): nothing to run`);

  const outDir = resolve(io.cwd, (a["out-dir"] as string | undefined) ?? join("sweep-results", timestamp(new Date())));
  const totalRequests = jobs.reduce((s, j) => s + j.numPrompts, 0);
  io.out(
    `infx sweep: ${jobs.length} job${jobs.length === 1 ? "" : "s"} (${plan.description}), ${totalRequests} requests, ` +
      `${a["base-url"] ? `server ${a["base-url"]}` : "serve-sim"}${scale > 1 ? `, lengths / ${scale}` : ""}\n`,
  );
  const progress = new ProgressLine(io);
  const t0 = Date.now();
  let doneBefore = 0;
  let result;
  try {
    result = await withInterrupt(io, (signal) => runLocalSweep({
      entries,
      outDir,
      baseUrl: a["base-url"] as string | undefined,
      model: a.model as string | undefined,
      scale,
      promptsPerConc: ppc,
      numWarmups: a["num-warmups"] as number,
      stallTimeout: a["stall-timeout"] as number,
      maxFailureRate: mfr,
      signal,
      onProgress: (job, index, p) => {
        const done = doneBefore + p.done;
        const elapsed = (Date.now() - t0) / 1000;
        const eta = done ? (elapsed / done) * (totalRequests - done) : NaN;
        progress.update(`${bar20(done / totalRequests)} ${done}/${totalRequests} requests, job ${index + 1}/${jobs.length}, ETA ${formatSeconds(eta)}: ${job.name}`);
      },
      onJobDone: (o, i, n) => {
        doneBefore += o.job.numPrompts;
        progress.clear();
        const tput = o.row ? `, ${o.row.tput_per_gpu.toFixed(1)} tok/s/gpu` : "";
        io.out(`[${i + 1}/${n}] ${o.job.name}: ${o.status}${o.seconds !== undefined ? ` (${o.seconds.toFixed(1)}s)` : ""}${tput}${o.reason ? ` - ${o.reason}` : ""}\n`);
      },
    }), ["SIGINT"]);
  } finally {
    progress.clear();
  }
  const { outcomes, rows, interrupted } = result;
  const aggFile = join(outDir, "agg_bmk.json");
  const summaryFile = join(outDir, "summary.md");
  const count = (s: string) => outcomes.filter((o) => o.status === s).length;
  const head = [
    "# Local sweep",
    "",
    `${plan.description}; ${a["base-url"] ? `server ${a["base-url"]}` : "simulated server (infx serve-sim)"}; ` +
      `lengths ${scale > 1 ? `scaled down by ${scale}` : "as configured"}; conc x ${ppc} requests per job.`,
    "",
    `Jobs: ${outcomes.length}, ok: ${count("ok")}, failed: ${count("failed")}, not run: ${count("not-run") + count("interrupted")}${interrupted ? " (interrupted)" : ""}.`,
    "",
    jobTable(outcomes),
  ].join("\n");
  const md = head + "\n" + renderSummary({ bmk: rows, title: "Benchmark results", bmkSource: `\`${aggFile}\`` });
  writeFileSync(summaryFile, md);
  io.out(`\n${rows.length} row${rows.length === 1 ? "" : "s"} in ${formatSeconds((Date.now() - t0) / 1000)}. Outputs in ${outDir}:\n  ${aggFile}\n  ${summaryFile}\n  ${join(outDir, "raw")}/ (raw results)\n`);
  if (interrupted) return 130;
  return count("failed") ? 1 : 0;
}
