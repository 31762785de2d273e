// infx compare: matching, verdicts, curves, output shapes, bad input (the error
// rates of the method are measured in test/compare-sim.test.ts).
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { compareRuns, round } from "../src/compare/compare.js";
import { frontier, interpolate, logRatios } from "../src/compare/curves.js";
import { runFromRows } from "../src/compare/load.js";
import { CURVE_FIELDS, identityFields, identityKey, identityOf, MULTI_SHAPE, SINGLE_SHAPE } from "../src/compare/metrics.js";
import { comparisonJson, comparisonJsonBytes, renderCommentSection, renderComparison, thousands } from "../src/compare/render.js";
import { simulatedSweep } from "../src/compare/simulate.js";
import { normalQuantile, NormalStream, normalRng, tQuantile } from "../src/compare/stats.js";
import type { Comparison, PointResult } from "../src/compare/types.js";
import type { AggRow } from "../src/results/types.js";
import { infx, infxProcess, ROOT } from "./support/cli.js";
import { SINGLE_NODE_ROW } from "./support/agg-rows.js";

const schema = JSON.parse(readFileSync(join(ROOT, "schemas/comparison.schema.json"), "utf8"));
const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);

/** A deterministic row; `o` overrides fields. */
function row(conc: number, o: Record<string, unknown> = {}): Record<string, unknown> {
  const tput = 100 * conc ** 0.7;
  const tpot = 0.01 * (1 + conc / 32);
  return {
    ...SINGLE_NODE_ROW,
    conc,
    tput_per_gpu: tput,
    output_tput_per_gpu: tput / 2,
    input_tput_per_gpu: tput / 2,
    median_ttft: 0.05 * (1 + conc / 16),
    p99_ttft: 0.1 * (1 + conc / 16),
    median_tpot: tpot,
    median_intvty: 1 / tpot,
    median_e2el: 10 * tpot,
    date: "20260301-120000",
    ...o,
  };
}
const CONCS = [4, 8, 16, 32, 64];
const sweepRows = (scale = 1, o: Record<string, unknown> = {}) =>
  CONCS.map((c) => row(c, { ...o, tput_per_gpu: 100 * c ** 0.7 * scale, output_tput_per_gpu: 50 * c ** 0.7 * scale }));

function tmp(files: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), "cmp-"));
  for (const [name, v] of Object.entries(files)) {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), typeof v === "string" ? v : JSON.stringify(v));
  }
  return dir;
}

describe("statistics", () => {
  it("normal and t quantiles match tables", () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.0025)).toBeCloseTo(-2.807034, 5);
    expect(tQuantile(0.975, 5)).toBeCloseTo(2.5706, 2);
    expect(tQuantile(0.9975, 9)).toBeCloseTo(3.6897, 1);
    expect(tQuantile(0.95, 30)).toBeCloseTo(1.6973, 3);
    expect(tQuantile(0.975, 1)).toBeCloseTo(12.706, 2);
    expect(tQuantile(0.975, 2)).toBeCloseTo(4.3027, 3);
  });

  it("the seeded normal generator is reproducible and standard", () => {
    const a = normalRng(7);
    const b = normalRng(7);
    const xs = Array.from({ length: 20000 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(xs.slice(0, 5));
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length);
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(sd).toBeGreaterThan(0.97);
    expect(sd).toBeLessThan(1.03);
  });

  it("round gives Number(v.toPrecision(6)) exactly, ties and powers of ten included", () => {
    const z = normalRng(5);
    const values = [0, -0, 1, -1, 0.5, 999999.5, 9999995, 1e21, 1e22, 1e23, 5e-324, 1e-300, 1e300, 123456789012, 0.1, 0.3];
    for (let i = 0; i < 20000; i++) values.push(Math.exp(12 * z()), -Math.exp(6 * z()));
    for (let m = 100000; m < 1000000; m += 37) values.push(m / 1e5, (m + 0.5) / 1e3, (m + 0.5) * 1e-8, m + 0.5, 10 ** Math.floor(m / 50000 - 10));
    for (const v of values) expect(round(v)).toBe(Number(v.toPrecision(6)) || 0);
    expect([round(Number.NaN), round(Number.POSITIVE_INFINITY), round(null)]).toEqual([null, null, null]);
  });

  it("NormalStream: the ziggurat's normals are standard (moments and quantiles), the same for the same seed", () => {
    const n = 400000;
    const xs = new Float64Array(n);
    new NormalStream(20260801).fill(xs, n);
    let m1 = 0;
    let m2 = 0;
    let m4 = 0;
    for (const x of xs) {
      m1 += x;
      m2 += x * x;
      m4 += x ** 4;
    }
    expect(Math.abs(m1 / n)).toBeLessThan(0.006);
    expect(Math.abs(m2 / n - 1)).toBeLessThan(0.01);
    expect(Math.abs(m4 / n - 3)).toBeLessThan(0.07);
    // The share below each normal quantile, within 4.5 standard errors (tail and wedge draws included).
    for (const p of [0.0005, 0.005, 0.05, 0.25, 0.5, 0.75, 0.95, 0.995, 0.9995]) {
      const q = normalQuantile(p);
      const below = xs.reduce((a, x) => a + (x < q ? 1 : 0), 0) / n;
      expect(Math.abs(below - p)).toBeLessThan(4.5 * Math.sqrt((p * (1 - p)) / n));
    }
    const again = new Float64Array(n);
    new NormalStream(20260801).fill(again, n);
    expect(Buffer.from(again.buffer).equals(Buffer.from(xs.buffer))).toBe(true);
    // Filled a resample at a time (as the bootstrap does): still standard.
    const stream = new NormalStream(7);
    const piece = new Float64Array(126);
    let sq = 0;
    for (let k = 0; k < 2000; k++) {
      stream.fill(piece, 126);
      for (const x of piece) sq += x * x;
    }
    expect(Math.abs(sq / (2000 * 126) - 1)).toBeLessThan(0.015);
    const other = new Float64Array(8);
    new NormalStream(20260802).fill(other, 8);
    expect(other).not.toEqual(xs.subarray(0, 8));
  });
});

describe("identities", () => {
  it("identityOf: CURVE_FIELDS, disagg, is_multinode, the shape and conc, in that order; identityKey is their JSON", () => {
    const single = row(8) as unknown as AggRow;
    const multi = {
      ...row(8),
      is_multinode: true,
      prefill_num_workers: 2,
      prefill_tp: 4,
      prefill_ep: 4,
      prefill_dp_attention: "false",
      decode_num_workers: 1,
      decode_tp: 8,
      decode_ep: 8,
      decode_dp_attention: "true",
    } as unknown as AggRow;
    for (const [r, shape] of [
      [single, SINGLE_SHAPE],
      [multi, MULTI_SHAPE],
    ] as const) {
      const id = identityOf(r);
      const fields = [...CURVE_FIELDS, "disagg", "is_multinode", ...shape, "conc"];
      expect(Object.keys(id)).toEqual(fields);
      expect(identityFields(r.is_multinode === true)).toEqual(fields);
      expect(Object.values(id)).toEqual(fields.map((f) => (r as unknown as Record<string, unknown>)[f]));
      expect(identityKey(id)).toBe(JSON.stringify(Object.values(id)));
    }
  });
});

describe("frontiers", () => {
  it("keep only undominated points, by increasing interactivity", () => {
    const pts = [
      { x: 1, y: 5 },
      { x: 2, y: 4 },
      { x: 1.5, y: 3 },
      { x: 3, y: 1 },
      { x: 2.5, y: 4.5 },
    ];
    expect(frontier(pts)).toEqual([
      { x: 1, y: 5 },
      { x: 2.5, y: 4.5 },
      { x: 3, y: 1 },
    ]);
  });

  it("interpolate linearly in log-log space and compare only the common range", () => {
    const f = [
      { x: 0, y: 2 },
      { x: 2, y: 0 },
    ];
    expect(interpolate(f, 0.5)).toBeCloseTo(1.5);
    const head = [
      { x: 1, y: 1 },
      { x: 3, y: -1 },
    ];
    const base = [
      { x: 0, y: 1.1 },
      { x: 2, y: -0.9 },
    ];
    // Common range [1, 2]: levels 1 (head point) and 2 (baseline point).
    const r = logRatios(head, base)!;
    expect(r).toHaveLength(2);
    expect(r[0]).toBeCloseTo(1 - 0.1);
    expect(r[1]).toBeCloseTo(0 - -0.9);
    expect(logRatios([{ x: 5, y: 1 }], base)).toBeUndefined();
  });
});

describe("compareRuns", () => {
  it("identical runs: everything unchanged; every identity present, once per metric with allMetrics", () => {
    const cmp = compareRuns(runFromRows("baseline", sweepRows()), runFromRows("head", sweepRows()), [], { floor: 0.05 });
    expect(cmp.summary).toMatchObject({ regressions: 0, improvements: 0, unchanged: 5, points: 5, noise: "none" });
    expect(cmp.summary.metrics.unchanged).toBe(5 * 6);
    expect(cmp.points).toHaveLength(5);
    expect(cmp.points[0]).toMatchObject({
      metric: "tput_per_gpu",
      verdict: "unchanged",
      also_unchanged: ["output_tput_per_gpu", "median_ttft", "p99_ttft", "median_tpot", "median_e2el"],
    });
    const all = compareRuns(runFromRows("baseline", sweepRows()), runFromRows("head", sweepRows()), [], { floor: 0.05, allMetrics: true });
    expect(all.points).toHaveLength(5 * 6);
    expect(validate(all), JSON.stringify(validate.errors)).toBe(true);
    expect(cmp.curves).toHaveLength(1);
    expect(cmp.curves[0]).toMatchObject({ verdict: "unchanged", ratio: 1 });
    expect(validate(cmp), JSON.stringify(validate.errors)).toBe(true);
  });

  it("new and missing points, never dropped; the curve of a new model is new", () => {
    const head = [...sweepRows().slice(1), row(4, { infmax_model_prefix: "gptoss" })];
    const cmp = compareRuns(runFromRows("baseline", sweepRows()), runFromRows("head", head), [], { floor: 0.05 });
    const verdictOf = (prefix: string, conc: number) =>
      new Set(cmp.points.filter((p) => p.identity.infmax_model_prefix === prefix && p.identity.conc === conc).map((p) => p.verdict));
    expect(verdictOf("dsr1", 4)).toEqual(new Set(["missing"]));
    expect(verdictOf("gptoss", 4)).toEqual(new Set(["new"]));
    expect(cmp.summary).toMatchObject({ points: 6, new: 1, missing: 1, unchanged: 4 });
    expect(cmp.curves.find((c) => c.identity.infmax_model_prefix === "gptoss")?.verdict).toBe("new");
    const missing = cmp.points.find((p) => p.verdict === "missing")!;
    expect(missing).toMatchObject({ head: null, ratio: null });
  });

  it("unchanged metrics are named in also_unchanged, not listed; --all-metrics lists every one", () => {
    // output tput 20% down (a regression), TTFT 20% up (a regression too, lower is better), the rest unchanged.
    const head = sweepRows().map((r) => ({ ...r, output_tput_per_gpu: (r.output_tput_per_gpu as number) * 0.8, median_ttft: (r.median_ttft as number) * 1.2 }));
    const opts = { floor: 0.05 };
    const cmp = compareRuns(runFromRows("baseline", sweepRows()), runFromRows("head", head), [], opts);
    const all = compareRuns(runFromRows("baseline", sweepRows()), runFromRows("head", head), [], { ...opts, allMetrics: true });
    expect(validate(cmp), JSON.stringify(validate.errors)).toBe(true);
    expect(all.points).toHaveLength(5 * 6);
    expect(cmp.points).toHaveLength(5 * 3);
    for (const conc of CONCS) {
      const mine = cmp.points.filter((p) => p.identity.conc === conc);
      // The first metric is always listed (unchanged here) and names the other unchanged ones.
      expect(mine.map((p) => [p.metric, p.verdict]).sort()).toEqual([
        ["median_ttft", "regression"],
        ["output_tput_per_gpu", "regression"],
        ["tput_per_gpu", "unchanged"],
      ]);
      const named = mine.filter((p) => p.also_unchanged);
      expect(named.map((p) => [p.metric, p.also_unchanged])).toEqual([["tput_per_gpu", ["p99_ttft", "median_tpot", "median_e2el"]]]);
      // The kept entries are the --all-metrics entries themselves.
      for (const p of mine) {
        const { also_unchanged, ...rest } = p;
        expect(all.points).toContainEqual(rest);
      }
    }
    expect(all.points.filter((p) => p.verdict === "unchanged")).toHaveLength(5 * 4);
    expect(cmp.summary).toEqual(all.summary);
    expect(cmp.summary.metrics).toMatchObject({ regressions: 10, unchanged: 20 });
  });

  it("the image, served model id and date are not part of the identity", () => {
    const head = sweepRows(1, { image: "img:2", model: "org/model-v2", date: "20260401-000000" });
    const cmp = compareRuns(runFromRows("baseline", sweepRows()), runFromRows("head", head), [], { floor: 0.05 });
    expect(cmp.summary).toMatchObject({ points: 5, unchanged: 5, new: 0, missing: 0 });
  });

  it("without history: a 20% drop is called on the floor alone and says so; 3% is unchanged", () => {
    const cmp = compareRuns(runFromRows("baseline", sweepRows()), runFromRows("head", sweepRows(0.8)), [], { floor: 0.05 });
    const tput = cmp.points.filter((p) => p.metric === "tput_per_gpu");
    expect(tput.every((p) => p.verdict === "regression" && /no noise estimate/.test(p.reason))).toBe(true);
    expect(tput[0]!.ratio).toBeCloseTo(0.8);
    expect(cmp.curves[0]!.verdict).toBe("regression");
    expect(cmp.summary.regressions).toBe(5);
    const small = compareRuns(runFromRows("baseline", sweepRows()), runFromRows("head", sweepRows(1.03)), [], { floor: 0.05 });
    expect(small.summary.unchanged).toBe(5);
    // The direction of better is per metric: lower TTFT is an improvement.
    const ttft = compareRuns(
      runFromRows("b", sweepRows()),
      runFromRows(
        "h",
        sweepRows().map((r) => ({ ...r, median_ttft: (r.median_ttft as number) * 0.8 })),
      ),
      [],
      { floor: 0.05 },
    );
    expect(ttft.points.filter((p) => p.metric === "median_ttft").every((p) => p.verdict === "improvement")).toBe(true);
  });

  it("with noisy history: an 8% move within the noise of a 6% CV point is inconclusive, a 30% move is called", () => {
    const z = normalRng(3);
    const o = { cv: 0.06, curves: 1, concs: [4, 8, 16, 32] };
    const history = [0, 1, 2].map((k) => runFromRows(`h${k}`, simulatedSweep(z, o)));
    const base = simulatedSweep(z, o);
    const head = (f: number) => base.map((r) => ({ ...r, tput_per_gpu: (r.tput_per_gpu as number) * f }));
    const moved = compareRuns(runFromRows("b", base), runFromRows("h", head(0.7)), history, { floor: 0.05 });
    expect(moved.points.filter((p) => p.metric === "tput_per_gpu").every((p) => p.verdict === "regression")).toBe(true);
    expect(moved.summary.noise).toBe("history");
    const within = compareRuns(runFromRows("b", base), runFromRows("h", head(0.92)), history, { floor: 0.05 });
    const verdicts = within.points.filter((p) => p.metric === "tput_per_gpu").map((p) => p.verdict);
    expect(verdicts).toContain("inconclusive");
    expect(verdicts).not.toContain("regression");
    const p = within.points.find((x) => x.metric === "tput_per_gpu" && x.verdict === "inconclusive")!;
    expect(p.noise!.cv).toBeGreaterThan(0.02);
    expect(p.threshold!).toBeGreaterThan(0.08);
    expect(p.reason).toMatch(/within the noise/);
  });

  it("per-metric floors", () => {
    const head = sweepRows().map((r) => ({ ...r, p99_ttft: (r.p99_ttft as number) * 1.08 }));
    const base = compareRuns(runFromRows("b", sweepRows()), runFromRows("h", head), [], { floor: 0.05 });
    expect(base.points.filter((p) => p.metric === "p99_ttft").every((p) => p.verdict === "regression")).toBe(true);
    const wide = compareRuns(runFromRows("b", sweepRows()), runFromRows("h", head), [], { floor: 0.05, floors: { p99_ttft: 0.1 } });
    expect(wide.points.filter((p) => p.metric === "p99_ttft").every((p) => p.verdict === "unchanged" && p.floor === 0.1)).toBe(true);
  });

  it("a curve can move while no point crosses the floor", () => {
    const z = normalRng(11);
    const o = { cv: 0.005, curves: 1, concs: [2, 4, 8, 16, 32, 64, 128, 256] };
    const history = [0, 1, 2].map((k) => runFromRows(`h${k}`, simulatedSweep(z, o)));
    const base = simulatedSweep(z, o);
    const head = simulatedSweep(z, o).map((r) => ({ ...r, tput_per_gpu: (r.tput_per_gpu as number) * 0.97 }));
    const cmp = compareRuns(runFromRows("b", base), runFromRows("h", head), history, { floor: 0.05 });
    expect(cmp.points.filter((p) => p.metric === "tput_per_gpu").some((p) => p.verdict === "regression")).toBe(false);
    expect(cmp.curves[0]).toMatchObject({ verdict: "regression", ci_method: "bootstrap" });
    expect(cmp.curves[0]!.ratio!).toBeGreaterThan(0.95);
    expect(cmp.curves[0]!.ci![1]).toBeLessThan(1);
  });
});

describe("output of a big comparison", () => {
  /** Mixed verdicts: noisy history, a slower curve, a new and a missing point, a bad value. */
  function mixed(): Comparison {
    const z = normalRng(11);
    const o = { cv: 0.05, curves: 4, concs: [4, 8, 16, 32, 64] };
    const history = [0, 1, 2].map((k) => runFromRows(`h${k}`, simulatedSweep(z, o)));
    const base = simulatedSweep(z, o);
    const head = simulatedSweep(z, o, (c, i) => (c === 1 ? 0.7 : c === 2 ? 1.4 : i === 3 ? 0.9 : 1)).slice(1);
    head.push({ ...head[0]!, conc: 512 }, { ...head[1]!, median_ttft: -1 });
    return compareRuns(runFromRows("b", base), runFromRows("h", head), history, { floor: 0.05 });
  }

  it("the entries made as they are written (JSON, markdown) are those of points", () => {
    const lazy = mixed();
    const eager = { ...mixed() }; // a plain object: its points read once, as an array
    expect(new Set(eager.points.map((p) => p.verdict))).toEqual(new Set(["regression", "improvement", "unchanged", "inconclusive", "new", "missing"]));
    expect(comparisonJson(lazy)).toBe(comparisonJson(eager));
    expect(Buffer.concat([...comparisonJsonBytes(mixed())]).toString("utf8")).toBe(comparisonJson(eager));
    expect(renderComparison(lazy, { maxRows: 3 })).toBe(renderComparison(eager, { maxRows: 3 }));
    expect(renderCommentSection({ comparison: lazy })).toEqual(renderCommentSection({ comparison: eager }));
    expect(JSON.parse(comparisonJson(lazy))).toEqual(JSON.parse(JSON.stringify(eager)));
    expect(lazy.points).toEqual(eager.points);
  });

  it("entries in order: changed first, larger change first, then inconclusive, new, missing, unchanged; ties by name", () => {
    const rank = ["regression", "improvement", "inconclusive", "new", "missing", "unchanged"];
    const size = (p: PointResult) => {
      const r = p.change !== null ? 1 + p.change : p.ratio;
      return r !== null && r > 0 ? Math.abs(Math.log(r)) : 0;
    };
    const pts = mixed().points;
    for (let k = 1; k < pts.length; k++) {
      const [a, b] = [pts[k - 1]!, pts[k]!];
      const order = rank.indexOf(a.verdict) - rank.indexOf(b.verdict) || size(b) - size(a) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
      expect(order, `${k}: ${a.name} ${a.metric} before ${b.name} ${b.metric}`).toBeLessThanOrEqual(0);
    }
  });

  it("counts with thousands separators, as toLocaleString writes them", () => {
    for (const n of [0, 7, 999, 1000, 12345, 1234567, -4321, 2 ** 53 - 1, 1.5]) expect(thousands(n)).toBe(n.toLocaleString("en-US"));
  });
});

describe("infx compare", () => {
  it("INFX_COMPARE_TIMINGS=1: each stage's milliseconds on stderr, the output unchanged", async () => {
    const dir = tmp({ "base/agg_bmk.json": sweepRows(), "head/agg_bmk.json": sweepRows(0.8) });
    const args = ["compare", "--baseline", join(dir, "base"), "--head", join(dir, "head"), "--format", "json"];
    const plain = await infx(args);
    const timed = await infx(args, { env: { INFX_COMPARE_TIMINGS: "1" } });
    expect(plain.stderr).not.toContain("timings");
    expect(timed.stdout).toBe(plain.stdout);
    const stages = [...timed.stderr.matchAll(/^infx compare timings: (.+?) \d+ ms/gm)].map((m) => m[1]);
    expect(stages).toEqual(["start-up", "load", "noise", "curves", "points", "sort", "render and write"]);
  });

  it("markdown by default, JSON on request; --fail-on regression exits 3", async () => {
    const dir = tmp({ "base/agg_bmk.json": sweepRows(), "head/agg_bmk.json": sweepRows(0.8) });
    const md = await infx(["compare", "--baseline", join(dir, "base"), "--head", join(dir, "head/agg_bmk.json")]);
    expect(md.code).toBe(0);
    expect(md.stdout).toMatch(/^## Comparison with the baseline/);
    expect(md.stdout).toContain("5 regressions, 0 improvements, 0 unchanged, 0 inconclusive, 0 new, 0 missing");
    expect(md.stdout).toContain("**no noise estimate**");
    const js = await infx(["compare", "--baseline", join(dir, "base"), "--head", join(dir, "head"), "--format", "json", "--fail-on", "regression"]);
    expect(js.code).toBe(3);
    expect(js.stderr).toContain("6 regression(s) (5 point(s), 1 curve(s))");
    const cmp = JSON.parse(js.stdout) as Comparison;
    expect(validate(cmp), JSON.stringify(validate.errors)).toBe(true);
    expect(cmp.summary.regressions).toBe(5);
    expect(cmp.points[0]).toMatchObject({
      metric: expect.any(String),
      verdict: "regression",
      identity: { infmax_model_prefix: "dsr1", conc: expect.any(Number) },
    });
    const same = await infx([
      "compare",
      "--baseline",
      join(dir, "base"),
      "--head",
      join(dir, "base"),
      "--fail-on",
      "regression",
      "--out",
      join(dir, "cmp.md"),
      "--json-out",
      join(dir, "cmp.json"),
    ]);
    expect(same.code).toBe(0);
    expect(readFileSync(join(dir, "cmp.md"), "utf8")).toContain("0 regressions");
    expect(JSON.parse(readFileSync(join(dir, "cmp.json"), "utf8")).summary.unchanged).toBe(5);
  });

  it("--history: a directory of runs; the noise estimate is used", async () => {
    const z = normalRng(5);
    const o = { cv: 0.03, curves: 2, concs: [4, 8, 16] };
    const dir = tmp({
      "base.json": simulatedSweep(z, o),
      "head.json": simulatedSweep(z, o),
      "hist/run-1/results_bmk/agg_bmk.json": simulatedSweep(z, o),
      "hist/run-2/results_bmk/agg_bmk.json": simulatedSweep(z, o),
      "hist/run-3.json": simulatedSweep(z, o),
    });
    const r = await infx([
      "compare",
      "--baseline",
      join(dir, "base.json"),
      "--head",
      join(dir, "head.json"),
      "--history",
      join(dir, "hist"),
      "--format",
      "json",
    ]);
    expect(r.code).toBe(0);
    const cmp = JSON.parse(r.stdout) as Comparison;
    expect(cmp.history).toHaveLength(3);
    expect(cmp.summary.noise).toBe("history");
    expect(cmp.points.every((p) => p.samples === 4)).toBe(true);
    expect(cmp.summary.regressions + cmp.summary.improvements).toBe(0);
  });

  it("the bin reads the history on worker threads: the same comparison as in one thread", async () => {
    const z = normalRng(9);
    const o = { cv: 0.03, curves: 2, concs: [4, 8, 16] };
    const files: Record<string, unknown> = { "base.json": simulatedSweep(z, o), "head.json": simulatedSweep(z, o, (c) => (c ? 1 : 0.8)) };
    for (let k = 0; k < 4; k++) files[`hist/run-${k}/agg_bmk.json`] = simulatedSweep(z, o);
    const dir = tmp(files);
    const argv = ["compare", "--baseline", join(dir, "base.json"), "--head", join(dir, "head.json"), "--history", join(dir, "hist"), "--format", "json"];
    const threads = await infxProcess(argv);
    const one = await infx(argv);
    expect(threads.code).toBe(0);
    expect(JSON.parse(threads.stdout)).toEqual(JSON.parse(one.stdout));
    expect(JSON.parse(one.stdout).history).toHaveLength(4);
  });

  it("the bin computes the curves' bootstrap on worker threads: the same comparison as on one thread", async () => {
    const z = normalRng(13);
    const o = { cv: 0.03, curves: 20, concs: [4, 8, 16, 32] };
    const files: Record<string, unknown> = { "base.json": simulatedSweep(z, o), "head.json": simulatedSweep(z, o, (c) => (c % 3 ? 1 : 0.9)) };
    for (let k = 0; k < 3; k++) files[`hist/run-${k}/agg_bmk.json`] = simulatedSweep(z, o);
    const dir = tmp(files);
    const argv = ["compare", "--baseline", join(dir, "base.json"), "--head", join(dir, "head.json"), "--history", join(dir, "hist"), "--format", "json"];
    const threads = await infxProcess(argv, { env: { INFX_COMPARE_THREADS: "3", INFX_COMPARE_TIMINGS: "1" } });
    const one = await infxProcess(argv, { env: { INFX_COMPARE_THREADS: "1", INFX_COMPARE_TIMINGS: "1" } });
    expect(threads.code).toBe(0);
    expect(threads.stderr).toMatch(/timings: curves on 3 threads \d+ ms/);
    expect(one.stderr).toMatch(/timings: curves \d+ ms/);
    expect(threads.stdout).toBe(one.stdout);
    expect(JSON.parse(one.stdout).curves.filter((c: { ci_method: string }) => c.ci_method === "bootstrap")).toHaveLength(20);
  });

  it("bad input: a message per problem, no stack, no verdict from a bad row", async () => {
    const rows = sweepRows();
    const bad = [
      { ...rows[0], tput_per_gpu: "fast" },
      { ...rows[1], median_ttft: 0 },
      { ...rows[2], date: "20260301-110000", tput_per_gpu: 1 },
      rows[2],
      rows[3],
      rows[4],
    ];
    const dir = tmp({
      "base.json": sweepRows(),
      "head.json": bad,
      "evals.json": [{ task: "gsm8k", score: 0.9, model: "m" }],
      "broken.json": '[{"hw": 1,,]',
      "empty.json": [],
    });
    const r = await infx(["compare", "--baseline", join(dir, "base.json"), "--head", join(dir, "head.json"), "--format", "json"]);
    expect(r.code).toBe(0);
    const cmp = JSON.parse(r.stdout) as Comparison;
    expect(cmp.problems.join("\n")).toMatch(/head\.json: \$\[0\]\.tput_per_gpu: must be a finite number, got "fast"; row skipped/);
    expect(cmp.problems.join("\n")).toMatch(/\$\[1\]\.median_ttft: 0 is not a positive number/);
    expect(cmp.problems.join("\n")).toMatch(/\$\[3\] has the same benchmark identity as .*\$\[2\]; kept the newer \(.*\$\[3\], date 20260301-120000\)/);
    expect(cmp.head.duplicates).toBe(1);
    // The bad row's point is missing from head (its row was skipped), not compared with a wrong value.
    expect(new Set(cmp.points.filter((p) => p.identity.conc === 4).map((p) => p.verdict))).toEqual(new Set(["missing"]));
    const ttft = cmp.points.find((p) => p.identity.conc === 8 && p.metric === "median_ttft")!;
    expect(ttft).toMatchObject({ verdict: "inconclusive", head: null });
    // The newer duplicate (the good row) was used: conc 16 is unchanged.
    expect(cmp.points.find((p) => p.identity.conc === 16 && p.metric === "tput_per_gpu")!.verdict).toBe("unchanged");
    expect(r.stderr).toMatch(/^warning: head: /m);

    const evals = await infx(["compare", "--baseline", join(dir, "evals.json"), "--head", join(dir, "head.json")]);
    expect(evals.code).toBe(1);
    expect(evals.stderr).toMatch(/--baseline .*evals\.json: no usable benchmark rows, nothing to compare/);
    expect(evals.stderr).toMatch(/eval rows \(agg_eval_all\.json\), not benchmark rows/);
    expect(evals.stderr).not.toMatch(/at .*\.ts:\d+/);
    const broken = await infx(["compare", "--baseline", join(dir, "broken.json"), "--head", join(dir, "head.json")]);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/broken\.json: not valid JSON: line 1, column \d+/);
    const empty = await infx(["compare", "--baseline", join(dir, "empty.json"), "--head", join(dir, "head.json")]);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/empty\.json: no usable benchmark rows, nothing to compare \(the file holds no rows\)/);
    const none = await infx(["compare", "--baseline", join(dir, "nope.json"), "--head", join(dir, "head.json")]);
    expect(none.stderr).toMatch(/--baseline .*nope\.json: no such file or directory/);
    const floor = await infx(["compare", "--baseline", join(dir, "base.json"), "--head", join(dir, "head.json"), "--floor", "p99_tft=10"]);
    expect(floor.code).toBe(2);
    expect(floor.stderr).toMatch(/unknown metric 'p99_tft' \(did you mean p99_ttft/);
  });
});

describe("comment section", () => {
  it("says what changed vs the base branch, or that there is no baseline", () => {
    const cmp = compareRuns(runFromRows("baseline", sweepRows()), runFromRows("head", sweepRows(0.8)), [], { floor: 0.05 });
    const lines = renderCommentSection({ comparison: cmp, baseRef: "main", baseSha: "0123456789abcdef", url: "https://x/artifacts/1" }).join("\n");
    expect(lines).toMatch(/^#### 🔴 vs `main` @ `0123456`: 5 regressions, 0 improvements, 0 unchanged/);
    expect(lines).toContain("[Full comparison](https://x/artifacts/1)");
    expect(lines.split("\n").filter((l) => l.startsWith("| 🔴"))).toHaveLength(5);
    expect(renderCommentSection({ noBaseline: "no successful run on main has a results_bmk artifact", baseRef: "main" }).join("\n")).toContain(
      "_No comparison: no successful run on main has a results_bmk artifact._",
    );
  });
});
