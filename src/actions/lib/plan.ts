/**
 * plan job: decides whether and how to sweep (src/plan/labels.ts), plans once
 * (`infx changelog` for a changelog diff, or the generator command line of
 * End-to-End Tests / `/sweep`), uploads the whole plan as artifact
 * `sweep-plan` (plan.json + shards/<id>.json, see docs/sharding.md) and
 * `changelog-metadata`, and outputs only small things: shard ids, the canary
 * entry, flags. No output grows with the plan.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { decideSweep, sweepEventFromPayload, type SweepDecision } from "../../plan/labels.js";
import { githubPlanFiles } from "../../plan/shard.js";
import { isMultiNode, type MatrixEntry } from "../../plan/types.js";
import * as changelogCommand from "../../commands/changelog.js";
import { GENERATORS, generatorArgv } from "./argv.js";
import { ActionError, appendSummary, infx, input, intInput, type ActionDeps } from "./runtime.js";

export const PLAN_ARTIFACT = "sweep-plan";
/** The planner's on-disk cache would live beside the bundle (actions/node_modules) and a plan job runs once on a fresh machine: off. */
const PLANNER_ENV = { INFX_NO_CACHE: "1" };
export const METADATA_ARTIFACT = "changelog-metadata";

/** Every entry of a changelog plan (`{single_node: {bucket: [...]}, multi_node: {...}}`), buckets in order. */
export function entriesOfChangelogPlan(plan: Record<string, unknown>): MatrixEntry[] {
  const out: MatrixEntry[] = [];
  for (const kind of ["single_node", "multi_node"]) {
    const buckets = (plan[kind] ?? {}) as Record<string, MatrixEntry[]>;
    for (const list of Object.values(buckets)) out.push(...list);
  }
  // 2026-08 plans list eval jobs in buckets of their own
  for (const kind of ["evals", "agentic_evals", "multinode_evals", "multinode_agentic_evals"]) if (Array.isArray(plan[kind])) out.push(...(plan[kind] as MatrixEntry[]));
  return out;
}

function readEvent(deps: ActionDeps): Record<string, any> {
  const path = deps.env.GITHUB_EVENT_PATH;
  if (!path) return {};
  try {
    return JSON.parse(readFileSync(path, "utf8")) as Record<string, any>;
  } catch (e) {
    throw new ActionError(`cannot read the event payload ${path}: ${(e as Error).message}`);
  }
}

function headSha(deps: ActionDeps): string {
  try {
    return execFileSync("git", ["rev-parse", "HEAD"], { cwd: deps.cwd, encoding: "utf8" }).trim();
  } catch {
    return deps.env.GITHUB_SHA ?? "";
  }
}

function configFlags(deps: ActionDeps): string[] {
  const files = input(deps, "config-files").split(/\s+/).filter(Boolean);
  const runners = input(deps, "runner-config");
  return [...(files.length ? ["--config-files", ...files] : []), ...(runners ? ["--runner-config", runners] : [])];
}

function setNoRun(deps: ActionDeps, reason: string, sha: string): void {
  deps.core.setOutput("run", "false");
  deps.core.setOutput("reason", reason);
  deps.core.setOutput("sha", sha);
  deps.core.setOutput("fail-fast", "false");
  deps.core.setOutput("canary", "");
  deps.core.setOutput("single-shards", "[]");
  deps.core.setOutput("multi-shards", "[]");
  deps.core.setOutput("agentic-shards", "[]");
  deps.core.setOutput("has-evals", "false");
  deps.core.setOutput("total-entries", "0");
}

export async function runPlan(deps: ActionDeps): Promise<void> {
  const sha = headSha(deps);
  const generate = input(deps, "generate-cli-command");
  let entries: MatrixEntry[];
  let metadata: unknown;
  let decision: SweepDecision | undefined;
  let mode: string;
  let reason: string;

  if (generate) {
    const argv = generatorArgv(generate);
    const { stdout } = await infx(deps, GENERATORS[argv[0]!]!, [...argv.slice(1), "--ids"], { env: { ...deps.env, ...PLANNER_ENV } });
    entries = JSON.parse(stdout) as MatrixEntry[];
    mode = "generate";
    const testName = input(deps, "test-name");
    reason = `${testName ? `${testName}: ` : ""}${argv.join(" ")}`;
  } else {
    const eventName = deps.env.GITHUB_EVENT_NAME ?? "";
    decision = decideSweep(sweepEventFromPayload(eventName, readEvent(deps)));
    if (decision.error) throw new ActionError(decision.error);
    if (!decision.run) {
      deps.core.info(`no sweep: ${decision.reason}`);
      setNoRun(deps, decision.reason, sha);
      await appendSummary(deps, `### Sweep plan\n\nNo sweep: ${decision.reason}.\n`);
      return;
    }
    const base = input(deps, "base-ref", { required: true });
    const head = input(deps, "head-ref") || sha;
    const changelog = input(deps, "changelog-file") || "perf-changelog.yaml";
    const { stdout } = await infx(deps, changelogCommand, [
      "--changelog-file",
      changelog,
      "--base-ref",
      base,
      "--head-ref",
      head,
      ...configFlags(deps),
      ...decision.planFlags,
      "--ids",
    ], { env: { ...deps.env, ...PLANNER_ENV } });
    const plan = JSON.parse(stdout) as Record<string, unknown>;
    entries = entriesOfChangelogPlan(plan);
    metadata = plan.changelog_metadata;
    mode = decision.mode ?? "full";
    reason = decision.reason;
  }

  if (!entries.length) {
    setNoRun(deps, `${reason}: the plan is empty`, sha);
    await appendSummary(deps, `### Sweep plan\n\nThe plan is empty (${reason}).\n`);
    return;
  }
  const unnamed = entries.filter((e) => !e.name || !e.id);
  if (unnamed.length) throw new ActionError(`${unnamed.length} plan entr${unnamed.length === 1 ? "y has" : "ies have"} no id/name (the planner must assign them with --ids)`);

  const dir = mkdtempSync(join(deps.env.RUNNER_TEMP || tmpdir(), "sweep-plan-"));
  const planDir = join(dir, PLAN_ARTIFACT);
  const laid = githubPlanFiles(entries, PLAN_ARTIFACT, metadata ? { changelog_metadata: metadata } : {}, {
    maxEntries: intInput(deps, "max-shard-entries", 256),
    maxBytes: intInput(deps, "max-shard-bytes", 900_000),
  });
  const files: string[] = [];
  for (const [rel, text] of laid.files) {
    const p = join(planDir, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, text);
    files.push(p);
  }
  files.sort();
  await deps.artifacts.upload(PLAN_ARTIFACT, files, planDir);
  if (metadata) {
    const metaDir = join(dir, METADATA_ARTIFACT);
    mkdirSync(metaDir);
    const metaFile = join(metaDir, "changelog_metadata.json");
    writeFileSync(metaFile, JSON.stringify(metadata, null, 2) + "\n");
    await deps.artifacts.upload(METADATA_ARTIFACT, [metaFile], metaDir);
  }

  const canary = entries.find((e) => !isMultiNode(e) && e.canary);
  const s = laid.summary;
  deps.core.setOutput("run", "true");
  deps.core.setOutput("reason", reason);
  deps.core.setOutput("mode", mode);
  deps.core.setOutput("sha", sha);
  deps.core.setOutput("fail-fast", decision?.failFast ? "true" : "false");
  deps.core.setOutput("canary", canary ? JSON.stringify(canary) : "");
  deps.core.setOutput("single-shards", JSON.stringify(s["single-node-shards"]));
  deps.core.setOutput("multi-shards", JSON.stringify(s["multi-node-shards"]));
  deps.core.setOutput("agentic-shards", JSON.stringify(s["agentic-shards"]));
  deps.core.setOutput("has-evals", entries.some((e) => e["run-eval"]) ? "true" : "false");
  deps.core.setOutput("total-entries", String(entries.length));

  const lines = [
    "### Sweep plan",
    "",
    `${reason}`,
    "",
    `| | entries | shards |`,
    `|---|---:|---:|`,
    `| single-node | ${s["single-node"] - (canary ? 1 : 0)} | ${s["single-node-shards"].length} |`,
    `| multi-node | ${s["multi-node"]} | ${s["multi-node-shards"].length} |`,
    ...(canary ? [`| canary | 1 | - |`] : []),
    "",
    `Commit \`${sha}\`; the whole plan is artifact \`${PLAN_ARTIFACT}\`.`,
  ];
  await appendSummary(deps, lines.join("\n") + "\n");
}
