// The user guide's jq recipes (sections 7.2, 7.3, 9.1-9.3), taken verbatim
// from the guide and run with the real `jq` binary on artifacts made by
// `infx collect`, must give the answers computed here from the same rows.
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { AggRow, EvalRow } from "../../src/results/types.js";
import { configGrid, MULTI_NODE_CONFIG, writeBmkArtifacts, type Config } from "../fixtures/results/generate.js";
import { infx, ROOT } from "../support/cli.js";
import { SEEDS_DIR } from "../support/reference.js";

// The user guide (seed 002), beside the reference data (test/support/reference.ts).
const guideFile = readdirSync(SEEDS_DIR).find((f) => f.startsWith("002_"))!;
const guide = readFileSync(join(SEEDS_DIR, guideFile), "utf8");

/** The bash blocks of a guide section, e.g. `### 9.1`. */
function recipes(section: string): string[] {
  const start = guide.indexOf(`### ${section}`);
  expect(start, `section ${section} in the guide`).toBeGreaterThan(0);
  const end = guide.indexOf("\n###", start + 4);
  const text = guide.slice(start, end < 0 ? undefined : end);
  return [...text.matchAll(/```bash\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

/** Runs a guide block in bash, minus the `gh run download` lines (the artifacts are already here). */
function runBlock(block: string, cwd: string): string {
  // `column` and `python3` only format or count around the jq part; stand-ins
  // keep the recipe's jq text unchanged where a CI image lacks them.
  const fallbacks = "command -v column >/dev/null || column() { cat; }\ncommand -v python3 >/dev/null || python3() { jq length; }\n";
  const script =
    fallbacks +
    block
      .split("\n")
      .filter((l) => !l.trimStart().startsWith("gh "))
      .join("\n");
  const r = spawnSync("bash", ["-e", "-o", "pipefail", "-c", script], { cwd, encoding: "utf8" });
  expect(r.stderr, script).toBe("");
  expect(r.status, script).toBe(0);
  return r.stdout;
}

const jqVersion = spawnSync("jq", ["--version"], { encoding: "utf8" });

let work: string;
let bmk: AggRow[];
let evals: EvalRow[];

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "infx-jq-"));
  const configs: Config[] = [...configGrid(), { ...MULTI_NODE_CONFIG, conc: 256 }];
  writeBmkArtifacts(join(work, "artifacts"), configs);
  mkdirSync(join(work, "results"));
  const c1 = await infx(["collect", "artifacts", "--kind", "bmk", "--out", "results/agg_bmk.json"], { cwd: work });
  expect(c1.code).toBe(0);
  cpSync(join(ROOT, "test/fixtures/results/evals"), join(work, "eval_results"), { recursive: true });
  mkdirSync(join(work, "evals"));
  const c2 = await infx(["collect", "eval_results", "--kind", "eval", "--out", "evals/agg_eval_all.json"], { cwd: work });
  expect(c2.code).toBe(0);
  bmk = JSON.parse(readFileSync(join(work, "results/agg_bmk.json"), "utf8"));
  evals = JSON.parse(readFileSync(join(work, "evals/agg_eval_all.json"), "utf8"));
});

const cols = (out: string) =>
  out
    .trimEnd()
    .split("\n")
    .map((l) => l.trim().split(/\s+/));

describe("user guide jq recipes on our artifacts", () => {
  it("jq is installed (.ci/run installs it)", () => {
    expect(jqVersion.status).toBe(0);
    expect(jqVersion.stdout).toMatch(/^jq-1\.\d/);
  });

  it("7.2: count and summary table", () => {
    const [block] = recipes("7.2");
    const out = runBlock(block!, work).trimEnd().split("\n");
    expect(Number(out[0])).toBe(bmk.length);
    expect(bmk.length).toBe(289);
    expect(out.slice(1).map((l) => l.trim().split(/\s+/))).toEqual(
      bmk.map((r) => [r.hw, r.framework, r.precision, `${r.isl}/${r.osl}`, String(Math.round(r.tput_per_gpu))]),
    );
  });

  it("7.3: eval table", () => {
    const [block] = recipes("7.3");
    expect(evals.length).toBeGreaterThan(0);
    expect(cols(runBlock(block!, work))).toEqual(evals.map((e) => [e.hw, e.framework, e.task, String(Math.round(e.score * 100) / 100)]));
  });

  it("9.1: compare GPUs", () => {
    const [block] = recipes("9.1");
    const out = runBlock(block!, work).trimEnd().split("\n");
    const expected = ["b200", "h200"].map((hw) => {
      const sel = bmk.filter((r) => r.hw === hw && r.isl === 1024 && r.osl === 1024);
      expect(sel.length).toBeGreaterThan(0);
      return `${hw}: avg ${Math.round(sel.reduce((s, r) => s + r.tput_per_gpu, 0) / sel.length)} tok/s/gpu`;
    });
    expect(out).toEqual(expected);
  });

  it("9.2: compare frameworks", () => {
    const [block] = recipes("9.2");
    const got = JSON.parse(runBlock(block!, work));
    const expected = bmk
      .filter((r) => r.hw === "b200" && r.isl === 1024 && r.osl === 1024)
      .map((r) => ({ framework: r.framework, conc: r.conc, tput: Math.round(r.tput_per_gpu) }));
    expect(expected.length).toBe(24);
    expect(got).toEqual(expected);
  });

  it("9.3: best configuration", () => {
    const [block] = recipes("9.3");
    const got = JSON.parse(runBlock(block!, work));
    const best = bmk.filter((r) => r.infmax_model_prefix === "dsr1").reduce((a, b) => (b.tput_per_gpu >= a.tput_per_gpu ? b : a));
    expect(got).toEqual({
      hw: best.hw,
      framework: best.framework,
      precision: best.precision,
      tp: (best as { tp?: number }).tp ?? null,
      conc: best.conc,
      tput: Math.round(best.tput_per_gpu),
    });
  });

  it("the recipes are the guide's own text (not rewritten for our files)", () => {
    expect(recipes("9.3")[0]).toContain("max_by(.tput_per_gpu)");
    expect(execFileSync("jq", ["-n", "[1,2] | add"], { encoding: "utf8" }).trim()).toBe("3");
  });
});
