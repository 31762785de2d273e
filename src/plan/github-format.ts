/**
 * `--format github`: writes a plan as files a workflow can fan out over
 * (see docs/sharding.md), and prints a small summary, whatever the plan size:
 *
 *   <out-dir>/plan.json             the whole plan: buckets, metadata, shard index
 *   <out-dir>/shards/<id>.json      one compact JSON array per shard (≤ 256 entries, < 900 KB)
 *
 * The caller prints the returned summary (GithubPlanSummary) and may append
 * it to $GITHUB_OUTPUT with `appendGithubOutput` (step outputs
 * `single-node-shards`, `multi-node-shards`, `canary-shard`, `total`, ...).
 */
import { appendFileSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { UserError } from "../errors.js";
import { githubOutputLines, githubPlanFiles, type GithubPlanSummary, type ShardOptions } from "./shard.js";
import type { MatrixEntry } from "./types.js";

export const DEFAULT_PLAN_DIR = "sweep-plan";

export interface GithubPlanTarget {
  /** Where to write plan.json and shards/ (relative to `cwd`); default DEFAULT_PLAN_DIR. */
  outDir?: string;
  cwd: string;
  /** Extra top-level fields of plan.json (e.g. changelog_metadata). */
  extra?: Record<string, unknown>;
  shard?: ShardOptions;
}

/** Writes the plan files under `outDir` (replacing an earlier shards/ there) and returns the summary. */
export function writeGithubPlan(entries: MatrixEntry[], target: GithubPlanTarget): GithubPlanSummary {
  const given = target.outDir ?? DEFAULT_PLAN_DIR;
  const dir = isAbsolute(given) ? given : resolve(target.cwd, given);
  let laid;
  try {
    laid = githubPlanFiles(entries, given, target.extra ?? {}, target.shard ?? {});
  } catch (e) {
    throw new UserError(`cannot shard the plan: ${(e as Error).message}`);
  }
  try {
    rmSync(join(dir, "shards"), { recursive: true, force: true });
    for (const [rel, text] of laid.files) {
      const path = join(dir, rel);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
    }
  } catch (e) {
    throw new UserError(`cannot write the plan to ${relative(target.cwd, dir) || "."}: ${(e as Error).message}`);
  }
  return laid.summary;
}

/** Appends the summary's fields to the step-output file `ghOut` ($GITHUB_OUTPUT). */
export function appendGithubOutput(ghOut: string, summary: GithubPlanSummary): void {
  try {
    appendFileSync(ghOut, githubOutputLines(summary));
  } catch (e) {
    throw new UserError(`cannot append to $GITHUB_OUTPUT (${ghOut}): ${(e as Error).message}`);
  }
}
