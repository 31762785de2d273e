// The regression gate's label policy as data: every case is one row.
import { describe, expect, it } from "vitest";
import { ACCEPT_REGRESSION_LABEL, decideRegressionGate, isSweepLabel } from "../src/plan/labels.js";

const CASES: { name: string; regressions?: number; curves?: number; labels: string[]; pass: boolean; reason: RegExp }[] = [
  { name: "no baseline", labels: [], pass: true, reason: /no baseline to compare with/ },
  { name: "nothing regressed", regressions: 0, curves: 0, labels: [], pass: true, reason: /^no regression/ },
  {
    name: "a point regressed",
    regressions: 2,
    curves: 0,
    labels: ["sweep-enabled"],
    pass: false,
    reason: /^2 point\(s\) and 0 curve\(s\) regressed.*add the label 'accept-regression'/,
  },
  { name: "only a curve regressed", regressions: 0, curves: 1, labels: [], pass: false, reason: /^0 point\(s\) and 1 curve\(s\) regressed/ },
  {
    name: "accepted by the label",
    regressions: 3,
    curves: 1,
    labels: ["sweep-enabled", "accept-regression"],
    pass: true,
    reason: /accepted by the 'accept-regression' label/,
  },
  {
    name: "a similar label does not count",
    regressions: 1,
    curves: 0,
    labels: ["accept-regressions", "Accept-Regression"],
    pass: false,
    reason: /add the label/,
  },
];

describe("regression gate policy", () => {
  for (const c of CASES) {
    it(c.name, () => {
      const d = decideRegressionGate({ ...(c.regressions === undefined ? {} : { regressions: c.regressions, curveRegressions: c.curves }), labels: c.labels });
      expect(d.pass).toBe(c.pass);
      expect(d.reason).toMatch(c.reason);
    });
  }
  it("the label never starts or cancels a sweep", () => {
    expect(ACCEPT_REGRESSION_LABEL).toBe("accept-regression");
    expect(isSweepLabel(ACCEPT_REGRESSION_LABEL)).toBe(false);
  });
});
