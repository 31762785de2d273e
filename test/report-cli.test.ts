// The terminal side of issue 12 and `infx report` without a browser: result
// tables, progress in CI logs, --conc lists, --version, sweep outputs
// (report.html, simulated provenance), collect over several sweeps, the page
// data and the report command's errors.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ProgressLine } from "../src/cli/progress.js";
import { resultTable } from "../src/bench/result-table.js";
import { startSimServer, type SimServer } from "../src/sim/server.js";
import { parseArgs } from "../src/cli/args.js";
import { bufferIo } from "../src/cli/io.js";
import { spec as sweepSpec } from "../src/commands/sweep.js";
import { collect } from "../src/results/collect.js";
import { encodePageData, PAGE_METRICS } from "../src/report/page-data.js";
import { renderReportPage } from "../src/report/page.js";
import { syntheticRows } from "../bench/_report-rows.mjs";
import { infx, ROOT } from "./support/cli.js";

const tmp = () => mkdtempSync(join(tmpdir(), "infx-report-cli-"));
let sim: SimServer | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe("--conc lists and --version", () => {
  it("--conc takes 4,8,16, 4 8 16 and '4 8 16' alike", () => {
    const base = ["--local", "--config-keys", "k"];
    for (const form of [["4,8,16"], ["4", "8", "16"], ["4 8 16"], ["4,8", "16"]])
      expect(parseArgs(sweepSpec, [...base, "--conc", ...form]).conc).toEqual([4, 8, 16]);
    expect(() => parseArgs(sweepSpec, [...base, "--conc", "4,x"])).toThrow("--conc: expected a whole number, got 'x'");
  });

  it("infx --version prints the package version", async () => {
    const version = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version;
    const r = await infx(["--version"]);
    expect(r).toEqual({ code: 0, stdout: `infx ${version}\n`, stderr: "" });
  });

  it("bench --conc '2 4' runs both points and ends with the result table", async () => {
    sim = await startSimServer({ decodeStepMs: 1 });
    const dir = tmp();
    const r = await infx([
      "bench",
      "--base-url",
      sim.url,
      "--model",
      "m",
      "--conc",
      "2",
      "4",
      "--random-input-len",
      "8",
      "--random-output-len",
      "4",
      "--prompts-per-conc",
      "2",
      "--num-gpus",
      "2",
      "--batch-dir",
      dir,
    ]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const lines = r.stdout.split("\n");
    const head = lines.findIndex((l) => /^conc +req\/s/.test(l));
    expect(lines[head]).toMatch(/^conc +req\/s +output tok\/s +tok\/s\/GPU +TTFT p50 ms +TTFT p99 ms +TPOT p50 ms +intvty tok\/s\/user +E2EL p50 s +failures$/);
    expect(lines[head + 2]).toMatch(/^ +2 +\d+\.\d\d +\d+\.\d +\d+\.\d/);
    expect(lines[head + 3]).toMatch(/^ +4 +\d+\.\d\d/);
    expect(lines[head + 3]).toMatch(/ 0\/8$/);
  });
});

describe("result table", () => {
  it("derives tok/s/GPU and interactivity, and shows the status of points without a result", () => {
    const t = resultTable([
      {
        conc: 8,
        gpus: 4,
        status: "PASSED",
        failed: 1,
        requests: 80,
        result: {
          request_throughput: 2.5,
          output_throughput: 300,
          total_token_throughput: 800,
          median_ttft_ms: 12.34,
          p99_ttft_ms: 40,
          median_tpot_ms: 20,
          median_e2el_ms: 1500,
        },
      },
      { conc: 16, gpus: 4, status: "NOT RUN" },
    ]);
    const [head, , a, b] = t.split("\n");
    expect(head!.split(/ {2,}/)).toEqual([
      "conc",
      "req/s",
      "output tok/s",
      "tok/s/GPU",
      "TTFT p50 ms",
      "TTFT p99 ms",
      "TPOT p50 ms",
      "intvty tok/s/user",
      "E2EL p50 s",
      "failures",
    ]);
    expect(a!.trim().split(/ +/)).toEqual(["8", "2.50", "300.0", "200.0", "12.3", "40.0", "20.00", "50.0", "1.50", "1/80"]);
    expect(b).toMatch(/^ +16 +NOT RUN/);
  });
});

describe("progress in CI logs (not a terminal)", () => {
  it("prints a line once the interval has passed since work started, none for short work", () => {
    let now = 1000;
    const io = bufferIo({ isTTY: false });
    const p = new ProgressLine(io, { intervalMs: 30_000, now: () => now });
    p.update("1/10 done");
    now += 10_000;
    p.update("2/10 done");
    expect(io.stderr()).toBe("");
    now += 21_000;
    p.update("5/10 done, 0.2 req/s, ETA 1m");
    expect(io.stderr()).toBe("progress: 5/10 done, 0.2 req/s, ETA 1m\n");
    p.clear();
  });

  it("keeps printing the latest line while nothing finishes", async () => {
    const io = bufferIo({ isTTY: false });
    const p = new ProgressLine(io, { intervalMs: 30 });
    p.update("3/10 done");
    await expect.poll(() => io.stderr().split("\n").filter(Boolean).length, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    p.clear();
    expect(
      io
        .stderr()
        .split("\n")
        .filter(Boolean)
        .every((l) => l === "progress: 3/10 done"),
    ).toBe(true);
  });
});

describe("infx sweep --local outputs", () => {
  it("writes report.html beside summary.md, says where on the last line, and marks rows as simulated", async () => {
    const out = tmp();
    const r = await infx(["sweep", "--local", "--limit", "2", "--out-dir", out]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines.at(-1)).toBe(`Open the report: ${join(out, "report.html")}`);
    expect(r.stdout).toMatch(/\njob +conc +req\/s +output tok\/s/);
    const rows = JSON.parse(readFileSync(join(out, "agg_bmk.json"), "utf8"));
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(row).toMatchObject({ server: "serve-sim", run: out.split("/").at(-1) });
    const html = readFileSync(join(out, "report.html"), "utf8");
    expect(html).toContain('id="sim-banner"');
    expect(html).toContain("Local sweep (simulated)");
  });
});

describe("collect over several sweep folders", () => {
  function sweepFolder(root: string, name: string, rows: Record<string, unknown>[]) {
    const d = join(root, name);
    mkdirSync(join(d, "agg"), { recursive: true });
    mkdirSync(join(d, "raw"), { recursive: true });
    writeFileSync(join(d, "agg_bmk.json"), JSON.stringify(rows));
    writeFileSync(join(d, "summary.md"), "# Local sweep\n");
    writeFileSync(join(d, "report.html"), "<!doctype html>");
    rows.forEach((row, i) => {
      writeFileSync(join(d, "agg", `agg_job${i}.json`), JSON.stringify(row));
      writeFileSync(join(d, "raw", `job${i}.json`), JSON.stringify({ total_token_throughput: 1, max_concurrency: 1 }));
    });
  }

  it("keeps rows of different runs, recognises retries within one run, no warning for raw files whose rows are there", async () => {
    const root = tmp();
    const [a, b] = syntheticRows(2);
    // Run 1 and run 2 measured the same two configurations; run 2 also retried one of them (newer date wins).
    sweepFolder(root, "20260101-000000", [
      { ...a, run: "r1" },
      { ...b, run: "r1" },
    ]);
    sweepFolder(root, "20260102-000000", [
      { ...a, run: "r2", date: "20260102-000000" },
      { ...b, run: "r2" },
    ]);
    writeFileSync(join(root, "20260102-000000", "agg", "agg_retry.json"), JSON.stringify({ ...a, run: "r2", date: "20260102-010000", tput_per_gpu: 1 }));
    // A folder of an older sweep without the run field is a run of its own.
    sweepFolder(root, "old", [{ ...a }]);
    const got = await collect(root, "bmk");
    expect(got.problems).toEqual([]);
    expect(got.runs).toBe(3);
    expect(got.rows).toHaveLength(5);
    expect(got.replaced).toBe(2);
    expect(got.rows.filter((r) => r.run === "r2" && r.tput_per_gpu === 1)).toHaveLength(1);
    const r = await infx(["collect", root, "--kind", "bmk", "--out", join(tmp(), "all.json")]);
    expect(r.stdout).toContain("collected 5 benchmark rows from");
    expect(r.stdout).toContain("of 3 runs");
    expect(r.stdout).toContain("every file was usable");
    // infx report reads such a folder the same way.
    const page = await infx(["report", "--bmk", root, "--out", join(tmp(), "r.html")]);
    expect(page.stderr).toBe("");
    expect(page.stdout).toMatch(/: 5 points, 0 eval rows\n$/);
  });
});

describe("page data and the report command", () => {
  const lib = { name: "test", version: "0", scripts: ["window.Plot = {};"] };

  it("stores each configuration once and metrics with 4 significant digits (latencies in ms)", () => {
    const rows = syntheticRows(64);
    const d = encodePageData({ bmk: rows, generated: "t" });
    expect(d.cfg).toHaveLength(64);
    expect(d.configs.length).toBe(8);
    expect(d.metrics.ttft50![3]).toBe(Number(((rows[3]!.median_ttft as number) * 1000).toPrecision(4)));
    expect(Object.keys(d.metrics)).toEqual(PAGE_METRICS.map((m) => m.key));
    expect(d.simulated).toBe(0);
  });

  it("matches comparison points to rows by identity; baseline-only points are kept", () => {
    const rows = syntheticRows(16);
    const r = rows[9]!;
    const d = encodePageData({
      bmk: rows,
      compare: {
        summary: { regressions: 1, missing: 1 },
        points: [
          {
            identity: {
              infmax_model_prefix: r.infmax_model_prefix,
              hw: r.hw,
              framework: r.framework,
              precision: r.precision,
              isl: r.isl,
              osl: r.osl,
              conc: r.conc,
            },
            metric: "tput_per_gpu",
            baseline: 2,
            head: 1,
            ratio: 0.5,
            verdict: "regression",
          },
          {
            identity: { model_prefix: "zz", hw: "h100", isl: 1, osl: 1, conc: 3 },
            metric: "tput_per_gpu",
            baseline: 2,
            head: null,
            ratio: null,
            verdict: "missing",
          },
        ],
        curves: [{ identity: { hw: r.hw }, ratio: 0.9, verdict: "regression" }],
      },
    });
    expect(d.compare!.rows).toEqual({ 9: [["tput_per_gpu", 2, 1, 0.5, "regression"]] });
    expect(d.compare!.missing).toEqual([
      { label: "model_prefix=zz hw=h100 isl=1 osl=1 conc=3", panel: "zz|1|1", series: null, values: [["tput_per_gpu", 2, null, null, "missing"]] },
    ]);
    expect(d.compare!.curves).toEqual([{ label: `hw=${r.hw}`, ratio: 0.9, verdict: "regression" }]);
  });

  it("the page is one file: scripts inline, data escaped, no external reference", () => {
    const rows = syntheticRows(8).map((r) => ({ ...r, image: "</script><script>alert(1)</script>" }));
    const html = renderReportPage({ bmk: rows, title: "<T>" }, lib);
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|@import|url\(http/);
    expect(html).not.toContain("<script>alert(1)");
    expect(html).toContain("<title>&lt;T&gt;</title>");
    expect(html.match(/<\/script>/g)).toHaveLength(3);
  });

  it("says what is wrong with its inputs", async () => {
    const dir = tmp();
    writeFileSync(join(dir, "rows.json"), JSON.stringify(syntheticRows(2)));
    writeFileSync(join(dir, "cmp.json"), JSON.stringify({ points: [] }));
    let r = await infx(["report", "--bmk", join(dir, "rows.json"), "--compare", join(dir, "cmp.json"), "--out", join(dir, "r.html")]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("cmp.json: not the JSON of 'infx compare --format json'");
    r = await infx(["report", "--bmk", join(dir, "nope.json")]);
    expect(r.stderr).toContain("cannot read benchmark rows");
    expect(r.stderr).toContain("ENOENT");
    writeFileSync(join(dir, "empty.json"), "[]");
    r = await infx(["report", "--bmk", join(dir, "empty.json")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("holds no benchmark row");
  });
});

describe("collect action", () => {
  it("uploads the HTML page as artifact 'report' beside results_bmk", async () => {
    const { runCollect } = await import("../src/actions/lib/collect.js");
    const stored = new Map<string, Map<string, string>>();
    const src = tmp();
    mkdirSync(join(src, "bmk_a"));
    writeFileSync(join(src, "bmk_a", "agg_a.json"), JSON.stringify(syntheticRows(3)[1]));
    stored.set("bmk_a", new Map([["agg_a.json", readFileSync(join(src, "bmk_a", "agg_a.json"), "utf8")]]));
    const outputs: Record<string, string> = {};
    const log: string[] = [];
    const deps = {
      core: {
        getInput: (n: string) => (n === "kind" ? "bmk" : ""),
        setOutput: (n: string, v: unknown) => void (outputs[n] = String(v)),
        info: (m: string) => void log.push(m),
        warning: (m: string) => void log.push(`warning: ${m}`),
        error: (m: string) => void log.push(`error: ${m}`),
        setFailed: (m: string) => void log.push(`failed: ${m}`),
        summary: { addRaw: () => undefined, write: async () => undefined },
      },
      env: { RUNNER_TEMP: tmp() },
      cwd: ROOT,
      artifacts: {
        async upload(name: string, paths: string[], root: string) {
          stored.set(name, new Map(paths.map((p) => [p.slice(root.length + 1), readFileSync(p, "utf8")])));
          return { id: stored.size, name, size: 0 };
        },
        async list() {
          return [...stored.keys()].map((name, i) => ({ id: i + 1, name, size: 0 }));
        },
        async download(a: { name: string }, dir: string) {
          for (const [rel, text] of stored.get(a.name) ?? []) {
            mkdirSync(join(dir, rel, ".."), { recursive: true });
            writeFileSync(join(dir, rel), text);
          }
        },
      },
      octokit: () => {
        throw new Error("no GitHub here");
      },
    };
    await runCollect(deps as never);
    expect(log.filter((l) => l.startsWith("warning"))).toEqual([]);
    expect([...stored.keys()].sort()).toEqual(["bmk_a", "report", "results_bmk"]);
    const page = stored.get("report")!.get("report.html")!;
    expect(page).toMatch(/^<!doctype html>/);
    expect(page).toContain('"cfg":[0]');
    expect(outputs.report).toMatch(/report\.html$/);
  });
});
