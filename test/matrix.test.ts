// The matrix generator beyond the golden cases: the conc-list fix, the
// concurrency rules, eval selection, output order, --format table, and
// argument errors.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import fc from "fast-check";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { planningInputsFromTexts } from "../src/config/load.js";
import { selectEvalEntries } from "../src/plan/eval-selection.js";
import { fullSweep, runnerModelSweep, seqLenName, testConfig } from "../src/plan/matrix.js";
import { concurrenciesFor, filterConcurrencies, geometricConcurrencies, unmatchedConcurrencies } from "../src/plan/matrix-concurrency.js";
import type { MatrixEntry, SingleNodeEntry } from "../src/plan/types.js";
import { infx, infxProcess, CONFIGS, ROOT } from "./support/cli.js";

const PROJECT_ARGS = [
  "--config-files",
  join(CONFIGS, "nvidia-master.yaml"),
  join(CONFIGS, "amd-master.yaml"),
  "--runner-config",
  join(CONFIGS, "runners.yaml"),
];

const RUNNERS = "b200:\n  - b200-a_0\n  - b200-b_0\nh200:\n  - h200-a_0\n";
const CONC_LIST_CONFIG = `listy:
  image: img:1
  model: org/model
  model-prefix: dsr1
  runner: b200
  precision: fp8
  framework: sglang
  multinode: false
  seq-len-configs:
  - isl: 1024
    osl: 1024
    search-space:
    - { tp: 8, conc-list: [3, 48, 6] }
    - { tp: 4, conc-start: 4, conc-end: 48 }
  - isl: 2048
    osl: 256
    search-space:
    - { tp: 2, conc-list: [1] }
`;

function inputs(text = CONC_LIST_CONFIG) {
  return planningInputsFromTexts([{ file: "c.yaml", text }], { file: "runners.yaml", text: RUNNERS });
}

const concs = (es: MatrixEntry[], tp: number) => es.filter((e) => (e as SingleNodeEntry).tp === tp).map((e) => e.conc);

describe("conc-list in single-node full-sweep (the reference ignores it: fixed)", () => {
  it("expands every conc-list value, in the order written", () => {
    const es = fullSweep(inputs(), { nodeType: "single" });
    expect(concs(es, 8)).toEqual([3, 48, 6]);
    expect(concs(es, 4)).toEqual([4, 8, 16, 32, 48]);
    expect(es.find((e) => (e as SingleNodeEntry).tp === 2)).toMatchObject({ conc: 1, isl: 2048, osl: 256, "exp-name": "dsr1_2048_256", "max-model-len": 2504 });
  });

  it("applies the concurrency window to conc-lists like the multi-node planner does", () => {
    expect(concs(fullSweep(inputs(), { nodeType: "single", maxConc: 8 }), 8)).toEqual([3, 6]);
    expect(concs(fullSweep(inputs(), { nodeType: "single", maxConc: 2 }), 8)).toEqual([2]);
    expect(concs(fullSweep(inputs(), { nodeType: "single", minConc: 5 }), 8)).toEqual([48, 6]);
    expect(concs(fullSweep(inputs(), { nodeType: "single", minConc: 100 }), 8)).toEqual([]);
  });

  it("works through the CLI too", async () => {
    const dir = mkdtempSync(join(tmpdir(), "infx-matrix-"));
    writeFileSync(join(dir, "c.yaml"), CONC_LIST_CONFIG);
    writeFileSync(join(dir, "r.yaml"), RUNNERS);
    const r = await infx(["full-sweep", "--single-node", "--config-files", "c.yaml", "--runner-config", "r.yaml"], { cwd: dir });
    expect(r.code).toBe(0);
    expect(concs(JSON.parse(r.stdout), 8)).toEqual([3, 48, 6]);
  });
});

describe("test-config --conc filters each entry's own concurrencies", () => {
  type Entry = { conc: number | number[] };
  const strip = (e: Entry) => JSON.stringify({ ...e, conc: undefined });
  const testConfigJson = async (argv: string[]) => {
    const r = await infx(["test-config", ...argv, ...PROJECT_ARGS]);
    expect(r.code, r.stderr).toBe(0);
    return { entries: JSON.parse(r.stdout) as Entry[], stderr: r.stderr, stdout: r.stdout };
  };
  /** What the rule says the filtered matrix is: the unfiltered one, each entry's concurrencies kept when wanted, empty entries dropped. */
  const expected = (all: Entry[], wanted: number[]) =>
    all.flatMap((e) => {
      if (!Array.isArray(e.conc)) return wanted.includes(e.conc) ? [e] : [];
      const kept = e.conc.filter((c) => wanted.includes(c));
      return kept.length ? [{ ...e, conc: kept }] : [];
    });

  it("filterConcurrencies keeps the entry's own values that are wanted, in the entry's order", () => {
    expect(filterConcurrencies([4, 8, 16, 32, 48], [48, 8, 5])).toEqual([8, 48]);
    expect(filterConcurrencies([3, 48, 6], [6, 3])).toEqual([3, 6]);
    expect(filterConcurrencies([4, 8], [5])).toEqual([]);
    expect(unmatchedConcurrencies([4, 5, 5, 64], [{ conc: 4 }, { conc: [8, 64] }])).toEqual([5]);
  });

  it("on a conc-list and a range: only their own values survive; an entry with none gives no job", () => {
    const es = testConfig(inputs(), { configKeys: ["listy"], onlyConc: [6, 48, 5, 1] });
    expect(concs(es, 8)).toEqual([48, 6]); // conc-list [3, 48, 6], as written
    expect(concs(es, 4)).toEqual([48]); // range 4..48
    expect(concs(es, 2)).toEqual([1]);
    expect(testConfig(inputs(), { configKeys: ["listy"], onlyConc: [5] })).toEqual([]);
  });

  it("single-node keys of the project: the filtered matrix is the unfiltered one minus the other concurrencies", async () => {
    const keys = ["dsr1-fp8-h200-sglang", "dsr1-fp8-b200-sglang", "dsr1-fp4-b200-trt"];
    const all = (await testConfigJson(["--config-keys", ...keys])).entries;
    const wanted = [4, 64, 256];
    const got = await testConfigJson(["--config-keys", ...keys, "--conc", ...wanted.map(String)]);
    expect(got.entries).toEqual(expected(all, wanted));
    expect(got.entries.length).toBeGreaterThan(0);
    expect(got.entries.length).toBeLessThan(all.length);
    expect(got.stderr).toBe("");
  });

  it("multi-node: each entry keeps its filtered list and is left out when it becomes empty", async () => {
    const key = ["--config-keys", "dsr1-fp4-gb200-dynamo-trt"];
    const all = (await testConfigJson(key)).entries;
    const got = (await testConfigJson([...key, "--conc", "4", "64"])).entries;
    expect(got).toEqual(expected(all, [4, 64]));
    expect(got.length).toBeLessThan(all.length); // the 1024/2048 entry is gone
    expect(got.some((e) => Array.isArray(e.conc) && e.conc.length === 1)).toBe(true);
    expect(got.map(strip).every((s) => all.map(strip).includes(s))).toBe(true);
  });

  it("any subset of values, over every config key of the project (property)", async () => {
    const loaded = planningInputsFromTexts(
      ["nvidia-master.yaml", "amd-master.yaml"].map((f) => ({ file: f, text: readFileSync(join(ROOT, "configs", f), "utf8") })),
      { file: "runners.yaml", text: readFileSync(join(ROOT, "configs/runners.yaml"), "utf8") },
    );
    const keys = [...loaded.configs.keys()];
    const all = testConfig(loaded, { configKeys: keys });
    fc.assert(
      fc.property(fc.uniqueArray(fc.constantFrom(1, 2, 3, 4, 8, 16, 32, 48, 64, 128, 256, 512, 1024, 2048, 4096), { minLength: 1, maxLength: 5 }), (wanted) => {
        expect(testConfig(loaded, { configKeys: keys, onlyConc: wanted })).toEqual(expected(all, wanted));
      }),
      { numRuns: 200, seed: 10 },
    );
  });

  it("an empty result is [] with a warning naming the values no entry has, and the configs' own", async () => {
    const none = await testConfigJson(["--config-keys", "dsr1-fp8-h200-sglang", "--conc", "3", "5"]);
    expect(none.stdout).toBe("[]\n");
    expect(none.stderr).toBe(
      "infx test-config: warning: no search-space entry of dsr1-fp8-h200-sglang runs at concurrency 3, 5 (--conc filters the configs' own concurrencies); theirs: 4, 8, 16, 32, 64\n",
    );
    const some = await testConfigJson(["--config-keys", "dsr1-fp8-h200-sglang", "--conc", "4", "3"]);
    expect(some.entries.length).toBe(3); // 4 is in each of the three sequence-length blocks
    expect(some.stderr).toMatch(/runs at concurrency 3 \(--conc/);
  });

  it("runner-model-sweep --conc still sets the concurrency, even one the config lacks", async () => {
    const r = await infx(["runner-model-sweep", "--runner-type", "h200", "--single-node", "--conc", "3", ...PROJECT_ARGS]);
    expect(r.code, r.stderr).toBe(0);
    const es = JSON.parse(r.stdout) as SingleNodeEntry[];
    expect(es.length).toBeGreaterThan(0);
    expect(es.every((e) => e.conc === 3)).toBe(true);
  });

  it("--help says it is a filter, and where to run other concurrencies", async () => {
    const h = (await infx(["test-config", "--help"])).stdout;
    expect(h).toContain("--conc N... filters");
    expect(h).toContain("infx sweep --local --config-keys K --conc N...");
    expect((await infx(["sweep", "--help"])).stdout).toMatch(/--conc N\.\.\.\s+With --config-keys: run at exactly these concurrencies \(not a filter/);
  });
});

describe("concurrency rules", () => {
  it("grows geometrically and clamps the last value to conc-end", () => {
    expect(geometricConcurrencies(4, 64, 2)).toEqual([4, 8, 16, 32, 64]);
    expect(geometricConcurrencies(4, 48, 2)).toEqual([4, 8, 16, 32, 48]);
    expect(geometricConcurrencies(4, 128, 4)).toEqual([4, 16, 64, 128]);
    expect(geometricConcurrencies(7, 7, 2)).toEqual([7]);
  });

  it("--max-conc below a range yields that value; --min-conc above a range drops it", () => {
    const ss = { "conc-start": 128, "conc-end": 256 };
    expect(concurrenciesFor(ss, { stepSize: 2, maxConc: 64 })).toEqual([64]);
    expect(concurrenciesFor(ss, { stepSize: 2, minConc: 512 })).toEqual([]);
    expect(concurrenciesFor(ss, { stepSize: 2, minConc: 200 })).toEqual([200, 256]);
    expect(concurrenciesFor(ss, { stepSize: 2, minConc: 0 })).toEqual([]);
    expect(concurrenciesFor(ss, { stepSize: 2, maxConc: -1 })).toEqual([]);
  });

  it("--max-ep clamps ep, --max-tp drops larger tp, non-positive limits select nothing", async () => {
    const base = ["full-sweep", "--single-node", "--model-prefix", "dsr1", "--runner-type", "b200", ...PROJECT_ARGS];
    const all = JSON.parse((await infx(base)).stdout) as SingleNodeEntry[];
    expect(Math.max(...all.map((e) => e.ep))).toBeGreaterThan(4);
    expect(Math.max(...all.map((e) => e.tp))).toBeGreaterThan(4);
    const clamped = JSON.parse((await infx([...base, "--max-ep", "4"])).stdout) as SingleNodeEntry[];
    expect(clamped.length).toBe(all.length);
    expect(clamped.map((e) => e.ep)).toEqual(all.map((e) => Math.min(e.ep, 4)));
    const small = JSON.parse((await infx([...base, "--max-ep", "4", "--max-tp", "4"])).stdout) as SingleNodeEntry[];
    expect(small.length).toBeGreaterThan(0);
    expect(small.length).toBe(all.filter((e) => e.tp <= 4).length);
    expect(Math.max(...small.map((e) => e.tp))).toBe(4);
    const none = await infx(["full-sweep", "--multi-node", "--max-ep", "0", ...PROJECT_ARGS]);
    expect(JSON.parse(none.stdout)).toEqual([]);
  });

  it("multi-node --max-ep clamps prefill and decode ep", async () => {
    type M = { prefill: { ep: number }; decode: { ep: number } };
    const all = JSON.parse((await infx(["full-sweep", "--multi-node", ...PROJECT_ARGS])).stdout) as M[];
    expect(Math.max(...all.flatMap((e) => [e.prefill.ep, e.decode.ep]))).toBeGreaterThan(4);
    const r = await infx(["full-sweep", "--multi-node", "--max-ep", "4", ...PROJECT_ARGS]);
    const es = JSON.parse(r.stdout) as M[];
    expect(es).toHaveLength(all.length);
    expect(es.map((e) => [e.prefill.ep, e.decode.ep])).toEqual(all.map((e) => [Math.min(e.prefill.ep, 4), Math.min(e.decode.ep, 4)]));
  });
});

describe("eval selection", () => {
  const e = (tp: number, conc: number, extra: Partial<SingleNodeEntry> = {}): SingleNodeEntry => ({
    image: "i",
    model: "m",
    "model-prefix": "p",
    precision: "fp8",
    framework: "f",
    runner: "r",
    isl: 1024,
    osl: 8192,
    tp,
    conc,
    "max-model-len": 9416,
    ep: 1,
    "dp-attn": false,
    "spec-decoding": "none",
    "exp-name": "p_1k8k",
    disagg: false,
    "run-eval": false,
    ...extra,
  });

  it("marks the highest and lowest TP at their highest concurrency, per group, 1k8k only", () => {
    const es = [e(4, 4), e(4, 64), e(8, 4), e(8, 32), e(2, 16, { osl: 1024 }), e(8, 256, { "dp-attn": true }), e(8, 128, { "dp-attn": true })];
    expect([...selectEvalEntries(es)].sort()).toEqual([1, 3, 5]);
  });

  it("--evals-only keeps exactly the marked entries", async () => {
    const all = await infx(["full-sweep", "--single-node", "--run-evals", ...PROJECT_ARGS]);
    const only = await infx(["full-sweep", "--single-node", "--evals-only", ...PROJECT_ARGS]);
    const marked = (JSON.parse(all.stdout) as MatrixEntry[]).filter((x) => x["run-eval"]);
    expect(JSON.parse(only.stdout)).toEqual(marked);
    expect(marked.every((x) => seqLenName(x.isl, x.osl) === "1k8k")).toBe(true);
  });
});

describe("order, formats and other commands", () => {
  it("follows config file order, then seq-len-configs, search space and ascending concurrency", () => {
    const es = fullSweep(inputs(), { nodeType: "single" }) as SingleNodeEntry[];
    expect(es.map((x) => `${x.isl}/${x.tp}/${x.conc}`)).toEqual([
      "1024/8/3",
      "1024/8/48",
      "1024/8/6",
      "1024/4/4",
      "1024/4/8",
      "1024/4/16",
      "1024/4/32",
      "1024/4/48",
      "2048/2/1",
    ]);
  });

  it("--runner-node-filter pins one job per matching node, nodes innermost", () => {
    const es = fullSweep(inputs(), { nodeType: "single", runnerNodeFilter: "_0", seqLens: ["1k1k"] }) as SingleNodeEntry[];
    expect(es.slice(0, 4).map((x) => `${x.conc}@${x.runner}`)).toEqual(["3@b200-a_0", "3@b200-b_0", "48@b200-a_0", "48@b200-b_0"]);
    expect(fullSweep(inputs(), { nodeType: "single", runnerNodeFilter: "zzz" })).toEqual([]);
  });

  it("--format table shows rows, counts per runner and per sequence length", async () => {
    const r = await infx(["full-sweep", "--single-node", "--runner-type", "h200", "--format", "table", ...PROJECT_ARGS]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^RUNNER\s+MODEL\s+PREC\s+FRAMEWORK\s+SEQ\s+PARALLELISM\s+SPEC\s+EVAL\s+CONC$/);
    expect(r.stdout).toMatch(/\nh200\s+dsr1\s+fp8\s+sglang\s+1k1k\s+tp8\/ep1\s+none\s+-\s+4 8 16 32 64\n/);
    const json = JSON.parse((await infx(["full-sweep", "--single-node", "--runner-type", "h200", ...PROJECT_ARGS])).stdout) as MatrixEntry[];
    expect(lines.at(-4)).toMatch(new RegExp(`^${json.length} jobs in \\d+ rows$`));
    expect(lines.at(-3)).toBe(`per runner: h200 ${json.length}`);
    expect(lines.at(-2)).toMatch(/^per sequence length: (1k1k|1k8k|8k1k) \d+, (1k1k|1k8k|8k1k) \d+, (1k1k|1k8k|8k1k) \d+$/);
    expect(lines.at(-1)).toBe("dialect 2026-02 (seq-len-configs)");
  });

  it("testConfig's conc (sweep --local --conc) replaces concurrencies; a key named twice expands once", () => {
    const es = testConfig(inputs(), { configKeys: ["listy", "listy"], conc: [5, 7] });
    expect(es.map((x) => x.conc)).toEqual([5, 7, 5, 7, 5, 7]);
  });

  it("runner-model-sweep uses the 1k1k block's highest TP on every node", () => {
    const es = runnerModelSweep(inputs(), { runnerType: "b200", nodeType: "single" }) as SingleNodeEntry[];
    expect(es.map((x) => [x.runner, x.tp, x.conc, x["max-model-len"], x["exp-name"]])).toEqual([
      ["b200-a_0", 8, 3, 2048, "dsr1_test"],
      ["b200-b_0", 8, 3, 2048, "dsr1_test"],
    ]);
  });

  it("the project's own configs plan single-node and multi-node sweeps", async () => {
    const single = await infx(["full-sweep", "--single-node"], { cwd: ROOT });
    const multi = await infx(["full-sweep", "--multi-node"], { cwd: ROOT });
    expect(single.code + multi.code).toBe(0);
    expect((JSON.parse(single.stdout) as MatrixEntry[]).length).toBeGreaterThan(100);
    expect((JSON.parse(multi.stdout) as MatrixEntry[]).some((x) => "prefill" in x)).toBe(true);
  });
});

describe("cache and bin", () => {
  it("the planning-inputs cache never changes the matrix (miss, hit, off)", async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), "infx-cache-"));
    const argv = ["full-sweep", "--single-node", "--run-evals", ...PROJECT_ARGS];
    const miss = await infx(argv, { env: { INFX_CACHE_DIR: cacheDir } });
    const hit = await infx(argv, { env: { INFX_CACHE_DIR: cacheDir } });
    const off = await infx(argv, { env: { INFX_NO_CACHE: "1" } });
    expect((JSON.parse(miss.stdout) as MatrixEntry[]).length).toBeGreaterThan(100);
    expect(hit.stdout).toBe(miss.stdout);
    expect(off.stdout).toBe(miss.stdout);
  });

  it("the committed bin plans the project's sweep as a real process, as in-process", async () => {
    const r = await infxProcess(["full-sweep", "--single-node", ...PROJECT_ARGS], { env: { INFX_NO_CACHE: "1" } });
    expect(r.code).toBe(0);
    const inProcess = await infx(["full-sweep", "--single-node", ...PROJECT_ARGS], { env: { INFX_NO_CACHE: "1" } });
    expect((JSON.parse(r.stdout) as MatrixEntry[]).length).toBeGreaterThan(100);
    expect(r.stdout).toBe(inProcess.stdout);
  });
});

describe("argument errors say what is allowed", () => {
  it.each([
    [["full-sweep", "--single-node", "--step-size", "1"], /--step-size must be at least 2, got 1/],
    [["full-sweep", "--single-node", "--seq-lens", "2k2k"], /invalid choice '2k2k' \(choose from '1k1k', '1k8k', '8k1k'\)/],
    [["full-sweep", "--single-node", "--multi-node"], /--single-node and --multi-node cannot be used together/],
    [["full-sweep", "--single-node", "--runner-type", "b20"], /unknown runner type 'b20'.*did you mean 'b200'\?\nvalid runner types: b200, /s],
    [["full-sweep", "--single-node", "--format", "csv"], /invalid choice 'csv'/],
    [
      ["test-config", "--config-keys", "dsr1-fp8-b200-sglang-mpt"],
      /config key not found: 'dsr1-fp8-b200-sglang-mpt' \(did you mean 'dsr1-fp8-b200-sglang-mtp'\?\)\navailable keys: /,
    ],
    [
      ["runner-model-sweep", "--runner-type", "h100", "--single-node", "--runner-node-filter", "zzz"],
      /no runner node of type 'h100' matches --runner-node-filter 'zzz'\nnodes of 'h100': h100-lab_0, /,
    ],
  ])("%j", async (argv, message) => {
    const r = await infx([...argv, ...PROJECT_ARGS]);
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(message);
  });

  it("warns about filter values no config has, but still prints the (empty) matrix", async () => {
    const r = await infx(["full-sweep", "--single-node", "--model-prefix", "dsr2", ...PROJECT_ARGS]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("[]\n");
    expect(r.stderr).toMatch(/warning: no config has model-prefix 'dsr2' \(--model-prefix\); did you mean 'dsr1'\?/);
  });
});
