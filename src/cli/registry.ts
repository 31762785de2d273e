/**
 * Every `infx` command, with a one-line summary and a lazy loader, so that
 * `infx full-sweep` loads only the planner and `infx --help` loads nothing.
 */
import type { AnyCommandModule } from "./command.js";

export interface CommandEntry {
  name: string;
  group: "Plan" | "Results" | "Benchmark";
  summary: string;
  load: () => Promise<AnyCommandModule>;
}

export const COMMANDS: readonly CommandEntry[] = [
  { name: "validate", group: "Plan", summary: "Check every config, the runner map and perf-changelog.yaml", load: () => import("../commands/validate.js") },
  { name: "full-sweep", group: "Plan", summary: "Matrix of every config matching the filters", load: () => import("../commands/full-sweep.js") },
  {
    name: "runner-model-sweep",
    group: "Plan",
    summary: "Matrix that exercises every node of one runner type",
    load: () => import("../commands/runner-model-sweep.js"),
  },
  { name: "test-config", group: "Plan", summary: "Matrix of named config keys", load: () => import("../commands/test-config.js") },
  {
    name: "changelog",
    group: "Plan",
    summary: "Sweep plan from the entries appended to perf-changelog.yaml between two git refs",
    load: () => import("../commands/changelog.js"),
  },
  {
    name: "process-result",
    group: "Results",
    summary: "Turn one raw benchmark result into one aggregate row",
    load: () => import("../commands/process-result.js"),
  },
  {
    name: "collect",
    group: "Results",
    summary: "Aggregate downloaded artifacts into agg_bmk.json / agg_eval_all.json",
    load: () => import("../commands/collect.js"),
  },
  { name: "summarize", group: "Results", summary: "Markdown tables and charts for the step summary", load: () => import("../commands/summarize.js") },
  { name: "success-rate", group: "Results", summary: "Job success rate per GPU type for a workflow run", load: () => import("../commands/success-rate.js") },
  { name: "comment", group: "Results", summary: "Create or update the sticky PR comment", load: () => import("../commands/comment.js") },
  { name: "report", group: "Results", summary: "One self-contained HTML page with Pareto charts and tables", load: () => import("../commands/report.js") },
  {
    name: "compare",
    group: "Results",
    summary: "Head vs baseline benchmark rows with a noise-aware verdict per point and per curve",
    load: () => import("../commands/compare.js"),
  },
  { name: "export", group: "Results", summary: "Export aggregate rows as CSV or dashboard points", load: () => import("../commands/export.js") },
  {
    name: "bench",
    group: "Benchmark",
    summary: "Drive an OpenAI-compatible server at fixed concurrency and save the raw result",
    load: () => import("../commands/bench.js"),
  },
  { name: "serve-sim", group: "Benchmark", summary: "A simulated OpenAI-compatible streaming server", load: () => import("../commands/serve-sim.js") },
  {
    name: "doctor",
    group: "Benchmark",
    summary: "Check this host as a benchmark runner (GPUs, container runtime, disk, secrets, launch script)",
    load: () => import("../commands/doctor.js"),
  },
  { name: "sweep", group: "Benchmark", summary: "Plan, benchmark, collect and summarize a whole sweep locally", load: () => import("../commands/sweep.js") },
];

export function findCommand(name: string): CommandEntry | undefined {
  return COMMANDS.find((c) => c.name === name);
}
