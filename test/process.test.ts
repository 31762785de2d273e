import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ajv } from "ajv";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { processResult, ResultError } from "../src/results/process.js";
import { RAW_RESULT_SCHEMA, validateRawResult } from "../src/results/raw-result.js";
import { infx, infxProcess, REFERENCE, ROOT } from "./support/cli.js";

const GOLDEN = join(REFERENCE, "golden/process");
const RAW = join(REFERENCE, "results/raw");
const cases = readdirSync(GOLDEN)
  .filter((f) => f.endsWith(".json"))
  .map((f) => JSON.parse(readFileSync(join(GOLDEN, f), "utf8")) as {
    name: string;
    raw_file: string;
    env: Record<string, string>;
    error: boolean;
    expected?: Record<string, unknown>;
    stderr_last_line?: string;
  });
const raw = (file: string) => JSON.parse(readFileSync(join(RAW, file), "utf8")) as Record<string, unknown>;

/** Fields we add or drop on purpose (documented in src/results/process.ts and types.ts). */
const DROPPED = ["std_intvty"];
const ADDED = ["date"];

describe("process-result golden parity with the reference", () => {
  it("has golden cases to replay", () => {
    expect(cases.length).toBeGreaterThanOrEqual(7);
    expect(cases.filter((c) => !c.error).length).toBeGreaterThanOrEqual(5);
  });

  for (const c of cases.filter((c) => !c.error)) {
    it(`${c.name}: every field matches`, () => {
      const row = processResult(raw(c.raw_file), c.env) as Record<string, unknown>;
      const expected = { ...c.expected! };
      for (const k of DROPPED) delete expected[k];
      // Same keys in the same order, apart from the documented additions.
      expect(Object.keys(row).filter((k) => !ADDED.includes(k))).toEqual(Object.keys(expected));
      for (const [k, v] of Object.entries(expected)) expect(row[k], k).toStrictEqual(v);
      expect(row.date).toBe(raw(c.raw_file).date);
    });

    it(`${c.name}: the CLI writes agg_<RESULT_FILENAME>.json beside the raw file`, async () => {
      const dir = mkdtempSync(join(tmpdir(), "infx-process-"));
      const name = c.raw_file.replace(/\.json$/, "");
      copyFileSync(join(RAW, c.raw_file), join(dir, c.raw_file));
      const r = await infx(["process-result"], { cwd: dir, env: { ...c.env, RESULT_FILENAME: name } });
      expect(r.stderr).toContain(`agg_${name}.json`);
      expect(r.code).toBe(0);
      const row = JSON.parse(readFileSync(join(dir, `agg_${name}.json`), "utf8"));
      expect(row.tput_per_gpu).toBe(c.expected!.tput_per_gpu);
      expect(row.mean_intvty).toBe(c.expected!.mean_intvty);
      expect(row).not.toHaveProperty("std_intvty");
    });
  }

  for (const c of cases.filter((c) => c.error)) {
    it(`${c.name}: fails like the reference, with a clearer message`, async () => {
      const dir = mkdtempSync(join(tmpdir(), "infx-process-"));
      const name = c.raw_file.replace(/\.json$/, "");
      copyFileSync(join(RAW, c.raw_file), join(dir, c.raw_file));
      const r = await infx(["process-result"], { cwd: dir, env: { ...c.env, RESULT_FILENAME: name } });
      expect(r.code).toBe(1);
      expect(existsSync(join(dir, `agg_${name}.json`))).toBe(false);
      if (c.name === "err-missing-env") expect(r.stderr).toMatch(/missing environment variable: IMAGE\n  IMAGE: container image/);
      if (c.name === "err-disagg-single") expect(r.stderr).toMatch(/DISAGG=true requires a multi-node job/);
    });
  }
});

const SINGLE_ENV = cases.find((c) => c.name === "single-glm47_conc1")!.env;

function expectResultError(fn: () => unknown, pattern: RegExp): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ResultError);
    const err = e as ResultError;
    expect([err.message, ...err.details].join("\n")).toMatch(pattern);
    return;
  }
  throw new Error("expected a ResultError");
}

describe("process-result refuses what the reference gets wrong", () => {
  it("a TPOT of 0 names the field instead of dividing by zero", () => {
    expectResultError(() => processResult({ ...raw("glm47_conc1.json"), median_tpot_ms: 0 }, SINGLE_ENV), /\$\.median_tpot_ms is 0: interactivity/);
  });
  it("a std TPOT of 0 is fine (no std_intvty is computed)", () => {
    const row = processResult({ ...raw("glm47_conc1.json"), std_tpot_ms: 0 }, SINGLE_ENV);
    expect(row.std_tpot).toBe(0);
  });
  it("0 completed requests and 0 output tokens say why", () => {
    expectResultError(() => processResult({ ...raw("glm47_conc1.json"), completed: 0 }, SINGLE_ENV), /\$\.completed is 0: no request completed/);
    expectResultError(() => processResult({ ...raw("glm47_conc1.json"), total_output_tokens: 0 }, SINGLE_ENV), /total_output_tokens is 0/);
  });
  it("a malformed raw file names the JSON path", () => {
    expectResultError(() => processResult({ ...raw("glm47_conc1.json"), mean_ttft_ms: "fast" }, SINGLE_ENV), /\$\.mean_ttft_ms: must be number, got string "fast"/);
    const noConc = raw("glm47_conc1.json");
    delete noConc.max_concurrency;
    expectResultError(() => processResult(noConc, SINGLE_ENV), /\$\.max_concurrency: required field is missing/);
    expectResultError(() => processResult({ ...raw("glm47_conc1.json"), max_concurrency: null }, SINGLE_ENV), /\$\.max_concurrency: must be integer, got null/);
    expectResultError(() => processResult([1, 2], SINGLE_ENV), /\$: must be a JSON object, got array/);
  });
  it("every missing variable is named with what it means", () => {
    const env = { ...SINGLE_ENV };
    delete env.TP;
    delete env.RUNNER_TYPE;
    expectResultError(() => processResult(raw("glm47_conc1.json"), env), /missing environment variables: RUNNER_TYPE, TP\n {2}RUNNER_TYPE: runner type/);
    expectResultError(() => processResult(raw("glm47_conc1.json"), { ...SINGLE_ENV, IS_MULTINODE: "true" }), /PREFILL_GPUS, DECODE_GPUS/);
  });
  it("bad variable values are named", () => {
    expectResultError(() => processResult(raw("glm47_conc1.json"), { ...SINGLE_ENV, TP: "eight" }), /TP="eight": expected a whole number >= 1/);
    expectResultError(() => processResult(raw("glm47_conc1.json"), { ...SINGLE_ENV, DP_ATTENTION: "maybe" }), /DP_ATTENTION="maybe": expected true or false/);
  });
  it("a disaggregated single-node job is refused", () => {
    expectResultError(() => processResult(raw("glm47_conc1.json"), { ...SINGLE_ENV, DISAGG: "true" }), /requires a multi-node job/);
  });
  it("optional e2el metrics become seconds too, and the typo key is accepted", () => {
    const row = processResult({ ...raw("glm47_conc64.json"), mean_e2el_ms: 54321, p90_tpot_ms: 50 }, SINGLE_ENV);
    expect(row.mean_e2el).toBe(54.321);
    expect(row.p90_intvty).toBe(20);
    expect(raw("glm47_conc64.json")).toHaveProperty(["request_goodput:"]);
  });
});

describe("process-result CLI", () => {
  it("the built bin processes a real raw result as the workflow runs it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "infx-process-"));
    copyFileSync(join(RAW, "glm47_conc16.json"), join(dir, "glm47_conc16.json"));
    const r = await infxProcess(["process-result"], { cwd: dir, env: { ...SINGLE_ENV, RESULT_FILENAME: "glm47_conc16" } });
    expect(r.stderr).toBe(`wrote ${join(dir, "agg_glm47_conc16.json")}\n`);
    expect(r.code).toBe(0);
    const golden = cases.find((c) => c.name === "single-glm47_conc16")!;
    const row = JSON.parse(readFileSync(join(dir, "agg_glm47_conc16.json"), "utf8"));
    expect(row.tput_per_gpu).toBe(golden.expected!.tput_per_gpu);
  });

  it("flags override the environment", async () => {
    const dir = mkdtempSync(join(tmpdir(), "infx-process-"));
    copyFileSync(join(RAW, "glm47_conc4.json"), join(dir, "glm47_conc4.json"));
    const r = await infx(["process-result", "--tp", "4", "--runner-type", "b200", "--print"], {
      cwd: dir,
      env: { ...SINGLE_ENV, RESULT_FILENAME: "glm47_conc4" },
    });
    expect(r.code).toBe(0);
    const row = JSON.parse(r.stdout);
    expect(row.tp).toBe(4);
    expect(row.hw).toBe("b200");
    expect(row.tput_per_gpu).toBeCloseTo((raw("glm47_conc4.json").total_token_throughput as number) / 4, 12);
  });
  it("a raw file that is not JSON is reported with line and column", async () => {
    const dir = mkdtempSync(join(tmpdir(), "infx-process-"));
    writeFileSync(join(dir, "bad.json"), '{\n  "model_id": "x",\n  "completed": ,\n}');
    const r = await infx(["process-result"], { cwd: dir, env: { ...SINGLE_ENV, RESULT_FILENAME: "bad" } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/bad\.json is not valid JSON: line 3, column 16/);
  });
  it("a missing raw file names the path", async () => {
    const dir = mkdtempSync(join(tmpdir(), "infx-process-"));
    const r = await infx(["process-result"], { cwd: dir, env: { ...SINGLE_ENV, RESULT_FILENAME: "nope" } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(join(dir, "nope.json"));
    expect(r.stderr).toContain("ENOENT");
  });
  it("--help teaches the environment contract", async () => {
    const r = await infx(["process-result", "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("PREFILL_DP_ATTN");
    expect(r.stdout).toContain("--ep-size");
  });
});

describe("raw result schema", () => {
  it("the committed schema file is the schema the validator interprets", () => {
    const file = JSON.parse(readFileSync(join(ROOT, "schemas/raw-result.schema.json"), "utf8"));
    expect(file).toEqual(RAW_RESULT_SCHEMA);
  });
  it("accepts every real raw result", () => {
    for (const f of readdirSync(RAW)) expect(validateRawResult(raw(f)), f).toEqual([]);
  });
  it("agrees with Ajv on valid and mutated results", () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    const check = ajv.compile(RAW_RESULT_SCHEMA);
    const base = raw("glm47_conc16.json");
    const keys = [...Object.keys(base), "p90_e2el_ms", "request_rate", "num_prompts"];
    const value = fc.oneof(fc.constant(undefined), fc.integer({ min: -5, max: 5 }), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.string(), fc.constant(null), fc.boolean(), fc.constant([]));
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...keys), value, { maxKeys: 4 }), (mutation) => {
        const obj: Record<string, unknown> = { ...base };
        for (const [k, v] of Object.entries(mutation)) {
          if (v === undefined) delete obj[k];
          else obj[k] = v;
        }
        expect(validateRawResult(obj).length === 0).toBe(check(obj));
      }),
      { numRuns: 400 },
    );
  });
});

describe("process-result start-up stays light (it runs once per benchmark job)", () => {
  it("imports nothing but node built-ins and our own small modules", () => {
    const seen = new Set<string>();
    const packages = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = readFileSync(file, "utf8");
      for (const m of text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+["']([^"']+)["']/gm)) {
        const spec = m[1]!;
        if (spec.startsWith(".")) {
          if (!/^import\s+type\s/.test(m[0].trim())) visit(join(file, "..", spec.replace(/\.js$/, ".ts")));
        } else if (!spec.startsWith("node:")) packages.add(spec);
      }
    };
    visit(join(ROOT, "src/commands/process-result.ts"));
    expect([...packages]).toEqual([]);
    expect(seen.size).toBeGreaterThanOrEqual(4);
    expect([...seen].some((f) => f.endsWith("raw-result.ts"))).toBe(true);
  });
});
