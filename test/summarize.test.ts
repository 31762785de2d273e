import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { chartGroups, throughputFrontier } from "../src/report/charts.js";
import { fitSummaryBudget, renderBenchmarkTable, renderEvalTable, renderSummary, roundRobinOrder, STEP_SUMMARY_LIMIT } from "../src/report/summary.js";
import type { AggRow, EvalRow } from "../src/results/types.js";
import { configGrid, MULTI_NODE_CONFIG, rowOf, type Config } from "./fixtures/results/generate.js";
import { infx, ROOT } from "./support/cli.js";

const rows = configGrid().map(rowOf);
const evalExample = JSON.parse(readFileSync(join(ROOT, "test/fixtures/results/eval-rows.json"), "utf8")) as EvalRow[];
const multi: Config = MULTI_NODE_CONFIG;

/** The mermaid blocks of a markdown text. */
const mermaidBlocks = (md: string) => [...md.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m) => m[1]!);

describe("benchmark and eval tables", () => {
  it("single-node tables have the user guide's columns and one line per row", () => {
    const t = renderBenchmarkTable(rows.slice(0, 3), "single");
    const [header, align, first] = t.split("\n");
    expect(header).toBe(
      "| Model | Served model | Hardware | Framework | Precision | ISL | OSL | TP | EP | DP attention | Conc | TTFT ms | TPOT ms | Interactivity tok/s/user | E2EL s | TPUT per GPU | Output TPUT per GPU | Input TPUT per GPU |",
    );
    expect(align!.split("|").length).toBe(header!.split("|").length);
    const r = rows[0]!;
    expect(first).toBe(
      `| dsr1 | deepseek-ai/DeepSeek-R1-0528 | b200 | sglang | fp8 | 1024 | 1024 | 4 | 1 | false | 4 | ${((r.mean_ttft as number) * 1000).toFixed(1)} | ${((r.mean_tpot as number) * 1000).toFixed(2)} | ${(r.mean_intvty as number).toFixed(1)} | ${(r.mean_e2el as number).toFixed(2)} | ${r.tput_per_gpu.toFixed(1)} | ${r.output_tput_per_gpu.toFixed(1)} | ${r.input_tput_per_gpu.toFixed(1)} |`,
    );
    expect(t.trimEnd().split("\n")).toHaveLength(5);
  });

  it("multi-node tables show prefill/decode layout and GPU count; missing metrics show a dash", () => {
    const row = rowOf(multi);
    delete (row as Record<string, unknown>).mean_e2el;
    const t = renderBenchmarkTable([row]);
    expect(t).toContain(
      "| Prefill workers | Prefill TP | Prefill EP | Prefill DP attention | Decode workers | Decode TP | Decode EP | Decode DP attention | GPUs |",
    );
    expect(t.split("\n")[2]).toMatch(
      /\| gb200 \| dynamo-trt \| fp4 \| 1024 \| 1024 \| 2 \| 4 \| 4 \| true \| 1 \| 8 \| 8 \| true \| 16 \| 64 \| [\d.]+ \| [\d.]+ \| [\d.]+ \| – \|/,
    );
  });

  it("eval table shows score ± se, the metric and the gate's verdict", () => {
    const gated = [
      { ...evalExample[0]!, threshold: 0.9, passed: true },
      { ...evalExample[6]!, threshold: 0.9, passed: false },
    ];
    const t = renderEvalTable(gated);
    expect(t).toContain("| B200 | sglang | fp4 | 4 | 4 | false | 128 | gsm8k | 0.9530 ± 0.0058 | em_strict | 0.9530 | 0.9530 | 1319 | ✅ ≥ 0.9 |");
    expect(t).toContain("| B200-TRT | trt | fp4 | 2 | 2 | true | 128 | gsm8k | 0.0000 ± 0.0000 | em_strict | 0.0000 | 0.0000 | 1319 | ❌ < 0.9 |");
  });

  it("cells with pipes are escaped", () => {
    const t = renderBenchmarkTable([{ ...rows[0]!, model: "a|b" }], "single");
    expect(t).toContain("| a\\|b |");
  });
});

describe("charts", () => {
  it("one chart per model and sequence lengths, one series per hardware/framework", () => {
    const groups = chartGroups(rows);
    expect(groups.map((g) => g.title)).toEqual(["dsr1 · 1k1k", "dsr1 · 1k8k", "dsr1 · 8k1k", "gptoss · 1k1k", "gptoss · 1k8k", "gptoss · 8k1k"]);
    expect(groups[0]!.series.map((s) => s.label)).toEqual(["b200 / sglang", "b200-trt / trt", "h200 / vllm", "mi355x / vllm"]);
    expect(groups[0]!.series[0]!.points).toHaveLength(12);
  });

  it("series differing in precision, spec decoding or node count are never merged", () => {
    const base = configGrid(6);
    const mixed = [
      ...base,
      ...base.map((c) => ({ ...c, precision: "fp4" })),
      ...base.map((c) => ({ ...c, spec: "mtp" })),
      { ...multi, hw: "b200", framework: "sglang", precision: "fp8" },
    ].map(rowOf);
    expect(chartGroups(mixed)[0]!.series.map((s) => s.label)).toEqual([
      "b200 / sglang / fp4",
      "b200 / sglang / fp8",
      "b200 / sglang / fp8 / mtp",
      "b200 / sglang / fp8 / multi-node",
    ]);
  });

  it("the frontier is the best measured throughput at interactivity >= x, 0 beyond the series' reach", () => {
    const pts = [
      { x: 10, y: 500 },
      { x: 20, y: 300 },
      { x: 35, y: 100 },
    ];
    expect(throughputFrontier(pts, [0, 10, 15, 20, 30, 40])).toEqual([500, 500, 300, 300, 100, 0]);
  });

  it("mermaid blocks are well-formed xychart-beta with one line per series and equal lengths", () => {
    const md = renderSummary({ bmk: rows });
    const blocks = mermaidBlocks(md);
    expect(blocks).toHaveLength(6);
    for (const b of blocks) {
      const lines = b.split("\n");
      expect(lines[0]).toBe("---");
      expect(lines.indexOf("xychart-beta")).toBe(6);
      const xs = /x-axis "[^"]+" \[(.*)\]/.exec(b)![1]!.split(", ");
      const series = lines.filter((l) => l.trim().startsWith("line ["));
      expect(series).toHaveLength(4);
      for (const s of series) {
        const ys = /\[(.*)\]/.exec(s)![1]!.split(", ").map(Number);
        expect(ys).toHaveLength(xs.length);
        expect(ys.every((y) => Number.isFinite(y) && y >= 0)).toBe(true);
        for (let i = 1; i < ys.length; i++) expect(ys[i]!).toBeLessThanOrEqual(ys[i - 1]!);
      }
      const palette = /plotColorPalette: "(.*)"/.exec(b)![1]!.split(", ");
      expect(palette).toHaveLength(4);
      expect(b).toMatch(/y-axis "Throughput per GPU \(tok\/s\)" 0 --> [\d.]+/);
    }
    // The legend names each series under its chart.
    expect(md).toContain("| 🟥 | b200 / sglang | 12 |");
  });

  it("more than 8 series split into several charts", () => {
    const many = Array.from({ length: 11 }, (_, i) => rowOf({ ...configGrid(1)[0]!, hw: `gpu${String(i).padStart(2, "0")}` }));
    expect(chartGroups(many).map((g) => [g.title, g.series.length])).toEqual([
      ["dsr1 · 1k1k (part 1 of 2)", 8],
      ["dsr1 · 1k1k (part 2 of 2)", 3],
    ]);
  });
});

describe("summary size limit", () => {
  it("round-robin keeps every group represented", () => {
    expect(roundRobinOrder(["a1", "a2", "a3", "b1", "c1", "c2"], (s) => s[0]!)).toEqual([0, 3, 4, 1, 5, 2]);
    const lines = ["aaaa", "aaaa", "aaaa", "bbbb", "cccc"];
    const kept = fitSummaryBudget([{ count: 5, line: (i) => lines[i]!, groupOf: (i) => lines[i]![0]! }], 15);
    expect(kept).toEqual([[0, 3, 4]]);
  });

  it("never exceeds the budget, and keeps everything when everything fits (sizes estimated for big tables)", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 6000 }), fc.integer({ min: 0, max: 400_000 }), (lens, budget) => {
        const table = { count: lens.length, line: (i: number) => "x".repeat(lens[i]!), groupOf: (i: number) => String(i % 7) };
        const [kept] = fitSummaryBudget([table], budget) as [number[]];
        const used = kept.reduce((s, i) => s + lens[i]! + 1, 0);
        const total = lens.reduce((s, l) => s + l + 1, 0);
        expect(used).toBeLessThanOrEqual(Math.max(budget, total <= budget ? total : 0));
        if (total <= budget) expect(kept).toHaveLength(lens.length);
        for (let i = 1; i < kept.length; i++) expect(kept[i]!).toBeGreaterThan(kept[i - 1]!);
      }),
      { numRuns: 60 },
    );
  });

  it("20,000 rows stay under 1 MiB, with a note saying how many were cut and where the data is", () => {
    const big: AggRow[] = [];
    const base = configGrid();
    for (let i = 0; big.length < 20_000; i++) for (const c of base) big.push(rowOf({ ...c, conc: c.conc * (i + 1) }));
    const md = renderSummary({ bmk: big.slice(0, 20_000), evals: evalExample });
    expect(Buffer.byteLength(md)).toBeLessThan(STEP_SUMMARY_LIMIT);
    const note =
      /> \*\*([\d,]+) of 20,000 single-node rows are not shown\*\* \(GitHub limits a step summary to 1 MiB\).*The full data is in `agg_bmk.json` in the run's artifact `results_bmk`\./.exec(
        md,
      );
    expect(note).not.toBeNull();
    const cut = Number(note![1]!.replace(/,/g, ""));
    const section = md.slice(md.indexOf("### Single-node results"));
    const shown = section.split("\n").filter((l) => l.startsWith("| dsr1 |") || l.startsWith("| gptoss |")).length;
    expect(shown + cut).toBe(20_000);
    expect(shown).toBeGreaterThan(1000);
    // Every model and sequence length still has rows, and all eval rows are kept.
    for (const seq of ["1024 | 1024", "1024 | 8192", "8192 | 1024"])
      for (const m of ["dsr1", "gptoss"])
        expect(md).toMatch(new RegExp(`\\| ${m} \\| [^|]+ \\| [^|]+ \\| [^|]+ \\| [^|]+ \\| ${seq.replace(/\|/g, "\\|")} \\|`));
    expect(md.split("\n").filter((l) => l.includes("| gsm8k |"))).toHaveLength(evalExample.length);
    expect(md).not.toContain("eval rows are not shown");
  });

  it("charts that would crowd out the tables are left out with a note", () => {
    const md = renderSummary({ bmk: rows, maxBytes: 12_000 });
    expect(md).toMatch(/_Charts left out: they would take [\d,]+ bytes of the 12,000-byte summary\._/);
    expect(mermaidBlocks(md)).toHaveLength(0);
    expect(Buffer.byteLength(md)).toBeLessThanOrEqual(12_000);
  });

  it("a small budget still fits", () => {
    const md = renderSummary({ bmk: rows, maxBytes: 20_000, charts: false });
    expect(Buffer.byteLength(md)).toBeLessThanOrEqual(20_000);
    expect(md).toMatch(/of 288 single-node rows are not shown/);
  });
});

describe("infx summarize", () => {
  it("reads the collected files and writes stdout, --out, or appends to $GITHUB_STEP_SUMMARY", async () => {
    const dir = mkdtempSync(join(tmpdir(), "infx-summarize-"));
    writeFileSync(join(dir, "agg_bmk.json"), JSON.stringify([...rows.slice(0, 12), rowOf(multi), { hw: "broken" }]));
    writeFileSync(join(dir, "agg_eval_all.json"), JSON.stringify([...evalExample.slice(0, 3), null, { task: "x" }]));
    const r = await infx(["summarize"], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("## Benchmark results");
    expect(r.stdout).toContain("12 benchmark rows (12 single-node, 1 multi-node)".replace("12 benchmark", "13 benchmark"));
    expect(r.stdout).toContain("### Multi-node results");
    expect(r.stdout).toContain("### Evals");
    expect(r.stderr).toMatch(/warning: .*agg_bmk\.json: skipping \$\[13\]\.image: missing/);
    expect(r.stderr).toMatch(/warning: .*agg_eval_all\.json: skipping 2 rows without a task and a numeric score/);
    expect(r.stdout.split("\n").filter((l) => l.includes("| gsm8k |"))).toHaveLength(3);
    writeFileSync(join(dir, "summary.md"), "earlier step\n");
    const s = await infx(["summarize", "--bmk", "agg_bmk.json", "--step-summary", "--title", "Sweep"], {
      cwd: dir,
      env: { GITHUB_STEP_SUMMARY: join(dir, "summary.md") },
    });
    expect(s.code).toBe(0);
    expect(s.stdout).toBe("");
    const written = readFileSync(join(dir, "summary.md"), "utf8");
    expect(written.startsWith("earlier step\n## Sweep\n")).toBe(true);
    expect(written).not.toContain("### Evals");
  });

  it("clear errors: nothing to read, not an array, step summary unset", async () => {
    const dir = mkdtempSync(join(tmpdir(), "infx-summarize-"));
    expect((await infx(["summarize"], { cwd: dir })).code).toBe(2);
    writeFileSync(join(dir, "x.json"), '{"a": 1}');
    const r = await infx(["summarize", "--bmk", "x.json"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("expected a JSON array of rows");
    writeFileSync(join(dir, "y.json"), "[]");
    const s = await infx(["summarize", "--bmk", "y.json", "--step-summary"], { cwd: dir });
    expect(s.code).toBe(1);
    expect(s.stderr).toContain("GITHUB_STEP_SUMMARY is not set");
  });
});
