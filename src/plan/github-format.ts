/**
 * `--format github`: writes a plan as files a workflow can fan out over
 * (see docs/sharding.md), and prints a small summary, whatever the plan size:
 *
 *   <out-dir>/plan.json             the whole plan: buckets, metadata, shard index
 *   <out-dir>/shards/<id>.json      one compact JSON array per shard (≤ 256 entries, < 900 KB)
 *
 * stdout gets one line of JSON (GithubPlanSummary); when $GITHUB_OUTPUT is
 * set, the same fields are appended to it as step outputs (`single-node-shards`,
 * `multi-node-shards`, `canary-shard`, `total`, ...).
 */
import { appendFileSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import type { ParsedArgs } from "../cli/args.js";
import { UserError } from "../errors.js";
import type { Io } from "../cli/io.js";
import { githubOutputLines, githubPlanFiles, type GithubPlanSummary, type ShardOptions } from "./shard.js";
import type { MatrixEntry } from "./types.js";

export const DEFAULT_PLAN_DIR = "sweep-plan";

/** Writes the plan files under `--out-dir` (replacing an earlier shards/ there) and prints the summary. */
export function writeGithubPlan(entries: MatrixEntry[], args: ParsedArgs, io: Io, extra: Record<string, unknown> = {}, opts: ShardOptions = {}): GithubPlanSummary {
  const given = typeof args["out-dir"] === "string" ? (args["out-dir"] as string) : DEFAULT_PLAN_DIR;
  const dir = isAbsolute(given) ? given : resolve(io.cwd, given);
  let laid;
  try {
    laid = githubPlanFiles(entries, given, extra, opts);
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
    throw new UserError(`cannot write the plan to ${relative(io.cwd, dir) || "."}: ${(e as Error).message}`);
  }
  io.out(JSON.stringify(laid.summary) + "\n");
  const ghOut = io.env.GITHUB_OUTPUT;
  if (ghOut) {
    try {
      appendFileSync(ghOut, githubOutputLines(laid.summary));
    } catch (e) {
      throw new UserError(`cannot append to $GITHUB_OUTPUT (${ghOut}): ${(e as Error).message}`);
    }
  }
  return laid.summary;
}
