// Parity with the reference's result processor: replays every case in
// <reference>/golden/process/ (raw files from <reference>/results/raw/)
// through processResult and `infx process-result`.
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { processResult } from "../../src/results/process.js";
import { validateRawResult } from "../../src/results/raw-result.js";
import { infx, infxProcess } from "../support/cli.js";
import { GOLDEN_2026_02, REFERENCE_DIR } from "../support/reference.js";

const GOLDEN = join(GOLDEN_2026_02, "process");
const RAW = join(REFERENCE_DIR, "results/raw");
const cases = readdirSync(GOLDEN)
  .filter((f) => f.endsWith(".json"))
  .map(
    (f) =>
      JSON.parse(readFileSync(join(GOLDEN, f), "utf8")) as {
        name: string;
        raw_file: string;
        env: Record<string, string>;
        error: boolean;
        expected?: Record<string, unknown>;
        stderr_last_line?: string;
      },
  );
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
      if (c.name === "err-missing-env") expect(r.stderr).toMatch(/missing environment variable: IMAGE\n {2}IMAGE: container image/);
      if (c.name === "err-disagg-single") expect(r.stderr).toMatch(/DISAGG=true requires a multi-node job/);
    });
  }

  it("the built bin processes a real raw result as the workflow runs it", async () => {
    const golden = cases.find((c) => c.name === "single-glm47_conc16")!;
    const dir = mkdtempSync(join(tmpdir(), "infx-process-"));
    copyFileSync(join(RAW, "glm47_conc16.json"), join(dir, "glm47_conc16.json"));
    const r = await infxProcess(["process-result"], { cwd: dir, env: { ...golden.env, RESULT_FILENAME: "glm47_conc16" } });
    expect(r.stderr).toBe(`wrote ${join(dir, "agg_glm47_conc16.json")}\n`);
    expect(r.code).toBe(0);
    const row = JSON.parse(readFileSync(join(dir, "agg_glm47_conc16.json"), "utf8"));
    expect(row.tput_per_gpu).toBe(golden.expected!.tput_per_gpu);
  });

  it("the raw result schema accepts every real raw result (typo key included)", () => {
    for (const f of readdirSync(RAW)) expect(validateRawResult(raw(f)), f).toEqual([]);
    expect(raw("glm47_conc64.json")).toHaveProperty(["request_goodput:"]);
  });
});
