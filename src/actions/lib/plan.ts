/**
 * plan job: decides whether and how to sweep (src/plan/labels.ts), plans once
 * (`planChangelogDiff` for a changelog diff, as `infx changelog`; or the
 * generator command line of End-to-End Tests / `/sweep`, with that command's
 * `plan`), uploads the whole plan as artifact
 * `sweep-plan` (plan.json + shards/<id>.json, see docs/sharding.md) and
 * `changelog-metadata`, and outputs only small things: shard ids, the canary
 * entry, flags. No output grows with the plan. The planners load only once
 * the label policy has decided to plan: most events stop before (bench/actions.mjs).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { UsageError, UserError } from "../../errors.js";
import { labelGrants } from "../../github/label-grants.js";
import { resolveRepo } from "../../github/repo-ref.js";
import { decideSweep, isSweepLabel, sweepEventFromPayload, trustedSweepLabels, type SweepDecision, type SweepEvent } from "../../plan/labels.js";
import type { GithubPlanSummary } from "../../plan/shard.js";
import { isMultiNode, type MatrixEntry } from "../../plan/types.js";
import { ActionError, appendSummary, input, intInput, type ActionDeps } from "./runtime.js";

export const PLAN_ARTIFACT = "sweep-plan";
export const METADATA_ARTIFACT = "changelog-metadata";
/** The planner's on-disk cache would live beside the bundle (actions/node_modules) and a plan job runs once on a fresh machine: off. */
const NO_CACHE = true;

/** What was planned, before it is laid out in shards. */
interface Planned {
  entries: MatrixEntry[];
  metadata?: unknown;
  decision?: SweepDecision;
  mode: string;
  reason: string;
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

/** The config inputs (empty: the planner's defaults). */
async function configInputs(deps: ActionDeps): Promise<{ configFiles: string[]; runnerConfig: string }> {
  const { DEFAULT_CONFIG_FILES, DEFAULT_RUNNER_CONFIG } = await import("../../config/load.js");
  const files = input(deps, "config-files").split(/\s+/).filter(Boolean);
  return { configFiles: files.length ? files : DEFAULT_CONFIG_FILES, runnerConfig: input(deps, "runner-config") || DEFAULT_RUNNER_CONFIG };
}

/** Runs a planner step; its usage and user errors fail the step with the planner's message. */
async function planning<T>(what: string, f: () => T | Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof UserError) throw new ActionError(`${what}: ${[e.message, ...e.details].join("\n")}`);
    if (e instanceof UsageError) throw new ActionError(`${what}: ${e.message}`);
    throw e;
  }
}

/** Generator mode: the command line's matrix, as `infx <generator> ... --ids` prints it. */
async function planGenerated(deps: ActionDeps, line: string): Promise<Planned> {
  const { GENERATORS, generatorArgv } = await import("./argv.js");
  const argv = generatorArgv(line);
  deps.core.info(`infx ${argv.join(" ")} --ids`);
  const plan = await planning(`infx ${argv[0]}`, () => GENERATORS[argv[0]!]!.plan(argv.slice(1), { cwd: deps.cwd, noCache: NO_CACHE }));
  for (const w of plan.warnings) deps.core.info(`infx ${argv[0]}: warning: ${w}`);
  const testName = input(deps, "test-name");
  return { entries: plan.entries, mode: "generate", reason: `${testName ? `${testName}: ` : ""}${argv.join(" ")}` };
}

/** Changelog mode: the label policy, then the changelog diff's plan, as `infx changelog ... --ids` prints it; undefined when there is no sweep. */
async function planChangelog(deps: ActionDeps, sha: string): Promise<Planned | undefined> {
  const eventName = deps.env.GITHUB_EVENT_NAME ?? "";
  const payload = readEvent(deps);
  const decision = decideSweep(await withTrustedLabels(deps, sweepEventFromPayload(eventName, payload), payload));
  if (decision.error) throw new ActionError(decision.error);
  if (!decision.run) {
    deps.core.info(`no sweep: ${decision.reason}`);
    setNoRun(deps, decision.reason, sha);
    await appendSummary(deps, `### Sweep plan\n\nNo sweep: ${decision.reason}.\n`);
    return undefined;
  }
  const baseRef = input(deps, "base-ref", { required: true });
  const headRef = input(deps, "head-ref") || sha;
  const changelogFile = input(deps, "changelog-file") || "perf-changelog.yaml";
  const { trimConc, canary, allEvals, evalsOnly } = decision;
  deps.core.info(`planning the ${changelogFile} entries added between ${baseRef} and ${headRef}`);
  const { planChangelogDiff } = await import("../../changelog/plan-diff.js");
  const configs = await configInputs(deps);
  const { matrix, plan } = await planning("infx changelog", () =>
    planChangelogDiff({
      changelogFile,
      baseRef,
      headRef,
      ...configs,
      policies: { trimConc, canary, allEvals, evalsOnly, ids: true },
      cwd: deps.cwd,
      noCache: NO_CACHE,
      note: (text) => deps.core.info(text),
    }),
  );
  return { entries: matrix, metadata: plan.changelog_metadata, decision, mode: decision.mode ?? "full", reason: decision.reason };
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

/** Lays the plan out as files (plan.json, shards/<id>.json) and uploads them, and the changelog metadata, as artifacts. */
async function uploadPlan(deps: ActionDeps, p: Planned): Promise<GithubPlanSummary> {
  const dir = mkdtempSync(join(deps.env.RUNNER_TEMP || tmpdir(), "sweep-plan-"));
  const planDir = join(dir, PLAN_ARTIFACT);
  const { githubPlanFiles } = await import("../../plan/shard.js");
  const laid = githubPlanFiles(p.entries, PLAN_ARTIFACT, p.metadata ? { changelog_metadata: p.metadata } : {}, {
    maxEntries: intInput(deps, "max-shard-entries", 256),
    maxBytes: intInput(deps, "max-shard-bytes", 900_000),
  });
  const files: string[] = [];
  for (const [rel, text] of laid.files) {
    const f = join(planDir, rel);
    mkdirSync(dirname(f), { recursive: true });
    writeFileSync(f, text);
    files.push(f);
  }
  files.sort();
  await deps.artifacts.upload(PLAN_ARTIFACT, files, planDir);
  if (p.metadata) {
    const metaDir = join(dir, METADATA_ARTIFACT);
    mkdirSync(metaDir);
    const metaFile = join(metaDir, "changelog_metadata.json");
    writeFileSync(metaFile, JSON.stringify(p.metadata, null, 2) + "\n");
    await deps.artifacts.upload(METADATA_ARTIFACT, [metaFile], metaDir);
  }
  return laid.summary;
}

function setRunOutputs(deps: ActionDeps, p: Planned, s: GithubPlanSummary, sha: string, canary: MatrixEntry | undefined): void {
  deps.core.setOutput("run", "true");
  deps.core.setOutput("reason", p.reason);
  deps.core.setOutput("mode", p.mode);
  deps.core.setOutput("sha", sha);
  deps.core.setOutput("fail-fast", p.decision?.failFast ? "true" : "false");
  deps.core.setOutput("canary", canary ? JSON.stringify(canary) : "");
  deps.core.setOutput("single-shards", JSON.stringify(s["single-node-shards"]));
  deps.core.setOutput("multi-shards", JSON.stringify(s["multi-node-shards"]));
  deps.core.setOutput("agentic-shards", JSON.stringify(s["agentic-shards"]));
  deps.core.setOutput("has-evals", p.entries.some((e) => e["run-eval"]) ? "true" : "false");
  deps.core.setOutput("total-entries", String(p.entries.length));
}

function planSummary(p: Planned, s: GithubPlanSummary, sha: string, canary: MatrixEntry | undefined): string {
  const lines = [
    "### Sweep plan",
    "",
    `${p.reason}`,
    "",
    `| | entries | shards |`,
    `|---|---:|---:|`,
    `| single-node | ${s["single-node"] - (canary ? 1 : 0)} | ${s["single-node-shards"].length} |`,
    `| multi-node | ${s["multi-node"]} | ${s["multi-node-shards"].length} |`,
    ...(s.agentic ? [`| agentic | ${s.agentic} | ${s["agentic-shards"].length} |`] : []),
    ...(canary ? [`| canary | 1 | - |`] : []),
    "",
    `Commit \`${sha}\`; the whole plan is artifact \`${PLAN_ARTIFACT}\`.`,
  ];
  return lines.join("\n") + "\n";
}

export async function runPlan(deps: ActionDeps): Promise<void> {
  const sha = headSha(deps);
  const generate = input(deps, "generate-cli-command");
  const planned = generate ? await planGenerated(deps, generate) : await planChangelog(deps, sha);
  if (!planned) return;
  const { entries, reason } = planned;
  if (!entries.length) {
    setNoRun(deps, `${reason}: the plan is empty`, sha);
    await appendSummary(deps, `### Sweep plan\n\nThe plan is empty (${reason}).\n`);
    return;
  }
  const unnamed = entries.filter((e) => !e.name || !e.id);
  if (unnamed.length)
    throw new ActionError(`${unnamed.length} plan entr${unnamed.length === 1 ? "y has" : "ies have"} no id/name (the planner must assign them with --ids)`);
  await resolveDigestsInput(deps, entries);
  const summary = await uploadPlan(deps, planned);
  const canary = entries.find((e) => !isMultiNode(e) && e.canary);
  setRunOutputs(deps, planned, summary, sha, canary);
  await appendSummary(deps, planSummary(planned, summary, sha, canary));
}

/**
 * Input `resolve-digests: true`: every entry gains `image-digest`, resolved
 * once per distinct image (src/plan/image-digests.ts); the benchmark jobs run
 * that digest. Off (the default), the plan is unchanged.
 */
async function resolveDigestsInput(deps: ActionDeps, entries: MatrixEntry[]): Promise<void> {
  const on = input(deps, "resolve-digests");
  if (on !== "true" && on !== "false" && on !== "") throw new ActionError(`input 'resolve-digests': expected true or false, got '${on}'`);
  if (on !== "true") return;
  const timeout = intInput(deps, "digest-timeout", 30);
  if (timeout < 1) throw new ActionError(`input 'digest-timeout': at least 1 second, got ${timeout}`);
  const timeoutMs = timeout * 1000;
  const { resolvePlanDigests } = await import("../../registry/oci-digest.js");
  await planning("resolve-digests", () => resolvePlanDigests(entries, { timeoutMs }));
  const images = new Set(entries.map((e) => e.image));
  deps.core.info(`image digests: ${[...images].map((i) => `${i} -> ${entries.find((e) => e.image === i)!["image-digest"]}`).join(", ")}`);
}

/**
 * With input `github-token` (issues: read), a pull_request event's sweep
 * labels count only when their last adder can write (`trustedSweepLabels`);
 * each dropped label is a warning. Without a token the labels are taken as
 * they are (the workflow should pass one).
 */
async function withTrustedLabels(deps: ActionDeps, ev: SweepEvent, payload: Record<string, any>): Promise<SweepEvent> {
  const token = input(deps, "github-token");
  const number = Number(payload.pull_request?.number);
  if (!token || ev.eventName !== "pull_request" || !Number.isInteger(number)) return ev;
  const octokit = await deps.octokit(token);
  const labels = ev.labels ?? [];
  const grants = await labelGrants(octokit, { ...resolveRepo(undefined, deps.env), issueNumber: number }, labels.filter(isSweepLabel));
  const trusted = trustedSweepLabels(labels, grants);
  for (const why of trusted.ignored) deps.core.warning(why);
  const changedDropped = ev.changedLabel !== undefined && isSweepLabel(ev.changedLabel) && !trusted.labels.includes(ev.changedLabel) && ev.action === "labeled";
  return { ...ev, labels: trusted.labels, ...(changedDropped ? { changedLabel: `${ev.changedLabel} (untrusted)` } : {}) };
}
