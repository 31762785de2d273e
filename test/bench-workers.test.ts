/**
 * `infx bench --workers N`: the run split over client threads. Worker threads
 * load the built files, so these tests drive the committed dist/ build (CI
 * checks it is fresh) against serve-sim on the test's own thread.
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { startSimServer, type SimServer } from "../src/sim/server.js";
import { infx, ROOT } from "./support/cli.js";
import { watchLoopDelay } from "./support/client-lag.js";
import { until } from "./support/wait.js";

type RunModule = typeof import("../src/bench/run.js");
const dist = async (): Promise<RunModule> => (await import(pathToFileURL(join(ROOT, "dist/bench/run.js")).href)) as RunModule;

let sim: SimServer | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const opts = (url: string, o: Record<string, unknown> = {}) => ({
  baseUrl: url,
  endpoint: "/v1/completions",
  model: "infx/sim-model",
  backend: "vllm",
  inputLen: 16,
  outputLen: 8,
  rangeRatio: 0.5,
  numPrompts: 60,
  maxConcurrency: 12,
  requestRate: Infinity,
  burstiness: 1,
  ignoreEos: true,
  numWarmups: 0,
  seed: 3,
  vocabSize: 100,
  percentileMetrics: ["ttft", "tpot", "itl", "e2el"] as const,
  metricPercentiles: [99],
  stallTimeout: 10,
  requestTimeout: 0,
  ...o,
});

describe("infx bench --workers", () => {
  it("3 threads send every request once, within the concurrency, and time it like one thread would", async () => {
    const { runBenchmark } = await dist();
    sim = await startSimServer({ decodeStepMs: 3 });
    const progress: number[] = [];
    const loop = watchLoopDelay();
    const run = await runBenchmark({ ...opts(sim.url, { workers: 3, numWarmups: 5 }), onProgress: (p) => progress.push(p.done) });
    loop.stop();
    expect(run.outcomes.map((o) => o.index)).toEqual(Array.from({ length: 60 }, (_, i) => i));
    expect(run.outcomes.every((o) => o.success && !o.warmup)).toBe(true);
    expect(run.warmups).toHaveLength(5);
    expect(run.result.completed).toBe(60);
    expect(progress.at(-1)).toBe(60);
    // The server never had more than 12 requests of the timed run at once (4 per thread).
    const timed = sim.truth.filter((t) => t.promptTokens > 0).slice(5);
    const events = timed
      .flatMap(
        (t) =>
          [
            [t.receivedAt, 1],
            [t.lastTokenAt!, -1],
          ] as const,
      )
      .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let open = 0;
    let most = 0;
    for (const [, d] of events) most = Math.max(most, (open += d));
    expect(most).toBeLessThanOrEqual(12);
    expect(most).toBeGreaterThanOrEqual(9);
    // Times came back on this thread's clock: each TTFT agrees with the server's record, up to
    // 50 ms and what the server's loop (this thread) and the client threads' loops were delayed.
    const tolerance = 50 + loop.max() + run.clientLoopDelay.max;
    const byId = new Map(sim.truth.map((t) => [t.id, t]));
    for (const o of run.outcomes) {
      const t = byId.get(o.responseId!)!;
      expect(Math.abs(o.ttft * 1000 - (t.firstTokenAt! - t.receivedAt))).toBeLessThan(tolerance);
    }
    const firstSend = Math.min(...run.outcomes.map((o) => o.sendTime));
    const lastEnd = Math.max(...run.outcomes.map((o) => o.endTime));
    expect(run.result.duration as number).toBeGreaterThanOrEqual((lastEnd - firstSend) / 1000 - 0.005);
    expect(run.result.duration as number).toBeLessThan((lastEnd - firstSend) / 1000 + 0.1);
  });

  it("splits the same seeded dataset: the totals equal a one-thread run's", async () => {
    const { runBenchmark } = await dist();
    sim = await startSimServer({ decodeStepMs: 1 });
    const one = await runBenchmark(opts(sim.url));
    const four = await runBenchmark(opts(sim.url, { workers: 4 }));
    expect(four.result.total_input_tokens).toBe(one.result.total_input_tokens);
    expect(four.result.total_output_tokens).toBe(one.result.total_output_tokens);
    expect(four.outcomes.map((o) => o.promptLen)).toEqual(one.outcomes.map((o) => o.promptLen));
  });

  it("an interruption stops every thread and keeps what finished", async () => {
    const { runBenchmark } = await dist();
    const s = (sim = await startSimServer({ decodeStepMs: 20 }));
    const ac = new AbortController();
    let done = 0;
    const running = runBenchmark({
      ...opts(s.url, { workers: 2, numPrompts: 40, maxConcurrency: 4, outputLen: 30, rangeRatio: 1 }),
      signal: ac.signal,
      onProgress: (p) => (done = p.done),
    });
    // Abort only once both threads are sending (each has at most 2 requests in flight, so 3 open
    // at the server means both) and at least one request has come back to the client.
    await until(() => done >= 1 && s.truth.filter((t) => !t.finished).length >= 3, "both threads sending and one request finished");
    ac.abort();
    const run = await running;
    expect(run.interrupted).toBe(true);
    expect(run.outcomes.length).toBe(40);
    const finished = run.outcomes.filter((o) => o.success);
    expect(finished.length).toBeGreaterThanOrEqual(1);
    expect(run.result.completed).toBe(finished.length);
    expect(finished.length).toBeLessThan(40);
    // Thread k takes every 2nd request from k: both stopped with requests left.
    const aborted = run.outcomes.filter((o) => o.failure?.kind === "aborted");
    expect(run.failures.reasons.aborted?.count).toBe(aborted.length);
    expect(new Set(aborted.map((o) => o.index % 2))).toEqual(new Set([0, 1]));
  });

  it("--workers must be a positive integer", async () => {
    const r = await infx(["bench", "--workers", "0", "--num-prompts", "1"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--workers must be at least 1/);
  });
});

describe("--workers in the single-file bench action", () => {
  it("fails with a message that says where --workers works", async () => {
    sim = await startSimServer({ decodeStepMs: 1 });
    const { spawn } = await import("node:child_process");
    const { mkdtempSync, writeFileSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const out = join(mkdtempSync(join(tmpdir(), "infx-gho-")), "output");
    writeFileSync(out, "");
    // (spawned, not spawnSync: serve-sim runs on this thread and must keep answering)
    const child = spawn(process.execPath, [join(ROOT, "actions/bench/dist/index.js")], {
      env: {
        PATH: process.env.PATH,
        GITHUB_OUTPUT: out,
        INPUT_ARGS: `--base-url ${sim.url} --model infx/sim-model --num-prompts 4 --max-concurrency 2 --workers 2`,
      },
    });
    let stdout = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    await new Promise((resolve) => child.on("close", resolve));
    const r = { stdout };
    expect(r.stdout).toContain("::error::infx bench failed (exit 1): --workers needs the infx CLI's own files");
    expect(r.stdout).toContain("node dist/cli/infx.js bench --workers N");
  });
});
