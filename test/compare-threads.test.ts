// loadRunsInParallel (src/compare/parallel.ts): the history read on worker
// threads is the history read here, whichever thread reads which run, and a
// worker that fails leaves its runs to this thread instead of failing the
// comparison.
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type CurveJob, curveStats, MIN_PARALLEL_CURVES } from "../src/compare/curve-pool.js";
import { localIdentities } from "../src/compare/identities.js";
import { identityOf } from "../src/compare/metrics.js";
import { loadRunsInParallel } from "../src/compare/parallel.js";
import { KEPT_METRICS, type Run } from "../src/compare/run.js";
import { simulatedSweep } from "../src/compare/simulate.js";
import { normalRng } from "../src/compare/stats.js";
import type { AggRow } from "../src/results/types.js";
import { SINGLE_NODE_ROW } from "./support/agg-rows.js";
import { ROOT } from "./support/cli.js";

const dir = mkdtempSync(join(tmpdir(), "compare-threads-"));
const z = normalRng(5);
const jobs = Array.from({ length: 5 }, (_, index) => {
  const file = join(dir, `run-${index}`, "agg_bmk.json");
  mkdirSync(join(dir, `run-${index}`));
  writeFileSync(file, JSON.stringify(simulatedSweep(z, { cv: 0.03, curves: 2, concs: [4, 8, 16] })));
  return { index, label: `history ${index}`, files: [file] };
});

/** A run as identity key -> metric values, the way a comparison sees it. */
const plain = (r: Run) => ({
  label: r.label,
  problems: r.problems,
  points: Object.fromEntries(
    [...r.ids].map((id, j) => [r.table.key(id), Array.from(r.values.subarray(j * KEPT_METRICS.length, (j + 1) * KEPT_METRICS.length))]),
  ),
});

/** A worker script of its own (ES module) in the test's folder. */
function script(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** A line of a worker script that leaves a mark file. */
const leaveMark = (mark: string) => `(await import("node:fs")).writeFileSync(${JSON.stringify(mark)}, "");\n`;

/** Blocks this thread until a worker has left its mark (a condition, polled; not a fixed delay). */
function waitFor(mark: string): void {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let t = 0; t < 3000 && !existsSync(mark); t++) Atomics.wait(pause, 0, 0, 10);
  expect(existsSync(mark), `the worker left ${mark}`).toBe(true);
}

describe("loadRunsInParallel", () => {
  const here = async () => (await loadRunsInParallel(jobs, () => {}, 1)).map(plain);

  it("the built worker (dist/compare/load-worker.js) reads what this thread reads, ids translated", async () => {
    // The worker runs the built one, then leaves a mark; this thread waits for the mark before it
    // claims runs, so every run comes from the worker (the translation is what is tested).
    const mark = join(dir, "worker-done");
    const wrapper = script("wrapper.mjs", `await import(${JSON.stringify(join(ROOT, "dist/compare/load-worker.js"))});\n${leaveMark(mark)}`);
    // An identity this thread knows and the worker does not: its ids and the worker's differ by one.
    localIdentities().idOf(identityOf({ ...SINGLE_NODE_ROW, hw: "elsewhere" } as unknown as AggRow));
    const threads = await loadRunsInParallel(jobs, () => waitFor(mark), 2, wrapper);
    expect(threads.map(plain)).toEqual(await here());
  });

  it("a worker that dies holding a run it claimed, or fails to start, leaves its runs to this thread", async () => {
    const mark = join(dir, "claimed");
    const dies = script(
      "dies.mjs",
      `import { workerData } from "node:worker_threads";\nAtomics.add(workerData.next, 0, 1); // claims the first run\n${leaveMark(mark)}process.exit(3);\n`,
    );
    const runs = await loadRunsInParallel(jobs, () => waitFor(mark), 2, dies);
    expect(runs.map(plain)).toEqual(await here());
    for (const file of [script("throws.mjs", 'throw new Error("boom");\n'), join(dir, "missing.mjs")])
      expect((await loadRunsInParallel(jobs, () => {}, 2, file)).map(plain), file).toEqual(await here());
  });
});

describe("curveStats", () => {
  /** Curves of 12 noisy points each, head and baseline apart by a few percent. */
  const curveJobs: CurveJob[] = Array.from({ length: MIN_PARALLEL_CURVES + 4 }, (_, c) => {
    const points = (shift: number) =>
      Array.from({ length: 12 }, (_, i) => ({ x: i * 0.25 + z() * 0.02, y: 7 - i * 0.3 + shift + z() * 0.03, sx: 0.02, sy: 0.03 }));
    return { head: points(-0.01 * (c % 5)), base: points(0), seed: 1000 + c };
  });

  it("a worker that dies holding a curve it claimed: this thread computes it after the stall, and the results are those of one thread", () => {
    const alone = curveStats(curveJobs, 0.99, 0.5, 0);
    expect(alone.threads).toBe(1);
    const mark = join(dir, "curve-claimed");
    // Claims the first curve (the counter, then its state: claimed) and dies without computing it.
    const dies = script(
      "curve-dies.mjs",
      `import { workerData } from "node:worker_threads";\nconst k = Atomics.add(workerData.control, 0, 1);\nAtomics.store(workerData.control, 2 + k, 1);\n${leaveMark(mark)}process.exit(3);\n`,
    );
    const started = performance.now();
    const pooled = curveStats(curveJobs, 0.99, 0.5, 1, { file: dies, stallMs: 150, beforeClaim: () => waitFor(mark) });
    expect(pooled.threads).toBe(2);
    expect(pooled.stats).toStrictEqual(alone.stats);
    expect(pooled.stats.every((st) => st !== undefined)).toBe(true);
    expect(performance.now() - started, "the stall was waited out before the curve was taken over").toBeGreaterThanOrEqual(150);
  });
});
