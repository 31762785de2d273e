import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadBaseline, promptsForConc, runMultiConc } from "../src/bench/multi.js";
import type { BenchOptions } from "../src/bench/run.js";
import { startSimServer, type SimServer } from "../src/sim/server.js";
import { bufferIo } from "../src/cli/io.js";
import { runCli } from "../src/cli/main.js";
import { infx } from "./support/cli.js";

let sim: SimServer | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});
const tmp = () => mkdtempSync(join(tmpdir(), "infx-multi-"));

describe("prompts per concurrency", () => {
  it("x10 by default, seed 003's preset (x20 at OSL 8192, else x50), or an explicit factor", () => {
    expect(promptsForConc(16, 1024, "x10")).toBe(160);
    expect(promptsForConc(16, 8192, "seed003")).toBe(320);
    expect(promptsForConc(16, 1024, "seed003")).toBe(800);
    expect(promptsForConc(16, 1024, "seed003", 3)).toBe(48);
  });
});

describe("infx bench --conc", () => {
  it("runs each concurrency, saves one file per point and summary.txt, with baseline ratios", async () => {
    sim = await startSimServer({ decodeStepMs: 2 });
    const dir = tmp();
    const baseline = join(dir, "baseline.json");
    writeFileSync(baseline, JSON.stringify({ "1": { median_e2el_ms: 1000, tput_per_gpu: 10 }, "2": { median_e2el_ms: 2000, tput_per_gpu: 20 } }));
    const batch = join(dir, "batch");
    const r = await infx(
      [
        "bench",
        "--base-url",
        sim.url,
        "--model",
        "m",
        "--random-input-len",
        "16",
        "--random-output-len",
        "4",
        "--ignore-eos",
        "--conc",
        "1,2,4",
        "--prompts-per-conc",
        "2",
        "--percentile-metrics",
        "ttft,tpot,itl,e2el",
        "--num-gpus",
        "2",
        "--batch-dir",
        batch,
        "--baseline",
        "baseline.json",
      ],
      { cwd: dir },
    );
    expect(r.stderr).toContain("no point for concurrency 4");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\[1\/3\] CONC=1: PASSED/);
    expect(r.stdout).toMatch(/\[3\/3\] CONC=4: PASSED/);
    expect(readdirSync(batch).sort()).toEqual(["result_isl16_osl4_conc1.json", "result_isl16_osl4_conc2.json", "result_isl16_osl4_conc4.json", "summary.txt"]);
    const p2 = JSON.parse(readFileSync(join(batch, "result_isl16_osl4_conc2.json"), "utf8"));
    expect(p2.num_prompts).toBe(4);
    expect(p2.max_concurrency).toBe(2);
    expect(p2.tput_per_gpu).toBeCloseTo(p2.total_token_throughput / 2, 9);
    expect(p2.tput_per_gpu_ratio_vs_baseline).toBeCloseTo(p2.tput_per_gpu / 20, 9);
    expect(p2.median_e2e_ratio_vs_baseline).toBeCloseTo(p2.median_e2el_ms / 2000, 9);
    expect(p2.benchmark_args).toMatchObject({ random_input_len: 16, random_output_len: 4, max_concurrency: 2, num_prompts: 4 });
    const p4 = JSON.parse(readFileSync(join(batch, "result_isl16_osl4_conc4.json"), "utf8"));
    expect(p4.tput_per_gpu_ratio_vs_baseline).toBeUndefined();
    const summary = readFileSync(join(batch, "summary.txt"), "utf8");
    expect(summary).toMatch(/\[2\/3\] ISL=16 OSL=4 CONC=2: PASSED \(\d+s\).*tput_ratio=\d/);
    expect(summary).toContain("Total tests: 3\nPassed: 3\nFailed: 0\n");
    expect(summary).toContain(`Results saved in: ${batch}/`);

    // The batch directory itself works as a baseline for the next run.
    const again = loadBaseline(batch);
    expect([...again.keys()].sort()).toEqual([1, 2, 4]);
    expect(again.get(2)!.median_e2el_ms).toBe(p2.median_e2el_ms);
  });

  it("an interruption keeps finished points and marks the rest unfinished", async () => {
    sim = await startSimServer({ decodeStepMs: 5 });
    const dir = tmp();
    const ac = new AbortController();
    const bench: Omit<BenchOptions, "numPrompts" | "maxConcurrency" | "onProgress" | "signal"> = {
      baseUrl: sim.url,
      endpoint: "/v1/completions",
      model: "m",
      backend: "vllm",
      inputLen: 16,
      outputLen: 20,
      rangeRatio: 1,
      requestRate: Infinity,
      burstiness: 1,
      ignoreEos: true,
      numWarmups: 0,
      seed: 0,
      vocabSize: 100,
      percentileMetrics: ["ttft", "tpot", "itl", "e2el"],
      metricPercentiles: [99],
      stallTimeout: 5,
      requestTimeout: 0,
    };
    const r = await runMultiConc({
      bench,
      concs: [1, 2, 4],
      preset: "x10",
      promptsPerConc: 2,
      batchDir: dir,
      numGpus: 1,
      maxFailureRate: 0.05,
      signal: ac.signal,
      onProgress: (conc, p) => {
        if (conc === 2 && p.done >= 1) ac.abort();
      },
    });
    expect(r.interrupted).toBe(true);
    expect(r.points.map((p) => p.status)).toEqual(["PASSED", "INTERRUPTED", "NOT RUN"]);
    expect(existsSync(join(dir, "result_isl16_osl20_conc1.json"))).toBe(true);
    expect(existsSync(join(dir, "result_isl16_osl20_conc2.json"))).toBe(false);
    const summary = readFileSync(r.summaryPath, "utf8");
    expect(summary).toMatch(/CONC=1: PASSED/);
    expect(summary).toMatch(/CONC=2: INTERRUPTED/);
    expect(summary).toMatch(/CONC=4: NOT RUN/);
    expect(summary).toContain("Multi-Concurrency Test Interrupted!");
    expect(summary).toContain("Unfinished: 2");
  });

  it("Ctrl-C during a run (the CLI) exits 130 with the finished points saved", async () => {
    sim = await startSimServer({ decodeStepMs: 10 });
    const dir = tmp();
    const io = bufferIo({ cwd: dir });
    const running = runCli(
      [
        "bench",
        "--base-url",
        sim.url,
        "--model",
        "m",
        "--random-input-len",
        "8",
        "--random-output-len",
        "30",
        "--ignore-eos",
        "--conc",
        "1,2",
        "--prompts-per-conc",
        "2",
        "--batch-dir",
        "b",
      ],
      io,
    );
    for (let i = 0; i < 500 && !io.stdout().includes("[1/2]"); i++) await new Promise((r) => setTimeout(r, 10));
    expect(io.stdout()).toMatch(/\[1\/2\] CONC=1: PASSED/);
    process.emit("SIGINT", "SIGINT");
    expect(await running).toBe(130);
    expect(io.stderr()).toContain("interrupted");
    expect(readdirSync(join(dir, "b")).sort()).toEqual(["result_isl8_osl30_conc1.json", "summary.txt"]);
    expect(readFileSync(join(dir, "b", "summary.txt"), "utf8")).toMatch(/CONC=2: INTERRUPTED/);
  });

  it("a point with too many failed requests is FAILED and the command exits 1", async () => {
    sim = await startSimServer({ decodeStepMs: 2, fault: (n) => (n >= 1 ? "http-500" : undefined) });
    const dir = tmp();
    const r = await infx([
      "bench",
      "--base-url",
      sim.url,
      "--model",
      "m",
      "--random-input-len",
      "8",
      "--random-output-len",
      "2",
      "--conc",
      "1,2",
      "--prompts-per-conc",
      "2",
      "--batch-dir",
      dir,
    ]);
    expect(r.code).toBe(1);
    const summary = readFileSync(join(dir, "summary.txt"), "utf8");
    expect(summary).toMatch(/CONC=1: FAILED .*1\/2 requests failed/);
    expect(summary).toContain("Failed: 2");
  });

  it("baseline errors name the file and the field", () => {
    const dir = tmp();
    const f = join(dir, "b.json");
    writeFileSync(f, JSON.stringify({ "4": { tput_per_gpu: 3 } }));
    expect(() => loadBaseline(f)).toThrow(`${f}: 4: no numeric median_e2el_ms`);
    writeFileSync(f, JSON.stringify({ four: {} }));
    expect(() => loadBaseline(f)).toThrow(/key 'four' is not a concurrency/);
    expect(() => loadBaseline(join(dir, "nope.json"))).toThrow(/no such file/);
  });
});
