/**
 * Success rate per GPU type over the jobs of a workflow run (every attempt).
 * Pure: jobs and the runner map in, statistics out.
 *
 * Attribution rule (the single source of the benchmark job naming convention):
 * a benchmark job's display name is `bmk [<runner-label>] <entry name>`
 * (`benchmarkJobName`); GitHub prefixes jobs of reusable workflows with the
 * caller's job name and ` / ` (`sweep-single (3) / bmk [b200-nv_0] dsr1-...`),
 * so `runnerLabelFromJobName` looks at the last such segment. The runner label
 * is a runners.yaml key (`b200`) or a node label listed under keys
 * (`b200-nv_0`); its GPU type is `gpuTypeOfRunnerKey` of those keys.
 * Jobs whose names do not follow the convention are not benchmark jobs and are
 * ignored; benchmark jobs whose label cannot be mapped to exactly one GPU type
 * are reported as unattributed, never dropped silently.
 */

/** runners.yaml: runner key (a runner type such as `b200` or `b200-trt`) → node labels. */
export type RunnerMap = Record<string, readonly string[]>;

export interface GpuStats {
  n_success: number;
  total: number;
}
/** `run_stats.json`: GPU type → successes and total. */
export type RunStats = Record<string, GpuStats>;

/** The fields of a job this module reads (a REST `job` object has them all). */
export interface JobLike {
  id: number;
  name: string;
  run_attempt?: number;
  status?: string;
  conclusion: string | null;
}

export interface UnattributedJob {
  id: number;
  name: string;
  run_attempt: number;
  conclusion: string | null;
  runner_label: string;
  reason: string;
}

export interface SuccessRateResult {
  stats: RunStats;
  unattributed: UnattributedJob[];
  /** Benchmark jobs counted (attributed, not skipped). */
  counted: number;
  /** Benchmark jobs excluded because they were skipped. */
  skipped: number;
  /** Counted jobs that had not completed (counted as not successful). */
  incomplete: number;
  /** Jobs that are not benchmark jobs (plan, collect, ...). */
  ignored: number;
}

const BENCHMARK_PREFIX = "bmk";
const LABEL_RE = /^[^\s[\]]+$/;
// `bmk [label] rest` at the start of the name or after a reusable-workflow ` / ` prefix.
const JOB_NAME_RE = /(?:^| \/ )bmk \[([^\s[\]]+)\](?: |$)/g;

/** The display name of a benchmark job: `bmk [<runner-label>] <entry name>`. */
export function benchmarkJobName(runnerLabel: string, entryName: string): string {
  if (!LABEL_RE.test(runnerLabel)) throw new Error(`runner label '${runnerLabel}' must be non-empty, without spaces or brackets`);
  return `${BENCHMARK_PREFIX} [${runnerLabel}] ${entryName}`.trimEnd();
}

/**
 * The runner label of a benchmark job from its display name, or undefined when
 * the name is not a benchmark job's. Reusable-workflow prefixes
 * (`caller (3) / bmk [x] ...`) are allowed; the last `bmk [..]` segment wins.
 */
export function runnerLabelFromJobName(jobName: string): string | undefined {
  let label: string | undefined;
  for (const m of jobName.matchAll(JOB_NAME_RE)) label = m[1];
  return label;
}

/**
 * The GPU type of a runners.yaml key: the part before the first `-`
 * (`b200-trt`, `b200-multinode-slurm` → `b200`; `mi355x-disagg` → `mi355x`),
 * since keys name a GPU type and then a variant of it. The 2026-08 runner
 * map's fleet labels count as their GPU: `cluster:b200-dgxc` → `b200`.
 */
export function gpuTypeOfRunnerKey(key: string): string {
  return key.replace(/^cluster:/, "").split("-")[0]!;
}

export type LabelAttribution = { gpu: string } | { error: string };

/** Maps runner labels to GPU types through the runner map. */
export class RunnerAttribution {
  private readonly byKey = new Map<string, string>();
  private readonly byNode = new Map<string, Set<string>>();
  private readonly nodeKeys = new Map<string, string[]>();
  /** GPU types in the order of their first key in runners.yaml. */
  readonly gpuOrder: string[] = [];

  constructor(runners: RunnerMap) {
    for (const [key, nodes] of Object.entries(runners)) {
      const gpu = gpuTypeOfRunnerKey(key);
      if (!this.gpuOrder.includes(gpu)) this.gpuOrder.push(gpu);
      this.byKey.set(key, gpu);
      for (const node of nodes ?? []) {
        if (!this.byNode.has(node)) this.byNode.set(node, new Set());
        this.byNode.get(node)!.add(gpu);
        if (!this.nodeKeys.has(node)) this.nodeKeys.set(node, []);
        this.nodeKeys.get(node)!.push(key);
      }
    }
  }

  attribute(label: string): LabelAttribution {
    const key = this.byKey.get(label);
    if (key !== undefined) return { gpu: key };
    const gpus = this.byNode.get(label);
    if (!gpus) return { error: `runner label '${label}' is neither a key nor a node in the runner config` };
    if (gpus.size > 1) return { error: `node '${label}' is listed under keys of different GPU types (${this.nodeKeys.get(label)!.join(", ")})` };
    return { gpu: [...gpus][0]! };
  }
}

/** A job counts as successful only with conclusion `success`; `skipped` jobs are not counted at all. */
export function isSuccessfulJob(job: JobLike): boolean {
  return job.conclusion === "success";
}

export function isSkippedJob(job: JobLike): boolean {
  return job.conclusion === "skipped";
}

/**
 * Successes and totals per GPU type over `jobs` (all executions of all
 * attempts): skipped jobs are excluded, cancelled, failed, timed-out and
 * unfinished jobs count as not successful. Stats keys follow runners.yaml order.
 */
export function computeSuccessRates(jobs: readonly JobLike[], runners: RunnerMap): SuccessRateResult {
  const attribution = new RunnerAttribution(runners);
  const counts = new Map<string, GpuStats>();
  const unattributed: UnattributedJob[] = [];
  let counted = 0;
  let skipped = 0;
  let incomplete = 0;
  let ignored = 0;
  for (const job of jobs) {
    const label = runnerLabelFromJobName(job.name);
    if (label === undefined) {
      ignored++;
      continue;
    }
    if (isSkippedJob(job)) {
      skipped++;
      continue;
    }
    const a = attribution.attribute(label);
    if ("error" in a) {
      unattributed.push({ id: job.id, name: job.name, run_attempt: job.run_attempt ?? 1, conclusion: job.conclusion, runner_label: label, reason: a.error });
      continue;
    }
    const s = counts.get(a.gpu) ?? { n_success: 0, total: 0 };
    s.total++;
    if (isSuccessfulJob(job)) s.n_success++;
    if (job.status !== undefined && job.status !== "completed") incomplete++;
    counts.set(a.gpu, s);
    counted++;
  }
  const stats: RunStats = {};
  for (const gpu of attribution.gpuOrder) if (counts.has(gpu)) stats[gpu] = counts.get(gpu)!;
  return { stats, unattributed, counted, skipped, incomplete, ignored };
}

/** A fixed-width text table of the stats (GPU, success, total, rate). */
export function formatSuccessRateTable(stats: RunStats): string {
  const rows = Object.entries(stats).map(([gpu, s]) => [gpu, String(s.n_success), String(s.total), formatRate(s)]);
  const header = ["GPU", "success", "total", "rate"];
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  return [line(header), ...rows.map(line)].join("\n") + "\n";
}

/** `97.5%`, or `n/a` for a GPU without counted jobs. */
export function formatRate(s: GpuStats): string {
  return s.total === 0 ? "n/a" : `${((100 * s.n_success) / s.total).toFixed(1)}%`;
}
