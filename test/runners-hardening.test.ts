// Runners a PR cannot poison (issue #15, docs/security.md): the launch
// scripts' exact container command lines in dry-run mode (INFX_DRY_RUN=1) —
// the image by digest, the model cache read-only for the engine with a
// separate download step, an explicit environment without the job's secrets,
// the container removed on exit — and, with a fake `docker` on PATH, what a
// real run does to stale outputs and the container.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { ROOT } from "./support/cli.js";
import { DRY_RUN_JOB_ENV } from "./support/job-env.js";
import { interpolate } from "./support/workflow-sim.js";
import { spawnProc } from "./support/workflow-runner.js";

const DIGEST = `sha256:${"ab".repeat(32)}`;
const base = {
  ...DRY_RUN_JOB_ENV,
  IMAGE: "lmsysorg/sglang:v0.5.5",
  // What a runner's environment may hold: none of it may reach the engine.
  GITHUB_TOKEN: "ghs_job_token",
  ACTIONS_RUNTIME_TOKEN: "runtime-token",
  HF_TOKEN: "hf_secret",
};

async function launch(cluster: string, env: Record<string, string>, cwd = mkdtempSync(join(tmpdir(), "harden-"))) {
  const r = await spawnProc("bash", [join(ROOT, "runners", `launch_${cluster}.sh`)], { cwd, env });
  return { ...r, cwd, lines: r.stdout.split("\n").filter(Boolean) };
}
const docker = (env: Record<string, string> = {}, cwd?: string) => launch("dockerhost", { ...base, RUNNER_NAME: "dockerhost_0", ...env }, cwd);
const slurm = (env: Record<string, string> = {}) => launch("slurm", { ...base, RUNNER_NAME: "slurm_0", ...env });

describe("docker: image by digest, read-only cache, explicit environment, removed on exit", () => {
  it("runs name@digest with the cache and workspace read-only and only the engine's variables", async () => {
    const r = await docker({ IMAGE_DIGEST: DIGEST });
    expect(r.code, r.stderr).toBe(0);
    const engine = r.lines.filter((l) => l.startsWith("docker run -d "));
    expect(engine).toHaveLength(1);
    const e = engine[0]!;
    expect(e).toContain(` --pull missing `);
    expect(e).toContain(` lmsysorg/sglang@${DIGEST} python3 -m sglang.launch_server `);
    expect(e).not.toContain("v0.5.5");
    expect(e).toContain(" -v /data/hf-cache:/root/.cache/huggingface:ro ");
    expect(e).toContain(` -v ${r.cwd}:${r.cwd}:ro -w ${r.cwd} `);
    // The environment is exactly the allow-list: every -e of the engine line.
    expect([...e.matchAll(/ -e (\S+)/g)].map((m) => m[1])).toEqual([
      "CUDA_VISIBLE_DEVICES=0,1,2,3",
      "HF_HUB_OFFLINE=1",
      "TRANSFORMERS_OFFLINE=1",
      "HF_MODULES_CACHE=/tmp/infx-hf-modules",
    ]);
    expect(r.stdout).not.toMatch(/GITHUB_TOKEN|ACTIONS_RUNTIME_TOKEN|ghs_job_token|hf_secret/);
  });

  it("downloads the model first, in its own container: cache writable, HF_TOKEN by name, removed when done", async () => {
    const r = await docker({ IMAGE_DIGEST: DIGEST });
    const i = r.lines.findIndex((l) => l.includes("--name infx-1-1-t-download"));
    expect(i).toBeGreaterThanOrEqual(0);
    expect(i).toBeLessThan(r.lines.findIndex((l) => l.startsWith("docker run -d ")));
    expect(r.lines[i]).toBe(
      `docker run --rm --name infx-1-1-t-download --label infx.job=infx-1-1-t --label infx.runner=dockerhost_0 --pull missing ` +
        `-v /data/hf-cache:/root/.cache/huggingface -e HF_TOKEN --entrypoint python3 lmsysorg/sglang@${DIGEST} ` +
        `-c 'import sys; from huggingface_hub import snapshot_download; [snapshot_download(repo_id=m) for m in sys.argv[1:]]' m/x`,
    );
    const draft = await docker({ IMAGE_DIGEST: DIGEST, SPEC_DECODING: "draft_model", DRAFT_MODEL: "d/small", HF_TOKEN: "" });
    const dl = draft.lines.find((l) => l.includes("-download"))!;
    expect(dl).toMatch(/ m\/x d\/small$/);
    expect(dl).not.toContain("HF_TOKEN");
    const local = await docker({ IMAGE_DIGEST: DIGEST, MODEL: "/models/x" });
    expect(local.stdout).not.toContain("-download");
  });

  it("INFX_MODEL_DOWNLOAD=0 (pre-filled cache): no download step, HF_TOKEN reaches no container", async () => {
    const r = await docker({ IMAGE_DIGEST: DIGEST, INFX_MODEL_DOWNLOAD: "0" });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toContain("-download");
    expect(r.stdout).not.toContain("HF_TOKEN");
  });

  it("removes the container when the script ends (the exit trap), last", async () => {
    const r = await docker({ IMAGE_DIGEST: DIGEST });
    expect(r.lines.at(-1)).toBe("docker rm -f infx-1-1-t");
  });

  it("an image in the config already @sha256: runs as name@digest, without its tag", async () => {
    const r = await docker({ IMAGE: `nvcr.io/nvidia/sglang:25.10@${DIGEST}` });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(` nvcr.io/nvidia/sglang@${DIGEST} python3 `);
    expect(r.stderr).not.toContain("runs by tag");
  });

  it("without a digest: pulled fresh by tag with a warning; refused with INFX_REQUIRE_DIGEST=1", async () => {
    const r = await docker();
    expect(r.code, r.stderr).toBe(0);
    expect(r.lines.find((l) => l.startsWith("docker run -d "))).toContain(" --pull always ");
    expect(r.stderr).toContain("warning: IMAGE lmsysorg/sglang:v0.5.5 runs by tag (the plan gave no IMAGE_DIGEST)");
    const strict = await docker({ INFX_REQUIRE_DIGEST: "1" });
    expect(strict.code).not.toBe(0);
    expect(strict.stdout).toBe("");
    expect(strict.stderr).toMatch(/IMAGE lmsysorg\/sglang:v0.5.5 has no digest and INFX_REQUIRE_DIGEST=1: plan with resolve-digests/);
  });

  it("refuses a malformed digest, or one that contradicts the image's", async () => {
    const bad = await docker({ IMAGE_DIGEST: "sha256:xyz" });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/image digest 'sha256:xyz' is not sha256:<64 hex>/);
    const other = await docker({ IMAGE: `img@sha256:${"cd".repeat(32)}`, IMAGE_DIGEST: DIGEST });
    expect(other.code).not.toBe(0);
    expect(other.stderr).toMatch(/name different digests/);
  });

  it("a recipe that hands the engine a credential or a runner variable is refused", async () => {
    const dir = mkdtempSync(join(tmpdir(), "recipes-"));
    for (const [i, v] of ["GITHUB_TOKEN=$GITHUB_TOKEN", "ACTIONS_ID_TOKEN_REQUEST_URL=x", "MY_SECRET=1"].entries()) {
      writeFileSync(join(dir, "dsr1-fp8-b200-sglang.sh"), `# shellcheck shell=bash\nENGINE_ENV+=("${v}")\n`);
      const r = await docker({ IMAGE_DIGEST: DIGEST, INFX_RECIPES_DIR: dir });
      expect(r.code, `case ${i}`).not.toBe(0);
      expect(r.stderr).toMatch(/the recipe passes \w+ to the engine; secrets and runner variables never reach it/);
      expect(r.stdout).not.toContain("docker run -d");
    }
    writeFileSync(join(dir, "dsr1-fp8-b200-sglang.sh"), `# shellcheck shell=bash\nENGINE_ENV+=("SGLANG_ALLOW_OVERWRITE_LONGER_CONTEXT_LEN=1")\n`);
    const ok = await docker({ IMAGE_DIGEST: DIGEST, INFX_RECIPES_DIR: dir });
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain(" -e SGLANG_ALLOW_OVERWRITE_LONGER_CONTEXT_LEN=1 ");
  });

  it("the benchmark template's IMAGE_DIGEST comes from the plan entry's image-digest", () => {
    for (const f of ["benchmark-tmpl.yml", "benchmark-multinode-tmpl.yml", "benchmark-agentic-tmpl.yml"]) {
      const env = (parse(readFileSync(join(ROOT, ".github/workflows", f), "utf8")) as any).jobs.benchmark.env as Record<string, string>;
      expect(interpolate(env.IMAGE_DIGEST!, { inputs: { entry: JSON.stringify({ image: "i:1", "image-digest": DIGEST }) } }), f).toBe(DIGEST);
      expect(interpolate(env.IMAGE_DIGEST!, { inputs: { entry: JSON.stringify({ image: "i:1" }) } }), f).toBe("");
    }
  });
});

describe("outputs are the job's own", () => {
  it("refuses a results directory or result file that is a symlink (nothing runs)", async () => {
    for (const p of ["server_logs", "eval_results", "demo.json"]) {
      const cwd = mkdtempSync(join(tmpdir(), "harden-"));
      symlinkSync("/etc", join(cwd, p));
      const r = await docker({ IMAGE_DIGEST: DIGEST }, cwd);
      expect(r.code, p).not.toBe(0);
      expect(r.stderr).toContain(`${p} is a symlink (left by an earlier job?); refusing`);
      expect(r.stdout).toBe("");
    }
  });

  it("refuses output paths outside the working directory (they would be emptied)", async () => {
    for (const [k, v] of [
      ["SERVER_LOG_DIR", "/etc"],
      ["EVAL_RESULT_DIR", "../x"],
      ["SERVER_LOG_DIR", "."],
      ["RESULT_FILENAME", "a/../../b"],
    ]) {
      const r = await docker({ IMAGE_DIGEST: DIGEST, [k!]: v! });
      expect(r.code, `${k}=${v}`).not.toBe(0);
      expect(r.stderr).toContain(`'${v}' (SERVER_LOG_DIR, EVAL_RESULT_DIR or RESULT_FILENAME) must be a path inside the working directory`);
    }
  });

  it("a real run empties what a crashed job left, and removes its container on exit", async () => {
    const bin = mkdtempSync(join(tmpdir(), "fake-docker-"));
    const calls = join(bin, "calls");
    // The server exits at once: the job fails, and the exit trap must still save the log and remove the container.
    writeFileSync(
      join(bin, "docker"),
      `#!/usr/bin/env bash\nprintf '%s\\n' "$*" >> ${calls}\ncase "$1" in run) echo cid ;; inspect) echo false ;; logs) echo "server died" ;; esac\n`,
    );
    chmodSync(join(bin, "docker"), 0o755);
    const cwd = mkdtempSync(join(tmpdir(), "job-"));
    mkdirSync(join(cwd, "server_logs"));
    writeFileSync(join(cwd, "server_logs/stale.log"), "old");
    writeFileSync(join(cwd, "demo.json"), "{}");
    const r = await docker({ IMAGE_DIGEST: DIGEST, INFX_DRY_RUN: "0", RUNNER_TEMP: cwd, PATH: `${bin}:${process.env.PATH}` }, cwd);
    expect(r.code).not.toBe(0);
    expect(existsSync(join(cwd, "demo.json"))).toBe(false);
    expect(existsSync(join(cwd, "server_logs/stale.log"))).toBe(false);
    expect(readFileSync(join(cwd, "server_logs/server.log"), "utf8")).toBe("server died\n");
    const log = readFileSync(calls, "utf8").trim().split("\n");
    expect(log[0]).toMatch(/^run --rm --name infx-1-1-t-download /);
    expect(log[1]).toMatch(new RegExp(`^run -d --name infx-1-1-t .* lmsysorg/sglang@${DIGEST} `));
    expect(log.at(-1)).toBe("rm -f infx-1-1-t");
  });
});

describe("slurm: the same rules through srun", () => {
  it("pyxis: name@digest, --export allow-list, cache and workspace read-only; the download step writable with HF_TOKEN", async () => {
    const r = await slurm({ IMAGE_DIGEST: DIGEST, FRAMEWORK: "vllm", TP: "8" });
    expect(r.code, r.stderr).toBe(0);
    const [dl, server] = r.lines.filter((l) => l.startsWith("srun "));
    expect(dl).toBe(
      `srun --jobid JOBID --overlap --nodes 1 --ntasks-per-node 1 --export=PATH,HOME,HF_TOKEN --container-image lmsysorg/sglang@${DIGEST} ` +
        `--container-mounts /data/hf-cache:/root/.cache/huggingface --container-workdir /tmp ` +
        `python3 -c 'import sys; from huggingface_hub import snapshot_download; [snapshot_download(repo_id=m) for m in sys.argv[1:]]' m/x`,
    );
    expect(server).toContain(
      `--ntasks-per-node 1 --export=PATH,HOME --container-image lmsysorg/sglang@${DIGEST} ` +
        `--container-mounts ${r.cwd}:${r.cwd}:ro,/data/hf-cache:/root/.cache/huggingface:ro --container-workdir ${r.cwd} ` +
        `env HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 HF_MODULES_CACHE=/tmp/infx-hf-modules vllm serve m/x `,
    );
    expect(server).not.toMatch(/TOKEN/);
  });

  it("docker on the nodes: --pull by digest, read-only cache, no HF_TOKEN in engine steps", async () => {
    const r = await slurm({ IMAGE_DIGEST: DIGEST, SLURM_CONTAINER: "docker", GPU_VENDOR: "amd", HF_TOKEN: "" });
    expect(r.code, r.stderr).toBe(0);
    const [dl, server] = r.lines.filter((l) => l.startsWith("srun "));
    expect(dl).toContain(`--export=PATH,HOME docker run --rm --name infx-1-1-t-download `);
    expect(dl).toContain(` -v /data/hf-cache:/root/.cache/huggingface -e ETCD_ENDPOINTS `);
    expect(dl).not.toContain("/dev/kfd");
    expect(server).toContain(`--export=PATH,HOME docker run --rm --name infx-1-1-t-server --label infx.job=infx-1-1-t --pull missing --device /dev/kfd`);
    expect(server).toContain(
      ` -v /data/hf-cache:/root/.cache/huggingface:ro -e ETCD_ENDPOINTS -e NATS_SERVER -e SLURM_PROCID lmsysorg/sglang@${DIGEST} env HF_HUB_OFFLINE=1 `,
    );
    expect(r.stdout).not.toContain("HF_TOKEN");
  });
});
