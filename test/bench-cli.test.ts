import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { arrivalGaps } from "../src/bench/random.js";
import { clientLagWarning } from "../src/bench/report.js";
import { startSimServer, type SimOptions, type SimServer } from "../src/sim/server.js";
import { median } from "../src/bench/stats.js";
import { processResult } from "../src/results/process.js";
import { bufferIo } from "../src/cli/io.js";
import { runCli } from "../src/cli/main.js";
import { infx, ROOT } from "./support/cli.js";
import { watchLoopDelay, withoutLagWarning } from "./support/client-lag.js";

let sim: SimServer | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});
const start = async (o: SimOptions = {}) => (sim = await startSimServer({ decodeStepMs: 2, ...o }));
const tmp = () => mkdtempSync(join(tmpdir(), "infx-bench-"));
const small = ["--random-input-len", "32", "--random-output-len", "8", "--ignore-eos"];
const readJson = (f: string) => JSON.parse(readFileSync(f, "utf8")) as Record<string, any>;

describe("infx bench", () => {
  it("saves a result with the reference keys that process-result turns into a row", async () => {
    const s = await start({ model: "org/sim" });
    const dir = tmp();
    const r = await infx([
      "bench",
      "--base-url",
      s.url,
      "--model",
      "org/sim",
      ...small,
      "--num-prompts",
      "20",
      "--max-concurrency",
      "4",
      "--save-result",
      "--result-dir",
      dir,
      "--result-filename",
      "run.json",
    ]);
    expect(withoutLagWarning(r.stderr)).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Serving Benchmark Result");
    expect(r.stdout).toContain(`Saved result to ${join(dir, "run.json")}`);
    const raw = readJson(join(dir, "run.json"));
    const ref = readJson(join(ROOT, "test/fixtures/raw/sim_conc4.json")); // the client's keys; parity: test/parity/raw-result-keys.test.ts
    expect(Object.keys(raw)).toEqual(Object.keys(ref));
    expect(raw).toMatchObject({ completed: 20, max_concurrency: 4, num_prompts: 20, total_input_tokens: 640, total_output_tokens: 160, model_id: "org/sim" });
    const row = processResult(raw, {
      RUNNER_TYPE: "h200",
      FRAMEWORK: "vllm",
      PRECISION: "fp8",
      SPEC_DECODING: "none",
      ISL: "32",
      OSL: "8",
      DISAGG: "false",
      MODEL_PREFIX: "sim",
      IMAGE: "img",
      TP: "1",
      EP_SIZE: "1",
      DP_ATTENTION: "false",
    });
    expect(row.conc).toBe(4);
    expect(row.model).toBe("org/sim");
    expect(row.tput_per_gpu).toBeCloseTo(raw.total_token_throughput, 6);
    // And through the command the workflow runs, unchanged.
    const env = {
      RESULT_FILENAME: "run",
      RUNNER_TYPE: "h200",
      FRAMEWORK: "vllm",
      PRECISION: "fp8",
      SPEC_DECODING: "none",
      ISL: "32",
      OSL: "8",
      DISAGG: "false",
      MODEL_PREFIX: "sim",
      IMAGE: "img",
      TP: "2",
      EP_SIZE: "1",
      DP_ATTENTION: "false",
    };
    const pr = await infx(["process-result"], { cwd: dir, env });
    expect(pr.code, pr.stderr).toBe(0);
    expect(readJson(join(dir, "agg_run.json"))).toMatchObject({ conc: 4, tp: 2, isl: 32, osl: 8, model: "org/sim" });
  });

  it("finds the model from GET /v1/models and names the file like the reference", async () => {
    const s = await start({ model: "org/auto-model" });
    const dir = tmp();
    const r = await infx(["bench", "--base-url", s.url, ...small, "--num-prompts", "4", "--max-concurrency", "2", "--save-result", "--result-dir", dir]);
    expect(r.code).toBe(0);
    const files = readdirSync(dir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^vllm-infqps-concurrency2-auto-model-\d{8}-\d{6}\.json$/);
    expect(readJson(join(dir, files[0]!)).model_id).toBe("org/auto-model");
  });

  it("the lag warning a loaded machine may add is the only line tests leave out of stderr", () => {
    const warning = clientLagWarning({ p50: 2, p99: 15.6, max: 40.2 }, 4)!;
    expect(withoutLagWarning(`${warning}\n`)).toBe("");
    expect(withoutLagWarning(`${clientLagWarning({ p50: 2, p99: 11, max: 12 }, null)}\n`)).toBe("");
    expect(withoutLagWarning(`a\n${warning}\nb\n`)).toBe("a\nb\n");
    expect(clientLagWarning({ p50: 1, p99: 9, max: 30 }, 4)).toBeUndefined();
  });

  it("excludes warm-ups, and measures TTFT/E2EL within a few ms (plus the event loop's own delay) of the server's ground truth", async () => {
    const s = await start({ tokensPerChunk: 2 });
    const dir = tmp();
    const loop = watchLoopDelay();
    const r = await infx([
      "bench",
      "--base-url",
      s.url,
      "--model",
      "m",
      ...small,
      "--num-prompts",
      "24",
      "--max-concurrency",
      "8",
      "--num-warmups",
      "3",
      "--percentile-metrics",
      "ttft,tpot,itl,e2el",
      "--save-detailed",
      "--result-dir",
      dir,
      "--result-filename",
      "d.json",
    ]);
    // Server and client share this event loop: a stamp can be late by as much as the loop was busy.
    const tolerance = 5 + loop.stop();
    expect(r.code).toBe(0);
    const raw = readJson(join(dir, "d.json"));
    expect(s.truth).toHaveLength(27);
    expect(raw.completed).toBe(24);
    expect(raw.total_output_tokens).toBe(24 * 8);
    expect(raw.itls[0]).toHaveLength(3); // 8 tokens in 4 chunks
    const byId = new Map(s.truth.map((t) => [t.id, t]));
    const ttftErr: number[] = [];
    const e2eErr: number[] = [];
    raw.response_ids.forEach((id: string, i: number) => {
      const t = byId.get(id)!;
      ttftErr.push(Math.abs(raw.ttfts[i] * 1000 - (t.firstTokenAt! - t.receivedAt)));
      e2eErr.push(Math.abs(raw.e2els[i] * 1000 - (t.lastTokenAt! - t.receivedAt)));
    });
    expect(median(ttftErr)).toBeLessThan(tolerance);
    expect(median(e2eErr)).toBeLessThan(tolerance);
  });

  it("draws lengths uniformly in [floor(L*r), L], seeded", async () => {
    const s = await start();
    const dir = tmp();
    const args = [
      "bench",
      "--base-url",
      s.url,
      "--model",
      "m",
      "--random-input-len",
      "40",
      "--random-output-len",
      "10",
      "--random-range-ratio",
      "0.5",
      "--num-prompts",
      "30",
      "--max-concurrency",
      "10",
      "--save-detailed",
      "--result-dir",
      dir,
    ];
    expect((await infx([...args, "--result-filename", "a.json"])).code).toBe(0);
    expect((await infx([...args, "--result-filename", "b.json"])).code).toBe(0);
    const a = readJson(join(dir, "a.json"));
    const b = readJson(join(dir, "b.json"));
    expect(a.input_lens).toEqual(b.input_lens);
    expect(Math.min(...a.input_lens)).toBeGreaterThanOrEqual(20);
    expect(Math.max(...a.input_lens)).toBeLessThanOrEqual(40);
    expect(new Set(a.input_lens).size).toBeGreaterThan(5);
    expect(Math.min(...a.output_lens)).toBeGreaterThanOrEqual(5);
    expect(a.output_lens).not.toEqual(a.input_lens.map((x: number) => x / 4));
  });

  it("paces a finite request rate (Poisson arrivals)", async () => {
    const s = await start();
    const dir = tmp();
    const r = await infx([
      "bench",
      "--base-url",
      s.url,
      "--model",
      "m",
      ...small,
      "--num-prompts",
      "12",
      "--request-rate",
      "40",
      "--burstiness",
      "2",
      "--result-dir",
      dir,
      "--result-filename",
      "p.json",
    ]);
    expect(r.code).toBe(0);
    const raw = readJson(join(dir, "p.json"));
    const gaps = arrivalGaps(12, 40, 2, 0);
    const span = gaps.slice(1).reduce((x, y) => x + y, 0);
    expect(raw.duration).toBeGreaterThan(span);
    expect(raw.request_rate).toBe(40);
    expect(raw.burstiness).toBe(2);
    expect(raw.max_concurrency).toBeNull();
  });

  it("fails the run above --max-failure-rate, naming the reasons, and still saves the result", async () => {
    const s = await start({ fault: (n) => (n % 2 ? "http-500" : undefined) });
    const dir = tmp();
    const args = [
      "bench",
      "--base-url",
      s.url,
      "--model",
      "m",
      ...small,
      "--num-prompts",
      "10",
      "--max-concurrency",
      "5",
      "--result-dir",
      dir,
      "--result-filename",
      "f.json",
    ];
    const r = await infx(args);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/5 of 10 requests failed \(50\.0% > --max-failure-rate 5\.0%\)/);
    expect(r.stderr).toMatch(/5 x http-error: HTTP 500/);
    const raw = readJson(join(dir, "f.json"));
    expect(raw.failed).toBe(5);
    expect(raw.completed).toBe(5);
    expect((await infx([...args, "--max-failure-rate", "0.6"])).code).toBe(0);
  });

  it("a server without usage fails every request with that reason", async () => {
    const s = await start({ usage: "missing" });
    const r = await infx(["bench", "--base-url", s.url, "--model", "m", ...small, "--num-prompts", "3"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/3 x missing-usage/);
  });

  it("rejects bad options with exit 2 and the allowed values", async () => {
    const base = ["bench", "--base-url", "http://127.0.0.1:9", "--model", "m"];
    expect((await infx([...base, "--percentile-metrics", "ttft,foo"])).stderr).toMatch(/--percentile-metrics: invalid value 'foo'/);
    expect((await infx([...base, "--random-range-ratio", "1.5"])).code).toBe(2);
    expect((await infx([...base, "--request-rate", "fast"])).stderr).toMatch(/'inf' or a positive number/);
    expect((await infx([...base, "--conc", "4,8", "--num-prompts", "3"])).stderr).toMatch(/--prompts-per-conc/);
    expect((await infx([...base, "--conc", "4,x"])).code).toBe(2);
    expect((await infx(["bench", "--base-url", "ftp://x"])).code).toBe(2);
  });

  it("draws a progress line only on a terminal", async () => {
    const s = await start();
    const io = bufferIo({ isTTY: true });
    expect(await runCli(["bench", "--base-url", s.url, "--model", "m", ...small, "--num-prompts", "6", "--max-concurrency", "2"], io)).toBe(0);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the progress line is drawn with a terminal escape
    expect(io.stderr()).toMatch(/\r\x1b\[2K\[#*\.*\] \d+\/6 done, [\d.]+ req\/s, \d+ tok\/s, ETA/);
    const plain = bufferIo({ isTTY: false });
    expect(await runCli(["bench", "--base-url", s.url, "--model", "m", ...small, "--num-prompts", "6", "--max-concurrency", "2"], plain)).toBe(0);
    expect(withoutLagWarning(plain.stderr())).toBe("");
  });

  it("explains itself in --help", async () => {
    const r = await infx(["bench", "--help"]);
    expect(r.code).toBe(0);
    for (const o of ["--base-url", "--random-range-ratio", "--max-failure-rate", "--conc", "--baseline", "--stall-timeout"]) expect(r.stdout).toContain(o);
  });
});
