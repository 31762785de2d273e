import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { GITHUB_COMMENT_LIMIT, renderSweepComment, STICKY_MARKER, summarizePlan, topResults } from "../src/report/comment.js";
import type { AggRow, EvalRow } from "../src/results/types.js";
import { fixtureRow } from "./fixtures/raw/rows.js";
import { MULTI_NODE_CONFIG, rowOf } from "./fixtures/results/generate.js";
import { infx, ROOT } from "./support/cli.js";
import { startFakeGitHub, type FakeGitHub } from "./support/fake-github.js";

/** Benchmark rows: the client's raw fixtures through processResult (single-node), and a generated multi-node row. */
const MULTI = rowOf(MULTI_NODE_CONFIG);
function goldenRows(): AggRow[] {
  return [fixtureRow("sim_conc1.json"), fixtureRow("sim_conc4.json"), fixtureRow("sim_conc16.json"), MULTI];
}
const EVAL_ROWS: EvalRow[] = JSON.parse(readFileSync(join(ROOT, "test/fixtures/results/eval-rows.json"), "utf8"));

function manyRows(n: number): AggRow[] {
  const [single] = goldenRows().filter((r) => !r.is_multinode);
  return Array.from({ length: n }, (_, i) => ({ ...single!, model: `org/model-${i % 400}`, conc: 1 + (i % 7), tput_per_gpu: i }) as AggRow);
}

const entry = (isl: number, osl: number, extra: Record<string, unknown> = {}) => ({
  isl,
  osl,
  model: "m",
  runner: "b200",
  conc: 4,
  "run-eval": false,
  ...extra,
});

describe("summarizePlan", () => {
  it("counts a changelog plan per bucket, single and multi node, with the canary", () => {
    const p = summarizePlan({
      single_node: {
        "1k1k": [entry(1024, 1024), entry(1024, 1024, { canary: true, name: "dsr1-1k1k-c4" })],
        "8k1k": [entry(8192, 1024, { "run-eval": true })],
      },
      multi_node: { "1k1k": [entry(1024, 1024, { prefill: {}, decode: {} })] },
      changelog_metadata: { entries: [] },
    });
    expect(p).toEqual({
      buckets: [
        { bucket: "1k1k", single: 2, multi: 1 },
        { bucket: "8k1k", single: 1, multi: 0 },
      ],
      canary: ["dsr1-1k1k-c4"],
      evals: 1,
      total: 4,
    });
  });

  it("buckets a plain matrix by ISL/OSL and reads a top-level canary", () => {
    const p = summarizePlan([entry(1024, 8192), entry(2048, 128), entry(1024, 8192, { prefill: {}, decode: {} })]);
    expect(p.buckets).toEqual([
      { bucket: "1k8k", single: 1, multi: 1 },
      { bucket: "2048_128", single: 1, multi: 0 },
    ]);
    expect(summarizePlan({ single_node: {}, canary: { name: "c1" } }).canary).toEqual(["c1"]);
  });
});

describe("renderSweepComment", () => {
  it("starts with the marker and shows stats, top results and evals", () => {
    const rows = [fixtureRow("sim_conc1.json"), MULTI];
    const body = renderSweepComment({
      runUrl: "https://github.com/acme/inferencex/actions/runs/5",
      runStats: { h200: { n_success: 3, total: 4 }, gb200: { n_success: 2, total: 2 } },
      results: rows,
      evals: [
        { ...EVAL_ROWS[0]!, threshold: 0.9, passed: true },
        { ...EVAL_ROWS[1]!, threshold: 0.99, passed: false },
      ],
      sha: "0123456789abcdef0123",
    });
    expect(body.startsWith(STICKY_MARKER + "\n")).toBe(true);
    expect(body).toContain("### ⚠️ InferenceX sweep: 5/6 benchmark jobs succeeded, 1 eval(s) below threshold");
    expect(body).toContain("[workflow run](https://github.com/acme/inferencex/actions/runs/5) · commit `0123456789ab`");
    expect(body).toMatch(/\| ⚠️ h200 \| 3 \| 4 \| 75\.0% \|/);
    expect(body).toMatch(/\| ✅ gb200 \| 2 \| 2 \| 100\.0% \|/);
    // the step summary's columns (src/report/summary.ts), single-node and multi-node tables apart
    expect(body).toMatch(
      /Single-node:\n\n\| Model \| Served model \| Hardware .*\n.*\n\| sim \| infx\/sim-model \| h200 \| vllm \| fp8 \| 1024 \| 64 \| 8 \| 1 \| false \| 1 \| /,
    );
    expect(body).toMatch(
      /Multi-node .*\n\n\| Model .*\n.*\n\| dsr1 \| deepseek-ai\/DeepSeek-R1-0528 \| gb200 \| dynamo-trt \| fp4 \| 1024 \| 1024 \| 2 \| 4 \| 4 \| true \| 1 \| 8 \| 8 \| true \| 16 \| 64 \| /,
    );
    expect(body).toContain("1/2 passed their threshold (**1 failed**, listed first)");
    const evalLines = body.split("\n").filter((l) => l.includes("gsm8k"));
    expect(evalLines[0]).toMatch(/^\| [^|]* \| deepseek-ai\/DeepSeek-R1-0528 \|.* ❌ < 0\.99 \|$/);
    expect(evalLines[1]).toMatch(/^\| [^|]* \| nvidia\/DeepSeek-R1-0528-FP4-v2 \|.* ✅ ≥ 0\.9 \|$/);
  });

  it("keeps the best three per model and sequence length", () => {
    const rows = manyRows(40).map((r, i) => ({ ...r, model: i % 2 ? "b" : "a" }) as AggRow);
    const top = topResults(rows);
    expect(top.map((r) => [r.model, r.tput_per_gpu])).toEqual([
      ["a", 38],
      ["a", 36],
      ["a", 34],
      ["b", 39],
      ["b", 37],
      ["b", 35],
    ]);
  });

  it("says when nothing was collected", () => {
    const body = renderSweepComment({ runUrl: "https://x/runs/1", runStats: { b200: { n_success: 0, total: 3 } }, results: [], evals: [] });
    expect(body).toContain("### ❌ InferenceX sweep: 0/3 benchmark jobs succeeded");
    expect(body).toContain("_None: no benchmark results were collected_");
    expect(body).toContain("_None: no eval results were collected_");
  });

  it("stays under GitHub's limit and says how many rows were cut and where they are", () => {
    const rows = manyRows(20_000);
    const evals = Array.from({ length: 3000 }, (_, i) => ({ ...EVAL_ROWS[0]!, model: `org/eval-model-${i}` }));
    const body = renderSweepComment({ runUrl: "https://x/runs/1", results: rows, evals });
    expect(body.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(body.length).toBeGreaterThan(GITHUB_COMMENT_LIMIT - 2000);
    const shown = body.split("\n").filter((l) => l.includes("| org/model-")).length;
    const cut = Number(/_… (\d+) more row\(s\) not shown .* in the `results_bmk` artifact\._/.exec(body)?.[1]);
    expect(shown + cut).toBe(1200); // 400 models × top 3
    const evalShown = body.split("\n").filter((l) => l.includes("| org/eval-model-")).length;
    const evalCut = Number(/_… (\d+) more row\(s\) not shown .* in the `eval_results_all` artifact\._/.exec(body)?.[1]);
    expect(evalShown).toBeGreaterThan(50);
    expect(evalShown + evalCut).toBe(3000);

    const small = renderSweepComment({ runUrl: "https://x/runs/1", results: rows, limit: 3000 });
    expect(small.length).toBeLessThanOrEqual(3000);
    expect(small).toMatch(/more row\(s\) not shown/);
  });

  it("headline: all good, partial failure, nothing ran", () => {
    const head = (runStats: Record<string, { n_success: number; total: number }>) => renderSweepComment({ runUrl: "u", runStats }).split("\n")[1];
    expect(head({ h200: { n_success: 2, total: 2 } })).toBe("### ✅ InferenceX sweep: 2/2 benchmark jobs succeeded");
    expect(head({ h200: { n_success: 1, total: 2 } })).toBe("### ⚠️ InferenceX sweep: 1/2 benchmark jobs succeeded");
    expect(head({})).toBe("### ⚠️ InferenceX sweep: no benchmark jobs ran");
  });

  it("escapes table cells", () => {
    const [r] = goldenRows();
    const body = renderSweepComment({ runUrl: "https://x/runs/1", results: [{ ...r!, model: "evil|model\nx" } as AggRow] });
    expect(body).toContain("| evil\\|model x |");
  });
});

describe("infx comment against a fake GitHub", () => {
  let gh: FakeGitHub;
  let dir: string;
  beforeAll(async () => {
    gh = await startFakeGitHub();
  });
  afterAll(async () => {
    await gh.close();
  });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "infx-comment-"));
    gh.state.comments.length = 0;
    gh.state.pulls.length = 0;
    gh.state.artifacts.length = 0;
    gh.requests.length = 0;
    gh.addPull({ number: 42 });
    writeFileSync(join(dir, "agg_bmk.json"), JSON.stringify(goldenRows()));
    writeFileSync(join(dir, "agg_eval_all.json"), JSON.stringify(EVAL_ROWS));
    writeFileSync(join(dir, "run_stats.json"), JSON.stringify({ h200: { n_success: 1, total: 1 }, gb200: { n_success: 0, total: 1 } }));
    writeFileSync(
      join(dir, "plan.json"),
      JSON.stringify({
        single_node: { "1k1k": [entry(1024, 1024, { canary: true, name: "glm47-c1" })] },
        multi_node: { "1k1k": [entry(1024, 1024, { prefill: {} })] },
      }),
    );
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const env = () => ({
    GITHUB_TOKEN: gh.token,
    GITHUB_API_URL: gh.url,
    GITHUB_REPOSITORY: "acme/inferencex",
    GITHUB_SERVER_URL: "https://github.com",
    GITHUB_RUN_ID: "555",
  });
  const files = ["--plan", "plan.json", "--results", "agg_bmk.json", "--evals", "agg_eval_all.json", "--run-stats", "run_stats.json"];
  const comment = (extra: string[] = [], e: NodeJS.ProcessEnv = env()) => infx(["comment", "--pr", "42", ...files, ...extra], { cwd: dir, env: e });
  const sticky = () => gh.state.comments.filter((c) => c.issue_number === 42 && c.body.startsWith(STICKY_MARKER));

  it("creates the comment on the first call and updates it on the second, leaving other comments alone", async () => {
    // 130 comments by people first, so the sweep comment lands on the second page; one of them quotes the marker.
    for (let i = 0; i < 130; i++) gh.addComment(42, i === 7 ? `> ${STICKY_MARKER}\nquoting the bot` : `comment ${i}`, `user${i % 3}`);
    const before = gh.state.comments.map((c) => ({ ...c }));
    gh.addArtifact({ run_id: 555, name: "results_bmk" });
    gh.addArtifact({ run_id: 555, name: "bmk_dsr1_x" });

    const first = await comment();
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^created comment \d+ on #42: https:\/\/github\.com\/acme\/inferencex\/pull\/42#issuecomment-\d+/);
    expect(sticky()).toHaveLength(1);
    const created = sticky()[0]!;
    expect(created.user).toBe("github-actions[bot]");
    expect(created.body).toContain("[workflow run](https://github.com/acme/inferencex/actions/runs/555)");
    const art = gh.state.artifacts.find((a) => a.name === "results_bmk")!;
    expect(created.body).toContain(`[\`results_bmk\`](https://github.com/acme/inferencex/actions/runs/555/artifacts/${art.id})`);
    expect(created.body).not.toContain("bmk_dsr1_x");
    expect(created.body).toContain("canary first: `glm47-c1`");
    expect(created.body).toContain("### ⚠️ InferenceX sweep: 1/2 benchmark jobs succeeded");

    writeFileSync(join(dir, "run_stats.json"), JSON.stringify({ h200: { n_success: 1, total: 1 }, gb200: { n_success: 1, total: 1 } }));
    const second = await comment();
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(new RegExp(`^updated comment ${created.id} on #42`));
    expect(sticky()).toHaveLength(1);
    expect(sticky()[0]!.body).toContain("### ✅ InferenceX sweep: 2/2 benchmark jobs succeeded");
    expect(gh.state.comments).toHaveLength(131);
    expect(gh.state.comments.slice(0, 130)).toEqual(before);

    const patches = gh.requests.filter((r) => r.method === "PATCH");
    expect(patches.map((r) => r.path)).toEqual([`/repos/acme/inferencex/issues/comments/${created.id}`]);
    const listPages = gh.requests.filter((r) => r.method === "GET" && r.path.endsWith("/issues/42/comments"));
    expect(listPages.map((r) => r.query.page ?? "1")).toEqual(["1", "2", "1", "2"]);
  });

  it("applies eval thresholds and shows failures", async () => {
    writeFileSync(join(dir, "thresholds.yaml"), "default:\n  gsm8k: 0.95\nmodels:\n  openai/gpt-oss-120b:\n    gsm8k: 0.5\n");
    const r = await comment(["--thresholds", "thresholds.yaml", "--skip-artifacts"]);
    expect(r.code).toBe(0);
    const body = sticky()[0]!.body;
    const failing = EVAL_ROWS.filter((e) => e.score < (e.model === "openai/gpt-oss-120b" ? 0.5 : 0.95)).length;
    expect(failing).toBeGreaterThan(0);
    expect(body).toContain(`${failing} eval(s) below threshold`);
    expect(body.split("\n").filter((l) => l.includes("| ❌ < "))).toHaveLength(failing);
    expect(gh.requests.some((q) => q.path.endsWith("/artifacts"))).toBe(false);
    writeFileSync(join(dir, "bad.yaml"), "gsm8k: 0.9\n");
    const bad = await comment(["--thresholds", "bad.yaml", "--skip-artifacts"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--thresholds bad\.yaml: invalid thresholds\n {2}gsm8k: unknown key/);
  });

  it("posts a body that fits GitHub's limit for a huge sweep", async () => {
    writeFileSync(join(dir, "agg_bmk.json"), JSON.stringify(manyRows(20_000)));
    const r = await comment(["--skip-artifacts"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(sticky()[0]!.body.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(sticky()[0]!.body).toMatch(/more row\(s\) not shown/);
  });

  it("reports missing inputs, refuses malformed ones", async () => {
    const r = await comment(["--results", "nope.json", "--skip-artifacts"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning: --results nope\.json: file not found; that section is left out/);
    writeFileSync(join(dir, "bad.json"), '[{"model": "x",}]');
    const bad = await comment(["--results", "bad.json"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--results bad\.json: not valid JSON: line 1, column \d+/);
    writeFileSync(join(dir, "rows.json"), '[{"model": "x"}]');
    const shape = await comment(["--results", "rows.json"]);
    expect(shape.code).toBe(1);
    expect(shape.stderr).toMatch(/--results rows\.json: \[0\]: field 'hw' must be a string/);
  });

  it("prints the body with --dry-run, needs no token for it, and gets a 401 with a wrong token", async () => {
    const dry = await comment(["--dry-run"], { GITHUB_REPOSITORY: "acme/inferencex", GITHUB_RUN_ID: "9" });
    expect(dry.code).toBe(0);
    expect(dry.stdout.startsWith(STICKY_MARKER)).toBe(true);
    expect(gh.requests).toHaveLength(0);

    const none = await comment([], { ...env(), GITHUB_TOKEN: "" });
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/set GITHUB_TOKEN/);

    const bad = await comment(["--skip-artifacts"], { ...env(), GITHUB_TOKEN: "nope" });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/listing the comments of #42 in acme\/inferencex failed: HTTP 401 Bad credentials/);
    expect(gh.state.comments).toHaveLength(0);
  });

  it("fails clearly for a PR that does not exist and for a bad --run-url", async () => {
    const r = await infx(["comment", "--pr", "7", "--skip-artifacts"], { cwd: dir, env: env() });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/#7 .*HTTP 404/);
    const url = await infx(["comment", "--pr", "42", "--run-url", "runs/5"], { cwd: dir, env: env() });
    expect(url.code).toBe(2);
    expect(url.stderr).toMatch(/--run-url: expected an http\(s\) URL/);
  });
});
