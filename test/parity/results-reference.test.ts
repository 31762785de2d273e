// The results pipeline on the reference's real rows: the golden aggregate rows
// (<reference>/golden/process) through collect, export and the comment, and the
// eval collector's rows against the reference's real eval_results_all rows
// (<reference>/results/agg/eval-rows-example.json). The default suite runs the
// same checks on the project's fixtures (test/fixtures/raw, test/fixtures/results).
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { collect } from "../../src/results/collect.js";
import { toCsv, toPoints } from "../../src/results/export.js";
import type { AggRow, EvalRow } from "../../src/results/types.js";
import { ROOT } from "../support/cli.js";
import { GOLDEN_2026_02, REFERENCE_DIR } from "../support/reference.js";

const GOLDEN = join(GOLDEN_2026_02, "process");
const goldenCases = readdirSync(GOLDEN).map((f) => ({ file: f, ...JSON.parse(readFileSync(join(GOLDEN, f), "utf8")) })) as {
  file: string;
  error: boolean;
  expected?: AggRow;
}[];
const EXAMPLE = JSON.parse(readFileSync(join(REFERENCE_DIR, "results/agg/eval-rows-example.json"), "utf8")) as Record<string, unknown>[];

describe("golden aggregate rows", () => {
  it("survive a round trip through artifacts", async () => {
    const dir = mkdtempSync(join(tmpdir(), "infx-collect-"));
    const golden = goldenCases.filter((c) => !c.error);
    expect(golden.length).toBeGreaterThanOrEqual(5);
    golden.forEach((c, i) => {
      mkdirSync(join(dir, `bmk_${i}`));
      writeFileSync(join(dir, `bmk_${i}`, `agg_${i}.json`), JSON.stringify(c.expected));
    });
    const r = await collect(dir, "bmk");
    expect(r.problems).toEqual([]);
    expect(r.rows).toHaveLength(golden.length);
  });

  it("export --csv and --points take their values from the row", () => {
    const golden = goldenCases.find((c) => c.file === "single-glm47_conc1.json")!.expected!;
    const [, line] = toCsv([golden]).trimEnd().split("\n");
    expect(line).toBe(
      [
        "h200",
        "vllm",
        "bf16",
        1024,
        1024,
        8,
        1,
        1,
        golden.tput_per_gpu,
        golden.output_tput_per_gpu,
        golden.mean_ttft,
        golden.p99_ttft,
        golden.mean_tpot,
        "",
        "",
      ].join(","),
    );
    expect(toPoints([golden])[0]).toEqual({
      x: golden.mean_intvty,
      y: golden.tput_per_gpu,
      hwKey: "h200",
      precision: "bf16",
      tp: 8,
      conc: 1,
      tpPerGpu: { y: golden.tput_per_gpu },
      model: "glm47",
      isl: 1024,
      osl: 1024,
      framework: "vllm",
    });
  });
});

describe("eval rows", () => {
  it("the collector's rows have the reference's fields and value types", async () => {
    const dir = mkdtempSync(join(tmpdir(), "infx-evals-"));
    cpSync(
      join(ROOT, "test/fixtures/results/evals/eval_gptoss_1k8k_fp4_vllm_tp8_conc64_h200-nv_0"),
      join(dir, "eval_results/eval_gptoss_1k8k_fp4_vllm_tp8_conc64_h200-nv_0"),
      { recursive: true },
    );
    const r = await collect(join(dir, "eval_results"), "eval", { displayRoot: "eval_results" });
    expect(r.problems).toEqual([]);
    const gptoss = r.rows[0] as unknown as Record<string, unknown>;
    const newer = EXAMPLE.find((e) => "model_prefix" in e)!;
    // The same keys as the reference's newer rows, plus timestamp (its older rows) and the sequence lengths.
    expect(Object.keys(gptoss).filter((k) => !["timestamp", "isl", "osl", "is_multinode"].includes(k))).toEqual(Object.keys(newer));
    for (const k of Object.keys(newer)) expect(typeof gptoss[k], k).toBe(typeof newer[k]);
  });

  it("the project's eval-row fixture has every field of the reference's rows, of the same types", () => {
    const fixture = JSON.parse(readFileSync(join(ROOT, "test/fixtures/results/eval-rows.json"), "utf8")) as EvalRow[];
    for (const ref of EXAMPLE) for (const [k, v] of Object.entries(ref)) expect(typeof (fixture[0] as unknown as Record<string, unknown>)[k], k).toBe(typeof v);
  });
});
