// The launch scripts of runners/ in dry-run mode (INFX_DRY_RUN=1), for every
// config key of configs/ on every cluster its runner type maps to: the job's
// environment is the one .github/workflows/benchmark(-multinode)-tmpl.yml
// exports (evaluated from the workflow file), and the expected engine flags
// are computed here from the plan entry. Also: shellcheck on every script,
// GPU sets, the health wait failing with the server log, the project's map
// having a script for every node, and `infx validate` reporting a missing one.
import { execFileSync } from "node:child_process";
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { loadPlanningInputs } from "../src/config/load.js";
import { clusterOf, missingLaunchScripts } from "../src/config/launch-scripts.js";
import { testConfig } from "../src/plan/matrix.js";
import { assignIdsAndNames } from "../src/plan/policies.js";
import { isMultiNode, type MatrixEntry, type MultiNodeEntry, type SingleNodeEntry } from "../src/plan/types.js";
import { infx, ROOT } from "./support/cli.js";
import { DRY_RUN_JOB_ENV } from "./support/job-env.js";
import { interpolate } from "./support/workflow-sim.js";
import { spawnProc } from "./support/workflow-runner.js";

const wfEnv = (f: string) => (parse(readFileSync(join(ROOT, ".github/workflows", f), "utf8")) as any).jobs.benchmark.env as Record<string, string>;
const SINGLE_ENV = wfEnv("benchmark-tmpl.yml");
const MULTI_ENV = wfEnv("benchmark-multinode-tmpl.yml");
const inputs = loadPlanningInputs(["configs/nvidia-master.yaml", "configs/amd-master.yaml"], "configs/runners.yaml", { cwd: ROOT });
const WORK = mkdtempSync(join(tmpdir(), "launch-dry-"));

/** The job's environment as the workflow template exports it (plus the multi-node GPU step). */
function jobEnv(e: MatrixEntry, runnerName: string): Record<string, string> {
  const ctx = { inputs: { entry: JSON.stringify(e) }, github: { run_id: 7, run_attempt: 1 } };
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(isMultiNode(e) ? MULTI_ENV : SINGLE_ENV)) env[k] = interpolate(String(v), ctx);
  if (isMultiNode(e)) {
    env.PREFILL_GPUS = String(e.prefill["num-worker"] * e.prefill.tp);
    env.DECODE_GPUS = String(e.decode["num-worker"] * e.decode.tp);
  }
  return { ...env, RUNNER_NAME: runnerName, PATH: process.env.PATH!, HOME: WORK, INFX_DRY_RUN: "1", INFX_SERVER_PORT: "9000" };
}

async function dryRun(cluster: string, env: Record<string, string>) {
  const r = await spawnProc("bash", [join(ROOT, "runners", `launch_${cluster}.sh`)], { cwd: WORK, env });
  return { ...r, lines: r.stdout.split("\n") };
}

/** Every plan entry of every config key, one per distinct server shape (conc, lengths and names aside). */
function allEntries(): { key: string; entry: MatrixEntry }[] {
  const out: { key: string; entry: MatrixEntry }[] = [];
  for (const key of inputs.configs.keys()) {
    const seen = new Set<string>();
    for (const e of assignIdsAndNames(testConfig(inputs, { configKeys: [key] }))) {
      const { conc, "exp-name": _x, id: _i, name: _n, isl: _a, osl: _b, "max-model-len": _m, ...shape } = e as SingleNodeEntry & { conc: unknown };
      const sig = JSON.stringify(isMultiNode(e) ? { ...shape, conc } : shape);
      if (seen.has(sig)) continue;
      seen.add(sig);
      out.push({ key, entry: e });
    }
  }
  return out;
}

/** The flags a single-node entry's engine line must carry (and the ones it must not). */
function expectSingle(e: SingleNodeEntry, engine: string, text: string) {
  const { tp, ep } = e;
  const dpa = e["dp-attn"];
  const spec = e["spec-decoding"];
  switch (e.framework) {
    case "vllm":
      expect(engine).toMatch(/^.* vllm serve /);
      expect(engine).toContain(dpa ? `--tensor-parallel-size 1 --data-parallel-size ${tp}` : `--tensor-parallel-size ${tp}`);
      expect(engine.includes("--enable-expert-parallel")).toBe(ep > 1);
      expect(engine).toContain(`--max-model-len ${e["max-model-len"]}`);
      if (spec === "mtp") expect(engine).toContain(`"method":"mtp"`);
      break;
    case "sglang":
      expect(engine).toContain(`--tp ${tp} `);
      expect(engine.includes(`--ep-size ${ep}`)).toBe(ep > 1);
      expect(engine.includes(`--enable-dp-attention --dp ${tp}`)).toBe(dpa);
      expect(engine).toContain(`--context-length ${e["max-model-len"]}`);
      if (spec === "mtp") expect(engine).toContain("--speculative-algorithm EAGLE");
      break;
    case "trt":
      expect(engine).toContain(`trtllm-serve ${e.model} `);
      expect(engine).toContain(`--tp_size ${tp} --ep_size ${ep} --max_seq_len ${e["max-model-len"]}`);
      expect(text).toContain(`enable_attention_dp: ${dpa}`);
      if (spec === "mtp") expect(text).toContain("decoding_type: MTP");
      break;
    case "atom":
      expect(engine).toContain(`atom.entrypoints.openai_server --model ${e.model} `);
      expect(engine).toContain(`--tensor-parallel-size ${tp}`);
      expect(engine.includes("--enable-expert-parallel")).toBe(ep > 1);
      if (spec === "mtp") expect(engine).toContain("--method mtp --num-speculative-tokens ");
      break;
    default:
      throw new Error(`no expectation for framework ${e.framework}`);
  }
  if (spec === "none") expect(text).not.toMatch(/speculative/);
}

function expectMulti(e: MultiNodeEntry, text: string) {
  const lines = text.split("\n");
  for (const role of ["prefill", "decode"] as const) {
    const w = e[role];
    const workers = lines.filter((l) => l.includes(`--disaggregation-mode ${role}`));
    expect(workers, `${role} workers`).toHaveLength(w["num-worker"]);
    const gpus = Math.max(w.tp, w.ep);
    if (e.framework === "dynamo-trt") {
      expect(text).toContain(`cat > ${WORK}/infx-7-1-${e.id}-${role}.yaml <<'EOF'\ntensor_parallel_size: ${w.tp}\nmoe_expert_parallel_size: ${w.ep}\n`);
      for (const l of workers) expect(l).toContain(`--ntasks ${gpus} `);
    } else {
      for (const l of workers) {
        expect(l).toContain(`--tp ${w.tp} `);
        expect(l.includes(`--ep-size ${w.ep}`)).toBe(w.ep > 1);
        expect(l.includes("--enable-dp-attention")).toBe(w["dp-attn"]);
      }
    }
  }
  if (e["spec-decoding"] === "none") expect(text).not.toMatch(/speculative/);
  else expect(text).toMatch(e.framework === "dynamo-trt" ? /decoding_type: MTP/ : /--speculative-algorithm EAGLE/);
  const benches = lines.filter((l) => l.includes("infx.js bench "));
  expect(benches.map((l) => /--max-concurrency (\d+)/.exec(l)![1])).toEqual(e.conc.map(String));
  for (const c of e.conc) expect(text).toContain(`--result-filename ${e.name}_conc${c}.json`);
}

describe("launch scripts: dry run of every config key on every cluster of its runner type", () => {
  const cases = allEntries().flatMap(({ key, entry }) =>
    [...new Set((inputs.runners[entry.runner] ?? []).map(clusterOf))].map((cluster) => ({ key, entry, cluster })),
  );
  it("covers every config key", () => {
    expect(new Set(cases.map((c) => c.key))).toEqual(new Set(inputs.configs.keys()));
  });
  // Concurrent (a few bash processes at a time): each dry run is one short bash process.
  it.concurrent.for(cases.map((c) => ({ ...c, title: `${c.key} ${c.entry.name} on ${c.cluster}` })))("$title", async ({ entry, cluster }, { expect }) => {
    const node = inputs.runners[entry.runner]!.find((n) => clusterOf(n) === cluster)!;
    const r = await dryRun(cluster, jobEnv(entry, node));
    expect(r.stderr + r.stdout).not.toMatch(/unbound variable|command not found/);
    expect(r.code, r.stderr).toBe(0);
    const text = r.stdout;
    const amd = entry.runner.startsWith("mi");
    if (amd) {
      expect(text).toContain("--device /dev/kfd --device /dev/dri --group-add video");
      expect(text).toContain("HIP_VISIBLE_DEVICES=");
    } else {
      expect(text).not.toContain("/dev/kfd");
      expect(text).toMatch(/--gpus '"device=|nvidia\.com\/gpu=|--container-image /);
    }
    if (isMultiNode(entry)) return expectMulti(entry, text);
    const engine = r.lines.filter((l) => / run -d --name infx-7-1-/.test(l));
    expect(engine).toHaveLength(1);
    expectSingle(entry, engine[0]!, text);
    expect(text).toContain(`--max-concurrency ${entry.conc} `);
    expect(text).toContain(`--num-gpus ${Math.max(entry.tp, entry.ep)} `);
    expect(text).toMatch(/--request-timeout \d+ --stall-timeout \d+/);
    // A dry run runs nothing: no result, no log directory.
    expect(readdirSync(WORK).filter((f) => !f.endsWith(".yaml"))).toEqual([]);
  });
});

const base = DRY_RUN_JOB_ENV;

describe("launch scripts: recipes and cluster knobs", () => {
  it("GPU sets: a runner sharing a host gets its own GPUs, or a clear error when too few", async () => {
    const env = { ...base, RUNNER_NAME: "dockerhost_1", GPU_SETS: "dockerhost_0=0,1,2,3 dockerhost_1=4,5,6,7" };
    const ok = await dryRun("dockerhost", env);
    expect(ok.stdout).toContain(`--gpus '"device=4,5,6,7"' -e CUDA_VISIBLE_DEVICES=0,1,2,3 `);
    const bad = await dryRun("dockerhost", { ...env, TP: "8" });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/needs 8 GPUs but runner dockerhost_1 has 4 \(4,5,6,7\)/);
    const podman = await dryRun("dockerhost", { ...env, CONTAINER_RUNTIME: "podman" });
    expect(podman.stdout).toContain("podman run -d --name infx-1-1-t ");
    expect(podman.stdout).toContain("--device nvidia.com/gpu=4 --device nvidia.com/gpu=5 --device nvidia.com/gpu=6 --device nvidia.com/gpu=7 ");
  });
  it("a config key's override applies to its own jobs only (dsr1-fp8-b200-sglang-mtp)", async () => {
    const mtp = await dryRun("b200-lab", { ...base, RUNNER_NAME: "b200-lab_0", SPEC_DECODING: "mtp" });
    expect(mtp.stdout).toContain(
      "--speculative-algorithm EAGLE --speculative-num-steps 2 --speculative-eagle-topk 1 --speculative-num-draft-tokens 3 --mem-fraction-static 0.85",
    );
    const plain = await dryRun("b200-lab", { ...base, RUNNER_NAME: "b200-lab_0" });
    expect(plain.stdout).not.toMatch(/mem-fraction-static|speculative/);
    const extra = await dryRun("b200-lab", { ...base, RUNNER_NAME: "b200-lab_0", ENGINE_EXTRA_ARGS: "--chunked-prefill-size 4096" });
    expect(extra.stdout).toMatch(/--trust-remote-code --chunked-prefill-size 4096\n/);
  });
  it("draft_model needs DRAFT_MODEL and then gives each engine its draft flags", async () => {
    const none = await dryRun("h200-lab", { ...base, RUNNER_NAME: "h200-lab_0", FRAMEWORK: "vllm", SPEC_DECODING: "draft_model" });
    expect(none.code).not.toBe(0);
    expect(none.stderr).toMatch(/draft_model needs DRAFT_MODEL/);
    const v = await dryRun("h200-lab", { ...base, RUNNER_NAME: "h200-lab_0", FRAMEWORK: "vllm", SPEC_DECODING: "draft_model", DRAFT_MODEL: "d/small" });
    expect(v.stdout).toContain(`--speculative-config '{"method":"draft_model","model":"d/small","num_speculative_tokens":3}'`);
    const t = await dryRun("b200-lab", { ...base, RUNNER_NAME: "b200-lab_0", FRAMEWORK: "trt", SPEC_DECODING: "draft_model", DRAFT_MODEL: "d/small" });
    expect(t.stdout).toContain("decoding_type: Draft_Target\n  max_draft_len: 3\n  speculative_model: d/small");
    const s = await dryRun("b200-lab", { ...base, RUNNER_NAME: "b200-lab_0", SPEC_DECODING: "draft_model", DRAFT_MODEL: "d/small" });
    expect(s.stdout).toContain("--speculative-algorithm STANDALONE --speculative-draft-model-path d/small");
  });
  it("ATOM: mtp becomes --method mtp with the draft tokens; draft_model is refused unless the key's override spells it out", async () => {
    const atom = { ...base, RUNNER_NAME: "mi355x-lab_0", RUNNER_TYPE: "mi355x", FRAMEWORK: "atom", PRECISION: "fp4", TP: "8" };
    const mtp = await dryRun("mi355x-lab", { ...atom, SPEC_DECODING: "mtp" });
    expect(mtp.code, mtp.stderr).toBe(0);
    expect(mtp.stdout).toMatch(
      /atom\.entrypoints\.openai_server --model m\/x --server-port 9000 --tensor-parallel-size 8 --kv_cache_dtype fp8 --method mtp --num-speculative-tokens 3\n/,
    );
    const two = await dryRun("mi355x-lab", { ...atom, SPEC_DECODING: "mtp", SPEC_NUM_TOKENS: "2" });
    expect(two.stdout).toContain("--method mtp --num-speculative-tokens 2\n");
    const plain = await dryRun("mi355x-lab", atom);
    expect(plain.stdout).toContain("atom.entrypoints.openai_server");
    expect(plain.stdout).not.toMatch(/--method|speculative/);
    const draft = await dryRun("mi355x-lab", { ...atom, SPEC_DECODING: "draft_model", DRAFT_MODEL: "d/small" });
    expect(draft.code).not.toBe(0);
    expect(draft.stderr).toMatch(/ATOM has no plain draft-model speculative decoding \(its --method is mtp, eagle3 or dspark\)/);
    const dir = mkdtempSync(join(tmpdir(), "recipes-"));
    writeFileSync(
      join(dir, "dsr1-fp4-mi355x-atom-draft_model.sh"),
      '# shellcheck shell=bash\nif [[ "$ENGINE_STAGE" == "before" ]]; then ENGINE_SPEC_IN_OVERRIDE=1; else ENGINE_CMD+=(--method eagle3 --draft-model "$DRAFT_MODEL"); fi\n',
    );
    const eagle = await dryRun("mi355x-lab", { ...atom, SPEC_DECODING: "draft_model", DRAFT_MODEL: "d/small", INFX_RECIPES_DIR: dir });
    expect(eagle.code, eagle.stderr).toBe(0);
    expect(eagle.stdout).toContain("--kv_cache_dtype fp8 --method eagle3 --draft-model d/small\n");
  });
  it("evals: lm-eval against the same server, meta_env.json where collect reads it", async () => {
    const r = await dryRun("b200-lab", { ...base, RUNNER_NAME: "b200-lab_0", RUN_EVAL: "true", EVAL_RESULT_DIR: "eval_results" });
    expect(r.stdout).toContain(
      "lm_eval --model local-completions --model_args model=m/x,base_url=http://127.0.0.1:9000/v1/completions,num_concurrent=8,tokenized_requests=False --tasks gsm8k --output_path eval_results",
    );
    const meta = /cat > eval_results\/meta_env.json <<'EOF'\n([\s\S]*?)\nEOF/.exec(r.stdout)![1]!;
    expect(JSON.parse(meta)).toMatchObject({ hw: "b200", framework: "sglang", precision: "fp8", tp: 4, ep: 1, conc: 8, spec_decoding: "none" });
  });
  it("a multi-node entry on a Docker-only cluster is refused with the reason", async () => {
    const r = await dryRun("b200-lab", {
      ...base,
      RUNNER_NAME: "b200-lab_0",
      IS_MULTINODE: "true",
      CONC_LIST: "4",
      PREFILL_NUM_WORKERS: "1",
      PREFILL_TP: "4",
      DECODE_NUM_WORKERS: "1",
      DECODE_TP: "4",
    });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/multi-node entries need several hosts/);
  });
  it("the server exiting before it is ready fails the job with the last lines of its log", async () => {
    const bin = mkdtempSync(join(tmpdir(), "fake-docker-"));
    writeFileSync(
      join(bin, "docker"),
      `#!/usr/bin/env bash\ncase "$1" in run) echo cid ;; inspect) echo false ;; logs) echo "torch.OutOfMemoryError: CUDA out of memory" ;; esac\n`,
    );
    chmodSync(join(bin, "docker"), 0o755);
    const cwd = mkdtempSync(join(tmpdir(), "job-"));
    const r = await spawnProc("bash", [join(ROOT, "runners/launch_dockerhost.sh")], {
      cwd,
      env: { ...base, INFX_DRY_RUN: "0", RUNNER_NAME: "dockerhost_0", RUNNER_TEMP: cwd, PATH: `${bin}:${process.env.PATH}` },
    });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/server exited before it was ready; last lines of its log:\ntorch.OutOfMemoryError: CUDA out of memory/);
    expect(readFileSync(join(cwd, "server_logs/server.log"), "utf8")).toMatch(/CUDA out of memory/);
  });
  it("a server that never gets ready fails after INFX_HEALTH_TIMEOUT with its log", async () => {
    const bin = mkdtempSync(join(tmpdir(), "fake-docker-"));
    writeFileSync(join(bin, "docker"), `#!/usr/bin/env bash\ncase "$1" in run) echo cid ;; inspect) echo true ;; logs) echo "loading weights 3/163" ;; esac\n`);
    chmodSync(join(bin, "docker"), 0o755);
    const cwd = mkdtempSync(join(tmpdir(), "job-"));
    const r = await spawnProc("bash", [join(ROOT, "runners/launch_dockerhost.sh")], {
      cwd,
      env: {
        ...base,
        INFX_DRY_RUN: "0",
        INFX_HEALTH_TIMEOUT: "0",
        INFX_SERVER_PORT: "1",
        RUNNER_NAME: "dockerhost_0",
        RUNNER_TEMP: cwd,
        PATH: `${bin}:${process.env.PATH}`,
      },
    });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/server not ready after 0s \(INFX_HEALTH_TIMEOUT\); last lines of its log:\nloading weights 3\/163/);
  });
});

describe("launch scripts: the names match", () => {
  it("every node of configs/runners.yaml has its cluster's executable launch script", () => {
    expect(missingLaunchScripts(inputs.runners, join(ROOT, "runners"))).toEqual([]);
  });
  it("infx validate reports a node whose cluster has no script", async () => {
    const dir = mkdtempSync(join(tmpdir(), "validate-"));
    cpSync(join(ROOT, "configs"), join(dir, "configs"), { recursive: true });
    mkdirSync(join(dir, "runners"));
    for (const f of readdirSync(join(ROOT, "runners")).filter((f) => f.startsWith("launch_") && f !== "launch_gb200-rack.sh"))
      cpSync(join(ROOT, "runners", f), join(dir, "runners", f));
    chmodSync(join(dir, "runners/launch_h100-lab.sh"), 0o644);
    const r = await infx(["validate", "--no-changelog"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      "configs/runners.yaml: node gb200-rack_0 (runner type gb200): no launch script runners/launch_gb200-rack.sh; copy runners/launch_dockerhost.sh or runners/launch_slurm.sh",
    );
    expect(r.stderr).toContain("runners/launch_h100-lab.sh is not executable; run chmod +x runners/launch_h100-lab.sh");
  });
});

describe("shellcheck", () => {
  // Each file on its own (--norc: not following `.` into runners/lib for every
  // launch script, which is 6x slower); .ci/run runs the full check with
  // runners/.shellcheckrc, which follows the sources.
  it("passes on every script in runners/", () => {
    const files = ["", "lib", "recipes"].flatMap((d) =>
      readdirSync(join(ROOT, "runners", d))
        .filter((f) => f.endsWith(".sh"))
        .map((f) => join("runners", d, f)),
    );
    expect(files.length).toBeGreaterThan(10);
    let out = "";
    try {
      out = execFileSync("shellcheck", ["--norc", "--exclude", "SC1091", ...files], { cwd: ROOT, encoding: "utf8" });
    } catch (e) {
      const err = e as { code?: string; stdout?: string };
      if (err.code === "ENOENT") throw new Error("shellcheck is not installed: apt-get install -y shellcheck");
      throw new Error(`shellcheck found problems:\n${err.stdout}`);
    }
    expect(out).toBe("");
  });
});

describe("launch scripts: Slurm single-node", () => {
  it("one node through salloc, the engine in the entry's container, the client from the login node", async () => {
    const r = await dryRun("slurm", { ...base, RUNNER_NAME: "slurm_0", FRAMEWORK: "vllm", TP: "8", SLURM_PARTITION: "h200" });
    expect(r.code, r.stderr).toBe(0);
    expect(r.lines[0]).toBe("salloc --no-shell --job-name infx-1-1-t --partition h200 --nodes 1 --gpus-per-node 8 --exclusive --time 04:00:00");
    expect(r.stdout).toMatch(
      /^srun --jobid JOBID --overlap --nodes 1 --nodelist node1 --ntasks 1 --ntasks-per-node 1 --export=PATH,HOME --container-image img .* vllm serve m\/x .*--tensor-parallel-size 8 > server_logs\/server.log 2>&1 &$/m,
    );
    expect(r.stdout).toContain("bench --base-url http://node1:9000 ");
    const dyn = await dryRun("slurm", { ...base, RUNNER_NAME: "slurm_0", FRAMEWORK: "dynamo-trt", TP: "4" });
    expect(dyn.stdout).toContain("python3 -m dynamo.frontend --http-port 9000");
    expect(dyn.stdout).toMatch(/--ntasks 4 --ntasks-per-node 4 .* --disaggregation-mode prefill_and_decode /);
  });
});
