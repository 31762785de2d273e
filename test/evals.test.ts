import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ajv } from "ajv";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { collect } from "../src/results/collect.js";
import { evalRowsOf, evalTimestamp, readMetaEnv } from "../src/results/evals.js";
import { applyThresholds, parseThresholds } from "../src/results/thresholds.js";
import type { EvalRow } from "../src/results/types.js";
import { infx, ROOT } from "./support/cli.js";

const FIXTURES = join(ROOT, "test/fixtures/results/evals");
const GOOD = ["eval_gptoss_1k8k_fp4_vllm_tp8_conc64_h200-nv_0", "eval_dsr1_1k8k_fp8_trt_tp8_ep8_conc64_b200-trt-nb_1"];
// Rows in the eval_results_all format (test/fixtures/results/README.md); test/parity/results-reference.test.ts holds the collector to the reference's real rows.
const example = JSON.parse(readFileSync(join(ROOT, "test/fixtures/results/eval-rows.json"), "utf8")) as Record<string, unknown>[];

function fixtureDir(folders: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), "infx-evals-"));
  for (const f of folders) cpSync(join(FIXTURES, f), join(dir, "eval_results", f), { recursive: true });
  return dir;
}

describe("lm-eval results to eval rows", () => {
  it("rows have the reference's fields and value types", async () => {
    const dir = fixtureDir(GOOD);
    const r = await collect(join(dir, "eval_results"), "eval", { displayRoot: "eval_results" });
    expect(r.problems).toEqual([]);
    const gptoss = r.rows.find((row) => row.model_prefix === "gptoss")!;
    // The keys of the eval_results_all rows, in order.
    const refKeys = Object.keys(example.find((e) => "model_prefix" in e)!);
    expect(Object.keys(gptoss).filter((k) => k !== "is_multinode")).toEqual(refKeys.filter((k) => k !== "is_multinode"));
    for (const k of refKeys) expect(typeof gptoss[k as keyof EvalRow], k).toBe(typeof example.find((e) => "model_prefix" in e)![k]);
    expect(gptoss).toMatchObject({
      model: "openai/gpt-oss-120b",
      hw: "H200",
      framework: "vllm",
      precision: "fp4",
      spec_decoding: "none",
      tp: 8,
      ep: 1,
      conc: 64,
      dp_attention: "false",
      task: "gsm8k",
      em_strict: 0.9522365428354814,
      em_strict_se: 0.005874387536229307,
      em_flexible: 0.9514783927217589,
      n_eff: 1319,
      source: "eval_results/eval_gptoss_1k8k_fp4_vllm_tp8_conc64_h200-nv_0/results_2026-01-21T05-53-28.407213.json",
      score: 0.9522365428354814,
      score_name: "em_strict",
      score_se: 0.005874387536229307,
      timestamp: "2026-01-21T05:53:28Z",
      isl: 1024,
      osl: 8192,
    });
  });

  it("string numbers in meta_env, an N/A stderr, and a task without exact match", async () => {
    const dir = fixtureDir(GOOD);
    const r = await collect(join(dir, "eval_results"), "eval");
    const dsr1 = r.rows.filter((row) => row.model_prefix === "dsr1");
    expect(dsr1.map((row) => row.task)).toEqual(["arc_easy", "gsm8k"]);
    const [arc, gsm] = dsr1 as [EvalRow, EvalRow];
    expect(gsm).toMatchObject({
      hw: "B200-TRT",
      tp: 8,
      ep: 8,
      conc: 64,
      dp_attention: "true",
      spec_decoding: "mtp",
      em_strict_se: null,
      score_se: null,
      em_flexible_se: 0.005409439736970541,
    });
    expect(arc).toMatchObject({ score_name: "acc,none", score: 0.8421, score_se: 0.0075, em_strict: null, em_flexible: null, n_eff: 2376 });
  });

  it("retries keep the newest eval; broken folders are reported and lose nothing else", async () => {
    const dir = mkdtempSync(join(tmpdir(), "infx-evals-"));
    cpSync(FIXTURES, join(dir, "eval_results"), { recursive: true });
    const r = await collect(join(dir, "eval_results"), "eval", { displayRoot: "eval_results" });
    expect(r.replaced).toBe(2); // gsm8k and arc_easy of the older dsr1 run
    const gsm = r.rows.find((row) => row.model_prefix === "dsr1" && row.task === "gsm8k")!;
    expect(gsm.score).toBe(0.9575435936315391);
    expect(r.rows).toHaveLength(3);
    expect(r.problems).toEqual([
      {
        path: "eval_results/eval_broken_no_meta/results_2026-01-21T05-53-28.407213.json",
        reason: "no meta_env.json beside it: the configuration of the eval is unknown",
      },
      { path: "eval_results/eval_gptoss_1k8k_fp4_vllm_tp1_conc64_mi300x-cr_0/notes.json", reason: "foreign JSON: not an lm-eval result (no lm_eval_version)" },
      {
        path: "eval_results/eval_gptoss_1k8k_fp4_vllm_tp1_conc64_mi300x-cr_0/results_2026-01-21T05-44-15.712708.json",
        reason: expect.stringMatching(/^not valid JSON: line \d+, column \d+/) as unknown as string,
      },
    ]);
  });

  it("meta_env problems name the field", () => {
    const bad = readMetaEnv({ framework: "vllm", tp: "eight", conc: 4 });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.errors).toEqual(["$.hw: missing (the runner type, e.g. b200)", "$.precision: missing", '$.tp: must be a whole number, got "eight"']);
  });

  it("a task without any numeric metric is a problem, other tasks still give rows", () => {
    const meta = readMetaEnv({ hw: "h100", framework: "vllm", precision: "fp8", tp: 2, conc: 8 });
    if (!meta.ok) throw new Error("meta");
    const { rows, problems } = evalRowsOf({ lm_eval_version: "0.4", results: { a: { alias: "a" }, b: { "acc,none": 0.5 } } }, meta.value, "x.json", "x.json");
    expect(rows.map((r) => r.task)).toEqual(["b"]);
    expect(problems).toEqual(['$.results.a: no numeric metric ("<metric>,<filter>": number)']);
  });

  it("group subtasks are left to the group's row", () => {
    const meta = readMetaEnv({ hw: "h100", framework: "vllm", precision: "fp8", tp: 2, conc: 8 });
    if (!meta.ok) throw new Error("meta");
    const { rows } = evalRowsOf(
      { lm_eval_version: "0.4", group_subtasks: { mmlu: ["mmlu_a"] }, results: { mmlu: { "acc,none": 0.7 }, mmlu_a: { "acc,none": 0.6 } } },
      meta.value,
      "x.json",
      "x.json",
    );
    expect(rows.map((r) => r.task)).toEqual(["mmlu"]);
  });

  it("batched evals: a _conc<N> result file is concurrency N", () => {
    const meta = readMetaEnv({ hw: "gb200", framework: "dynamo-sglang", precision: "fp8", tp: 8, conc: 4, eval_concs: [4, 16] });
    if (!meta.ok) throw new Error("meta");
    const result = { lm_eval_version: "0.4", results: { gsm8k: { "exact_match,strict-match": 0.9 } } };
    expect(evalRowsOf(result, meta.value, "a", "results_2026-02-19T23-26-33.415089_conc16.json").rows[0]!.conc).toBe(16);
    expect(evalRowsOf(result, meta.value, "a", "results_2026-02-19T23-26-33.415089.json").rows[0]!.conc).toBe(4);
    expect(evalTimestamp("results_2026-02-19T23-26-33.415089_conc16.json", {})).toBe("2026-02-19T23:26:33Z");
  });

  it("timestamps come from the file name, else lm-eval's date", () => {
    expect(evalTimestamp("results_2026-01-21T00-34-31.779836.json", {})).toBe("2026-01-21T00:34:31Z");
    expect(evalTimestamp("results.json", { date: 1737420871.5 })).toBe("2025-01-21T00:54:31Z");
    expect(evalTimestamp("results.json", {})).toBeUndefined();
  });
});

describe("accuracy gate", () => {
  it("evals/thresholds.yaml matches its schema and parses", () => {
    const doc = parse(readFileSync(join(ROOT, "evals/thresholds.yaml"), "utf8"));
    const schema = JSON.parse(readFileSync(join(ROOT, "schemas/thresholds.schema.json"), "utf8"));
    const check = new Ajv({ strict: false }).compile(schema);
    expect(check(doc)).toBe(true);
    expect(parseThresholds(doc).ok).toBe(true);
    expect(check({ default: { gsm8k: 2 } })).toBe(false);
  });

  it("model entries win over the default; ungated tasks are left alone", () => {
    const t = parseThresholds({ default: { gsm8k: 0.9 }, models: { dsr1: { gsm8k: 0.95 }, "openai/gpt-oss-120b": { gsm8k: 0.5 } } });
    if (!t.ok) throw new Error(t.errors.join());
    const row = (o: Partial<EvalRow>) => ({ model: "m", model_prefix: "p", task: "gsm8k", score: 0.92, ...o }) as EvalRow;
    const rows = [row({}), row({ model_prefix: "dsr1" }), row({ model: "openai/gpt-oss-120b", score: 0.6 }), row({ task: "arc" })];
    expect(applyThresholds(rows, t.value)).toBe(1);
    expect(rows.map((r) => [r.threshold, r.passed])).toEqual([
      [0.9, true],
      [0.95, false],
      [0.5, true],
      [undefined, undefined],
    ]);
  });

  it("bad thresholds files are refused with every error", () => {
    const t = parseThresholds({ default: { gsm8k: 1.5 }, model: {}, models: { x: [] } });
    expect(!t.ok && t.errors).toEqual([
      "model: unknown key (allowed: default, models)",
      "default.gsm8k: must be a number from 0 to 1, got 1.5",
      "models.x: must be a mapping of task: minimum score",
    ]);
  });

  it("infx collect --thresholds marks rows, lists failures and exits 1", async () => {
    const dir = fixtureDir(GOOD);
    writeFileSync(join(dir, "t.yaml"), "default:\n  gsm8k: 0.955\n");
    const r = await infx(["collect", "eval_results", "--kind", "eval", "--thresholds", "t.yaml", "--out", "agg_eval_all.json"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/1 eval row below the accuracy threshold:\n {2}openai\/gpt-oss-120b H200 vllm fp4 tp8 conc64 gsm8k: em_strict 0\.9522 < 0\.955/);
    const rows = JSON.parse(readFileSync(join(dir, "agg_eval_all.json"), "utf8")) as EvalRow[];
    expect(rows.filter((x) => x.task === "gsm8k").map((x) => x.passed)).toEqual([true, false]);
    const ok = await infx(["collect", "eval_results", "--kind", "eval", "--thresholds", join(ROOT, "evals/thresholds.yaml")], { cwd: dir });
    expect(ok.code).toBe(0);
    const broken = await infx(["collect", "eval_results", "--kind", "eval", "--thresholds", "nope.yaml"], { cwd: dir });
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/cannot read thresholds file .*nope\.yaml: ENOENT/);
  });
});
