/**
 * The simulation behind the error rates in docs/compare.md (run by
 * test/compare-sim.test.ts): synthetic sweeps whose every metric has
 * log-normal run-to-run noise of a given coefficient of variation, compared
 * by the real `compareRuns`.
 *
 * - Noise: every metric log-normal with the given CV; throughput per GPU and
 *   interactivity (1 / TPOT) share most of theirs (correlation 0.64), as a
 *   faster or slower run moves a point along both.
 * - A/A: baseline, history and head drawn from the same distribution; every
 *   regression or improvement called is a false alarm.
 * - Power: the head is a slower build (throughput per GPU and interactivity
 *   10% lower, TPOT and E2EL 1/0.9 higher at every point); a point's
 *   throughput called `regression` is a detection.
 * - Isolated: one point per curve drops 10% (the rest unchanged).
 */
import { compareRuns } from "./compare.js";
import { runFromRows } from "./load.js";
import { normalRng } from "./stats.js";
import type { Comparison, PointResult } from "./types.js";

export interface SimOptions {
  seed: number;
  trials: number;
  cv: number;
  historyRuns: number;
  /** Curves per sweep and points per curve (2 TP sizes × concurrencies). */
  curves?: number;
  concs?: readonly number[];
  floor?: number;
}

export interface SimResult {
  /** (point, metric) comparisons made. */
  comparisons: number;
  /** Fraction of (point, metric) comparisons called regression or improvement. */
  falseAlarmPerMetric: number;
  /** Fraction of points with any metric called. */
  falseAlarmPerPoint: number;
  /** Fraction of curves called. */
  falseAlarmPerCurve: number;
  /** Fraction of points whose tput_per_gpu is called `regression` when every point is 10% slower. */
  power: number;
  /** Fraction of curves called `regression` when every point is 10% slower. */
  curvePower: number;
  /** Fraction of single 10%-slower points (the rest of their curve unchanged) whose tput_per_gpu is called `regression`. */
  isolatedPower: number;
  /** Fraction of those single slower points called `regression` or flagged `inconclusive` (above the floor, within noise). */
  isolatedFlagged: number;
  /** Fraction of (point, metric) of the unchanged points in the isolated scenario that were called. */
  isolatedFalseAlarm: number;
}

const HW = ["b200", "h200", "mi355x", "gb200", "h100", "mi300x", "b300", "mi325x"];

/** One run: every point's metrics with noise; `slow(point)` scales throughput (0.9 = 10% slower). */
export function simulatedSweep(
  z: () => number,
  o: { cv: number; curves: number; concs: readonly number[] },
  slow: (curve: number, point: number) => number = () => 1,
): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  const noise = () => Math.exp(o.cv * z());
  for (let c = 0; c < o.curves; c++) {
    let i = 0;
    for (const tp of [4, 8]) {
      for (const conc of o.concs) {
        const s = slow(c, i++);
        // A run that decodes faster has both more throughput and more interactivity: the two
        // share most of their noise (correlation 0.8), as in real runs.
        const speed = noise();
        const tput = ((200 * conc ** 0.75) / tp ** 0.4) * s * speed ** 0.8 * Math.exp(0.6 * o.cv * z());
        const tpot = (((0.01 * (1 + conc / 32)) / s) * (8 / tp) ** 0.3) / (speed ** 0.8 * Math.exp(0.6 * o.cv * z()));
        const ttft = 0.05 * (1 + conc / 16) * noise();
        rows.push({
          hw: HW[c % HW.length],
          conc,
          image: "sim:1",
          model: "sim/model",
          infmax_model_prefix: `m${Math.floor(c / HW.length)}`,
          framework: "vllm",
          precision: "fp8",
          spec_decoding: "none",
          disagg: false,
          isl: 1024,
          osl: 1024,
          is_multinode: false,
          tp,
          ep: 1,
          dp_attention: "false",
          tput_per_gpu: tput,
          output_tput_per_gpu: tput / 2,
          input_tput_per_gpu: tput / 2,
          median_ttft: ttft,
          p99_ttft: 2 * ttft * noise(),
          median_tpot: tpot,
          median_intvty: 1 / tpot,
          median_e2el: (ttft + 1024 * tpot) * noise(),
        });
      }
    }
  }
  return rows;
}

/**
 * The (point, metric) entries the figures count: every metric of a point with
 * any metric not unchanged (the JSON names its unchanged ones after the first
 * in `also_unchanged`), and one entry for a point whose every metric is unchanged.
 */
function metricEntries(cmp: Comparison): Pick<PointResult, "identity" | "metric" | "verdict">[] {
  const moved = new Set(cmp.points.filter((p) => p.verdict !== "unchanged").map((p) => p.identity));
  const out: Pick<PointResult, "identity" | "metric" | "verdict">[] = [];
  for (const p of cmp.points) {
    out.push(p);
    if (moved.has(p.identity)) for (const metric of p.also_unchanged ?? []) out.push({ identity: p.identity, metric, verdict: "unchanged" });
  }
  return out;
}

export function simulate(opts: SimOptions): SimResult {
  const o: Required<SimOptions> = { curves: 8, concs: [4, 8, 16, 32, 64, 128], floor: 0.05, ...opts };
  const z = normalRng(o.seed);
  const compareOnce = (slow: (c: number, i: number) => number) => {
    const history = Array.from({ length: o.historyRuns }, (_, k) =>
      runFromRows(
        `history-${k}`,
        simulatedSweep(z, o, () => 1),
      ),
    );
    return compareRuns(
      runFromRows(
        "baseline",
        simulatedSweep(z, o, () => 1),
      ),
      runFromRows("head", simulatedSweep(z, o, slow)),
      history,
      { floor: o.floor },
    );
  };
  const called = (v: string) => v === "regression" || v === "improvement";
  let comparisons = 0,
    metricFA = 0,
    points = 0,
    pointFA = 0,
    curves = 0,
    curveFA = 0;
  let detected = 0,
    slowPoints = 0,
    curveDetected = 0,
    isoDetected = 0,
    isoFlagged = 0,
    isoPoints = 0,
    isoOther = 0,
    isoOtherFA = 0;
  for (let t = 0; t < o.trials; t++) {
    const aa = compareOnce(() => 1);
    const m = aa.summary.metrics;
    comparisons += m.regressions + m.improvements + m.unchanged + m.inconclusive + m.new + m.missing;
    metricFA += m.regressions + m.improvements;
    points += aa.summary.points;
    pointFA += aa.summary.regressions + aa.summary.improvements;
    curves += aa.curves.length;
    curveFA += aa.curves.filter((c) => called(c.verdict)).length;

    const drop = compareOnce(() => 0.9);
    const tput = metricEntries(drop).filter((p) => p.metric === "tput_per_gpu");
    slowPoints += tput.length;
    detected += tput.filter((p) => p.verdict === "regression").length;
    curveDetected += drop.curves.filter((c) => c.verdict === "regression").length;

    const target = (t * 5) % (o.concs.length * 2);
    const iso = compareOnce((_c, i) => (i === target ? 0.9 : 1));
    for (const p of metricEntries(iso)) {
      if (p.identity.conc === o.concs[target % o.concs.length] && p.identity.tp === (target < o.concs.length ? 4 : 8)) {
        if (p.metric === "tput_per_gpu") {
          isoPoints++;
          if (p.verdict === "regression") isoDetected++;
          if (p.verdict === "regression" || p.verdict === "inconclusive") isoFlagged++;
        }
      } else {
        isoOther++;
        if (called(p.verdict)) isoOtherFA++;
      }
    }
  }
  return {
    comparisons,
    falseAlarmPerMetric: metricFA / comparisons,
    falseAlarmPerPoint: pointFA / points,
    falseAlarmPerCurve: curveFA / curves,
    power: detected / slowPoints,
    curvePower: curveDetected / (o.trials * o.curves),
    isolatedPower: isoDetected / isoPoints,
    isolatedFlagged: isoFlagged / isoPoints,
    isolatedFalseAlarm: isoOtherFA / isoOther,
  };
}
