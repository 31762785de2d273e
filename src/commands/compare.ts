import { appendFileSync } from "node:fs";
import { writeFileNoFollow } from "../io/write-user-file.js";
import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import { defineSpec, type OptionsOf } from "../cli/args.js";
import { UsageError, type Io } from "../cli/io.js";
import { compareRuns, DEFAULT_CURVE_FLOOR, DEFAULT_FLOOR } from "../compare/compare.js";
import { historyJobs, parseFloors, readRun } from "../compare/inputs.js";
import type { Run } from "../compare/load.js";
import { loadRunsInParallel } from "../compare/parallel.js";
import { METRIC_NAMES } from "../compare/metrics.js";
import { comparisonJsonBytes, comparisonJsonChunks, renderComparison } from "../compare/render.js";

/** Exit code of --fail-on regression when something regressed (1 and 2 are bad input and bad usage). */
export const REGRESSION_EXIT = 3;

export const spec = defineSpec({
  name: "compare",
  summary: "Head vs baseline benchmark rows with a noise-aware verdict per point and per curve",
  description: `
Compares two runs' aggregate rows (agg_bmk.json of the results_bmk artifact, or
directories of them) point by point and curve by curve.

Points are matched by benchmark identity: model prefix, hardware, framework,
precision, spec decoding, ISL/OSL, the parallel shape (TP/EP/DP attention, or
the multi-node prefill/decode workers) and concurrency; not the image, the
served model id, the runner node or the date. Per point it compares
${METRIC_NAMES.join(", ")}
(median_intvty shown with median_tpot), each with its own direction of better.
Per curve (model, hardware, framework, precision, spec decoding, ISL/OSL) it
compares the throughput-per-GPU vs interactivity
frontiers where both are measured (log-log interpolation) as a geometric-mean
ratio with a 99% interval.

A change is called only when it is larger than the floor (--floor, default
${DEFAULT_FLOOR * 100}%) and the noise, estimated from --history (earlier runs
of the same points, e.g. the last results_bmk artifacts of main). Without
history there is no noise estimate: changes are called on the floor alone and
the output says so. Verdicts: regression, improvement, unchanged, inconclusive
(above the floor but within noise, or unusable values), new (only in head),
missing (only in baseline). Method and measured error rates: docs/compare.md.

A directory given to --baseline or --head is one run (every .json under it);
to --history, each subdirectory or .json file in it is one earlier run.
Duplicate identities inside a run keep the newest row by date (reported).

Environment: INFX_COMPARE_TIMINGS=1 prints each stage's wall and CPU
milliseconds and fresh memory pages to stderr; INFX_COMPARE_THREADS=N sets the
threads of the curves' bootstrap (default: one on a machine of 2 cores or
fewer, else the cores, at most 8); INFX_COMPARE_WASM=0 reads the files and
runs the bootstrap in JavaScript instead of WebAssembly. The result is the same
either way.

Exit codes: 0 done, 1 bad input, 2 bad usage, ${REGRESSION_EXIT} a regression with --fail-on regression.`,
  options: [
    { name: "baseline", kind: "string", required: true, metavar: "PATH", help: "baseline rows: agg_bmk.json or a directory" },
    { name: "head", kind: "string", required: true, metavar: "PATH", help: "head rows: agg_bmk.json or a directory" },
    { name: "history", kind: "string", multiple: true, metavar: "PATH", help: "earlier baseline runs for the noise estimate (files, or directories of runs)" },
    { name: "format", kind: "string", choices: ["markdown", "json"], default: "markdown", help: "output format" },
    { name: "out", short: "o", kind: "string", metavar: "FILE", help: "write the output here instead of stdout" },
    { name: "json-out", kind: "string", metavar: "FILE", help: "also write the JSON here" },
    { name: "step-summary", kind: "flag", help: "also append the markdown to $GITHUB_STEP_SUMMARY" },
    { name: "fail-on", kind: "string", choices: ["regression", "none"], default: "none", help: `exit ${REGRESSION_EXIT} when a point or curve regressed` },
    {
      name: "floor",
      kind: "string",
      multiple: true,
      metavar: "PCT",
      help: `practical floor in percent (default ${DEFAULT_FLOOR * 100}); METRIC=PCT sets one metric's`,
    },
    {
      name: "all-metrics",
      kind: "flag",
      help: "JSON: one entry per metric, unchanged ones included (default: a point's first entry names its other unchanged metrics in also_unchanged)",
    },
    { name: "curve-floor", kind: "number", metavar: "PCT", help: `floor of a curve's geometric-mean ratio in percent (default ${DEFAULT_CURVE_FLOOR * 100})` },
    { name: "baseline-ref", kind: "string", metavar: "REF", help: "branch of the baseline (shown in the output)" },
    { name: "baseline-sha", kind: "string", metavar: "SHA", help: "commit of the baseline (shown in the output)" },
    { name: "baseline-url", kind: "string", metavar: "URL", help: "workflow run of the baseline (shown in the output)" },
    { name: "title", kind: "string", metavar: "TEXT", help: "heading of the markdown" },
  ],
  examples: [
    "infx compare --baseline main/agg_bmk.json --head agg_bmk.json --history history/",
    "infx compare --baseline base/ --head head/ --format json --out comparison.json --fail-on regression",
    "infx compare --baseline a.json --head b.json --floor 5 p99_ttft=10",
  ],
});

export type CompareOptions = OptionsOf<typeof spec>;

/**
 * INFX_COMPARE_TIMINGS=1: each stage's wall and CPU milliseconds (all threads)
 * and the fresh memory pages it touched (minor page faults: on some virtual
 * machines each costs more than 10 µs of system time) on stderr.
 */
function stageTimer(io: Io): (stage: string) => void {
  if (!io.env.INFX_COMPARE_TIMINGS) return () => {};
  let wall = performance.now();
  let cpu = process.cpuUsage();
  let faults = process.resourceUsage().minorPageFault;
  io.err(`infx compare timings: start-up ${wall.toFixed(0)} ms (${faults} page faults)\n`);
  return (stage) => {
    const now = performance.now();
    const used = process.cpuUsage(cpu);
    const f = process.resourceUsage().minorPageFault;
    io.err(
      `infx compare timings: ${stage} ${(now - wall).toFixed(0)} ms (CPU ${((used.user + used.system) / 1000).toFixed(0)} ms, ${f - faults} page faults)\n`,
    );
    wall = now;
    cpu = process.cpuUsage();
    faults = f;
  };
}

/**
 * Threads for the curves' bootstrap: the cores, at most 8, but this one alone
 * on 2 cores or fewer (a worker's start and JIT warm-up cost about what it
 * takes over there: 239-257 ms on one thread, 269-367 on two, for the
 * bench's 318 curves); INFX_COMPARE_THREADS=N overrides (1: this thread only).
 */
function curveThreads(io: Io): number {
  const n = Number(io.env.INFX_COMPARE_THREADS);
  if (Number.isInteger(n) && n >= 1) return n;
  const cores = availableParallelism();
  return cores <= 2 ? 1 : Math.min(cores, 8);
}

export async function run(o: CompareOptions, io: Io): Promise<number> {
  const stage = stageTimer(io);
  const path = (p: string) => resolve(io.cwd, p);
  const { floor, floors } = parseFloors(o.floor, DEFAULT_FLOOR);
  const curveFloorPct = o.curveFloor;
  if (curveFloorPct !== undefined && !(curveFloorPct > 0 && curveFloorPct < 100))
    throw new UsageError("--curve-floor: the percentage must be above 0 and below 100");
  // The history is read on worker threads while this one reads the baseline and the head.
  let baseline!: Run;
  let head!: Run;
  const jobs = historyJobs((o.history ?? []).map((h) => resolve(io.cwd, h)));
  const history = await loadRunsInParallel(jobs, () => {
    baseline = readRun("baseline", path(o.baseline));
    head = readRun("head", path(o.head));
  });
  stage("load");
  const cmp = compareRuns(baseline, head, history, {
    floor,
    floors,
    curveFloor: curveFloorPct === undefined ? DEFAULT_CURVE_FLOOR : curveFloorPct / 100,
    allMetrics: o.allMetrics,
    curveWorkers: curveThreads(io) - 1,
    onStage: stage,
  });
  for (const [v, f] of [
    [o.baselineRef, "ref"],
    [o.baselineSha, "sha"],
    [o.baselineUrl, "url"],
  ] as const)
    if (v !== undefined) cmp.baseline[f] = v;
  for (const p of cmp.problems.slice(0, 10)) io.err(`warning: ${p}\n`);
  if (cmp.problems.length > 10) io.err(`warning: ${cmp.problems.length - 10} more problems (all of them are in the JSON output's "problems")\n`);

  // The markdown only when asked for; the JSON (most of the output's cost) as pieces, made as they are written.
  const md = o.format === "markdown" || o.stepSummary ? renderComparison(cmp, o.title !== undefined ? { title: o.title } : {}) : "";
  if (o.out !== undefined) writeFileNoFollow(path(o.out), o.format === "json" ? comparisonJsonBytes(cmp) : md);
  else for (const piece of o.format === "json" ? comparisonJsonChunks(cmp) : [md]) io.out(piece);
  if (o.jsonOut !== undefined) writeFileNoFollow(path(o.jsonOut), comparisonJsonBytes(cmp));
  if (o.stepSummary) {
    if (!io.env.GITHUB_STEP_SUMMARY) throw new UsageError("--step-summary: GITHUB_STEP_SUMMARY is not set (it is set inside GitHub Actions steps)");
    appendFileSync(io.env.GITHUB_STEP_SUMMARY, md);
  }
  stage("render and write");
  const regressed = cmp.summary.regressions + cmp.summary.curves.regressions;
  if (o.failOn === "regression" && regressed) {
    io.err(`infx compare: ${regressed} regression(s) (${cmp.summary.regressions} point(s), ${cmp.summary.curves.regressions} curve(s))\n`);
    return REGRESSION_EXIT;
  }
  return 0;
}
