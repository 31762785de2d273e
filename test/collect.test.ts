import { cpSync, mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { collect } from "../src/results/collect.js";
import { benchmarkIdentity, compareAggRows } from "../src/results/rows.js";
import type { AggRow } from "../src/results/types.js";
import { configGrid, MULTI_NODE_CONFIG, resultName, rowOf, syntheticRaw, writeBmkArtifacts } from "./fixtures/results/generate.js";
import { fixtureRow, RAW_FIXTURES } from "./fixtures/raw/rows.js";
import { infx } from "./support/cli.js";

const tmp = () => mkdtempSync(join(tmpdir(), "infx-collect-"));

describe("collect --kind bmk", () => {
  it("collects every row, in an order independent of the file layout", async () => {
    const configs = configGrid(60);
    const a = tmp();
    writeBmkArtifacts(a, configs);
    // Same rows, different folder names and creation order.
    const b = tmp();
    writeBmkArtifacts(b, [...configs].reverse(), "zz");
    const ra = await collect(a, "bmk");
    const rb = await collect(b, "bmk");
    expect(ra.rows).toHaveLength(60);
    expect(ra.problems).toEqual([]);
    expect(ra.rows.map(benchmarkIdentity)).toEqual(rb.rows.map(benchmarkIdentity));
    for (let i = 1; i < ra.rows.length; i++) expect(compareAggRows(ra.rows[i - 1]!, ra.rows[i]!)).toBeLessThan(0);
  });

  it("a corrupt, a foreign and an invalid file are reported and lose no other row", async () => {
    const dir = tmp();
    const configs = configGrid(10);
    writeBmkArtifacts(dir, configs);
    mkdirSync(join(dir, "bmk_broken"));
    writeFileSync(join(dir, "bmk_broken", "agg_broken.json"), '{"hw": "h200", "tput_per_gpu": 1,');
    writeFileSync(join(dir, "bmk_broken", "notes.txt"), "hello");
    writeFileSync(join(dir, "bmk_broken", "agg_foreign.json"), '{"name": "something else"}');
    writeFileSync(join(dir, "bmk_broken", "agg_invalid.json"), JSON.stringify({ ...rowOf(configs[0]!), tp: "eight", conc: 999 }));
    writeFileSync(join(dir, "bmk_broken", "raw_only.json"), JSON.stringify(syntheticRaw(configs[0]!)));
    const r = await collect(dir, "bmk", { displayRoot: "artifacts" });
    expect(r.rows).toHaveLength(10);
    expect(r.problems.map((p) => p.path)).toEqual([
      "artifacts/bmk_broken/agg_broken.json",
      "artifacts/bmk_broken/agg_foreign.json",
      "artifacts/bmk_broken/agg_invalid.json",
      "artifacts/bmk_broken/notes.txt",
      "artifacts/bmk_broken/raw_only.json",
    ]);
    const reason = Object.fromEntries(r.problems.map((p) => [p.path.split("/").pop(), p.reason]));
    expect(reason["agg_broken.json"]).toMatch(/not valid JSON: line 1, column 3\d: expected a "key", found end of file/);
    expect(reason["agg_foreign.json"]).toMatch(/foreign JSON/);
    expect(reason["agg_invalid.json"]).toBe('not a valid aggregate row: $.tp: must be a number, got "eight"');
    expect(reason["raw_only.json"]).toMatch(/without its agg_ row/);
  });

  it("a raw result next to its agg_ row is not a problem", async () => {
    const dir = tmp();
    const c = configGrid(1)[0]!;
    writeBmkArtifacts(dir, [c]);
    const name = resultName(c);
    writeFileSync(join(dir, `bmk_${name}`, `${name}.json`), JSON.stringify(syntheticRaw(c)));
    const r = await collect(dir, "bmk");
    expect(r.problems).toEqual([]);
    expect(r.rows).toHaveLength(1);
  });

  it("retries keep the newest row and count the replaced ones", async () => {
    const dir = tmp();
    const base = configGrid(3);
    writeBmkArtifacts(
      dir,
      base.map((c) => ({ ...c, date: "20260314-100000", speed: 1 })),
      "nb_0",
    );
    writeBmkArtifacts(dir, [{ ...base[1]!, date: "20260314-120000", speed: 2 }], "nb_1");
    writeBmkArtifacts(dir, [{ ...base[1]!, date: "20260314-110000", speed: 3 }], "nb_2");
    const r = await collect(dir, "bmk");
    expect(r.rows).toHaveLength(3);
    expect(r.replaced).toBe(2);
    const retried = r.rows.find((row) => benchmarkIdentity(row) === benchmarkIdentity(rowOf(base[1]!)))!;
    expect(retried.date).toBe("20260314-120000");
    expect(retried.tput_per_gpu).toBe(rowOf({ ...base[1]!, speed: 2 }).tput_per_gpu);
  });

  it("an array file (a previous agg_bmk.json) merges, with per-element problems", async () => {
    const dir = tmp();
    const rows: unknown[] = configGrid(3).map(rowOf);
    rows.push({ hw: "x" });
    writeFileSync(join(dir, "agg_bmk.json"), JSON.stringify(rows));
    const r = await collect(dir, "bmk");
    expect(r.rows).toHaveLength(3);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]!.reason).toMatch(/^not a valid aggregate row: \$\[3\]\.image: missing/);
  });

  it("multi-node rows from the reference golden env are collected after single-node rows", async () => {
    const dir = tmp();
    const multi = MULTI_NODE_CONFIG;
    writeBmkArtifacts(dir, [multi, { ...multi, multinode: undefined, hw: "b200" }]);
    const r = await collect(dir, "bmk");
    expect(r.rows.map((row) => row.is_multinode)).toEqual([false, true]);
  });
});

describe("infx collect", () => {
  it("writes the array, prints the summary, writes the report, and exits 0 unless --strict", async () => {
    const dir = tmp();
    const art = join(dir, "artifacts");
    writeBmkArtifacts(art, configGrid(5));
    writeBmkArtifacts(art, configGrid(1), "nb_9");
    writeFileSync(join(art, "junk.json"), "nope");
    const r = await infx(["collect", "artifacts", "--kind", "bmk", "--out", "agg_bmk.json", "--report", "report.json"], { cwd: dir });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("collected 5 benchmark rows from 7 files");
    expect(r.stdout).toContain("replaced 1 older retry");
    expect(r.stdout).toContain("artifacts/junk.json: not valid JSON: line 1, column 1");
    const rows = JSON.parse(readFileSync(join(dir, "agg_bmk.json"), "utf8")) as AggRow[];
    expect(rows).toHaveLength(5);
    const report = JSON.parse(readFileSync(join(dir, "report.json"), "utf8"));
    expect(report).toMatchObject({ kind: "bmk", files: 7, rows: 5, replaced: 1, problems: [{ path: "artifacts/junk.json" }] });
    const strict = await infx(["collect", "artifacts", "--kind", "bmk", "--strict"], { cwd: dir });
    expect(strict.code).toBe(1);
    // An absolute directory (a runner's temp folder) is shown by its name only.
    const abs = await infx(["collect", art, "--kind", "bmk", "--out", join(dir, "abs.json")], { cwd: "/" });
    expect(abs.stdout).toContain("\n  artifacts/junk.json: not valid JSON");
  });

  it("an empty directory gives an empty array; a missing one is a clear error", async () => {
    const dir = tmp();
    mkdirSync(join(dir, "empty"));
    const r = await infx(["collect", "empty", "--kind", "bmk"], { cwd: dir });
    expect(r.code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, "agg_bmk.json"), "utf8"))).toEqual([]);
    const unwritable = await infx(["collect", "empty", "--kind", "bmk", "--out", "no/such/dir/out.json"], { cwd: dir });
    expect(unwritable.code).toBe(1);
    expect(unwritable.stderr).toMatch(/cannot write .*no\/such\/dir\/out\.json: ENOENT/);
    const missing = await infx(["collect", "nowhere", "--kind", "bmk"], { cwd: dir });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/cannot read directory .*nowhere: ENOENT/);
  });

  it("usage errors: --kind is required, --thresholds is for evals", async () => {
    expect((await infx(["collect", "x"])).code).toBe(2);
    const r = await infx(["collect", "x", "--kind", "bmk", "--thresholds", "t.yaml"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--thresholds applies to --kind eval only");
  });

  it("rows process-result made of the client's raw results survive a round trip through artifacts", async () => {
    const dir = tmp();
    const rows = RAW_FIXTURES.map((f) => fixtureRow(f));
    rows.forEach((row, i) => {
      mkdirSync(join(dir, `bmk_${i}`));
      writeFileSync(join(dir, `bmk_${i}`, `agg_${i}.json`), JSON.stringify(row));
    });
    const r = await collect(dir, "bmk");
    expect(r.problems).toEqual([]);
    expect(r.rows).toHaveLength(rows.length);
    expect(new Set(r.rows.map((x) => JSON.stringify(x)))).toEqual(new Set(rows.map((x) => JSON.stringify(x))));
  });
});

describe("collect keeps what it can when folders are renamed mid-way", () => {
  it("nested artifact folders (download without -n) are walked", async () => {
    const dir = tmp();
    writeBmkArtifacts(join(dir, "run1"), configGrid(2));
    renameSync(join(dir, "run1"), join(dir, "run-1"));
    cpSync(join(dir, "run-1"), join(dir, "deep", "er"), { recursive: true });
    const r = await collect(dir, "bmk");
    expect(r.rows).toHaveLength(2);
    expect(r.replaced).toBe(2);
  });
});
