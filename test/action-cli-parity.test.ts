// The actions call the same typed functions as the infx commands; here each
// action and its command run on the same inputs and must give the same files.
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runCollect } from "../src/actions/lib/collect.js";
import { runPlan } from "../src/actions/lib/plan.js";
import { runProcessResult } from "../src/actions/lib/process-result.js";
import type { ActionCore, ActionDeps } from "../src/actions/lib/runtime.js";
import type { ArtifactStore, StoredArtifact } from "../src/github/artifact.js";
import { createOctokit } from "../src/github/octokit.js";
import { envOf, resultName, syntheticRaw, writeBmkArtifacts, type Config } from "./fixtures/results/generate.js";
import { infx, ROOT } from "./support/cli.js";
import { scenarioChangelogRepo } from "./support/git-fixture.js";

const tmp = (prefix: string) => mkdtempSync(join(tmpdir(), prefix));

/** Every file under `dir`, by relative path. */
function filesUnder(dir: string, base = dir): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) Object.assign(out, filesUnder(p, base));
    else out[relative(base, p)] = readFileSync(p, "utf8");
  }
  return out;
}

/** An in-memory artifact store and a core that records outputs. */
function actionDeps(inputs: Record<string, string>, env: NodeJS.ProcessEnv, cwd: string) {
  const artifacts = new Map<string, Record<string, string>>();
  const store: ArtifactStore = {
    async upload(name, paths, rootDir) {
      artifacts.set(name, Object.fromEntries(paths.map((p) => [relative(rootDir, p), readFileSync(p, "utf8")])));
      return { id: artifacts.size, name, size: 0 };
    },
    async list() {
      return [...artifacts.keys()].map((name, i): StoredArtifact => ({ id: i + 1, name, size: 0 }));
    },
    async download(a, dir) {
      for (const [rel, text] of Object.entries(artifacts.get(a.name) ?? {})) {
        mkdirSync(join(dir, rel, ".."), { recursive: true });
        writeFileSync(join(dir, rel), text);
      }
    },
  };
  const outputs: Record<string, string> = {};
  const core: ActionCore = {
    getInput: (n) => inputs[n] ?? "",
    setOutput: (n, v) => void (outputs[n] = String(v)),
    info: () => {},
    warning: () => {},
    error: () => {},
    setFailed: () => {},
    summary: { addRaw: () => undefined, write: async () => undefined },
  };
  const deps: ActionDeps = { core, env: { RUNNER_TEMP: tmp("runner-"), ...env }, cwd, artifacts: store, octokit: (token) => createOctokit({ token, env }) };
  return { deps, outputs, artifacts };
}

/** A repository with two configs and a changelog that gains one entry between `base` and `head`. */
function changelogRepo(): { repo: string; base: string; head: string } {
  const repo = tmp("parity-repo-");
  mkdirSync(join(repo, "configs"));
  const cfg = (key: string, prefix: string, tp: number) =>
    `${key}:\n  image: example/vllm:1\n  model: m/${prefix}\n  model-prefix: ${prefix}\n  runner: sim\n  precision: fp8\n  framework: vllm\n  multinode: false\n` +
    `  seq-len-configs:\n  - isl: 1024\n    osl: 1024\n    search-space:\n    - { tp: ${tp}, conc-start: 4, conc-end: 16 }\n  - isl: 1024\n    osl: 8192\n    search-space:\n    - { tp: ${tp}, conc-start: 4, conc-end: 8 }\n`;
  writeFileSync(join(repo, "configs/nvidia-master.yaml"), cfg("pa-fp8-sim-vllm", "pa", 8));
  writeFileSync(join(repo, "configs/amd-master.yaml"), cfg("pb-fp8-sim-vllm", "pb", 4));
  writeFileSync(join(repo, "configs/runners.yaml"), "sim:\n- 'sim_0'\n- 'sim_1'\n");
  const entry = (k: string) => `- config-keys:\n    - ${k}\n  description:\n    - x\n  pr-link: https://github.com/acme/inferencex/pull/9\n`;
  writeFileSync(join(repo, "perf-changelog.yaml"), entry("pa-fp8-sim-vllm"));
  const git = (...a: string[]) => execFileSync("git", ["-c", "user.email=a@b.c", "-c", "user.name=t", ...a], { cwd: repo, encoding: "utf8" }).trim();
  git("init", "-q", "-b", "main");
  git("add", "-A");
  git("commit", "-qm", "base");
  const base = git("rev-parse", "HEAD");
  writeFileSync(join(repo, "perf-changelog.yaml"), entry("pa-fp8-sim-vllm") + entry("p*-fp8-sim-vllm"));
  git("commit", "-qam", "head");
  return { repo, base, head: git("rev-parse", "HEAD") };
}

const CLI_ENV = { INFX_NO_CACHE: "1" };

describe("action and CLI give the same results", () => {
  let repo: string;
  let base: string;
  let head: string;
  beforeAll(() => ({ repo, base, head } = changelogRepo()));

  for (const line of [
    "test-config --config-keys pa-fp8-sim-vllm pb-fp8-sim-vllm --conc 4 8 --run-evals",
    "full-sweep --single-node --model-prefix pa pb --max-conc 8 --canary",
    "runner-model-sweep --runner-type sim --single-node",
  ]) {
    it(`plan (generator): ${line.split(" ")[0]}`, async () => {
      const a = actionDeps({ "generate-cli-command": line }, {}, repo);
      await runPlan(a.deps);
      expect(a.outputs.run).toBe("true");
      // plan.json names its folder as given: the action's is "sweep-plan".
      const cli = await infx([...line.split(" "), "--format", "github", "--out-dir", "sweep-plan"], { cwd: repo, env: CLI_ENV });
      expect(cli.code, cli.stderr).toBe(0);
      const planned = filesUnder(join(repo, "sweep-plan"));
      expect(Object.keys(planned).length).toBeGreaterThan(1);
      expect(a.artifacts.get("sweep-plan")).toEqual(planned);
    });
  }

  it("plan (changelog diff, full-sweep-enabled) equals infx changelog --canary --format github", async () => {
    const event = join(tmp("ev-"), "event.json");
    writeFileSync(
      event,
      JSON.stringify({
        action: "synchronize",
        pull_request: { draft: false, labels: [{ name: "full-sweep-enabled" }], head: { repo: { full_name: "a/b" } }, base: { repo: { full_name: "a/b" } } },
      }),
    );
    const a = actionDeps({ "base-ref": base, "head-ref": head }, { GITHUB_EVENT_NAME: "pull_request", GITHUB_EVENT_PATH: event }, repo);
    await runPlan(a.deps);
    expect(a.outputs).toMatchObject({ run: "true", mode: "full" });
    const cli = await infx(["changelog", "--base-ref", base, "--head-ref", head, "--canary", "--format", "github", "--out-dir", "sweep-plan"], {
      cwd: repo,
      env: CLI_ENV,
    });
    expect(cli.code, cli.stderr).toBe(0);
    const planned = filesUnder(join(repo, "sweep-plan"));
    expect(JSON.parse(planned["plan.json"]!).changelog_metadata).toMatchObject({ base_ref: base, head_ref: head });
    expect(a.artifacts.get("sweep-plan")).toEqual(planned);
    expect(JSON.parse(a.artifacts.get("changelog-metadata")!["changelog_metadata.json"]!)).toEqual(JSON.parse(planned["plan.json"]!).changelog_metadata);
  });

  it("plan (2026-08 changelog diff) equals infx changelog --format github, agentic shards included", async () => {
    const r = scenarioChangelogRepo();
    const event = join(tmp("ev-"), "event.json");
    writeFileSync(
      event,
      JSON.stringify({
        action: "synchronize",
        pull_request: { draft: false, labels: [{ name: "full-sweep-enabled" }], head: { repo: { full_name: "a/b" } }, base: { repo: { full_name: "a/b" } } },
      }),
    );
    const files = ["configs/nvidia-master.yaml", "configs/amd-master.yaml"];
    const a = actionDeps(
      { "base-ref": r.base, "head-ref": r.head, "config-files": files.join(" "), "runner-config": "configs/runners.yaml" },
      { GITHUB_EVENT_NAME: "pull_request", GITHUB_EVENT_PATH: event },
      r.repo,
    );
    await runPlan(a.deps);
    expect(a.outputs).toMatchObject({ run: "true", mode: "full" });
    expect(JSON.parse(a.outputs["agentic-shards"]!)).toEqual(["agentic-001"]);
    const cli = await infx(
      [
        "changelog",
        "--base-ref",
        r.base,
        "--head-ref",
        r.head,
        "--config-files",
        ...files,
        "--runner-config",
        "configs/runners.yaml",
        "--format",
        "github",
        "--out-dir",
        "sweep-plan",
        "--canary", // what the label full-sweep-enabled adds (decideSweep)
      ],
      { cwd: r.repo, env: CLI_ENV },
    );
    expect(cli.code, cli.stderr).toBe(0);
    const planned = filesUnder(join(r.repo, "sweep-plan"));
    const plan = JSON.parse(planned["plan.json"]!);
    expect(plan.changelog_metadata.entries).toHaveLength(2);
    expect(plan.summary["canary-shard"]).toBe("canary");
    expect(a.artifacts.get("sweep-plan")).toEqual(planned);
  });

  const single: Config = {
    prefix: "dsr1",
    model: "deepseek-ai/DeepSeek-R1-0528",
    hw: "b200",
    framework: "sglang",
    precision: "fp8",
    isl: 1024,
    osl: 1024,
    tp: 8,
    conc: 16,
  };
  const multi: Config = { ...single, hw: "gb200", framework: "dynamo-trt", tp: 0, multinode: { prefillGpus: 8, decodeGpus: 16 } };

  it("process-result: the action's rows are the command's rows (single-node, and multi-node per concurrency)", async () => {
    for (const [c, concs] of [
      [single, ""],
      [multi, "16 64"],
    ] as const) {
      const name = resultName(c);
      const files = concs ? concs.split(" ").map((k) => `${name}_conc${k}`) : [name];
      const actionDir = tmp("pr-action-");
      const cliDir = tmp("pr-cli-");
      for (const f of files) for (const d of [actionDir, cliDir]) writeFileSync(join(d, `${f}.json`), JSON.stringify(syntheticRaw(c)));
      const a = actionDeps({ "result-filename": name, "conc-list": concs }, envOf(c), actionDir);
      await runProcessResult(a.deps);
      expect(JSON.parse(a.outputs.files!)).toHaveLength(files.length);
      for (const f of files) {
        const cli = await infx(["process-result"], {
          cwd: cliDir,
          env: { ...envOf(c), RESULT_FILENAME: f, ...(concs ? { CONC: f.replace(/.*_conc/, "") } : {}) },
        });
        expect(cli.code, cli.stderr).toBe(0);
        expect(readFileSync(join(actionDir, `agg_${f}.json`), "utf8")).toBe(readFileSync(join(cliDir, `agg_${f}.json`), "utf8"));
      }
    }
  });

  it("collect (bmk, with a corrupt file) and collect (eval, with thresholds): the uploaded aggregate is the command's output", async () => {
    const bmk = join(tmp("bmk-"), "artifacts");
    writeBmkArtifacts(bmk, [single, { ...single, conc: 64 }, { ...single, hw: "h200", framework: "vllm" }, multi]);
    mkdirSync(join(bmk, "bmk_broken"));
    writeFileSync(join(bmk, "bmk_broken", "agg_broken.json"), "{ not json");
    const evals = join(tmp("eval-"), "artifacts");
    cpSync(join(ROOT, "test/fixtures/results/evals"), evals, { recursive: true });
    const thresholds = join(tmp("thr-"), "thresholds.yaml");
    writeFileSync(thresholds, "default:\n  gsm8k: 0.5\n");

    for (const [kind, dir, artifact, file] of [
      ["bmk", bmk, "results_bmk", "agg_bmk.json"],
      ["eval", evals, "eval_results_all", "agg_eval_all.json"],
    ] as const) {
      const a = actionDeps({ kind, thresholds: kind === "eval" ? thresholds : "" }, {}, ROOT);
      for (const name of readdirSync(dir))
        await a.deps.artifacts.upload(
          name,
          Object.keys(filesUnder(join(dir, name))).map((f) => join(dir, name, f)),
          join(dir, name),
        );
      await runCollect(a.deps).catch((e: Error) => expect(e.message).toMatch(/below their thresholds/));
      const out = join(tmp("cli-collect-"), file);
      const cli = await infx(["collect", dir, "--kind", kind, "--out", out, ...(kind === "eval" ? ["--thresholds", thresholds] : [])], { cwd: ROOT });
      expect([0, 1]).toContain(cli.code);
      const rows = JSON.parse(readFileSync(out, "utf8")) as unknown[];
      expect(rows.length, kind).toBeGreaterThan(2);
      expect(a.outputs.rows).toBe(String(rows.length));
      expect(a.artifacts.get(artifact)![file]).toBe(readFileSync(out, "utf8"));
    }
  });
});
