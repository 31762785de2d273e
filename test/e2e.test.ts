// End to end: the COMMITTED action bundles, run as real node processes with a
// runner's environment, through whole sweeps of the real workflow files, against
// a local fake GitHub (REST) and a local artifact service that the real
// @actions/artifact client talks to. Benchmark jobs run the steps of
// .github/workflows/benchmark-tmpl.yml with runners/launch_sim.sh
// (infx serve-sim + infx bench). Needs a fresh `npm run build`.
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { DefaultArtifactClient } from "@actions/artifact";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { artifactStore, filesUnder } from "../src/github/artifact.js";
import { ROOT } from "./support/cli.js";
import { asArtifactJob, startFakeArtifacts, type FakeArtifactService } from "./support/fake-artifacts.js";
import { startFakeGitHub, type FakeGitHub } from "./support/fake-github.js";
import { startFakeRegistry, type FakeRegistry } from "./support/fake-registry.js";
import { runJob, spawnProc, type JobHooks, type JobRun } from "./support/workflow-runner.js";

const OWNER = "acme";
const REPO = "inferencex";
const PR = 42;
/** The sim's images (example/...) are on no registry this test can reach: the plan runs without digests (repository variable INFX_RESOLVE_DIGESTS=false). */
const NO_DIGESTS = { INFX_RESOLVE_DIGESTS: "false" };
const wfDoc = (f: string) => parse(readFileSync(join(ROOT, ".github/workflows", f), "utf8")) as Record<string, any>;
const RUN_SWEEP = wfDoc("run-sweep.yml");
const SHARD = wfDoc("benchmark-shard.yml");
const BENCH_MULTI = wfDoc("benchmark-multinode-tmpl.yml");
const BENCH = wfDoc("benchmark-tmpl.yml");
const COLLECT = wfDoc("collect-results.yml");
const COMMAND = wfDoc("sweep-command.yml");

let gh: FakeGitHub;
let svc: FakeArtifactService;
/** The configs' images live on it: the plan jobs resolve their digests (resolve-digests: true) over real HTTP. */
let registry: FakeRegistry;
const runIds: Record<string, number> = {};
let repo: string;
let baseSha: string;
let headSha: string;

const git = (cwd: string, ...args: string[]) =>
  execFileSync("git", ["-c", "user.email=ci@example.com", "-c", "user.name=ci", ...args], { cwd, encoding: "utf8" }).trim();

/**
 * The project as a job sees it after checkout: the test's configs and changelog,
 * the project's runners and bin (with its dependencies installed), and the
 * committed action bundles copied to a directory with no node_modules above
 * it, so a bundle that is not self-contained fails here as it would on a runner.
 */
let actionsCopy: string;
function linkProject(dir: string): void {
  symlinkSync(actionsCopy, join(dir, "actions"));
  for (const p of ["runners", "dist", "node_modules"]) symlinkSync(join(ROOT, p), join(dir, p));
}

function makeRepo(): void {
  repo = mkdtempSync(join(tmpdir(), "e2e-repo-"));
  mkdirSync(join(repo, "configs"));
  const cfg = (key: string, model: string, prefix: string, precision: string, framework: string, tp: number, start: number, end: number) =>
    `${key}:\n  image: ${registry.host}/example/${framework}:1.0\n  model: ${model}\n  model-prefix: ${prefix}\n  runner: sim\n  precision: ${precision}\n  framework: ${framework}\n  multinode: false\n` +
    `  seq-len-configs:\n  - isl: 1024\n    osl: 1024\n    search-space:\n    - { tp: ${tp}, conc-start: ${start}, conc-end: ${end} }\n`;
  writeFileSync(join(repo, "configs/nvidia-master.yaml"), cfg("e2ea-fp8-sim-vllm", "sim/model-a", "e2ea", "fp8", "vllm", 8, 4, 16));
  writeFileSync(join(repo, "configs/amd-master.yaml"), cfg("e2eb-fp4-sim-sglang", "sim/model-b", "e2eb", "fp4", "sglang", 4, 2, 8));
  writeFileSync(join(repo, "configs/runners.yaml"), "sim:\n- 'sim_0'\n- 'sim_1'\n");
  writeFileSync(join(repo, ".gitignore"), "actions\nrunners\ndist\nnode_modules\n");
  const entry = (keys: string, pr: number) =>
    `- config-keys:\n    - ${keys}\n  description:\n    - e2e\n  pr-link: https://github.com/${OWNER}/${REPO}/pull/${pr}\n`;
  writeFileSync(join(repo, "perf-changelog.yaml"), entry("e2ea-fp8-sim-vllm", 1));
  git(repo, "init", "-q", "-b", "main");
  git(repo, "add", "-A");
  git(repo, "commit", "-qm", "base");
  baseSha = git(repo, "rev-parse", "HEAD");
  writeFileSync(join(repo, "perf-changelog.yaml"), entry("e2ea-fp8-sim-vllm", 1) + entry("e2e*-sim-*", PR));
  git(repo, "commit", "-qam", "sweep both sim configs");
  headSha = git(repo, "rev-parse", "HEAD");
  linkProject(repo);
}

function prEvent(action: string, labels: string[], label?: string) {
  const repoObj = { full_name: `${OWNER}/${REPO}`, fork: false };
  return {
    action,
    number: PR,
    ...(label ? { label: { name: label } } : {}),
    pull_request: {
      number: PR,
      draft: false,
      labels: labels.map((name) => ({ name })),
      head: { sha: headSha, ref: "sim-sweep", repo: repoObj },
      base: { sha: baseSha, ref: "main", repo: repoObj },
    },
    repository: repoObj,
  };
}

/** The environment a runner gives a job of run `runId`. */
function runnerEnv(runId: number, jobKey: string, eventName: string, event: object, cwd: string): Record<string, string> {
  const eventPath = join(mkdtempSync(join(tmpdir(), "event-")), "event.json");
  writeFileSync(eventPath, JSON.stringify(event));
  runIds[`run-${runId}`] = runId;
  return {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? tmpdir(),
    CI: "true",
    GITHUB_ACTIONS: "true",
    GITHUB_EVENT_NAME: eventName,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_REPOSITORY: `${OWNER}/${REPO}`,
    GITHUB_RUN_ID: String(runId),
    GITHUB_RUN_ATTEMPT: "1",
    GITHUB_SHA: headSha,
    GITHUB_WORKSPACE: cwd,
    GITHUB_API_URL: gh.url,
    GITHUB_SERVER_URL: "https://github.com",
    RUNNER_TEMP: mkdtempSync(join(tmpdir(), "runner-temp-")),
    RUNNER_NAME: "hosted_0",
    ACTIONS_RESULTS_URL: `${svc.url}/`,
    ACTIONS_RUNTIME_TOKEN: svc.runtimeToken(`run-${runId}`, jobKey),
  };
}

/** Third-party steps: checkout is the prepared workspace; upload-artifact uploads with the real client, as the action does. */
const hooks: JobHooks = {
  async external(uses, withArgs, env, cwd) {
    if (uses.startsWith("actions/checkout@")) return true;
    if (uses.startsWith("actions/upload-artifact@")) {
      const dir = join(cwd, withArgs.path!);
      const files = existsSync(dir) ? execFileSync("find", [dir, "-type", "f"], { encoding: "utf8" }).split("\n").filter(Boolean) : [];
      if (!files.length) return withArgs["if-no-files-found"] !== "error";
      const script = `import { DefaultArtifactClient } from ${JSON.stringify(join(ROOT, "node_modules/@actions/artifact/lib/artifact.js"))};
        await new DefaultArtifactClient().uploadArtifact(process.argv[1], process.argv.slice(3), process.argv[2]);`;
      const r = await spawnProc(process.execPath, ["--input-type=module", "-e", script, withArgs.name!, dir, ...files], { cwd, env });
      return r.code === 0;
    }
    throw new Error(`no hook for ${uses}`);
  },
};

/** The files of an artifact of run `runId`, downloaded with the real client as another job of the run would. */
async function artifactFiles(runId: number, name: string): Promise<Record<string, string>> {
  return asArtifactJob(svc, `run-${runId}`, "inspect", mkdtempSync(join(tmpdir(), "inspect-")), async () => {
    const store = artifactStore(new DefaultArtifactClient());
    const a = (await store.list()).find((x) => x.name === name);
    if (!a) throw new Error(`run ${runId} has no artifact ${name}`);
    const dir = mkdtempSync(join(tmpdir(), "inspect-dl-"));
    await store.download(a, dir);
    return Object.fromEntries(filesUnder(dir).map((f) => [relative(dir, f), readFileSync(f, "utf8")]));
  });
}

interface SweepRun {
  plan: JobRun;
  shard: JobRun;
  bench: { name: string; job: JobRun; jobName: string }[];
  collect: JobRun;
  successRate: JobRun;
  comment: JobRun;
}

const actionOf = (j: JobRun, uses: string) => j.steps.find((s) => s.action && s.name === uses)?.action;

/** One run of run-sweep.yml for a PR event, job by job, as GitHub would schedule it for a plan with one single-node shard. */
async function sweep(runId: number, event: ReturnType<typeof prEvent>, failEntry?: string): Promise<SweepRun> {
  const github = { event_name: "pull_request", event, repository: `${OWNER}/${REPO}`, run_id: runId, run_attempt: 1, sha: headSha, token: gh.token };
  const record = (name: string, j: JobRun) => gh.addJob({ run_id: runId, run_attempt: 1, name, conclusion: j.result, status: "completed" });

  const plan = await runJob(RUN_SWEEP.jobs.plan, { github, vars: NO_DIGESTS }, runnerEnv(runId, "plan", "pull_request", event, repo), repo, hooks);
  record("plan", plan);
  const planOut = actionOf(plan, "./actions/plan")!.outputs;
  const needs = { plan: { result: plan.result, outputs: planOut } };

  const shardIds = JSON.parse(planOut["single-shards"]!) as string[];
  expect(shardIds).toEqual(["single-001"]);
  const shard = await runJob(
    SHARD.jobs.load,
    { github, inputs: { shard: shardIds[0], kind: "single", sha: planOut.sha } },
    runnerEnv(runId, "load", "pull_request", event, repo),
    repo,
    hooks,
  );
  record(`single (${shardIds[0]}) / load shard ${shardIds[0]}`, shard);
  const entries = JSON.parse(actionOf(shard, "./actions/shard")!.outputs.entries!) as Record<string, any>[];

  const bench: SweepRun["bench"] = [];
  for (const entry of entries) {
    const ws = mkdtempSync(join(tmpdir(), "e2e-ws-"));
    linkProject(ws);
    const env = {
      ...runnerEnv(runId, `bmk-${entry.id}`, "pull_request", event, ws),
      RUNNER_NAME: "sim_0",
      SIM_INPUT_LEN: "64",
      SIM_OUTPUT_LEN: "8",
      SIM_NUM_PROMPTS: "4",
      SIM_STEP_MS: "0.5",
      ...(entry.name === failEntry ? { SIM_FAULT: "http-500=1" } : {}),
    };
    const ctx = { github, inputs: { entry: JSON.stringify(entry), sha: planOut.sha, "timeout-minutes": 180 } };
    const job = await runJob(BENCH.jobs.benchmark, ctx, env, ws, hooks);
    const jobName = `bmk [${entry.runner}] ${entry.name}`;
    record(`single (${shardIds[0]}) / ${entry.name} / ${jobName}`, job);
    bench.push({ name: entry.name, job, jobName });
  }

  const collect = await runJob(
    COLLECT.jobs.collect,
    { github, inputs: { sha: planOut.sha } },
    runnerEnv(runId, "collect", "pull_request", event, repo),
    repo,
    hooks,
  );
  record("collect-results / collect bmk", collect);
  const successRate = await runJob(
    RUN_SWEEP.jobs["success-rate"],
    { github, needs },
    runnerEnv(runId, "success-rate", "pull_request", event, repo),
    repo,
    hooks,
  );
  const comment = await runJob(RUN_SWEEP.jobs.comment, { github, needs }, runnerEnv(runId, "comment", "pull_request", event, repo), repo, hooks);
  return { plan, shard, bench, collect, successRate, comment };
}

beforeAll(async () => {
  if (!existsSync(join(ROOT, "actions/plan/dist/index.js"))) throw new Error("the committed bundles are missing: run `npm run build`");
  // (/var/tmp when there is one: this machine's /tmp has a node_modules of its own)
  actionsCopy = join(mkdtempSync(join(existsSync("/var/tmp") ? "/var/tmp" : tmpdir(), "e2e-checkout-")), "actions");
  cpSync(join(ROOT, "actions"), actionsCopy, { recursive: true, filter: (src) => !src.includes("node_modules") });
  gh = await startFakeGitHub({ owner: OWNER, repo: REPO });
  registry = await startFakeRegistry();
  svc = await startFakeArtifacts({ gh, runIds });
  makeRepo();
  gh.addPull({ number: PR, head_sha: headSha, base_sha: baseSha, head_repo: `${OWNER}/${REPO}`, labels: ["sweep-enabled"] });
  gh.state.collaborators = { maintainer: "maintain", reader: "read" };
  // Who labeled the PR (the plan job counts sweep labels only from people with write permission) and when the head was committed (/sweep pins it).
  gh.route(({ req, res, url }) => {
    if (req.method !== "GET" || url.pathname !== `/repos/${OWNER}/${REPO}/issues/${PR}/events`) return false;
    const labeled = ["sweep-enabled", "full-sweep-enabled", "evals-only"].map((name, i) => ({
      id: i + 1,
      node_id: "n",
      url: "",
      commit_id: null,
      commit_url: null,
      created_at: "2026-01-01T00:00:00Z",
      performed_via_github_app: null,
      event: "labeled",
      label: { name },
      actor: { login: "maintainer" },
    }));
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(labeled));
    return true;
  });
  gh.route(({ req, res, url }) => {
    const m = new RegExp(`^/repos/${OWNER}/${REPO}/git/commits/([0-9a-f]{40})$`).exec(url.pathname);
    if (req.method !== "GET" || !m) return false;
    const who = { name: "a", email: "a@x", date: "2026-01-01T00:00:00Z" };
    res.writeHead(200, { "content-type": "application/json" });
    res.end(
      JSON.stringify({
        sha: m[1],
        committer: who,
        author: who,
        message: "m",
        tree: { sha: "t", url: "" },
        parents: [],
        url: "",
        html_url: "",
        node_id: "",
        verification: null,
      }),
    );
    return true;
  });
});
afterAll(async () => {
  await svc?.close();
  await gh?.close();
  await registry?.close();
  if (actionsCopy) rmSync(join(actionsCopy, ".."), { recursive: true, force: true });
});

const entriesConc = (name: string) => Number(/_c(\d+)_/.exec(name)![1]);

// Whole sweeps spawn a few dozen processes: allow for a loaded 2-core CI machine.
describe("a whole sweep through the committed bundles", { timeout: 180_000 }, () => {
  let first: SweepRun;
  let second: SweepRun;

  it("run 1 (PR labeled sweep-enabled): plan, shard, benchmarks, collect, success rate, comment created", async () => {
    first = await sweep(7001, prEvent("labeled", ["sweep-enabled"], "sweep-enabled"));
    const plan = actionOf(first.plan, "./actions/plan")!;
    expect(plan.error).toBeUndefined();
    expect(plan.outputs).toMatchObject({
      run: "true",
      mode: "trimmed",
      sha: headSha,
      "fail-fast": "false",
      canary: "",
      "multi-shards": "[]",
      "has-evals": "false",
      "total-entries": "2",
    });
    expect(plan.summary).toContain("Sweep plan");
    // --trim-conc: the lowest concurrency of each config.
    const entries = JSON.parse(actionOf(first.shard, "./actions/shard")!.outputs.entries!) as Record<string, any>[];
    expect(entries.map((e) => [e["model-prefix"], e.conc]).sort()).toEqual([
      ["e2ea", 4],
      ["e2eb", 2],
    ]);
    const planFiles = await artifactFiles(7001, "sweep-plan");
    expect(Object.keys(planFiles).sort()).toEqual(["plan.json", "shards/single-001.json"]);
    expect(JSON.parse(planFiles["shards/single-001.json"]!)).toEqual(entries);
    const planJson = JSON.parse(planFiles["plan.json"]!);
    expect(planJson.summary).toMatchObject({ total: 2, "single-node-shards": ["single-001"], "multi-node-shards": [] });
    expect(planJson.single_node["1k1k"]).toHaveLength(2);
    const meta = JSON.parse((await artifactFiles(7001, "changelog-metadata"))["changelog_metadata.json"]!);
    expect(meta).toMatchObject({ base_ref: baseSha, head_ref: headSha });
    expect(meta.entries.map((e: { "pr-link": string }) => e["pr-link"])).toEqual([`https://github.com/${OWNER}/${REPO}/pull/${PR}`]);

    for (const b of first.bench) {
      expect(b.job.result, b.job.steps.map((s) => `${s.name}: ${s.run?.stderr ?? s.action?.error ?? ""}`).join("\n")).toBe("success");
      expect(b.job.steps.filter((s) => s.ran).map((s) => s.name)).toEqual([
        expect.stringMatching(/^actions\/checkout@/),
        "Clean up what earlier jobs left on this runner",
        "Install the infx CLI",
        "Launch the server and benchmark",
        "Process the result",
        "Upload server logs",
        "Clean up this job's containers and Slurm jobs",
      ]);
      const agg = await artifactFiles(7001, `bmk_${b.name}`);
      expect(Object.keys(agg)).toEqual([`agg_${b.name}.json`]);
      expect(svc.byName("run-7001", `server_logs_${b.name}`)).toBeDefined();
      expect(svc.byName("run-7001", `eval_${b.name}`)).toBeUndefined();
    }

    const collect = actionOf(first.collect, "./actions/collect")!;
    expect(collect.error).toBeUndefined();
    expect(collect.outputs).toMatchObject({ rows: "2", artifacts: "2" });
    const rows = JSON.parse((await artifactFiles(7001, "results_bmk"))["agg_bmk.json"]!) as Record<string, any>[];
    expect(rows.map((r) => [r.infmax_model_prefix, r.hw, r.conc, r.framework, r.precision]).sort()).toEqual([
      ["e2ea", "sim", 4, "vllm", "fp8"],
      ["e2eb", "sim", 2, "sglang", "fp4"],
    ]);
    for (const r of rows) expect(r.tput_per_gpu).toBeGreaterThan(0);
    expect(first.collect.summary).toContain("2 row(s) from 2 artifact(s)");

    const sr = actionOf(first.successRate, "./actions/success-rate")!;
    expect(sr.error).toBeUndefined();
    expect(JSON.parse(sr.outputs.stats!)).toEqual({ sim: { n_success: 2, total: 2 } });
    expect(sr.outputs.unattributed).toBe("0");
    expect(JSON.parse((await artifactFiles(7001, "run-stats"))["run_stats.json"]!)).toEqual({ sim: { n_success: 2, total: 2 } });

    const c = actionOf(first.comment, "./actions/comment")!;
    expect(c.error).toBeUndefined();
    expect(c.outputs.action).toBe("created");
    expect(gh.state.comments).toHaveLength(1);
    const body = gh.state.comments[0]!.body;
    expect(body).toContain("2/2 benchmark jobs succeeded");
    expect(body).toContain("https://github.com/acme/inferencex/actions/runs/7001");
    expect(body).toContain(headSha.slice(0, 12));
    expect(body).toMatch(/results_bmk/);
    expect(String(gh.state.comments[0]!.id)).toBe(c.outputs["comment-id"]);
  });

  it("run 2 (synchronize) with one failing benchmark: correct success rate, the same comment updated and saying so", async () => {
    const failing = first.bench[1]!.name;
    second = await sweep(7002, prEvent("synchronize", ["sweep-enabled"]), failing);
    const bad = second.bench.find((b) => b.name === failing)!;
    const good = second.bench.find((b) => b.name !== failing)!;
    expect(good.job.result).toBe("success");
    expect(bad.job.result).toBe("failure");
    // The failing job skips processing but still uploads its server logs and cleans up.
    const ran = Object.fromEntries(bad.job.steps.map((s) => [s.name, s.ran]));
    expect(ran).toMatchObject({ "Process the result": false, "Upload server logs": true, "Clean up this job's containers and Slurm jobs": true });
    expect(svc.byName("run-7002", `bmk_${failing}`)).toBeUndefined();
    expect(svc.byName("run-7002", `server_logs_${failing}`)).toBeDefined();

    expect(actionOf(second.collect, "./actions/collect")!.outputs).toMatchObject({ rows: "1", artifacts: "1" });
    const rows = JSON.parse((await artifactFiles(7002, "results_bmk"))["agg_bmk.json"]!) as Record<string, any>[];
    expect(rows.map((r) => r.conc)).toEqual([entriesConc(good.name)]);
    expect(JSON.parse(actionOf(second.successRate, "./actions/success-rate")!.outputs.stats!)).toEqual({ sim: { n_success: 1, total: 2 } });
    const c = actionOf(second.comment, "./actions/comment")!;
    expect(c.outputs.action).toBe("updated");
    expect(gh.state.comments).toHaveLength(1);
    const body = gh.state.comments[0]!.body;
    expect(body).toContain("1/2 benchmark jobs succeeded");
    expect(body).toContain("actions/runs/7002");
    expect(body).not.toContain("actions/runs/7001");
  });
});

describe("a multi-node benchmark job", () => {
  it("runs every concurrency of the entry and uploads one row per concurrency", async () => {
    const entry = {
      image: "example/dynamo:1",
      model: "sim/model-a",
      "model-prefix": "e2ea",
      precision: "fp8",
      framework: "dynamo-sglang",
      runner: "sim",
      isl: 1024,
      osl: 1024,
      "spec-decoding": "none",
      prefill: { "num-worker": 1, tp: 4, ep: 4, "dp-attn": true, "additional-settings": ["A=1"] },
      decode: { "num-worker": 2, tp: 8, ep: 8, "dp-attn": true },
      conc: [4, 8],
      "max-model-len": 2248,
      "exp-name": "e2ea_1k1k",
      disagg: true,
      "run-eval": false,
      id: "mn01",
      name: "e2ea_mn_1k1k_mn01",
    };
    const runId = 7003;
    const github = { event_name: "pull_request", event: {}, repository: `${OWNER}/${REPO}`, run_id: runId, run_attempt: 1 };
    const ws = mkdtempSync(join(tmpdir(), "e2e-mn-"));
    linkProject(ws);
    const env = {
      ...runnerEnv(runId, "bmk-mn", "pull_request", {}, ws),
      RUNNER_NAME: "sim_1",
      SIM_INPUT_LEN: "64",
      SIM_OUTPUT_LEN: "8",
      SIM_NUM_PROMPTS: "4",
      SIM_STEP_MS: "0.5",
    };
    const job = await runJob(
      BENCH_MULTI.jobs.benchmark,
      { github, inputs: { entry: JSON.stringify(entry), sha: headSha, "timeout-minutes": 480 } },
      env,
      ws,
      hooks,
    );
    expect(job.result, job.steps.map((s) => `${s.name}: ${s.run?.stderr ?? s.action?.error ?? ""}`).join("\n")).toBe("success");
    // GPU counts set through GITHUB_ENV by one step, read by the next ones.
    expect(job.env).toMatchObject({ PREFILL_GPUS: "4", DECODE_GPUS: "16", CONC_LIST: "4 8", IS_MULTINODE: "true" });
    const files = await artifactFiles(runId, `bmk_${entry.name}`);
    expect(Object.keys(files).sort()).toEqual([`agg_${entry.name}_conc4.json`, `agg_${entry.name}_conc8.json`]);
    const rows = Object.values(files).map((t) => JSON.parse(t) as Record<string, any>);
    expect(rows.map((r) => r.conc).sort()).toEqual([4, 8]);
    for (const r of rows) expect(r).toMatchObject({ is_multinode: true, disagg: true, hw: "sim" });
    expect(svc.byName(`run-${runId}`, `server_logs_${entry.name}`)).toBeDefined();
  });
});

describe("/sweep comments", () => {
  async function command(login: string, body: string) {
    const event = {
      action: "created",
      comment: { id: 1, body, user: { login }, created_at: new Date().toISOString() },
      issue: { number: PR, pull_request: { url: "x" } },
      repository: { full_name: `${OWNER}/${REPO}` },
    };
    const github = { event_name: "issue_comment", event, repository: `${OWNER}/${REPO}`, run_id: 7100, token: gh.token };
    const job = await runJob(COMMAND.jobs.authorize, { github }, runnerEnv(7100, "authorize", "issue_comment", event, repo), repo, hooks);
    return { job, action: actionOf(job, "./actions/sweep-command")! };
  }

  it("a read-only user is refused politely and nothing starts", async () => {
    const before = gh.state.comments.length;
    const { action } = await command("reader", "/sweep full-sweep --single-node --model-prefix e2ea --runner-type sim");
    expect(action.code).toBe(0);
    expect(action.outputs.allowed).toBe("false");
    expect(action.outputs.sha).toBeUndefined();
    const reply = gh.state.comments.at(-1)!;
    expect(gh.state.comments).toHaveLength(before + 1);
    expect(reply.body).toContain("@reader");
    expect(reply.body).toMatch(/write, maintain or admin/);
  });

  it("a maintainer's /sweep is pinned to the PR head at comment time and the reply links the run", async () => {
    const { action } = await command("maintainer", "/sweep full-sweep --single-node --model-prefix e2ea --runner-type sim --max-conc 4");
    expect(action.error).toBeUndefined();
    expect(action.outputs).toMatchObject({
      allowed: "true",
      sha: headSha,
      "test-name": `pr-${PR}`,
      "generate-cli-command": "full-sweep --single-node --model-prefix e2ea --runner-type sim --max-conc 4",
    });
    expect(gh.state.comments.at(-1)!.body).toContain("https://github.com/acme/inferencex/actions/runs/7100");
  });

  it("the generator command a /sweep starts plans in e2e-tests' plan job", async () => {
    const e2e = wfDoc("e2e-tests.yml");
    const inputs = {
      "generate-cli-command": "full-sweep --single-node --model-prefix e2ea --runner-type sim --max-conc 4",
      "test-name": "pr-42",
      ref: headSha,
    };
    const github = { event_name: "workflow_dispatch", event: { inputs }, repository: `${OWNER}/${REPO}`, run_id: 7200 };
    const plan = await runJob(e2e.jobs.plan, { github, inputs, vars: NO_DIGESTS }, runnerEnv(7200, "plan", "workflow_dispatch", { inputs }, repo), repo, hooks);
    const out = actionOf(plan, "./actions/plan")!;
    expect(out.error).toBeUndefined();
    expect(out.outputs).toMatchObject({ run: "true", mode: "generate", "total-entries": "1", "single-shards": '["single-001"]' });
  });
});
