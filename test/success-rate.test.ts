import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import fc from "fast-check";
import { benchmarkJobName, computeSuccessRates, gpuTypeOfRunnerKey, runnerLabelFromJobName, type RunnerMap } from "../src/results/success-rate.js";
import { readRunnerMap } from "../src/config/runner-map.js";
import { infx, ROOT } from "./support/cli.js";
import { startFakeGitHub, type FakeGitHub } from "./support/fake-github.js";

const RUNNERS: RunnerMap = {
  h200: ["h200-cw_0", "h200-nb_0"],
  "b200-trt": ["b200-nv_0", "b200-nv_1"],
  b200: ["b200-dgxc_1", "b200-nv_0"],
  mi355x: ["mi355x-amds_0"],
  "mi355x-disagg": ["mi355x-amds_0"],
  gb200: ["gb200-nv_0"],
};
const RUNNERS_YAML = Object.entries(RUNNERS)
  .map(([k, v]) => `${k}:\n${v.map((n) => `  - ${n}`).join("\n")}\n`)
  .join("");

describe("benchmark job naming convention", () => {
  it("round-trips the runner label through the display name", () => {
    const name = benchmarkJobName("b200-nv_0", "dsr1-1k1k-fp8-sglang-tp8-conc4");
    expect(name).toBe("bmk [b200-nv_0] dsr1-1k1k-fp8-sglang-tp8-conc4");
    expect(runnerLabelFromJobName(name)).toBe("b200-nv_0");
  });

  it("reads the label behind reusable-workflow prefixes", () => {
    expect(runnerLabelFromJobName("sweep-single (3) / bmk [b200-nv_0] dsr1-1k1k")).toBe("b200-nv_0");
    expect(runnerLabelFromJobName("shard (0) / sweep-multi (12) / bmk [gb200] dsr1-mn")).toBe("gb200");
  });

  it("does not take other jobs for benchmark jobs", () => {
    for (const n of ["plan", "collect-results / collect", "bmk-summary", "bmk [] x", "bmk [a b] x", "my bmk [h200] x", "xbmk [h200] y"])
      expect(runnerLabelFromJobName(n), n).toBeUndefined();
  });

  it("round-trips any label and any artifact-safe entry name, behind any caller prefix", () => {
    const label = fc.stringMatching(/^[A-Za-z0-9_.:-]{1,30}$/);
    const entry = fc.stringMatching(/^[^/\n]{0,60}$/); // entry names are artifact-safe: no '/'
    const caller = fc.array(fc.stringMatching(/^[a-z-]{1,12}( \(\d{1,3}\))?$/), { maxLength: 3 });
    fc.assert(
      fc.property(label, entry, caller, (l, e, callers) => {
        const name = [...callers, benchmarkJobName(l, e)].join(" / ");
        expect(runnerLabelFromJobName(name)).toBe(l);
      }),
      { numRuns: 300 },
    );
  });

  it("refuses labels that could not be read back", () => {
    expect(() => benchmarkJobName("b200 nv", "x")).toThrow(/runner label/);
    expect(() => benchmarkJobName("b200]", "x")).toThrow(/runner label/);
    expect(() => benchmarkJobName("", "x")).toThrow(/runner label/);
  });

  it("names the GPU type of a runner key by its first segment", () => {
    expect(gpuTypeOfRunnerKey("b200-multinode-slurm")).toBe("b200");
    expect(gpuTypeOfRunnerKey("mi355x-disagg")).toBe("mi355x");
    expect(gpuTypeOfRunnerKey("h100")).toBe("h100");
  });
});

describe("computeSuccessRates", () => {
  const job = (id: number, label: string, conclusion: string | null, extra: Record<string, unknown> = {}) => ({
    id,
    name: benchmarkJobName(label, `entry-${id}`),
    conclusion,
    status: conclusion === null ? "in_progress" : "completed",
    ...extra,
  });

  it("counts successes per GPU type, keys in runner-config order", () => {
    const r = computeSuccessRates(
      [
        job(1, "gb200-nv_0", "success"),
        job(2, "b200-nv_0", "success"), // node under b200-trt and b200: both b200
        job(3, "b200-trt", "failure"), // a key label
        job(4, "h200-cw_0", "success"),
        job(5, "mi355x-amds_0", "timed_out"),
      ],
      RUNNERS,
    );
    expect(r.stats).toEqual({
      h200: { n_success: 1, total: 1 },
      b200: { n_success: 1, total: 2 },
      mi355x: { n_success: 0, total: 1 },
      gb200: { n_success: 1, total: 1 },
    });
    expect(Object.keys(r.stats)).toEqual(["h200", "b200", "mi355x", "gb200"]);
  });

  it("excludes skipped jobs, counts cancelled and unfinished ones as failures", () => {
    const r = computeSuccessRates([job(1, "h200", "success"), job(2, "h200", "skipped"), job(3, "h200", "cancelled"), job(4, "h200", null)], RUNNERS);
    expect(r.stats).toEqual({ h200: { n_success: 1, total: 3 } });
    expect(r).toMatchObject({ skipped: 1, incomplete: 1, counted: 3 });
  });

  it("lists benchmark jobs it cannot attribute and ignores other jobs", () => {
    const r = computeSuccessRates(
      [job(1, "h100-cw_0", "success"), { id: 2, name: "plan", conclusion: "success" }, job(3, "h200-cw_0", "failure", { run_attempt: 2 })],
      RUNNERS,
    );
    expect(r.stats).toEqual({ h200: { n_success: 0, total: 1 } });
    expect(r.ignored).toBe(1);
    expect(r.unattributed).toEqual([expect.objectContaining({ id: 1, runner_label: "h100-cw_0", reason: expect.stringMatching(/neither a key nor a node/) })]);
  });

  it("refuses to guess when a node is listed under two GPU types", () => {
    const r = computeSuccessRates([job(1, "shared_0", "success")], { h200: ["shared_0"], b200: ["shared_0"] });
    expect(r.stats).toEqual({});
    expect(r.unattributed[0]!.reason).toMatch(/different GPU types \(h200, b200\)/);
  });

  it("attributes every runner label of the project's own configs/runners.yaml to one GPU type", () => {
    const own = readRunnerMap(join(ROOT, "configs/runners.yaml"));
    const labels = [...new Set([...Object.keys(own), ...Object.values(own).flat()])];
    const r = computeSuccessRates(
      labels.map((l, i) => job(i + 1, l, "success")),
      own,
    );
    expect(r.unattributed).toEqual([]);
    expect(r.counted).toBe(labels.length);
  });
});

describe("infx success-rate against a fake GitHub", () => {
  let gh: FakeGitHub;
  let dir: string;
  beforeAll(async () => {
    gh = await startFakeGitHub();
  });
  afterAll(async () => {
    await gh.close();
  });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "infx-sr-"));
    writeFileSync(join(dir, "runners.yaml"), RUNNERS_YAML);
    gh.state.jobs.length = 0;
    gh.requests.length = 0;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const env = () => ({ GITHUB_TOKEN: gh.token, GITHUB_API_URL: gh.url, GITHUB_REPOSITORY: "acme/inferencex" });
  const run = (extra: string[] = []) => infx(["success-rate", "--run-id", "77", "--runner-config", "runners.yaml", ...extra], { cwd: dir, env: env() });

  it("counts every job of every attempt across pages", async () => {
    // attempt 1: 130 h200 jobs, 10 of them failed; attempt 2 re-runs those 10, 4 fail again
    for (let i = 0; i < 130; i++)
      gh.addJob({ run_id: 77, run_attempt: 1, name: benchmarkJobName("h200-cw_0", `e${i}`), conclusion: i < 10 ? "failure" : "success" });
    for (let i = 0; i < 10; i++)
      gh.addJob({ run_id: 77, run_attempt: 2, name: `sweep (0) / ${benchmarkJobName("h200-nb_0", `e${i}`)}`, conclusion: i < 4 ? "failure" : "success" });
    gh.addJob({ run_id: 77, run_attempt: 1, name: benchmarkJobName("gb200-nv_0", "mn0"), conclusion: "cancelled" });
    gh.addJob({ run_id: 77, run_attempt: 1, name: "plan", conclusion: "success" });
    gh.addJob({ run_id: 78, run_attempt: 1, name: benchmarkJobName("h200", "other-run"), conclusion: "success" });

    const r = await run();
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const stats = JSON.parse(readFileSync(join(dir, "run_stats.json"), "utf8"));
    expect(stats).toEqual({ h200: { n_success: 126, total: 140 }, gb200: { n_success: 0, total: 1 } });
    expect(r.stdout).toMatch(/h200\s+126\s+140\s+90\.0%/);
    expect(r.stdout).toMatch(/142 jobs in 2 attempt\(s\); 141 benchmark jobs counted, 0 skipped, 1 other jobs ignored/);

    const listCalls = gh.requests.filter((q) => q.path === "/repos/acme/inferencex/actions/runs/77/jobs");
    expect(listCalls).toHaveLength(2); // 142 jobs at 100 per page
    expect(listCalls.every((q) => q.query.filter === "all" && q.query.per_page === "100")).toBe(true);
    expect(listCalls.map((q) => q.query.page ?? "1")).toEqual(["1", "2"]);
  });

  it("excludes skipped jobs and counts cancelled ones as failures", async () => {
    gh.addJob({ run_id: 77, name: benchmarkJobName("b200-nv_1", "a"), conclusion: "success" });
    gh.addJob({ run_id: 77, name: benchmarkJobName("b200-nv_1", "b"), conclusion: "skipped" });
    gh.addJob({ run_id: 77, name: benchmarkJobName("b200-dgxc_1", "c"), conclusion: "cancelled" });
    const r = await run(["--out", "stats.json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, "stats.json"), "utf8"))).toEqual({ b200: { n_success: 1, total: 2 } });
    expect(r.stdout).toMatch(/1 skipped/);
  });

  it("lists unattributable benchmark jobs, and fails with --strict", async () => {
    gh.addJob({ run_id: 77, name: benchmarkJobName("h200", "ok"), conclusion: "success" });
    gh.addJob({ run_id: 77, run_attempt: 1, name: benchmarkJobName("mystery-gpu_3", "lost"), conclusion: "failure" });
    const lenient = await run(["--out", "-"]);
    expect(lenient.code).toBe(0);
    expect(JSON.parse(lenient.stdout)).toEqual({ h200: { n_success: 1, total: 1 } });
    expect(lenient.stderr).toMatch(/1 benchmark job\(s\) could not be attributed/);
    expect(lenient.stderr).toContain("bmk [mystery-gpu_3] lost");
    expect(lenient.stderr).toMatch(/'mystery-gpu_3' is neither a key nor a node/);
    const strict = await run(["--out", "-", "--strict"]);
    expect(strict.code).toBe(1);
  });

  it("fails clearly without a token, with a bad token, and for an unknown run", async () => {
    gh.addJob({ run_id: 77, name: benchmarkJobName("h200", "ok"), conclusion: "success" });
    const noToken = await infx(["success-rate", "--run-id", "77", "--runner-config", "runners.yaml"], {
      cwd: dir,
      env: { GITHUB_API_URL: gh.url, GITHUB_REPOSITORY: "acme/inferencex" },
    });
    expect(noToken.code).toBe(1);
    expect(noToken.stderr).toMatch(/set GITHUB_TOKEN/);

    const bad = await infx(["success-rate", "--run-id", "77", "--runner-config", "runners.yaml"], {
      cwd: dir,
      env: { ...env(), GITHUB_TOKEN: "wrong" },
    });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/listing the jobs of run 77 in acme\/inferencex failed: HTTP 401 Bad credentials \(check GITHUB_TOKEN\)/);
    expect(gh.requests.at(-1)!.status).toBe(401);

    const unknown = await infx(["success-rate", "--run-id", "404404", "--runner-config", "runners.yaml"], { cwd: dir, env: env() });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/HTTP 404/);
  });

  it("names the runner config problem", async () => {
    writeFileSync(join(dir, "bad.yaml"), "h200: h200-cw_0\n");
    const r = await run(["--runner-config", "bad.yaml"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/bad\.yaml:1:7: h200: must be a list/); // file, line and key
    const missing = await run(["--runner-config", "nope.yaml"]);
    expect(missing.stderr).toMatch(/cannot read runner config .*nope\.yaml: ENOENT/);
  });

  it("takes the run id from GITHUB_RUN_ID inside a workflow, and needs one outside", async () => {
    gh.addJob({ run_id: 77, name: benchmarkJobName("h200", "ok"), conclusion: "success" });
    const inWorkflow = await infx(["success-rate", "--runner-config", "runners.yaml", "--out", "-"], { cwd: dir, env: { ...env(), GITHUB_RUN_ID: "77" } });
    expect(inWorkflow.code).toBe(0);
    expect(JSON.parse(inWorkflow.stdout)).toEqual({ h200: { n_success: 1, total: 1 } });
    const outside = await infx(["success-rate", "--runner-config", "runners.yaml"], { cwd: dir, env: env() });
    expect(outside.code).toBe(2);
    expect(outside.stderr).toMatch(/--run-id is required outside a workflow/);
  });

  it("needs a repository", async () => {
    const r = await infx(["success-rate", "--run-id", "77", "--runner-config", "runners.yaml"], {
      cwd: dir,
      env: { GITHUB_TOKEN: gh.token, GITHUB_API_URL: gh.url },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--repo owner\/name or set GITHUB_REPOSITORY/);
    const bad = await run(["--repo", "just-a-name"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--repo: expected 'owner\/name', got 'just-a-name'/);
  });
});
