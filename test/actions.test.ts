// The actions' run() functions in-process, with their dependencies passed in
// (a recording core, an in-memory artifact store, Octokit against the REST
// fake), plus the committed bundles' start-up as real ESM processes.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generatorArgv, splitCommandLine } from "../src/actions/lib/argv.js";
import { runDispatch, ACTION_COMMANDS } from "../src/actions/lib/dispatch.js";
import { runPlan } from "../src/actions/lib/plan.js";
import { resultFilenames, runProcessResult } from "../src/actions/lib/process-result.js";
import { ActionError, type ActionCore, type ActionDeps } from "../src/actions/lib/runtime.js";
import { runShard } from "../src/actions/lib/shard.js";
import { parseSweepComment, runSweepCommand } from "../src/actions/lib/sweep-command.js";
import type { ArtifactStore, StoredArtifact } from "../src/github/artifact.js";
import { createOctokit } from "../src/github/octokit.js";
import { ROOT } from "./support/cli.js";
import { startFakeGitHub, type FakeGitHub } from "./support/fake-github.js";
import { spawnProc } from "./support/workflow-runner.js";

/** A core that records outputs, logs and the summary. */
function recordingCore(inputs: Record<string, string>) {
  const outputs: Record<string, string> = {};
  const log: string[] = [];
  let summary = "";
  const pending: string[] = [];
  const core: ActionCore = {
    getInput: (n) => inputs[n] ?? "",
    setOutput: (n, v) => void (outputs[n] = String(v)),
    info: (m) => void log.push(m),
    warning: (m) => void log.push(`warning: ${m}`),
    error: (m) => void log.push(`error: ${m}`),
    setFailed: (m) => void log.push(`failed: ${m}`),
    summary: {
      addRaw: (t: string) => void pending.push(t),
      write: async () => {
        summary += pending.splice(0).join("\n");
      },
    },
  };
  return { core, outputs, log, summary: () => summary };
}

/** An in-memory artifact store (the adapter's contract; the real one is tested in actions-artifacts.test.ts). */
function memoryStore(): ArtifactStore & { files: Map<string, Map<string, string>> } {
  const files = new Map<string, Map<string, string>>();
  let id = 1;
  const ids = new Map<string, number>();
  return {
    files,
    async upload(name, paths, rootDir) {
      const m = new Map<string, string>();
      for (const p of paths) m.set(p.slice(rootDir.length + 1), readFileSync(p, "utf8"));
      files.set(name, m);
      ids.set(name, id++);
      return { id: ids.get(name)!, name, size: 0 };
    },
    async list() {
      return [...files.keys()].map((name): StoredArtifact => ({ id: ids.get(name)!, name, size: 0 }));
    },
    async download(a, dir) {
      for (const [rel, text] of files.get(a.name) ?? []) {
        const p = join(dir, rel);
        (await import("node:fs")).mkdirSync(join(p, ".."), { recursive: true });
        writeFileSync(p, text);
      }
    },
  };
}

function deps(inputs: Record<string, string>, env: NodeJS.ProcessEnv = {}, store = memoryStore(), cwd = ROOT) {
  const rec = recordingCore(inputs);
  const d: ActionDeps = { core: rec.core, env: { GITHUB_STEP_SUMMARY: "x", ...env }, cwd, artifacts: store, octokit: (token) => createOctokit({ token, env }) };
  return { deps: d, ...rec, store };
}

function eventFile(payload: object): string {
  const p = join(mkdtempSync(join(tmpdir(), "ev-")), "event.json");
  writeFileSync(p, JSON.stringify(payload));
  return p;
}

describe("command lines typed by people", () => {
  it("splits like a shell without running one", () => {
    expect(splitCommandLine(`full-sweep --model-prefix "dsr1 x" --seq-lens 1k1k 'a b' c\\ d $(rm -rf /)`)).toEqual([
      "full-sweep",
      "--model-prefix",
      "dsr1 x",
      "--seq-lens",
      "1k1k",
      "a b",
      "c d",
      "$(rm",
      "-rf",
      "/)",
    ]);
    expect(() => splitCommandLine(`full-sweep "open`)).toThrow(/unterminated/);
  });
  it("accepts only generator commands, dropping a leading infx", () => {
    expect(generatorArgv("infx test-config --config-keys a")).toEqual(["test-config", "--config-keys", "a"]);
    expect(() => generatorArgv("bench --base-url x")).toThrow(/not a generator command.*full-sweep, runner-model-sweep, test-config/);
    expect(() => generatorArgv("   ")).toThrow(/empty/);
  });
  it("recognises /sweep comments on their first line only", () => {
    expect(parseSweepComment("/sweep full-sweep --single-node\nthanks")).toBe("full-sweep --single-node");
    expect(parseSweepComment("  /sweep")).toBe("");
    expect(parseSweepComment("/sweeping")).toBeNull();
    expect(parseSweepComment("please /sweep")).toBeNull();
  });
  it("multi-node result files are one per concurrency", () => {
    expect(resultFilenames("x", "")).toEqual([{ filename: "x" }]);
    expect(resultFilenames("x", "4 8")).toEqual([
      { filename: "x_conc4", conc: "4" },
      { filename: "x_conc8", conc: "8" },
    ]);
    expect(() => resultFilenames("x", "4 eight")).toThrow(/'eight' is not a concurrency/);
  });
});

describe("plan action", () => {
  it("a draft PR plans nothing and says why", async () => {
    const t = deps(
      { "base-ref": "a", "head-ref": "b" },
      {
        GITHUB_EVENT_NAME: "pull_request",
        GITHUB_EVENT_PATH: eventFile({
          action: "synchronize",
          pull_request: { draft: true, labels: [{ name: "sweep-enabled" }], head: { repo: { full_name: "a/b" } }, base: { repo: { full_name: "a/b" } } },
        }),
        GITHUB_STEP_SUMMARY: "x",
      },
    );
    await runPlan(t.deps);
    expect(t.outputs).toMatchObject({ run: "false", "single-shards": "[]", "multi-shards": "[]", canary: "" });
    expect(t.outputs.reason).toMatch(/draft/);
    expect(t.summary()).toMatch(/No sweep: draft/);
    expect(t.store.files.size).toBe(0);
  });
  it("conflicting labels fail the step with the policy's message", async () => {
    const t = deps(
      { "base-ref": "a" },
      {
        GITHUB_EVENT_NAME: "pull_request",
        GITHUB_EVENT_PATH: eventFile({
          action: "synchronize",
          pull_request: {
            labels: [{ name: "sweep-enabled" }, { name: "full-sweep-enabled" }],
            head: { repo: { full_name: "a/b" } },
            base: { repo: { full_name: "a/b" } },
          },
        }),
      },
    );
    await expect(runPlan(t.deps)).rejects.toThrow(/conflicting sweep labels: sweep-enabled, full-sweep-enabled/);
  });
  it("a generator command that is not one is refused before anything runs", async () => {
    const t = deps({ "generate-cli-command": "serve-sim --port 1" });
    await expect(runPlan(t.deps)).rejects.toThrow(ActionError);
  });
});

describe("plan action on a real changelog diff", () => {
  let repo: string;
  let base: string;
  let head: string;
  beforeAll(() => {
    repo = mkdtempSync(join(tmpdir(), "plan-repo-"));
    mkdirSync(join(repo, "configs"));
    const cfg = (key: string, prefix: string, tp: number) =>
      `${key}:\n  image: example/vllm:1\n  model: m/${prefix}\n  model-prefix: ${prefix}\n  runner: sim\n  precision: fp8\n  framework: vllm\n  multinode: false\n` +
      `  seq-len-configs:\n  - isl: 1024\n    osl: 1024\n    search-space:\n    - { tp: ${tp}, conc-start: 4, conc-end: 16 }\n  - isl: 1024\n    osl: 8192\n    search-space:\n    - { tp: ${tp}, conc-start: 4, conc-end: 8 }\n`;
    writeFileSync(join(repo, "configs/nvidia-master.yaml"), cfg("pa-fp8-sim-vllm", "pa", 8));
    writeFileSync(join(repo, "configs/amd-master.yaml"), cfg("pb-fp8-sim-vllm", "pb", 4));
    writeFileSync(join(repo, "configs/runners.yaml"), "sim:\n- 'sim_0'\n");
    const entry = (k: string) => `- config-keys:\n    - ${k}\n  description:\n    - x\n  pr-link: https://github.com/acme/inferencex/pull/9\n`;
    writeFileSync(join(repo, "perf-changelog.yaml"), entry("pa-fp8-sim-vllm"));
    const git = (...a: string[]) => execFileSync("git", ["-c", "user.email=a@b.c", "-c", "user.name=t", ...a], { cwd: repo, encoding: "utf8" }).trim();
    git("init", "-q", "-b", "main");
    git("add", "-A");
    git("commit", "-qm", "base");
    base = git("rev-parse", "HEAD");
    writeFileSync(join(repo, "perf-changelog.yaml"), entry("pa-fp8-sim-vllm") + entry("p*-fp8-sim-vllm"));
    git("commit", "-qam", "head");
    head = git("rev-parse", "HEAD");
  });
  const prEnv = (labels: string[]) => ({
    GITHUB_EVENT_NAME: "pull_request",
    GITHUB_EVENT_PATH: eventFile({
      action: "synchronize",
      pull_request: { draft: false, labels: labels.map((name) => ({ name })), head: { repo: { full_name: "a/b" } }, base: { repo: { full_name: "a/b" } } },
    }),
  });

  it("full-sweep-enabled: full plan, one canary outside the shards, all in the sweep-plan artifact", async () => {
    const t = deps({ "base-ref": base, "head-ref": head }, prEnv(["full-sweep-enabled"]), memoryStore(), repo);
    await runPlan(t.deps);
    // 2 configs x (1k1k: 4, 8, 16 + 1k8k: 4, 8) = 10 entries, one of them the canary.
    expect(t.outputs).toMatchObject({
      run: "true",
      mode: "full",
      sha: head,
      "fail-fast": "false",
      "total-entries": "10",
      "single-shards": '["single-001"]',
      "multi-shards": "[]",
    });
    const canary = JSON.parse(t.outputs.canary!);
    expect(canary).toMatchObject({ canary: true, conc: 4, isl: 1024, osl: 1024, "run-eval": false });
    const files = t.store.files.get("sweep-plan")!;
    expect([...files.keys()].sort()).toEqual(["plan.json", "shards/canary.json", "shards/single-001.json"]);
    const single = JSON.parse(files.get("shards/single-001.json")!) as { name: string }[];
    expect(single).toHaveLength(9);
    expect(single.map((e) => e.name)).not.toContain(canary.name);
    expect(JSON.parse(t.store.files.get("changelog-metadata")!.get("changelog_metadata.json")!)).toMatchObject({ base_ref: base, head_ref: head });
    expect(t.summary()).toMatch(/canary \| 1/);
  });
  it("full-sweep-fail-fast sets fail-fast; sweep-enabled trims to the lowest concurrency and has no canary", async () => {
    const ff = deps({ "base-ref": base, "head-ref": head }, prEnv(["full-sweep-fail-fast"]), memoryStore(), repo);
    await runPlan(ff.deps);
    expect(ff.outputs).toMatchObject({ run: "true", mode: "full-fail-fast", "fail-fast": "true" });
    const trimmed = deps({ "base-ref": base, "head-ref": head }, prEnv(["sweep-enabled", "all-evals"]), memoryStore(), repo);
    await runPlan(trimmed.deps);
    expect(trimmed.outputs).toMatchObject({ run: "true", mode: "trimmed", canary: "", "total-entries": "4", "has-evals": "true" });
  });
  it("small shard bounds fan out into several shards", async () => {
    const t = deps({ "base-ref": base, "head-ref": head, "max-shard-entries": "3" }, prEnv(["full-sweep-enabled"]), memoryStore(), repo);
    await runPlan(t.deps);
    expect(JSON.parse(t.outputs["single-shards"]!)).toEqual(["single-001", "single-002", "single-003"]);
  });
});

describe("shard and process-result actions", () => {
  it("shard ids are checked before they reach a path; a missing plan artifact is named", async () => {
    await expect(runShard(deps({ shard: "../../etc" }).deps)).rejects.toThrow(/not a shard id/);
    await expect(runShard(deps({ shard: "single-001" }).deps)).rejects.toThrow(/no 'sweep-plan' artifact/);
  });
  it("a shard's entries come from the plan artifact, compact", async () => {
    const store = memoryStore();
    const dir = mkdtempSync(join(tmpdir(), "plan-"));
    const { mkdirSync } = await import("node:fs");
    mkdirSync(join(dir, "shards"));
    writeFileSync(join(dir, "shards", "single-001.json"), JSON.stringify([{ name: "a" }, { name: "b" }], null, 2));
    await store.upload("sweep-plan", [join(dir, "shards", "single-001.json")], dir);
    const t = deps({ shard: "single-001" }, {}, store);
    await runShard(t.deps);
    expect(t.outputs).toEqual({ entries: '[{"name":"a"},{"name":"b"}]', count: "2" });
  });
  it("a missing raw result names the file and the contract", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "pr-"));
    await expect(runProcessResult(deps({ "artifact-name": "bmk_x" }, { RESULT_FILENAME: "nope" }, memoryStore(), cwd).deps)).rejects.toThrow(
      /no raw result .*nope\.json.*README/,
    );
  });
});

describe("sweep-command action against the REST fake", () => {
  let gh: FakeGitHub;
  beforeAll(async () => {
    gh = await startFakeGitHub();
    gh.state.collaborators = { admin1: "admin", triager: "triage" };
    gh.addPull({ number: 5, head_sha: "c".repeat(40), head_repo: "acme/inferencex" });
    gh.addPull({ number: 6, head_sha: "d".repeat(40), head_repo: "mallory/inferencex" });
  });
  afterAll(() => gh.close());
  const env = (login: string, body: string, number: number) => ({
    GITHUB_API_URL: gh.url,
    GITHUB_REPOSITORY: "acme/inferencex",
    GITHUB_RUN_ID: "77",
    GITHUB_EVENT_PATH: eventFile({ comment: { body, user: { login } }, issue: { number, pull_request: {} } }),
  });
  it("triage permission is not enough", async () => {
    const t = deps({ "github-token": gh.token }, env("triager", "/sweep full-sweep --single-node", 5));
    await runSweepCommand(t.deps);
    expect(t.outputs.allowed).toBe("false");
    expect(gh.state.comments.at(-1)).toMatchObject({ issue_number: 5 });
    expect(gh.state.comments.at(-1)!.body).toMatch(/yours: triage/);
  });
  it("bad generator arguments get a reply that says what is wrong", async () => {
    const t = deps({ "github-token": gh.token }, env("admin1", "/sweep full-sweep --single-node --max-conc lots", 5));
    await runSweepCommand(t.deps);
    expect(t.outputs.allowed).toBe("false");
    expect(gh.state.comments.at(-1)!.body).toMatch(/--max-conc/);
  });
  it("fork PRs are refused even for admins", async () => {
    const t = deps({ "github-token": gh.token }, env("admin1", "/sweep full-sweep --single-node", 6));
    await runSweepCommand(t.deps);
    expect(t.outputs.allowed).toBe("false");
    expect(gh.state.comments.at(-1)!.body).toMatch(/fork/);
  });
  it("other comments are ignored without a reply", async () => {
    const n = gh.state.comments.length;
    const t = deps({ "github-token": gh.token }, env("admin1", "LGTM", 5));
    await runSweepCommand(t.deps);
    expect(t.outputs.allowed).toBe("false");
    expect(gh.state.comments).toHaveLength(n);
  });
});

describe("bench action", () => {
  it("passes its arguments to infx bench and reports the exit code", async () => {
    const { runBench } = await import("../src/actions/lib/bench.js");
    const t = deps({ args: "--help" });
    await runBench(t.deps);
    expect(t.outputs["exit-code"]).toBe("0");
    expect(t.log.join("\n")).toMatch(/--max-concurrency/);
    await expect(runBench(deps({ args: "--max-concurrency lots" }).deps)).rejects.toThrow(/infx bench failed \(exit 2\): --max-concurrency/);
  });
});

describe("dispatch and the committed bundles", () => {
  it("the root action dispatches every action by name and refuses others", async () => {
    expect(Object.keys(ACTION_COMMANDS).sort()).toEqual([
      "bench",
      "collect",
      "comment",
      "compare",
      "plan",
      "process-result",
      "shard",
      "success-rate",
      "sweep-command",
    ]);
    await expect(runDispatch(deps({ command: "deploy" }).deps)).rejects.toThrow(/unknown command 'deploy'/);
  });
  it("a bundle starts as an ESM program and fails the step with a clear message, not a stack", async () => {
    const out = mkdtempSync(join(tmpdir(), "out-"));
    const r = await spawnProc(process.execPath, [join(ROOT, "actions/shard/dist/index.js")], {
      cwd: out,
      env: { PATH: process.env.PATH, INPUT_SHARD: "single-001", GITHUB_OUTPUT: join(out, "o") },
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^::error::Unable to get the ACTIONS_RUNTIME_TOKEN env variable/m);
    expect(r.stdout + r.stderr).not.toMatch(/\n\s+at /);
  });
});
