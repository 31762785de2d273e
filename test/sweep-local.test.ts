import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startSimServer, type SimOptions, type SimServer } from "../src/sim/server.js";
import { jobEnv, simFor, sweepJobs } from "../src/bench/local-sweep.js";
import type { SingleNodeEntry } from "../src/plan/types.js";
import { bufferIo } from "../src/cli/io.js";
import { runCli } from "../src/cli/main.js";
import { loadPlanningInputs } from "../src/config/load.js";
import { CONFIG_ARGS, CONFIGS, infx, ROOT } from "./support/cli.js";

const tmp = () => mkdtempSync(join(tmpdir(), "infx-sweep-"));
const ref = CONFIG_ARGS;
const readJson = (f: string) => JSON.parse(readFileSync(f, "utf8"));

let sim: SimServer | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe("infx sweep --local", () => {
  it("default matrix: benchmarks every job against serve-sim, processes, collects and summarizes", async () => {
    const out = tmp();
    const r = await infx(["sweep", "--local", ...ref, "--out-dir", out]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const inputs = loadPlanningInputs(
      ["nvidia-master.yaml", "amd-master.yaml"].map((f) => join(CONFIGS, f)),
      join(CONFIGS, "runners.yaml"),
    );
    const [k1, k2] = [...inputs.configs].filter(([, c]) => !c.multinode).map(([k]) => k);
    const head = r.stdout.match(/^infx sweep: (\d+) jobs \(default: config keys (\S+), (\S+), 1k1k, conc 1 and 4\)/);
    expect(head?.slice(2), r.stdout).toEqual([k1, k2]);
    const jobs = Number(head![1]);
    expect(jobs).toBeGreaterThanOrEqual(4); // both keys at both concurrencies
    expect(jobs).toBeLessThanOrEqual(8);
    expect(r.stdout).toContain(`Outputs in ${out}:`);
    expect(r.stdout).toContain(join(out, "agg_bmk.json"));
    const rows = readJson(join(out, "agg_bmk.json")) as Record<string, unknown>[];
    expect(rows).toHaveLength(jobs);
    expect(new Set(rows.map((x) => x.conc))).toEqual(new Set([1, 4]));
    for (const row of rows) {
      expect(row).toMatchObject({
        infmax_model_prefix: inputs.configs.get(k1)!["model-prefix"],
        isl: 16,
        osl: 16,
        is_multinode: false,
        precision: inputs.configs.get(k1)!.precision,
      });
      expect(row.tput_per_gpu as number).toBeGreaterThan(0);
      expect(typeof row.median_e2el).toBe("number");
    }
    const raws = readdirSync(join(out, "raw"));
    expect(raws).toHaveLength(jobs);
    expect(readdirSync(join(out, "agg")).sort()).toEqual(raws.map((f) => `agg_${f}`).sort());
    // The benchmark client's keys (test/fixtures/raw/README.md); test/parity/raw-result-keys.test.ts checks them against the reference's.
    const refKeys = Object.keys(readJson(join(ROOT, "test/fixtures/raw/sim_conc1.json")));
    const raw = readJson(join(out, "raw", raws[0]!));
    for (const k of refKeys) expect(raw).toHaveProperty([k]);
    const md = readFileSync(join(out, "summary.md"), "utf8");
    expect(md).toContain("# Local sweep");
    expect(md).toContain(`Jobs: ${jobs}, ok: ${jobs}, failed: 0`);
    expect(md).toContain("Single-node results");
    expect(md).toContain("xychart-beta");
  });

  it("the README's main command (project configs, built-in default) finishes well under a minute and says where the outputs are", async () => {
    const out = tmp();
    const t = Date.now();
    const r = await infx(["sweep", "--local", "--out-dir", out]);
    expect(r.code).toBe(0);
    expect(Date.now() - t).toBeLessThan(60_000);
    expect(r.stdout).toMatch(/\(default: config keys /);
    expect(r.stdout).toContain(join(out, "summary.md"));
    const rows = readJson(join(out, "agg_bmk.json"));
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.length).toBeLessThanOrEqual(8);
  });

  it("draws one progress bar over the whole sweep on a terminal", async () => {
    const io = bufferIo({ cwd: ROOT, isTTY: true });
    expect(await runCli(["sweep", "--local", ...ref, "--config-keys", "dsr1-fp8-b200-sglang", "--conc", "2", "--limit", "1", "--out-dir", tmp()], io)).toBe(0);
    expect(io.stderr()).toMatch(/\[#*\.*\] \d+\/8 requests, [\d.]+ req\/s, job 1\/1, ETA \d+s: dsr1/);
  });

  it("multi-node config keys: one job per concurrency, rows with the multi-node contract", async () => {
    const out = tmp();
    const r = await infx(["sweep", "--local", ...ref, "--config-keys", "dsr1-fp4-gb200-dynamo-trt", "--conc", "2", "4", "--limit", "2", "--out-dir", out]);
    expect(r.code).toBe(0);
    const rows = readJson(join(out, "agg_bmk.json"));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ is_multinode: true, disagg: true, spec_decoding: "mtp", conc: 2, prefill_tp: 4, decode_tp: 8, decode_num_workers: 4 });
    expect(rows[1].conc).toBe(4);
    expect(rows[0].num_decode_gpu).toBe(32); // 4 decode workers x TP8
  });

  it("against a real server (--base-url): a job above the failure rate fails with the reason, the others still land", async () => {
    sim = await startSimServer({ decodeStepMs: 1, fault: (n) => (n < 4 ? "http-500" : undefined) });
    const out = tmp();
    const r = await infx([
      "sweep",
      "--local",
      ...ref,
      "--config-keys",
      "dsr1-fp8-b200-sglang",
      "--conc",
      "1",
      "--limit",
      "2",
      "--base-url",
      sim.url,
      "--gpus",
      "8",
      "--scale",
      "64",
      "--model",
      "m",
      "--out-dir",
      out,
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/\[1\/2\] .*: failed .* - 4 of 4 requests failed \(4 x http-error: HTTP 500/);
    expect(r.stdout).toMatch(/\[2\/2\] .*: ok/);
    expect(readJson(join(out, "agg_bmk.json"))).toHaveLength(1);
    expect(readFileSync(join(out, "summary.md"), "utf8")).toMatch(/\| failed \| .* \| 4 of 4 requests failed/);
    expect(existsSync(join(out, "raw"))).toBe(true);
    expect(sim.truth.every((t) => t.promptTokens === 16)).toBe(true);
  });

  it("rejects bad command lines with what is allowed", async () => {
    expect((await infx(["sweep"])).stderr).toMatch(/add --local/);
    expect((await infx(["sweep", "--local", ...ref, "--conc", "4"])).stderr).toMatch(/--conc needs --config-keys/);
    expect((await infx(["sweep", "--local", ...ref, "--config-keys", "x", "--max-conc", "4"])).code).toBe(2);
    const typo = await infx(["sweep", "--local", ...ref, "--config-keys", "dsr1-fp8-b200-sglan"]);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toMatch(/did you mean 'dsr1-fp8-b200-sglang'/);
    const empty = await infx(["sweep", "--local", ...ref, "--model-prefix", "dsr1", "--max-tp", "0"]);
    expect(empty.stderr).toMatch(/the matrix is empty/);
  });
});

describe("sweep jobs", () => {
  const e: SingleNodeEntry = {
    image: "img",
    model: "org/m",
    "model-prefix": "gptoss",
    precision: "fp4",
    framework: "vllm",
    runner: "h200",
    isl: 1024,
    osl: 8192,
    tp: 2,
    conc: 8,
    "max-model-len": 9416,
    ep: 1,
    "dp-attn": false,
    "spec-decoding": "none",
    "exp-name": "gptoss_1k8k",
    disagg: false,
    "run-eval": false,
  };
  it("scales lengths (never below 8 in / 4 out), sizes prompts by conc, and names jobs uniquely", () => {
    const [a, b] = sweepJobs([e, e], 64, 3);
    expect(a).toMatchObject({ isl: 16, osl: 128, numPrompts: 24, conc: 8 });
    expect(b!.name).toBe(a!.name + "_2");
    expect(sweepJobs([{ ...e, isl: 100, osl: 10 }], 64, 1)[0]).toMatchObject({ isl: 8, osl: 4 });
    expect(sweepJobs([e], 1, 1)[0]).toMatchObject({ isl: 1024, osl: 8192 });
  });
  it("serve-sim per job: a decode step grows with the batch (the report then draws a trade-off), and more GPUs step faster", () => {
    // serve-sim's iteration time for a batch of decoding requests (src/sim/server.ts): step + growth x batch.
    const stepMs = (o: SimOptions, batch: number) => o.decodeStepMs! + o.stepGrowthMs! * batch;
    const tp2 = simFor(sweepJobs([e], 64, 1)[0]!);
    const tp8 = simFor(sweepJobs([{ ...e, tp: 8 }], 64, 1)[0]!);
    expect(stepMs(tp2, 4) / stepMs(tp2, 1), "conc 4 vs 1 (the README's default sweep)").toBeGreaterThan(1.25);
    expect(stepMs(tp2, 64) / stepMs(tp2, 1)).toBeGreaterThan(4);
    expect(stepMs(tp8, 1)).toBeLessThan(stepMs(tp2, 1));
    expect(simFor(sweepJobs([{ ...e, "spec-decoding": "mtp" }], 64, 1)[0]!).tokensPerChunk).toBe(2);
  });
  it("exports the workflow's environment contract for process-result", () => {
    const env = jobEnv(sweepJobs([e], 64, 1)[0]!);
    expect(env).toMatchObject({
      RUNNER_TYPE: "h200",
      FRAMEWORK: "vllm",
      PRECISION: "fp4",
      TP: "2",
      EP_SIZE: "1",
      DP_ATTENTION: "false",
      ISL: "16",
      OSL: "128",
      IS_MULTINODE: "false",
      DISAGG: "false",
      MODEL_PREFIX: "gptoss",
    });
  });
});
