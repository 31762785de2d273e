import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ajv } from "ajv";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { processResult, ResultError } from "../src/results/process.js";
import { RAW_RESULT_SCHEMA, validateRawResult } from "../src/results/raw-result.js";
import { infx, infxProcess, ROOT } from "./support/cli.js";

// Raw results written by `infx bench` against `infx serve-sim` (test/fixtures/raw/README.md).
const RAW = join(ROOT, "test/fixtures/raw");
const raw = (file: string) => JSON.parse(readFileSync(join(RAW, file), "utf8")) as Record<string, unknown>;
const SINGLE_ENV = JSON.parse(readFileSync(join(RAW, "env-single.json"), "utf8")) as Record<string, string>;
const RAW_FILES = readdirSync(RAW).filter((f) => /^sim_conc\d+\.json$/.test(f));

describe("process-result on raw results from the benchmark client", () => {
  it("has the fixtures", () => {
    expect(RAW_FILES.length).toBeGreaterThanOrEqual(3);
  });

  for (const f of RAW_FILES) {
    it(`${f}: the CLI writes agg_<RESULT_FILENAME>.json beside the raw file, derived from the raw numbers`, async () => {
      const dir = mkdtempSync(join(tmpdir(), "infx-process-"));
      const name = f.replace(/\.json$/, "");
      copyFileSync(join(RAW, f), join(dir, f));
      const r = await infx(["process-result"], { cwd: dir, env: { ...SINGLE_ENV, RESULT_FILENAME: name } });
      expect(r.stderr).toContain(`agg_${name}.json`);
      expect(r.code).toBe(0);
      const row = JSON.parse(readFileSync(join(dir, `agg_${name}.json`), "utf8"));
      const src = raw(f);
      const tp = Number(SINGLE_ENV.TP);
      expect(row).toMatchObject({
        hw: SINGLE_ENV.RUNNER_TYPE,
        conc: src.max_concurrency,
        model: src.model_id,
        tp,
        isl: 1024,
        osl: 64,
        disagg: false,
        is_multinode: false,
      });
      expect(row.tput_per_gpu).toBeCloseTo((src.total_token_throughput as number) / tp, 12);
      expect(row.output_tput_per_gpu).toBeCloseTo((src.output_throughput as number) / tp, 12);
      expect(row.mean_ttft).toBeCloseTo((src.mean_ttft_ms as number) / 1000, 12);
      expect(row.mean_intvty).toBeCloseTo(1000 / (src.mean_tpot_ms as number), 12);
      expect(row.date).toBe(src.date);
      expect(row).not.toHaveProperty("std_intvty");
    });
  }

  it("a missing variable fails the CLI, names it, and writes nothing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "infx-process-"));
    copyFileSync(join(RAW, "sim_conc1.json"), join(dir, "sim_conc1.json"));
    const env: Record<string, string> = { ...SINGLE_ENV, RESULT_FILENAME: "sim_conc1" };
    delete env.IMAGE;
    const r = await infx(["process-result"], { cwd: dir, env });
    expect(r.code).toBe(1);
    expect(existsSync(join(dir, "agg_sim_conc1.json"))).toBe(false);
    expect(r.stderr).toMatch(/missing environment variable: IMAGE\n {2}IMAGE: container image/);
  });

  it("DISAGG=true on a single-node job fails the CLI and writes nothing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "infx-process-"));
    copyFileSync(join(RAW, "sim_conc1.json"), join(dir, "sim_conc1.json"));
    const r = await infx(["process-result"], { cwd: dir, env: { ...SINGLE_ENV, DISAGG: "true", RESULT_FILENAME: "sim_conc1" } });
    expect(r.code).toBe(1);
    expect(existsSync(join(dir, "agg_sim_conc1.json"))).toBe(false);
    expect(r.stderr).toMatch(/DISAGG=true requires a multi-node job/);
  });
});

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
    expectResultError(() => processResult({ ...raw("sim_conc1.json"), median_tpot_ms: 0 }, SINGLE_ENV), /\$\.median_tpot_ms is 0: interactivity/);
  });
  it("a std TPOT of 0 is fine (no std_intvty is computed)", () => {
    const row = processResult({ ...raw("sim_conc1.json"), std_tpot_ms: 0 }, SINGLE_ENV);
    expect(row.std_tpot).toBe(0);
  });
  it("0 completed requests and 0 output tokens say why", () => {
    expectResultError(() => processResult({ ...raw("sim_conc1.json"), completed: 0 }, SINGLE_ENV), /\$\.completed is 0: no request completed/);
    expectResultError(() => processResult({ ...raw("sim_conc1.json"), total_output_tokens: 0 }, SINGLE_ENV), /total_output_tokens is 0/);
  });
  it("a malformed raw file names the JSON path", () => {
    expectResultError(
      () => processResult({ ...raw("sim_conc1.json"), mean_ttft_ms: "fast" }, SINGLE_ENV),
      /\$\.mean_ttft_ms: must be number, got string "fast"/,
    );
    const noConc = raw("sim_conc1.json");
    delete noConc.max_concurrency;
    expectResultError(() => processResult(noConc, SINGLE_ENV), /\$\.max_concurrency: required field is missing/);
    expectResultError(() => processResult({ ...raw("sim_conc1.json"), max_concurrency: null }, SINGLE_ENV), /\$\.max_concurrency: must be integer, got null/);
    expectResultError(() => processResult([1, 2], SINGLE_ENV), /\$: must be a JSON object, got array/);
  });
  it("every missing variable is named with what it means", () => {
    const env = { ...SINGLE_ENV };
    delete env.TP;
    delete env.RUNNER_TYPE;
    expectResultError(() => processResult(raw("sim_conc1.json"), env), /missing environment variables: RUNNER_TYPE, TP\n {2}RUNNER_TYPE: runner type/);
    expectResultError(() => processResult(raw("sim_conc1.json"), { ...SINGLE_ENV, IS_MULTINODE: "true" }), /PREFILL_GPUS, DECODE_GPUS/);
  });
  it("bad variable values are named", () => {
    expectResultError(() => processResult(raw("sim_conc1.json"), { ...SINGLE_ENV, TP: "eight" }), /TP="eight": expected a whole number >= 1/);
    expectResultError(() => processResult(raw("sim_conc1.json"), { ...SINGLE_ENV, DP_ATTENTION: "maybe" }), /DP_ATTENTION="maybe": expected true or false/);
  });
  it("a disaggregated single-node job is refused", () => {
    expectResultError(() => processResult(raw("sim_conc1.json"), { ...SINGLE_ENV, DISAGG: "true" }), /requires a multi-node job/);
  });
  it("optional e2el metrics become seconds too, and the typo key is accepted", () => {
    const row = processResult({ ...raw("sim_conc16.json"), mean_e2el_ms: 54321, p90_tpot_ms: 50 }, SINGLE_ENV);
    expect(row.mean_e2el).toBe(54.321);
    expect(row.p90_intvty).toBe(20);
    expect(raw("sim_conc16.json")).toHaveProperty(["request_goodput:"]);
  });
});

describe("process-result CLI", () => {
  it("the built bin processes a raw result as the workflow runs it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "infx-process-"));
    copyFileSync(join(RAW, "sim_conc16.json"), join(dir, "sim_conc16.json"));
    const r = await infxProcess(["process-result"], { cwd: dir, env: { ...SINGLE_ENV, RESULT_FILENAME: "sim_conc16" } });
    expect(r.stderr).toBe(`wrote ${join(dir, "agg_sim_conc16.json")}\n`);
    expect(r.code).toBe(0);
    const row = JSON.parse(readFileSync(join(dir, "agg_sim_conc16.json"), "utf8"));
    expect(row.tput_per_gpu).toBeCloseTo((raw("sim_conc16.json").total_token_throughput as number) / Number(SINGLE_ENV.TP), 12);
  });

  it("flags override the environment", async () => {
    const dir = mkdtempSync(join(tmpdir(), "infx-process-"));
    copyFileSync(join(RAW, "sim_conc4.json"), join(dir, "sim_conc4.json"));
    const r = await infx(["process-result", "--tp", "4", "--runner-type", "b200", "--print"], {
      cwd: dir,
      env: { ...SINGLE_ENV, RESULT_FILENAME: "sim_conc4" },
    });
    expect(r.code).toBe(0);
    const row = JSON.parse(r.stdout);
    expect(row.tp).toBe(4);
    expect(row.hw).toBe("b200");
    expect(row.tput_per_gpu).toBeCloseTo((raw("sim_conc4.json").total_token_throughput as number) / 4, 12);
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
  it("accepts every raw result the client wrote", () => {
    for (const f of RAW_FILES) expect(validateRawResult(raw(f)), f).toEqual([]);
  });
  it("agrees with Ajv on valid and mutated results", () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    const check = ajv.compile(RAW_RESULT_SCHEMA);
    const base = raw("sim_conc16.json");
    const keys = [...Object.keys(base), "p90_e2el_ms", "request_rate", "num_prompts"];
    const value = fc.oneof(
      fc.constant(undefined),
      fc.integer({ min: -5, max: 5 }),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.string(),
      fc.constant(null),
      fc.boolean(),
      fc.constant([]),
    );
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
