import { statSync } from "node:fs";
import { writeFileNoFollow } from "../io/write-user-file.js";
import { resolve } from "node:path";
import { defineSpec, type OptionsOf } from "../cli/args.js";
import { UsageError, UserError, type Io } from "../cli/io.js";
import { collect } from "../results/collect.js";
import { clientDateToIso } from "../results/rows.js";
import type { RunStats } from "../results/success-rate.js";
import type { AggRow } from "../results/types.js";
import { renderReportPage } from "../report/page.js";
import type { CompareInput, Provenance } from "../report/page-data.js";
import { readSummaryRows, readUserJson } from "../report/summary-rows.js";
import { loadChartLibrary } from "../report/vendor.js";

export const spec = defineSpec({
  name: "report",
  summary: "One self-contained HTML page with Pareto charts and tables",
  description: `
Writes one HTML file that opens offline (every script and style inline, no
request to any address): one chart per model and sequence lengths of
throughput per GPU against interactivity, a series per hardware / framework /
precision with its Pareto frontier drawn as a line and every measured point
drawn too (x: interactivity, end-to-end latency p50 or TTFT p99; y: total,
output or input throughput per GPU). Hover a point for its configuration
(TP/EP/DP attention or prefill/decode shape, concurrency, image) and metrics.
Filters for model, ISL/OSL, precision, hardware, framework, single/multi-node.
Tables: every point (sortable; p50 and p99 latencies), evals with their
thresholds, success rate per GPU (--run-stats), provenance.

--compare takes the JSON of 'infx compare --format json': baseline points are
drawn hollow beside the head points, and each changed point and curve carries
its verdict. Rows from the simulated server (serve-sim) put a banner on the
page and "(simulated)" in the chart titles.

The charts are drawn by Observable Plot (with d3), inlined from node_modules.`,
  options: [
    { name: "bmk", kind: "string", metavar: "FILE|DIR", required: true, help: "agg_bmk.json, or a folder collected like 'infx collect --kind bmk'" },
    { name: "evals", kind: "string", metavar: "FILE", help: "agg_eval_all.json (with the accuracy gate's verdicts when collected with --thresholds)" },
    { name: "compare", kind: "string", metavar: "FILE", help: "comparison JSON from 'infx compare --format json'" },
    { name: "run-stats", kind: "string", metavar: "FILE", help: "run_stats.json from 'infx success-rate'" },
    { name: "title", kind: "string", metavar: "TEXT", default: "Benchmark report", help: "title of the page" },
    { name: "out", short: "o", kind: "string", metavar: "FILE", default: "report.html", help: "the HTML file to write" },
    { name: "run-url", kind: "string", metavar: "URL", help: "link to the workflow run (default: from GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_RUN_ID)" },
    { name: "commit", kind: "string", metavar: "SHA", help: "commit the rows were measured at (default: GITHUB_SHA)" },
    { name: "config-files", kind: "string", multiple: true, metavar: "FILE", help: "config files the sweep was planned from (shown in the provenance)" },
  ],
  examples: [
    "infx report --bmk agg_bmk.json --out report.html",
    "infx report --bmk results/ --evals agg_eval_all.json --run-stats run_stats.json --title 'dsr1 sweep'",
    "infx report --bmk head/agg_bmk.json --compare comparison.json --out report.html",
  ],
});

export type ReportOptions = OptionsOf<typeof spec>;

async function readBmk(path: string, io: Io): Promise<AggRow[]> {
  let isDir = false;
  try {
    isDir = statSync(path).isDirectory();
  } catch (e) {
    throw new UserError(`cannot read benchmark rows ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (isDir) {
    const got = await collect(path, "bmk");
    if (got.problems.length) io.err(`warning: ${got.problems.length} file(s) under ${path} could not be used (run 'infx collect' on it for the list)\n`);
    return got.rows;
  }
  return readSummaryRows(path, undefined, warnTo(io)).bmk;
}

const warnTo = (io: Io) => (line: string) => io.err(`${line}\n`);

function readCompare(path: string): CompareInput {
  const v = readUserJson(path, "comparison") as CompareInput;
  if (typeof v !== "object" || v === null || !Array.isArray(v.points) || typeof v.summary !== "object")
    throw new UserError(`${path}: not the JSON of 'infx compare --format json' (expected {"summary": {...}, "points": [...], "curves": [...]})`);
  const bad = v.points.findIndex(
    (p) => typeof p !== "object" || p === null || typeof p.metric !== "string" || typeof p.verdict !== "string" || p.identity === undefined,
  );
  if (bad >= 0) throw new UserError(`${path}: $.points[${bad}]: each point needs identity, metric and verdict`);
  return v;
}

function provenanceOf(a: ReportOptions, io: Io, sources: string[], rows: readonly AggRow[]): Provenance {
  const e = io.env;
  const dates = rows
    .map((r) => (typeof r.date === "string" ? clientDateToIso(r.date) : undefined))
    .filter((d): d is string => !!d)
    .sort();
  const servers = [...new Set(rows.map((r) => r.server).filter((x): x is string => typeof x === "string"))];
  const runUrl =
    a.runUrl ??
    (e.GITHUB_RUN_ID && e.GITHUB_REPOSITORY
      ? `${e.GITHUB_SERVER_URL || "https://github.com"}/${e.GITHUB_REPOSITORY}/actions/runs/${e.GITHUB_RUN_ID}`
      : undefined);
  return {
    runUrl,
    commit: a.commit ?? e.GITHUB_SHA,
    configFiles: a.configFiles,
    sources,
    date: dates.length ? (dates[0] === dates.at(-1) ? dates[0] : `${dates[0]} to ${dates.at(-1)}`) : undefined,
    server: servers.length ? servers.join(", ") : undefined,
  };
}

export async function run(a: ReportOptions, io: Io): Promise<number> {
  const bmkPath = resolve(io.cwd, a.bmk);
  const bmk = await readBmk(bmkPath, io);
  const evals = a.evals !== undefined ? readSummaryRows(undefined, resolve(io.cwd, a.evals), warnTo(io)).evals : [];
  const runStats = typeof a.runStats === "string" ? (readUserJson(resolve(io.cwd, a.runStats), "run stats") as RunStats) : undefined;
  if (runStats !== undefined && (typeof runStats !== "object" || runStats === null || Array.isArray(runStats)))
    throw new UserError(`${a.runStats}: expected run_stats.json ({"<gpu>": {"n_success": N, "total": N}})`);
  const compare = typeof a.compare === "string" ? readCompare(resolve(io.cwd, a.compare)) : undefined;
  if (!bmk.length && !evals.length) throw new UsageError(`nothing to draw: ${a.bmk} holds no benchmark row`);
  let lib;
  try {
    lib = loadChartLibrary();
  } catch (e) {
    throw new UserError((e as Error).message);
  }
  const sources = [a.bmk, ...[a.evals, a.compare, a.runStats].filter((x): x is string => typeof x === "string")];
  const html = renderReportPage({ title: a.title, bmk, evals, runStats, compare, provenance: provenanceOf(a, io, sources, bmk) }, lib);
  const out = resolve(io.cwd, a.out);
  writeFileNoFollow(out, html);
  const sim = bmk.filter((r) => r.server === "serve-sim").length;
  io.out(
    `wrote ${out} (${(Buffer.byteLength(html) / 1e6).toFixed(2)} MB): ${bmk.length} points${sim ? ` (${sim} simulated)` : ""}, ${evals.length} eval rows${compare ? ", with the comparison" : ""}\n`,
  );
  return 0;
}
