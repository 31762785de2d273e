// The 2026-08 dialect on the project's own example set (examples/2026-08/):
// detection and mixes, option refusals, total-cpu-dram-gb arithmetic, key
// patterns, evals, the changelog entry schema. Parity with the reference is
// in test/parity/*-2026-08.test.ts.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ajv } from "ajv";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { validateScenarioChangelogEntry } from "../src/changelog/scenario-entry.js";
import { appendedItems, changelogWork } from "../src/changelog/plan.js";
import { diffChangelogs } from "../src/changelog/diff.js";
import { appendOnlyDelta, checkAppendOnlyScope } from "../src/changelog/append-only.js";
import { readChangelogDocument } from "../src/changelog/parse.js";
import { changelogKeyRegExp, pythonJson, recipeFingerprint, trimScenarioConc } from "../src/changelog/scenario-plan.js";
import { planningInputsFromTexts } from "../src/config/load.js";
import { UserError } from "../src/errors.js";
import { Fraction } from "../src/plan/dialects/fraction.js";
import { agenticMultiExpName, agenticSingleExpName, maxModelLen, totalCpuDramGb } from "../src/plan/dialects/2026-08.js";
import { expandConfigKeys, fnmatchRegExp } from "../src/plan/scenario-matrix.js";
import { infx, ROOT } from "./support/cli.js";
import { scenarioChangelogRepo } from "./support/git-fixture.js";
import { readRunnerMap } from "../src/config/runner-map.js";
import { computeSuccessRates, gpuTypeOfRunnerKey } from "../src/results/success-rate.js";
import { summarizePlan } from "../src/report/comment.js";

const EX = join(ROOT, "examples/2026-08");
const read = (f: string) => ({ file: `examples/2026-08/${f}`, text: readFileSync(join(EX, f), "utf8") });
const FILES = ["--config-files", join(EX, "nvidia-master.yaml"), join(EX, "amd-master.yaml"), "--runner-config", join(EX, "runners.yaml")];
type Row = Record<string, unknown>;
const rowsOf = async (argv: string[]) => {
  const r = await infx([...argv, ...FILES], { env: { INFX_NO_CACHE: "1" } });
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Row[];
};

describe("dialect detection", () => {
  it("reads the example set as 2026-08, with underscore numbers as integers", () => {
    const inputs = planningInputsFromTexts([read("nvidia-master.yaml"), read("amd-master.yaml")], read("runners.yaml"));
    expect(inputs.dialect).toBe("2026-08");
    expect(inputs.scenario!.runners.hardware!["cluster:b200-example"]!["available-cpu-dram-mib"]).toBe(2063837);
    expect([...inputs.scenario!.configs.keys()]).toContain("gptoss-fp4-b200-vllm-agentic");
  });

  it("refuses a mix of dialects, naming each file", () => {
    const old = { file: "configs/nvidia-master.yaml", text: readFileSync(join(ROOT, "configs/nvidia-master.yaml"), "utf8") };
    let err: unknown;
    try {
      planningInputsFromTexts([read("nvidia-master.yaml"), old], read("runners.yaml"));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toMatch(/mix the two config dialects/);
    expect((err as UserError).details).toContain("configs/nvidia-master.yaml:17:3: 2026-02 (seq-len-configs)");
    expect((err as UserError).details).toContain("examples/2026-08/nvidia-master.yaml:18:3: 2026-08 (scenarios)");
  });

  it("reports cross-field rules with positions, all at once", () => {
    const bad = read("nvidia-master.yaml");
    bad.text = bad.text
      .replace("runner: cluster:b200-example", "runner: b200")
      .replace("  kv-p2p-transfer: nixl\n", "")
      .replace("{ tp: 2, conc-start: 8, conc-end: 32 }", "{ tp: 2, dcp-size: 4, conc-start: 8, conc-end: 32 }")
      .replace("kv-offloading: dram, kv-offload-backend: { name: vllm-simple }", "kv-offloading: dram");
    let err: UserError | undefined;
    try {
      planningInputsFromTexts([bad], read("runners.yaml"));
    } catch (e) {
      err = e as UserError;
    }
    const lines = err!.details.join("\n");
    expect(lines).toMatch(/nvidia-master\.yaml:\d+:\d+: gptoss-fp4-b200-vllm-agentic › runner: .*cluster:<name>/);
    expect(lines).toMatch(/dsr1-fp4-gb200-dynamo-trt › disagg: disagg: true needs kv-p2p-transfer/);
    expect(lines).toMatch(/tp \(2\) must be divisible by dcp-size \(4\)/);
    expect(lines).toMatch(/kv-offloading: dram needs kv-offload-backend/);
    for (const l of err!.details) expect(l).toMatch(/^examples\/2026-08\/nvidia-master\.yaml:\d+:\d+: /);
  });
});

describe("2026-08 command lines", () => {
  it("neither --single-node nor --multi-node means both; table names the dialect", async () => {
    const rows = await rowsOf(["full-sweep"]);
    expect(rows.some((r) => r.prefill)).toBe(true);
    expect(rows.some((r) => r.tp)).toBe(true);
    expect(rows.filter((r) => r.prefill).length).toBe((await rowsOf(["full-sweep", "--multi-node"])).length);
    const t = await infx(["full-sweep", "--format", "table", ...FILES], { env: { INFX_NO_CACHE: "1" } });
    expect(t.stdout.trimEnd().split("\n").at(-1)).toBe("dialect 2026-08 (scenarios: fixed-seq-len / agentic-coding)");
  });

  it("refuses the other dialect's options with the reason", async () => {
    const r = await infx(["full-sweep", "--run-evals", ...FILES], { env: { INFX_NO_CACHE: "1" } });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/--run-evals applies to dialect 2026-02 .* evals are on by default \(--no-evals turns them off\)/);
    const o = await infx(["full-sweep", "--single-node", "--no-evals"]);
    expect(o.code).not.toBe(0);
    expect(o.stderr).toMatch(/--no-evals applies to dialect 2026-08/);
    const s = await infx(["full-sweep", "--seq-lens", "1k8k", ...FILES], { env: { INFX_NO_CACHE: "1" } });
    expect(s.stderr).toMatch(/'1k8k' is not a sequence length of 2026-08 configs/);
  });

  it("max-model-len is isl+osl+256; agentic rows carry duration, scenario-type and total-cpu-dram-gb", async () => {
    const rows = await rowsOf(["full-sweep", "--no-evals"]);
    for (const r of rows.filter((x) => x.isl)) expect(r["max-model-len"]).toBe((r.isl as number) + (r.osl as number) + 256);
    const agentic = rows.filter((r) => r["scenario-type"] === "agentic-coding");
    expect(agentic.length).toBe(6);
    for (const r of agentic) {
      expect(r.duration).toBe(3600);
      expect(r).not.toHaveProperty("run-eval");
      expect(r).not.toHaveProperty("isl");
    }
    const dram = agentic.find((r) => r.tp === 4)!;
    expect(dram["total-cpu-dram-gb"]).toBe(919); // 2_063_837 MiB x 2^20 x 0.85 x 4/8 / 1e9
    expect(dram["exp-name"]).toBe("gptoss_tp4_conc8_kvdram-vllm-simple");
    const multi = agentic.find((r) => r.prefill)!;
    expect(multi["total-cpu-dram-gb"]).toBe(749); // capped at 2_861_022 MiB, x 0.5 x 4/8
    expect(multi["exp-name"]).toBe("dsr1_p1x4_d1x8ep8dpa_conc16_kvdram-hicache");
    expect(multi["kv-p2p-transfer"]).toBe("mooncake");
  });

  it("marks 8k1k evals at the highest and upper-median conc >= 16 by default", async () => {
    const rows = await rowsOf(["test-config", "--config-keys", "dsr1-fp8-h200-sglang"]);
    const marked = rows.filter((r) => r["run-eval"]).map((r) => `${r.isl}:${r.conc}:${r.ep}`);
    // 8k1k, dp-attn false: concs >= 16 are 16, 32 -> upper median 32 and highest 32; dp-attn true: 16 32 64 -> 32 and 64
    expect(marked.sort()).toEqual(["8192:32:1", "8192:32:8", "8192:64:8"]);
    const only = await rowsOf(["test-config", "--config-keys", "dsr1-fp8-h200-sglang", "--evals-only"]);
    expect(only.length).toBe(3);
    expect(only.every((r) => r["eval-only"] === true)).toBe(true);
  });

  it("--all-evals merges multi-node rows and marks single-node agentic rows", async () => {
    const rows = await rowsOf(["full-sweep", "--all-evals"]);
    const mn = rows.filter((r) => r.prefill && r.isl);
    expect(mn.map((r) => [r.conc, r["eval-all-concs"]])).toEqual([[[16, 64], true]]);
    const mnAgentic = rows.filter((r) => r.prefill && !r.isl);
    expect(mnAgentic.map((r) => [r.conc, r["eval-conc"]])).toEqual([[[16, 32], 32]]);
    expect(rows.filter((r) => r["scenario-type"] && !r.prefill).length).toBe(4);
  });
});

describe("downstream", () => {
  it("--format github puts agentic rows in agentic shards (their own job template), named as agentic", async () => {
    const out = mkdtempSync(join(tmpdir(), "infx-2026-08-gh-"));
    try {
      const r = await infx(["full-sweep", "--format", "github", "--out-dir", out, ...FILES], { env: { INFX_NO_CACHE: "1" } });
      expect(r.code, r.stderr).toBe(0);
      const plan = JSON.parse(readFileSync(join(out, "plan.json"), "utf8"));
      expect(plan.summary["agentic-shards"]).toEqual(["agentic-001"]);
      expect(plan.summary.agentic).toBe(6);
      expect(Object.keys(plan.single_node)).toContain("agentic");
      const agentic = JSON.parse(readFileSync(join(out, "shards/agentic-001.json"), "utf8")) as Row[];
      expect(agentic.every((e) => e["scenario-type"] === "agentic-coding" && String(e.name).includes("_agentic_"))).toBe(true);
      for (const id of [...plan.summary["single-node-shards"], ...plan.summary["multi-node-shards"]]) {
        const rows = JSON.parse(readFileSync(join(out, `shards/${id}.json`), "utf8")) as Row[];
        expect(rows.some((e) => e["scenario-type"])).toBe(false);
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

describe("append-only", () => {
  const inputs = () => planningInputsFromTexts([read("nvidia-master.yaml"), read("amd-master.yaml")], read("runners.yaml"));
  const configs = () => new Map(inputs().scenario!.configs);
  const sel = (k: string, ...t: ("fixed-seq-len" | "agentic-coding")[]) => new Map([[k, new Set(t)]]);
  const KEY = "gptoss-fp4-b200-vllm-agentic";

  it("refuses changes outside the entry's scope, naming the entry and the reason", () => {
    const base = configs();
    const head = configs();
    const other = structuredClone(head.get("dsr1-fp8-h200-sglang")!);
    other.image = "new";
    head.set("dsr1-fp8-h200-sglang", other);
    expect(() => checkAppendOnlyScope("entry 3", base, head, sel(KEY, "agentic-coding"), "BASE")).toThrow(
      /^entry 3: append-only refused: configs not selected by the entry changed since BASE: dsr1-fp8-h200-sglang$/,
    );
    const h2 = configs();
    const g = structuredClone(h2.get(KEY)!);
    g.scenarios["fixed-seq-len"]![0]!.osl = 2048;
    h2.set(KEY, g);
    expect(() => checkAppendOnlyScope("entry 3", base, h2, sel(KEY, "agentic-coding"), "BASE")).toThrow(
      /changed its fixed-seq-len scenario, outside the entry's scope/,
    );
    expect(() => checkAppendOnlyScope("entry 3", base, h2, sel(KEY, "agentic-coding", "fixed-seq-len"), "BASE")).not.toThrow();
    const h3 = configs();
    const g3 = structuredClone(h3.get(KEY)!);
    g3.image = "other";
    h3.set(KEY, g3);
    expect(() => checkAppendOnlyScope("entry 3", base, h3, sel(KEY, "agentic-coding"), "BASE")).toThrow(/changed config-wide fields/);
    const missing = configs();
    missing.delete(KEY);
    expect(() => checkAppendOnlyScope("entry 3", missing, configs(), sel(KEY, "agentic-coding"), "BASE")).toThrow(
      /missing there: gptoss-fp4-b200-vllm-agentic/,
    );
  });

  it("runs only new points of existing curves", () => {
    const rows = (concs: number[]) =>
      concs.map((c) => ({
        image: "i",
        model: "m",
        runner: "r",
        tp: 2,
        "kv-offloading": "none",
        "scenario-type": "agentic-coding",
        conc: c,
        "exp-name": `x${c}`,
      }));
    expect(appendOnlyDelta("e", rows([1, 4]), rows([1, 4, 8])).map((r) => r.conc)).toEqual([8]);
    expect(() => appendOnlyDelta("e", rows([1, 4]), rows([1]))).toThrow(/existing concurrency points were removed: 4/);
    expect(() => appendOnlyDelta("e", rows([1, 4]), rows([1, 4]))).toThrow(/no new generated points/);
    expect(() => appendOnlyDelta("e", [], rows([1]))).toThrow(/no existing curve/);
    const multi = [{ image: "i", prefill: { tp: 1 }, conc: [16, 32] }];
    expect(appendOnlyDelta("e", multi, [{ image: "i", prefill: { tp: 1 }, conc: [16, 64, 32] }])).toEqual([{ image: "i", prefill: { tp: 1 }, conc: [64] }]);
  });
});

describe("sticky comment plan counts", () => {
  it("count agentic buckets and the 2026-08 eval lists", () => {
    const row = (extra: Row) => ({ image: "i", model: "m", ...extra });
    const plan = {
      single_node: { "8k1k": [row({ isl: 8192, osl: 1024, conc: 4 })], agentic: [row({ "scenario-type": "agentic-coding", conc: 1 })] },
      multi_node: { agentic: [row({ "scenario-type": "agentic-coding", prefill: {}, conc: [4] })] },
      evals: [row({ isl: 8192, osl: 1024, "run-eval": true })],
      agentic_evals: [],
      multinode_evals: [row({ isl: 8192, osl: 1024, prefill: {}, "run-eval": true })],
      multinode_agentic_evals: [],
    };
    const s = summarizePlan(plan);
    expect(s.total).toBe(5);
    expect(s.evals).toBe(2);
    expect(s.buckets).toEqual(
      expect.arrayContaining([
        { bucket: "agentic", single: 1, multi: 1 },
        { bucket: "evals", single: 1, multi: 1 },
      ]),
    );
    expect(summarizePlan([row({ "scenario-type": "agentic-coding", conc: 1 })]).buckets).toEqual([{ bucket: "agentic", single: 1, multi: 0 }]);
  });
});

describe("success rates", () => {
  it("read the labels: map of a 2026-08 runner map; cluster: labels count as their GPU", () => {
    const runners = readRunnerMap(join(EX, "runners.yaml"));
    expect(runners["cluster:b200-example"]).toEqual(["b200-example_0"]);
    expect(gpuTypeOfRunnerKey("cluster:b200-dgxc")).toBe("b200");
    const jobs = [
      { name: "bmk [cluster:b200-example] a", status: "completed", conclusion: "success" },
      { name: "bmk [h200] b", status: "completed", conclusion: "failure" },
    ];
    const r = computeSuccessRates(jobs as never, runners);
    expect(JSON.stringify(r)).toMatch(/"b200":\{"n_success":1,"total":1\}/);
    expect(JSON.stringify(r)).toMatch(/"h200":\{"n_success":0,"total":1\}/);
  });
});

describe("rules", () => {
  it("total-cpu-dram-gb is exact decimal arithmetic, truncated", () => {
    // 2_861_022 x 2^20 x 0.3 / 3 = 299.9999004672 GB: floats near integers must not round up
    expect(totalCpuDramGb(2_861_022, 0.3, 1, 3)).toBe(299);
    expect(totalCpuDramGb(3_000_000, 0.95, 8, 8)).toBe(2849); // capped at 2_861_022 MiB: 2849.999... GB
    expect(totalCpuDramGb(5_000_000, "1", 8, 8)).toBe(totalCpuDramGb(2_861_022, 1, 8, 8));
    expect(Fraction.fromDecimal("0.80").times(Fraction.fromDecimal("5")).floor()).toBe(4n);
    expect(Fraction.fromDecimal("9.5e-1").num * 100n).toBe(95n * Fraction.fromDecimal("9.5e-1").den);
  });

  it("exp-name forms", () => {
    expect(maxModelLen(8192, 1024)).toBe(9472);
    expect(agenticSingleExpName("m", 8, 4, { mode: "none" }, "mtp")).toBe("m_tp8_conc4_kvnone_spec-mtp");
    expect(
      agenticMultiExpName("m", { "num-worker": 2, tp: 4, ep: 1, "dp-attn": false }, { "num-worker": 1, tp: 8, ep: 8, "dp-attn": true }, [7], { mode: "none" }),
    ).toBe("m_p2x4_d1x8ep8dpa_conc7");
  });

  it("'?' is a wildcard in test-config but literal in the changelog", () => {
    const keys = ["dsr1-fp4-b200", "dsr1-fp8-b200", "dsr1-fp?-b200x"];
    expect(expandConfigKeys(["dsr1-fp?-b200"], keys)).toEqual(["dsr1-fp4-b200", "dsr1-fp8-b200"]);
    expect(keys.filter((k) => changelogKeyRegExp("dsr1-fp?-b200*").test(k))).toEqual(["dsr1-fp?-b200x"]);
    expect(fnmatchRegExp("a[!b]c").test("axc")).toBe(true);
    expect(fnmatchRegExp("a[!b]c").test("abc")).toBe(false);
    expect(() => expandConfigKeys(["nope*"], keys)).toThrow(/the pattern 'nope\*' matches no config key/);
  });

  it("recipe-fingerprint ignores conc and exp-name and escapes like Python's json.dumps", () => {
    const a = { b: 1, a: "é", conc: 4, "exp-name": "x" };
    expect(pythonJson({ b: 1, a: "é\u007f" })).toBe('{"a":"\\u00e9\\u007f","b":1}');
    expect(recipeFingerprint(a)).toBe(recipeFingerprint({ ...a, conc: 8, "exp-name": "y" }));
    expect(recipeFingerprint(a)).not.toBe(recipeFingerprint({ ...a, b: 2 }));
    expect(recipeFingerprint(a)).toMatch(/^[0-9a-f]{64}$/);
  });

  it("--trim-conc keeps the lowest conc per recipe (agentic exp-names carry conc)", () => {
    const rows = [4, 1, 2].map((c) => ({ tp: 2, conc: c, "exp-name": `m_tp2_conc${c}_kvnone` }));
    expect(trimScenarioConc([...rows, { prefill: {}, conc: [8, 2] }])).toEqual([rows[1], { prefill: {}, conc: [2] }]);
  });

  it("an appended changelog is read from its new part only, with the head file's lines and entry numbers", () => {
    const base = readFileSync(join(ROOT, "perf-changelog.yaml"), "utf8");
    const added =
      "\n# a comment\n- config-keys: [a]\n  description: [d]\n  pr-link: https://x/pull/9\n- config-keys:\n    - b\n  description: [e]\n  pr-link: https://x/pull/10\n";
    const v = { file: "p.yaml", baseRef: "b", headRef: "h", baseText: base, headText: base + added };
    const fast = appendedItems(v)!;
    const full = diffChangelogs(readChangelogDocument(base, "p.yaml"), readChangelogDocument(base + added, "p.yaml")).added;
    expect(fast.length).toBe(2);
    expect(fast.map((i) => [i.number, i.line, i.value, i.fields.get("pr-link")])).toEqual(
      full.map((i) => [i.number, i.line, i.value, i.fields.get("pr-link")]),
    );
    // not an append of whole entries: the full diff decides (here: an edited last entry)
    expect(appendedItems({ ...v, headText: base + "  extra: 1\n" })).toBeUndefined();
    expect(() => changelogWork({ ...v, headText: base + "  extra: 1\n" })).toThrow(/only new entries may be added/);
  });

  it("the changelog entry schema and the reader agree", () => {
    const schema = JSON.parse(readFileSync(join(ROOT, "schemas/scenario-changelog-entry.schema.json"), "utf8"));
    const validate = new Ajv({ allErrors: true }).compile(schema.definitions.entry);
    const val = fc.oneof(fc.boolean(), fc.integer({ min: -1, max: 3 }), fc.constant("x"), fc.constant(null));
    const entry = fc.record(
      {
        "config-keys": fc.constantFrom(["a"], [], "a"),
        description: fc.constantFrom(["d"], []),
        "pr-link": fc.constantFrom("https://x/pull/1", 3),
        "evals-only": val,
        "all-evals": val,
        "append-only": val,
        "eval-min-prefill-ep": val,
        "scenario-type": fc.constantFrom(["agentic-coding"], ["fixed-seq-len", "agentic-coding"], [], ["long"], "agentic-coding"),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(entry, (e) => {
        const ours = validateScenarioChangelogEntry({ number: 1, line: 1, column: 1, value: e, fields: new Map() }, "c.yaml");
        const theirs = validate(JSON.parse(JSON.stringify(e, (_k, v) => (v === null ? undefined : v))));
        return ours.errors.length === 0 ? theirs === true : true;
      }),
      { numRuns: 300 },
    );
  });
});

describe("changelog --canary", () => {
  it("marks one cheap single-node throughput row canary, first in its bucket; none without the flag", async () => {
    const r = scenarioChangelogRepo();
    const plan = async (...extra: string[]) => {
      const files = ["--config-files", "configs/nvidia-master.yaml", "configs/amd-master.yaml", "--runner-config", "configs/runners.yaml"];
      const out = await infx(["changelog", "--base-ref", r.base, "--head-ref", r.head, ...files, ...extra], { cwd: r.repo, env: { INFX_NO_CACHE: "1" } });
      expect(out.code, out.stderr).toBe(0);
      return JSON.parse(out.stdout) as { single_node: Record<string, Row[]>; multi_node: Record<string, Row[]> };
    };
    const all = (p: { single_node: Record<string, Row[]>; multi_node: Record<string, Row[]> }) =>
      [...Object.values(p.single_node), ...Object.values(p.multi_node)].flat();
    expect(all(await plan()).some((e) => e.canary)).toBe(false);
    const withCanary = await plan("--canary");
    const marked = all(withCanary).filter((e) => e.canary === true);
    expect(marked).toHaveLength(1);
    const canary = marked[0]!;
    const [bucket] = Object.entries(withCanary.single_node).find(([, rows]) => rows.includes(canary))!;
    expect(withCanary.single_node[bucket]![0]).toBe(canary);
    expect(canary["run-eval"]).toBe(false);
    expect([1024, 8192]).toContain(canary.isl);
    expect(canary.osl).toBe(1024);
    const candidates = Object.values(withCanary.single_node)
      .flat()
      .filter((e) => !e["run-eval"] && e.osl === 1024 && (e.isl === 1024 || e.isl === 8192));
    expect(canary.conc).toBe(Math.min(...candidates.map((e) => e.conc as number)));
    // The same rows otherwise: the flag marks and moves, it adds or drops nothing.
    const strip = (rows: Row[]) => rows.map(({ canary: _, ...e }) => JSON.stringify(e)).sort();
    expect(strip(all(withCanary))).toEqual(strip(all(await plan())));
  });
});
