// The project's readers and planner on the reference's real configs
// (<reference>/inferencex-2026-02 and -2026-08, test/support/reference.ts):
// what the default suite checks on the project's own configs, here on the
// reference's, with the reference's known counts.
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { load } from "js-yaml";
import { describe, expect, it } from "vitest";
import { loadPlanningInputs } from "../../src/config/load.js";
import { fullSweep } from "../../src/plan/matrix.js";
import { benchmarkJobName, computeSuccessRates, type RunnerMap } from "../../src/results/success-rate.js";
import { infx, infxProcess, ROOT } from "../support/cli.js";
import { GOLDEN_2026_02, REF_CONFIGS_2026_02, REF_CONFIGS_2026_08 } from "../support/reference.js";

const REF_ARGS = [
  "--config-files",
  join(REF_CONFIGS_2026_02, "nvidia-master.yaml"),
  join(REF_CONFIGS_2026_02, "amd-master.yaml"),
  "--runner-config",
  join(REF_CONFIGS_2026_02, "runners.yaml"),
];

describe("the reference data is where test/support/reference.ts says", () => {
  it("has the golden cases and both config snapshots", () => {
    expect(readdirSync(join(GOLDEN_2026_02, "matrix")).length).toBeGreaterThan(0);
    expect(readdirSync(REF_CONFIGS_2026_02).sort()).toEqual(["amd-master.yaml", "nvidia-master.yaml", "runners.yaml"]);
    expect(readdirSync(REF_CONFIGS_2026_08)).toContain("nvidia-master.yaml");
  });
});

describe("infx validate on the reference configs", () => {
  it("accepts the reference 2026-02 configs directory (runner warnings on stderr)", async () => {
    const r = await infx(["validate", REF_CONFIGS_2026_02]);
    expect(r.stdout).toMatch(
      /^ok: 38 configs \(25 single-node, 13 multi-node\) in 2 files, 12 runner types, \d+ changelog entries in perf-changelog\.yaml; dialect 2026-02 \(seq-len-configs\); 3 warnings/,
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("warning: ");
    expect(r.stderr).toContain("dsr1-fp8-h200-dynamo-trt › runner: runner 'h200-multinode-slurm' is not defined");
    expect(r.stderr).toMatch(/perf-changelog\.yaml:1:3: entry 1 › config-keys: the pattern '70b-fp8-\*-vllm' matches no config key/);
  });

  it("--strict turns the runner warnings into a failure", async () => {
    const r = await infx([
      "validate",
      "--strict",
      "--no-changelog",
      "--config-files",
      join(REF_CONFIGS_2026_02, "nvidia-master.yaml"),
      "--runner-config",
      join(REF_CONFIGS_2026_02, "runners.yaml"),
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: .*nvidia-master\.yaml:1102:11: dsr1-fp8-h200-dynamo-trt › runner: /);
    expect(r.stderr).toMatch(/\ninfx validate: 2 problems found\n$/);
  });

  it("reads the 2026-08 reference configs (scenarios dialect) and says so", async () => {
    const r = await infx(["validate", REF_CONFIGS_2026_08]);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at |^error/m);
    expect(r.stdout).toMatch(
      /^ok: 208 configs \(114 single-node, 94 multi-node; 75 with agentic-coding\) in 2 files, 37 runner labels \(16 with hardware\), 772 changelog entries .*; dialect 2026-08 \(scenarios/,
    );
    expect(r.code).toBe(0);
  });
});

describe("schema and YAML readers on the reference configs", () => {
  it("ajv compiling the schema at run time agrees with the generated code", async () => {
    const require = createRequire(import.meta.url);
    const Ajv = require("ajv") as typeof import("ajv").default;
    const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false });
    const validate = ajv.compile(JSON.parse(readFileSync(join(ROOT, "schemas/master-config.schema.json"), "utf8")));
    const { masterConfigSchemaProblems } = await import("../../src/config/validate.js");
    const docs = [
      join(REF_CONFIGS_2026_02, "nvidia-master.yaml"),
      join(REF_CONFIGS_2026_02, "amd-master.yaml"),
      join(REF_CONFIGS_2026_08, "amd-master.yaml"),
    ].map((f) => load(readFileSync(f, "utf8")));
    expect(docs.map((d) => [validate(d), masterConfigSchemaProblems(d).length === 0])).toEqual([
      [true, true],
      [true, true],
      [false, false],
    ]);
  });
});

describe("the reference's full sweep sizes (README: 725 single-node, 283 multi-node entries)", () => {
  it("full-sweep in-process, through the cache and as the committed bin", async () => {
    const single = await infx(["full-sweep", "--single-node", "--run-evals", ...REF_ARGS], { env: { INFX_NO_CACHE: "1" } });
    expect(JSON.parse(single.stdout)).toHaveLength(725);
    const bin = await infxProcess(["full-sweep", "--single-node", ...REF_ARGS], { env: { INFX_NO_CACHE: "1" } });
    expect(bin.code).toBe(0);
    expect(JSON.parse(bin.stdout)).toHaveLength(725);
    const multi = await infx(["full-sweep", "--multi-node", "--max-ep", "4", ...REF_ARGS]);
    const es = JSON.parse(multi.stdout) as { prefill: { ep: number }; decode: { ep: number } }[];
    expect(es).toHaveLength(283);
    expect(Math.max(...es.flatMap((e) => [e.prefill.ep, e.decode.ep]))).toBe(4);
  });

  it("fullSweep on the loaded inputs: 1,008 entries in all", () => {
    const inputs = loadPlanningInputs(
      [join(REF_CONFIGS_2026_02, "nvidia-master.yaml"), join(REF_CONFIGS_2026_02, "amd-master.yaml")],
      join(REF_CONFIGS_2026_02, "runners.yaml"),
    );
    const full = [...fullSweep(inputs, { nodeType: "single", runEvals: true }), ...fullSweep(inputs, { nodeType: "multi", runEvals: true })];
    expect(full.length).toBe(1008);
  });
});

describe("success rates on the reference runner map", () => {
  it("attributes every node of the reference runner map to one GPU type", () => {
    const ref = load(readFileSync(join(REF_CONFIGS_2026_02, "runners.yaml"), "utf8")) as RunnerMap;
    const jobs = Object.values(ref)
      .flat()
      .map((n, i) => ({ id: i + 1, name: benchmarkJobName(n, `entry-${i + 1}`), conclusion: "success", status: "completed" }));
    const r = computeSuccessRates(jobs, ref);
    expect(r.unattributed).toEqual([]);
    expect(Object.keys(r.stats)).toEqual(["h100", "h200", "b200", "mi300x", "mi325x", "mi355x", "gb200", "b300", "gb300"]);
    expect(Object.values(r.stats).reduce((a, s) => a + s.total, 0)).toBe(jobs.length);
  });
});
