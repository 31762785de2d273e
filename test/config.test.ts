// Config validation: schemas, rule checks, error messages with positions,
// `infx validate`, the content-keyed cache, and the generated validators.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { load } from "js-yaml";
import { describe, expect, it } from "vitest";
import { UserError } from "../src/cli/io.js";
import { cachedPlanningInputs, planningInputsFromTexts, type SourceText } from "../src/config/load.js";
import { infx, ROOT } from "./support/cli.js";

const RUNNERS = "b200:\n  - b200-a_0\n  - b200-b_0\nh200:\n  - h200-a_0\n";
const runners = (text = RUNNERS): SourceText => ({ file: "configs/runners.yaml", text });

const GOOD = `dsr1-fp8-b200-sglang:
  image: lmsysorg/sglang:v0.5.8
  model: deepseek-ai/DeepSeek-R1-0528
  model-prefix: dsr1
  runner: b200
  precision: fp8
  framework: sglang
  multinode: false
  seq-len-configs:
  - isl: 1024
    osl: 1024
    search-space:
    - { tp: 8, conc-start: 4, conc-end: 64 }
    - { tp: 4, conc-list: [4, 8] }
`;

function problemsOf(configs: SourceText[], runnerSource = runners()): string[] {
  try {
    planningInputsFromTexts(configs, runnerSource);
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return [...(e as UserError).details];
  }
  return [];
}

function tmp(): string {
  return mkdtempSync(join(tmpdir(), "infx-config-"));
}

/** A configs directory with a second config on a runner type the map lacks, and a changelog pattern matching nothing. */
function unmappedRunnerDir(): string {
  const dir = tmp();
  writeFileSync(join(dir, "runners.yaml"), RUNNERS);
  const other = GOOD.replace("dsr1-fp8-b200-sglang:", "dsr1-fp8-h200-sglang:").replace("runner: b200", "runner: h200-slurm");
  writeFileSync(join(dir, "a-master.yaml"), GOOD + other); // GOOD has 14 lines: the second config's runner is on line 14 + 5
  writeFileSync(join(dir, "perf-changelog.yaml"), "- config-keys: ['70b-fp8-*-vllm']\n  description: [x]\n  pr-link: https://example.com/pull/1\n");
  return dir;
}

/** The newer InferenceX layout (scenarios, a labels runner map), which this project does not read. */
const NEWER_SCHEMA = `dsr1-fp4-mi355x-sglang:
  image: lmsysorg/sglang:v0.5.9-rocm700-mi35x
  model: amd/DeepSeek-R1-0528-MXFP4
  model-prefix: dsr1
  runner: mi355x
  precision: fp4
  framework: sglang
  multinode: false
  scenarios:
    fixed-seq-len:
    - isl: 1024
      osl: 1024
      search-space:
      - { tp: 8, conc-start: 4, conc-end: 64 }
`;
const _NEWER_RUNNERS = "labels:\n  mi355x:\n    - mi355x-a_0\n";

describe("master config validation", () => {
  it("accepts a valid config and types it", () => {
    const inputs = planningInputsFromTexts([{ file: "configs/nvidia-master.yaml", text: GOOD }], runners());
    expect([...inputs.configs.keys()]).toEqual(["dsr1-fp8-b200-sglang"]);
    expect(inputs.sources.get("dsr1-fp8-b200-sglang")).toBe("configs/nvidia-master.yaml");
    expect(inputs.runners.b200).toEqual(["b200-a_0", "b200-b_0"]);
    expect(inputs.warnings).toEqual([]);
  });

  it("names file:line:col, the key and the path for conc-start > conc-end", () => {
    const text = GOOD.replace("conc-start: 4, conc-end: 64", "conc-start: 128, conc-end: 64");
    expect(problemsOf([{ file: "configs/nvidia-master.yaml", text }])).toEqual([
      "configs/nvidia-master.yaml:13:7: dsr1-fp8-b200-sglang › seq-len-configs[0] › search-space[0]: conc-start (128) is greater than conc-end (64)",
    ]);
  });

  it("reports every error of a file in one run, in source order, with did-you-mean hints", () => {
    const text = GOOD.replace("  precision: fp8\n", "  precison: fp8\n")
      .replace("{ tp: 8, conc-start: 4, conc-end: 64 }", "{ tp: '8', conc-star: 4, conc-end: 64 }")
      .replace("{ tp: 4, conc-list: [4, 8] }", "{ tp: 4, conc-list: [4, 8], conc-start: 2, conc-end: 4, spec-decoding: eagle }");
    const errs = problemsOf([{ file: "configs/nvidia-master.yaml", text }]);
    expect(errs).toEqual([
      "configs/nvidia-master.yaml:2:3: dsr1-fp8-b200-sglang: missing required field 'precision'",
      "configs/nvidia-master.yaml:6:3: dsr1-fp8-b200-sglang: unknown field 'precison' (did you mean 'precision'?)",
      "configs/nvidia-master.yaml:13:13: dsr1-fp8-b200-sglang › seq-len-configs[0] › search-space[0] › tp: must be a whole number, got '8' (a string)",
      "configs/nvidia-master.yaml:13:18: dsr1-fp8-b200-sglang › seq-len-configs[0] › search-space[0]: unknown field 'conc-star' (did you mean 'conc-start'?)",
      "configs/nvidia-master.yaml:13:32: dsr1-fp8-b200-sglang › seq-len-configs[0] › search-space[0]: conc-end needs a conc-start",
      "configs/nvidia-master.yaml:14:16: dsr1-fp8-b200-sglang › seq-len-configs[0] › search-space[1]: give either conc-start and conc-end, or conc-list, not both",
      "configs/nvidia-master.yaml:14:78: dsr1-fp8-b200-sglang › seq-len-configs[0] › search-space[1] › spec-decoding: must be one of mtp, draft_model, none, got 'eagle' (a string)",
    ]);
  });

  it("checks multi-node worker blocks", () => {
    const text = `k-multi:
  image: i
  model: m
  model-prefix: dsr1
  runner: b200
  precision: fp4
  framework: dynamo-trt
  multinode: true
  disagg: true
  seq-len-configs:
  - isl: 1024
    osl: 1024
    search-space:
    - conc-list: [1, 0]
      prefill: { num-worker: 1, tp: 4, ep: 4, dp-attn: yes }
      decode: { num-worker: 2, tp: 8, dp-attn: false, additional-settings: [A=1], extra: 1 }
`;
    expect(problemsOf([{ file: "m.yaml", text }])).toEqual([
      "m.yaml:14:22: k-multi › seq-len-configs[0] › search-space[0] › conc-list[1]: must be at least 1, got 0",
      "m.yaml:15:56: k-multi › seq-len-configs[0] › search-space[0] › prefill › dp-attn: must be true or false, got 'yes' (a string)",
      "m.yaml:16:15: k-multi › seq-len-configs[0] › search-space[0] › decode: missing required field 'ep'",
      "m.yaml:16:83: k-multi › seq-len-configs[0] › search-space[0] › decode: unknown field 'extra' (allowed: num-worker, tp, ep, dp-attn, additional-settings)",
    ]);
  });

  it("rejects '*' in keys and a key defined in two files", () => {
    const star = GOOD.replace("dsr1-fp8-b200-sglang:", "dsr1-*:");
    const errs = problemsOf([
      { file: "a.yaml", text: GOOD },
      { file: "b.yaml", text: GOOD + "\n" + star },
    ]);
    expect(errs).toEqual([
      "b.yaml:1:1: dsr1-fp8-b200-sglang: config key 'dsr1-fp8-b200-sglang' is already defined in a.yaml:1:1 (keys must be unique across config files)",
      "b.yaml:16:1: dsr1-*: config key 'dsr1-*' may not contain '*' (perf-changelog.yaml uses '*' as a wildcard)",
    ]);
  });

  it("warns (not fails) when a config's runner is missing from the runner map", () => {
    const inputs = planningInputsFromTexts([{ file: "c.yaml", text: GOOD.replace("runner: b200", "runner: b20") }], runners(), { locateWarnings: true });
    expect(inputs.warnings).toEqual([
      "c.yaml:5:11: dsr1-fp8-b200-sglang › runner: runner 'b20' is not defined in configs/runners.yaml, so its jobs wait for a runner label nobody may have (did you mean 'b200'?)",
    ]);
    expect([...inputs.undefinedRunners]).toEqual([["b20", ["dsr1-fp8-b200-sglang"]]]);
  });

  it("reports YAML syntax errors with positions, and duplicate keys", () => {
    const broken = GOOD.replace("    osl: 1024\n", "    osl: [1024\n");
    const errs = problemsOf([{ file: "x.yaml", text: broken }]);
    expect(errs.length).toBeGreaterThan(0);
    expect(errs[0]).toMatch(/^x\.yaml:\d+:\d+: YAML syntax error: /);
    const dup = GOOD.replace("  model-prefix: dsr1\n", "  model-prefix: dsr1\n  model-prefix: dsr2\n");
    expect(problemsOf([{ file: "d.yaml", text: dup }])[0]).toMatch(/^d\.yaml:5:3: YAML syntax error: .*(unique|duplicate)/i);
  });

  it("validates the runner map and refuses a 2026-08 'labels:' runner map beside 2026-02 configs", () => {
    expect(problemsOf([{ file: "c.yaml", text: GOOD }], runners("b200: []\nh200: [h200_0, 7]\n"))).toEqual([
      "configs/runners.yaml:1:7: b200: must list at least 1 item",
      "configs/runners.yaml:2:16: h200[1]: must be a string, got 7",
    ]);
    let err: UserError | undefined;
    try {
      planningInputsFromTexts([{ file: "c.yaml", text: GOOD }], runners("labels:\n  b200: [b200_0]\n"));
    } catch (e) {
      err = e as UserError;
    }
    expect(err?.message).toMatch(/mix the two config dialects/);
    expect(err?.details).toEqual([
      "configs/runners.yaml:1:1: 2026-08 (a labels: runner map)",
      expect.stringMatching(/^c\.yaml:\d+:3: 2026-02 \(seq-len-configs\)$/),
    ]);
  });

  it("treats an empty config file as no configs, and a scalar file as an error", () => {
    expect(planningInputsFromTexts([{ file: "e.yaml", text: "# nothing yet\n" }], runners()).configs.size).toBe(0);
    expect(problemsOf([{ file: "s.yaml", text: "just text\n" }])).toEqual([
      "s.yaml:1:1: a master config must be a mapping from config key to config, got 'just text' (a string)",
    ]);
  });
});

describe("infx validate", () => {
  it("accepts a configs directory whose runner is not in the map (a warning on stderr), with the counts", async () => {
    const dir = unmappedRunnerDir();
    const r = await infx(["validate", dir]);
    expect(r.stdout).toBe(
      "ok: 2 configs (2 single-node, 0 multi-node) in 1 file, 2 runner types, 1 changelog entry in perf-changelog.yaml; dialect 2026-02 (seq-len-configs); 2 warnings (see stderr)\n",
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("a-master.yaml:19:11: dsr1-fp8-h200-sglang › runner: runner 'h200-slurm' is not defined");
    expect(r.stderr).toMatch(/perf-changelog\.yaml:1:3: entry 1 › config-keys: the pattern '70b-fp8-\*-vllm' matches no config key/);
  });

  it("warns about changelog keys that match no config; --strict fails on them", async () => {
    const dir = tmp();
    writeFileSync(join(dir, "runners.yaml"), RUNNERS);
    writeFileSync(join(dir, "a-master.yaml"), GOOD);
    writeFileSync(
      join(dir, "perf-changelog.yaml"),
      "- config-keys: [dsr1-fp8-b200-sglang]\n  description: [ok]\n  pr-link: https://example.com/pull/1\n- config-keys:\n    - dsr1-fp8-b200-sglnag\n  description: [typo]\n  pr-link: https://example.com/pull/2\n",
    );
    const r = await infx(["validate", dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/; 1 warning \(see stderr\)\n$/);
    expect(r.stderr).toMatch(/perf-changelog\.yaml:4:3: entry 2 › config-keys: .*dsr1-fp8-b200-sglnag.*dsr1-fp8-b200-sglang/);
    expect((await infx(["validate", "--strict", dir])).code).toBe(1);
  });

  it("--strict turns the runner warnings into a failure", async () => {
    const dir = unmappedRunnerDir();
    const r = await infx([
      "validate",
      "--strict",
      "--no-changelog",
      "--config-files",
      join(dir, "a-master.yaml"),
      "--runner-config",
      join(dir, "runners.yaml"),
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: .*a-master\.yaml:19:11: dsr1-fp8-h200-sglang › runner: /);
    expect(r.stderr).toMatch(/\ninfx validate: 1 problem found\n$/);
  });

  it("reads a 2026-08 (scenarios) config set and says so: the project's example in examples/2026-08", async () => {
    const r = await infx(["validate", join(ROOT, "examples/2026-08")]);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at |^error/m);
    expect(r.stdout).toMatch(/^ok: \d+ configs .*; dialect 2026-08 \(scenarios/);
    expect(r.code).toBe(0);
  });

  it("the project's own configs, runner map and changelog pass --strict", async () => {
    const r = await infx(["validate", "--strict"], { cwd: ROOT });
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/^ok: \d+ configs \(\d+ single-node, \d+ multi-node\) in 2 files, \d+ runner types, \d+ changelog entr/);
    expect(r.code).toBe(0);
  });

  it("reports every problem of every file, including the changelog", async () => {
    const dir = tmp();
    writeFileSync(join(dir, "runners.yaml"), RUNNERS);
    writeFileSync(join(dir, "a-master.yaml"), GOOD.replace("conc-end: 64", "conc-end: 2"));
    writeFileSync(join(dir, "b-master.yaml"), GOOD.replace("dsr1-fp8-b200-sglang:", "other:").replace("  image: lmsysorg/sglang:v0.5.8\n", ""));
    writeFileSync(join(dir, "perf-changelog.yaml"), "- config-keys: [other]\n  description: [x]\n");
    const r = await infx(["validate", dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("a-master.yaml:13:7: dsr1-fp8-b200-sglang › seq-len-configs[0] › search-space[0]: conc-start (4) is greater than conc-end (2)");
    expect(r.stderr).toContain("b-master.yaml:2:3: other: missing required field 'image'");
    expect(r.stderr).toMatch(/perf-changelog\.yaml.*pr-link/);
  });

  it("says which file cannot be read", async () => {
    const r = await infx(["validate", "--config-files", "nope.yaml", "--runner-config", "configs/runners.yaml", "--no-changelog"], { cwd: ROOT });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("infx validate: 1 problem found\ncannot read nope.yaml: no such file\n");
  });
});

describe("editor support and generated code", () => {
  it("every project config names its schema for yaml-language-server", () => {
    const expected: Record<string, string> = {
      "nvidia-master.yaml": "../schemas/master-config.schema.json",
      "amd-master.yaml": "../schemas/master-config.schema.json",
      "runners.yaml": "../schemas/runners.schema.json",
    };
    for (const f of readdirSync(join(ROOT, "configs"))) {
      const first = readFileSync(join(ROOT, "configs", f), "utf8").split("\n")[0];
      expect(first, f).toBe(`# yaml-language-server: $schema=${expected[f]}`);
    }
  });

  it("the committed generated validators are fresh", () => {
    const out = execFileSync(process.execPath, [join(ROOT, "scripts/gen-validators.mjs"), "--check"], { encoding: "utf8" });
    expect(out).toContain("fresh");
  });

  it("ajv compiling the schema at run time agrees with the generated code on real configs", async () => {
    const require = createRequire(import.meta.url);
    const Ajv = require("ajv") as typeof import("ajv").default;
    const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false });
    const validate = ajv.compile(JSON.parse(readFileSync(join(ROOT, "schemas/master-config.schema.json"), "utf8")));
    const { masterConfigSchemaProblems } = await import("../src/config/validate.js");
    const docs = [
      readFileSync(join(ROOT, "configs/nvidia-master.yaml"), "utf8"),
      readFileSync(join(ROOT, "configs/amd-master.yaml"), "utf8"),
      GOOD,
      NEWER_SCHEMA,
    ].map((text) => load(text));
    const verdicts = docs.map((d) => [validate(d), masterConfigSchemaProblems(d).length === 0]);
    expect(verdicts).toEqual([
      [true, true],
      [true, true],
      [true, true],
      [false, false],
    ]);
  });
});

describe("planning-inputs cache", () => {
  it("a hit returns the same inputs; any edit misses", () => {
    const dir = tmp();
    const cfg = [{ file: "c.yaml", text: GOOD }];
    const first = cachedPlanningInputs(cfg, runners(), { cacheDir: dir });
    expect(readdirSync(dir).filter((f) => f.endsWith(".json"))).toHaveLength(1);
    const second = cachedPlanningInputs(cfg, runners(), { cacheDir: dir });
    expect(second).toEqual(first);
    const edited = [{ file: "c.yaml", text: GOOD.replace("conc-end: 64", "conc-end: 32") }];
    const third = cachedPlanningInputs(edited, runners(), { cacheDir: dir });
    expect(third.configs.get("dsr1-fp8-b200-sglang")!["seq-len-configs"][0]!["search-space"][0]!["conc-end"]).toBe(32);
    expect(readdirSync(dir).filter((f) => f.endsWith(".json"))).toHaveLength(2);
  });

  it("never caches a failure, and a corrupt cache file is ignored", () => {
    const dir = tmp();
    const bad = [{ file: "c.yaml", text: GOOD.replace("tp: 8", "tp: 0") }];
    expect(() => cachedPlanningInputs(bad, runners(), { cacheDir: dir })).toThrow(UserError);
    expect(readdirSync(dir)).toEqual([]);
    cachedPlanningInputs([{ file: "c.yaml", text: GOOD }], runners(), { cacheDir: dir });
    const [file] = readdirSync(dir);
    writeFileSync(join(dir, file!), "{not json");
    expect(cachedPlanningInputs([{ file: "c.yaml", text: GOOD }], runners(), { cacheDir: dir }).configs.size).toBe(1);
  });
});
