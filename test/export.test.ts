import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CSV_COLUMNS, toCsv, toPoints } from "../src/results/export.js";
import type { AggRow } from "../src/results/types.js";
import { configGrid, MULTI_NODE_CONFIG, rowOf, type Config } from "./fixtures/results/generate.js";
import { fixtureRow } from "./fixtures/raw/rows.js";
import { infx } from "./support/cli.js";

const multi: Config = MULTI_NODE_CONFIG;
// A row from a raw result the client saved (test/fixtures/raw), through the real processResult.
const golden = fixtureRow("sim_conc1.json");

describe("export --csv", () => {
  it("has the columns of the InferenceMAX extraction, in order (parity with the seed's table: test/parity/seed-docs.test.ts)", () => {
    const header =
      "gpu_model,framework,precision,input_seq_len,output_seq_len,tensor_parallel,expert_parallel,concurrency,throughput_tokens_per_sec_per_gpu," +
      "output_throughput_per_gpu,mean_time_to_first_token_sec,p99_time_to_first_token_sec,mean_time_per_output_token_sec,mean_end_to_end_latency_sec,median_end_to_end_latency_sec";
    expect(toCsv([]).trimEnd()).toBe(header);
    expect(CSV_COLUMNS.join(",")).toBe(header);
  });

  it("values come from the row in seconds; unmeasured e2el is empty", () => {
    const [, line] = toCsv([golden]).trimEnd().split("\n");
    expect(line).toBe(
      [
        "h200",
        "vllm",
        "fp8",
        1024,
        64,
        8,
        1,
        1,
        golden.tput_per_gpu,
        golden.output_tput_per_gpu,
        golden.mean_ttft,
        golden.p99_ttft,
        golden.mean_tpot,
        "",
        "",
      ].join(","),
    );
    const withE2el = rowOf(configGrid(1)[0]!);
    const fields = toCsv([withE2el]).split("\n")[1]!.split(",");
    expect(Number(fields[13])).toBe(withE2el.mean_e2el);
    expect(Number(fields[14])).toBe(withE2el.median_e2el);
  });

  it("multi-node rows report the decode workers' parallelism; fields with commas are quoted", () => {
    const row = { ...rowOf(multi), framework: 'dyn,"x"' };
    const line = toCsv([row]).split("\n")[1]!;
    expect(line.startsWith('gb200,"dyn,""x""",fp4,1024,1024,8,8,64,')).toBe(true);
  });
});

describe("export --points", () => {
  it("x = interactivity, y = throughput per GPU, with the dashboard keys", () => {
    const [p] = toPoints([golden]);
    expect(p).toEqual({
      x: golden.mean_intvty,
      y: golden.tput_per_gpu,
      hwKey: "h200",
      precision: "fp8",
      tp: 8,
      conc: 1,
      tpPerGpu: { y: golden.tput_per_gpu },
      model: "sim",
      isl: 1024,
      osl: 64,
      framework: "vllm",
    });
  });
  it("rows without interactivity are left out", () => {
    const r = { ...golden } as Record<string, unknown>;
    delete r.mean_intvty;
    expect(toPoints([r as AggRow, golden])).toHaveLength(1);
  });
});

describe("infx export", () => {
  it("filters, writes stdout or --out, and warns about invalid rows", async () => {
    const dir = mkdtempSync(join(tmpdir(), "infx-export-"));
    const rows = [...configGrid(30).map(rowOf), rowOf(multi), { nope: 1 }];
    writeFileSync(join(dir, "agg_bmk.json"), JSON.stringify(rows));
    const csv = await infx(["export", "agg_bmk.json", "--csv", "--hw", "h200"], { cwd: dir });
    expect(csv.code).toBe(0);
    const lines = csv.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(1 + 12);
    expect(lines.slice(1).every((l) => l.startsWith("h200,vllm,fp8,1024,1024,"))).toBe(true);
    expect(csv.stderr).toMatch(/skipped 1 invalid row, first: \$\[31\]\.hw: missing/);
    const pts = await infx(["export", "agg_bmk.json", "--points", "--model-prefix", "dsr1", "--out", "points.json"], { cwd: dir });
    expect(pts.code).toBe(0);
    const points = JSON.parse(readFileSync(join(dir, "points.json"), "utf8"));
    expect(points).toHaveLength(31);
    expect(points.at(-1)).toMatchObject({ hwKey: "gb200", tp: 8, conc: 64 });
  });
  it("exactly one of --csv and --points", async () => {
    const both = await infx(["export", "x.json", "--csv", "--points"]);
    expect(both.code).toBe(2);
    const none = await infx(["export", "x.json"]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("one of --csv | --points is required");
  });
});
