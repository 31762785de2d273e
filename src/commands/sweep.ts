/**
 * `infx sweep --local`: the whole benchmark job on this machine. Plans the
 * matrix with the planner, benchmarks every job (against serve-sim, or a real
 * server given by --base-url), turns each raw result into an aggregate row,
 * and writes agg_bmk.json and summary.md to the output directory.
 */
import { existsSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { defineSpec, type OptionsOf } from "../cli/args.js";
import { withInterrupt } from "../cli/interrupt.js";
import { UsageError, UserError, type Io } from "../cli/io.js";
import { DEFAULT_CONFIG_FILES, DEFAULT_RUNNER_CONFIG, loadPlanningInputs, type PlanningInputs } from "../config/load.js";
import { fullSweep, SEQ_LEN_NAMES, testConfig } from "../plan/matrix.js";
import { planScenarioLocalSweep } from "./sweep-2026-08.js";
import type { MatrixEntry } from "../plan/types.js";
import { renderSummary } from "../report/summary.js";
import { runLocalSweep, sweepJobs, type JobOutcome, type LocalSweepResult, type SweepJob } from "../bench/local-sweep.js";
import { bar20, formatSeconds, ProgressLine } from "../cli/progress.js";
import { defaultScale, oneRunnerType, probeServer, resolveGpus } from "../bench/real-server.js";
import { resultTable } from "../bench/result-table.js";
import { renderReportPage } from "../report/page.js";
import type { Provenance } from "../report/page-data.js";
import { loadChartLibrary } from "../report/vendor.js";
import { gpuCount, type AggRow } from "../results/types.js";

const DEFAULT_KEYS = 2;
const DEFAULT_CONCS = [1, 4];
const DEFAULT_LIMIT = 8;

export const spec = defineSpec({
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
  report.html          the page of 'infx report' (charts, filters, tables; opens
                       offline); rows from serve-sim are marked as simulated

Default matrix (no selection options): the first ${DEFAULT_KEYS} single-node config keys,
their 1k1k search spaces at concurrency ${DEFAULT_CONCS.join(" and ")}, at most ${DEFAULT_LIMIT} jobs
(--limit changes that); it finishes in seconds.

Against serve-sim, scaled down by default: lengths divided by --scale (default
64, so 1k1k runs as 16/16 tokens), conc x --prompts-per-conc requests (default
4) per job; rows record the lengths actually sent.

Against a real server (--base-url URL), one machine: full lengths (--scale
defaults to 1), the matrix must be of one runner type (--runner-type), per-GPU
throughput divides by the server's GPUs (--gpus N, required unless the server
reports it, as SGLang's /get_server_info does), the server must answer
GET /v1/models before the first job (else nothing runs), and every row records
"server" and "server_gpus".`,
  options: [
    { name: "local", kind: "flag", help: "Run on this machine (the only mode of this command; CI sweeps run in GitHub Actions)" },
    { name: "config-files", kind: "string", multiple: true, default: DEFAULT_CONFIG_FILES, metavar: "FILE", help: "Master config files" },
    { name: "runner-config", kind: "string", default: DEFAULT_RUNNER_CONFIG, metavar: "FILE", help: "Runner map" },
    { name: "config-keys", kind: "string", multiple: true, metavar: "KEY", help: "Config keys to run (as 'infx test-config')" },
    {
      name: "conc",
      kind: "int",
      multiple: true,
      metavar: "N",
      help: "With --config-keys: run at exactly these concurrencies (not a filter, unlike test-config --conc)",
    },
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
    { name: "gpus", kind: "int", metavar: "N", help: "GPUs behind --base-url: the per-GPU divisor, recorded in each row (default: what the server reports)" },
    { name: "out-dir", kind: "string", metavar: "DIR", help: "Output directory (default: sweep-results/<timestamp>)" },
    { name: "scale", kind: "int", metavar: "N", help: "Divide input/output lengths by N (default: 64 with serve-sim, 1 with --base-url)" },
    { name: "prompts-per-conc", kind: "int", default: 4, metavar: "N", help: "Requests per job = conc x N" },
    { name: "num-warmups", kind: "int", default: 0, metavar: "N", help: "Warm-up requests per job (not timed)" },
    { name: "stall-timeout", kind: "number", default: 60, metavar: "S", help: "Fail a request after S seconds without a byte" },
    { name: "max-failure-rate", kind: "number", default: 0.05, metavar: "F", help: "A job fails when more than this fraction of its requests failed" },
  ],
  examples: [
    "infx sweep --local",
    "infx sweep --local --config-keys dsr1-fp8-b200-sglang --conc 4 8",
    "infx sweep --local --model-prefix gptoss --seq-lens 1k1k --max-conc 8 --out-dir /tmp/sweep",
    "infx sweep --local --base-url http://127.0.0.1:8000 --gpus 8 --config-keys dsr1-fp8-h200-sglang --conc 16 --prompts-per-conc 10",
  ],
});

export type SweepOptions = OptionsOf<typeof spec>;

/** The full-sweep filters given, by option name, in help order. */
function filtersGiven(o: SweepOptions): [string, string[] | number][] {
  const all: [string, string[] | number | undefined][] = [
    ["model-prefix", o.modelPrefix],
    ["precision", o.precision],
    ["framework", o.framework],
    ["runner-type", o.runnerType],
    ["seq-lens", o.seqLens],
    ["min-conc", o.minConc],
    ["max-conc", o.maxConc],
    ["max-tp", o.maxTp],
    ["max-ep", o.maxEp],
  ];
  return all.filter((f): f is [string, string[] | number] => f[1] !== undefined);
}

/** The package root (configs/ lives there), for running the default sweep from any directory. */
function packageRoot(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), "../..");
}

function loadInputs(o: SweepOptions, io: Io): PlanningInputs {
  const files = o.configFiles;
  const runners = o.runnerConfig;
  const usingDefaults = files === DEFAULT_CONFIG_FILES && runners === DEFAULT_RUNNER_CONFIG;
  const cwd = usingDefaults && !files.every((f) => existsSync(resolve(io.cwd, f))) ? packageRoot() : io.cwd;
  return loadPlanningInputs(files, runners, { cwd });
}

/** The matrix the options select (see the help text for the default). */
export function planLocalSweep(
  o: SweepOptions,
  inputs: PlanningInputs,
): { entries: MatrixEntry[]; description: string; isDefault?: boolean; skippedAgentic?: number } {
  const keys = o.configKeys;
  const filters = filtersGiven(o);
  if (keys && filters.length) throw new UsageError(`--config-keys cannot be combined with full-sweep filters (${filters.map(([f]) => "--" + f).join(", ")})`);
  if (o.conc !== undefined && !keys) throw new UsageError("--conc needs --config-keys (use --min-conc/--max-conc with filters)");
  if (inputs.dialect === "2026-08") return planScenarioLocalSweep(o, inputs, filters, { keys: DEFAULT_KEYS, concs: DEFAULT_CONCS });
  if (keys) return { entries: testConfig(inputs, { configKeys: keys, conc: o.conc }), description: `config keys ${keys.join(", ")}` };
  if (filters.length || o.multiNode) {
    const entries = fullSweep(inputs, {
      nodeType: o.multiNode ? "multi" : "single",
      modelPrefix: o.modelPrefix,
      precision: o.precision,
      framework: o.framework,
      runnerType: o.runnerType,
      seqLens: o.seqLens,
      minConc: o.minConc,
      maxConc: o.maxConc,
      maxTp: o.maxTp,
      maxEp: o.maxEp,
    });
    return {
      entries,
      description: `full sweep (${o.multiNode ? "multi" : "single"}-node${filters.length ? ", " + filters.map(([f, v]) => `--${f} ${[v].flat().join(" ")}`).join(" ") : ""})`,
    };
  }
  const defaults = [...inputs.configs]
    .filter(([, c]) => !c.multinode)
    .slice(0, DEFAULT_KEYS)
    .map(([k]) => k);
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
    L.push(
      `| ${i + 1} | \`${o.job.name}\` | ${o.job.conc} | ${o.job.isl}/${o.job.osl} | ${o.status} | ${o.seconds !== undefined ? o.seconds.toFixed(1) : ""} | ${note.length > 300 ? note.slice(0, 300) + "…" : note} |`,
    );
  });
  return L.join("\n") + "\n";
}

function checkOptions(o: SweepOptions): void {
  if (!o.local) throw new UsageError("only local sweeps run from the command line: add --local (CI sweeps run in the GitHub workflow)");
  for (const [n, v] of [
    ["scale", o.scale],
    ["prompts-per-conc", o.promptsPerConc],
    ["limit", o.limit],
  ] as const)
    if (v !== undefined && v < 1) throw new UsageError(`--${n} must be at least 1`);
  if (o.numWarmups < 0) throw new UsageError("--num-warmups must be >= 0");
  const mfr = o.maxFailureRate;
  if (!(mfr >= 0 && mfr <= 1)) throw new UsageError(`--max-failure-rate must be in [0, 1], got ${mfr}`);
  if (!(o.stallTimeout > 0)) throw new UsageError("--stall-timeout must be > 0");
  if (o.baseUrl !== undefined) {
    try {
      new URL(o.baseUrl);
    } catch {
      throw new UsageError(`--base-url: not a URL: '${o.baseUrl}'`);
    }
  }
  if (o.gpus !== undefined && o.baseUrl === undefined) throw new UsageError("--gpus is for --base-url (serve-sim jobs use each entry's GPUs)");
  if (o.gpus !== undefined && o.gpus < 1) throw new UsageError("--gpus must be at least 1");
}

/** A real server's checks before the first job (src/bench/real-server.ts): one runner type, the server answers, its GPUs. */
async function realServer(baseUrl: string, entries: readonly MatrixEntry[], o: SweepOptions, io: Io): Promise<{ gpus: number; from: string }> {
  const runnerType = oneRunnerType(entries, o.runnerType);
  const info = await probeServer(baseUrl);
  const g = resolveGpus(o.gpus, info, baseUrl);
  const model = o.model ?? entries[0]?.model;
  if (info.models.length && model && !info.models.includes(model)) {
    io.err(`warning: ${baseUrl} serves ${info.models.join(", ")}, not ${model}; pass --model with the served name\n`);
  }
  io.out(`infx sweep: ${baseUrl} answers; rows are labelled ${runnerType} with ${g.gpus} GPUs (from ${g.from})\n`);
  return g;
}

/** The entries to run and their jobs: whole entries up to the job limit (a multi-node entry is several jobs). */
function limitJobs(all: MatrixEntry[], scale: number, ppc: number, limit: number | undefined): { entries: MatrixEntry[]; jobs: SweepJob[] } {
  const jobs = sweepJobs(all, scale, ppc);
  if (limit === undefined || jobs.length <= limit) return { entries: all, jobs };
  const kept: MatrixEntry[] = [];
  let n = 0;
  for (const e of all) {
    const k = sweepJobs([e], scale, ppc).length;
    if (n + k > limit && kept.length) break;
    kept.push(e);
    n += k;
  }
  return { entries: kept, jobs: sweepJobs(kept, scale, ppc) };
}

/** Runs the jobs with a progress line and one line per finished job. */
interface SweepRun {
  entries: MatrixEntry[];
  jobs: SweepJob[];
  outDir: string;
  scale: number;
  /** The real server's GPUs (--base-url), the per-GPU divisor. */
  serverGpus?: number;
  t0: number;
}

async function runJobs(o: SweepOptions, io: Io, { entries, jobs, outDir, scale, serverGpus, t0 }: SweepRun): Promise<LocalSweepResult> {
  const totalRequests = jobs.reduce((s, j) => s + j.numPrompts, 0);
  const progress = new ProgressLine(io);
  let doneBefore = 0;
  try {
    return await withInterrupt(
      io,
      (signal) =>
        runLocalSweep({
          entries,
          outDir,
          baseUrl: o.baseUrl,
          model: o.model,
          serverGpus,
          scale,
          promptsPerConc: o.promptsPerConc,
          numWarmups: o.numWarmups,
          stallTimeout: o.stallTimeout,
          maxFailureRate: o.maxFailureRate,
          signal,
          onProgress: (job, index, p) => {
            const done = doneBefore + p.done;
            const elapsed = (Date.now() - t0) / 1000;
            const eta = done ? (elapsed / done) * (totalRequests - done) : NaN;
            progress.update(
              `${bar20(done / totalRequests)} ${done}/${totalRequests} requests, ${elapsed > 0 ? (done / elapsed).toFixed(1) : "0"} req/s, job ${index + 1}/${jobs.length}, ETA ${formatSeconds(eta)}: ${job.name}`,
            );
          },
          onJobDone: (r, i, n) => {
            doneBefore += r.job.numPrompts;
            progress.clear();
            const tput = r.row ? `, ${r.row.tput_per_gpu.toFixed(1)} tok/s/gpu` : "";
            io.out(
              `[${i + 1}/${n}] ${r.job.name}: ${r.status}${r.seconds !== undefined ? ` (${r.seconds.toFixed(1)}s)` : ""}${tput}${r.reason ? ` - ${r.reason}` : ""}\n`,
            );
          },
        }),
      ["SIGINT"],
    );
  } finally {
    progress.clear();
  }
}

/** summary.md: what ran and how it went, then the results tables and charts. */
function summaryMarkdown(o: SweepOptions, scale: number, description: string, result: LocalSweepResult, aggFile: string): string {
  const { outcomes, rows, interrupted } = result;
  const count = (s: string) => outcomes.filter((r) => r.status === s).length;
  const head = [
    "# Local sweep",
    "",
    `${description}; ${o.baseUrl ? `server ${o.baseUrl}` : "simulated server (infx serve-sim)"}; ` +
      `lengths ${scale > 1 ? `scaled down by ${scale}` : "as configured"}; conc x ${o.promptsPerConc} requests per job.`,
    "",
    `Jobs: ${outcomes.length}, ok: ${count("ok")}, failed: ${count("failed")}, not run: ${count("not-run") + count("interrupted")}${interrupted ? " (interrupted)" : ""}.`,
    "",
    jobTable(outcomes),
  ].join("\n");
  return head + "\n" + renderSummary({ bmk: rows, title: "Benchmark results", bmkSource: `\`${aggFile}\`` });
}

export async function run(o: SweepOptions, io: Io): Promise<number> {
  checkOptions(o);
  const inputs = loadInputs(o, io);
  const plan = planLocalSweep(o, inputs);
  if (plan.skippedAgentic)
    io.err(
      `note: ${plan.skippedAgentic} agentic-coding row${plan.skippedAgentic === 1 ? "" : "s"} skipped: the local sweep sends fixed-length prompts and has no agentic trace client yet\n`,
    );
  const scale = o.scale ?? defaultScale(o.baseUrl);
  const server = o.baseUrl ? await realServer(o.baseUrl, plan.entries, o, io) : undefined;
  const { entries, jobs } = limitJobs(plan.entries, scale, o.promptsPerConc, o.limit ?? (plan.isDefault ? DEFAULT_LIMIT : undefined));
  if (jobs.length === 0) throw new UserError(`the matrix is empty (${plan.description}): nothing to run`);

  const outDir = resolve(io.cwd, o.outDir ?? join("sweep-results", timestamp(new Date())));
  const totalRequests = jobs.reduce((s, j) => s + j.numPrompts, 0);
  io.out(
    `infx sweep: ${jobs.length} job${jobs.length === 1 ? "" : "s"} (${plan.description}), ${totalRequests} requests, ` +
      `${server ? `server ${o.baseUrl} (${server.gpus} GPUs from ${server.from})` : "serve-sim"}` +
      `${scale > 1 ? `, lengths / ${scale}` : server && o.scale === undefined ? ", full lengths (--scale 1, the default with --base-url)" : ""}\n`,
  );
  const t0 = Date.now();
  const result = await runJobs(o, io, { entries, jobs, outDir, scale, serverGpus: server?.gpus, t0 });
  const aggFile = join(outDir, "agg_bmk.json");
  const summaryFile = join(outDir, "summary.md");
  writeFileSync(summaryFile, summaryMarkdown(o, scale, plan.description, result, aggFile));
  const { rows, outcomes, interrupted } = result;
  const provenance = { server: o.baseUrl ?? "serve-sim (simulated)", configFiles: inputs.configFiles, command: `infx sweep --local (${plan.description})` };
  const reportFile = writeSweepReport(outDir, rows, provenance, io);
  io.out(
    "\n" +
      resultTable(
        outcomes.map((r) => ({
          label: r.job.name,
          conc: r.job.conc,
          gpus: r.row ? gpuCount(r.row) : 0,
          status: r.status,
          failed: r.failed,
          requests: r.job.numPrompts,
          result: r.result,
        })),
      ),
  );
  io.out(
    `\n${rows.length} row${rows.length === 1 ? "" : "s"} in ${formatSeconds((Date.now() - t0) / 1000)}. Outputs in ${outDir}:\n  ${aggFile}\n  ${summaryFile}\n  ${join(outDir, "raw")}/ (raw results)\n`,
  );
  if (reportFile) io.out(`Open the report: ${reportFile}\n`);
  if (interrupted) return 130;
  return outcomes.some((r) => r.status === "failed") ? 1 : 0;
}

/** report.html beside summary.md; its path, or undefined (with a warning) when the chart library is missing. */
function writeSweepReport(outDir: string, rows: AggRow[], provenance: Provenance, io: Io): string | undefined {
  const file = join(outDir, "report.html");
  try {
    writeFileSync(
      file,
      renderReportPage(
        { title: "Local sweep", bmk: rows, provenance: { ...provenance, date: new Date().toISOString(), sources: [join(outDir, "agg_bmk.json")] } },
        loadChartLibrary(),
      ),
    );
    return file;
  } catch (e) {
    io.err(`warning: no report.html: ${(e as Error).message}\n`);
    return undefined;
  }
}
