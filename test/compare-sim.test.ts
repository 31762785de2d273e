// The measured error rates of infx compare (docs/compare.md quotes these
// figures): a seeded simulation of A/A sweeps and of a 10% slower build, with
// 3% run-to-run noise and 3 history runs, compared by the real compareRuns.
import { describe, expect, it } from "vitest";
import { simulate } from "../src/compare/simulate.js";

describe("compare: measured error rates", () => {
  it("A/A false alarms <= 1% per point, power >= 90% for a 10% drop (3% CV, 3 history runs)", () => {
    const r = simulate({ seed: 20260801, trials: 25, cv: 0.03, historyRuns: 3 });
    console.log(`compare simulation: ${JSON.stringify(r)}`);
    expect(r.comparisons).toBe(25 * 96 * 6);
    expect(r.falseAlarmPerPoint).toBeLessThanOrEqual(0.01);
    expect(r.falseAlarmPerMetric).toBeLessThanOrEqual(0.01);
    // 200 curves per run: 2 false alarms are 1%; two longer runs measured 0.3% and 0%.
    expect(r.falseAlarmPerCurve).toBeLessThanOrEqual(0.015);
    expect(r.power).toBeGreaterThanOrEqual(0.9);
    expect(r.curvePower).toBeGreaterThanOrEqual(0.9);
    // A single slower point is harder to tell from noise: rarely called, almost always flagged
    // inconclusive (reported, not a target).
    expect(r.isolatedPower).toBeGreaterThan(0.1);
    expect(r.isolatedFlagged).toBeGreaterThan(0.9);
    expect(r.isolatedFalseAlarm).toBeLessThanOrEqual(0.01);
  });

  it("no history: the floor alone, and the false alarms that costs (why history matters)", () => {
    const r = simulate({ seed: 7, trials: 4, cv: 0.03, historyRuns: 0 });
    console.log(`compare simulation without history: ${JSON.stringify(r)}`);
    // One head and one baseline value 3% CV each: |log ratio| > log 1.05 about 25% of the time.
    expect(r.falseAlarmPerMetric).toBeGreaterThan(0.1);
    expect(r.power).toBeGreaterThan(0.85);
  });
});
