// The regression gate's label policy as data: every case is one row.
import { describe, expect, it } from "vitest";
import {
  ACCEPT_REGRESSION_LABEL,
  decideRegressionGate,
  gateLabelsToCheck,
  isSweepLabel,
  type LabelGrant,
  WRITE_ONLY_LABELS,
  WRITE_PERMISSION_ROLES,
} from "../src/plan/labels.js";

const by = (actor: string, role: string, label = "accept-regression"): LabelGrant => ({ label, actor, role });
const ACCEPT = ["sweep-enabled", "accept-regression"];

const CASES: { name: string; regressions?: number; curves?: number; labels: string[]; grants?: LabelGrant[]; pass: boolean; reason: RegExp }[] = [
  { name: "no baseline", labels: [], pass: true, reason: /no baseline to compare with/ },
  { name: "no baseline, label by a triager", labels: ACCEPT, grants: [by("t", "triage")], pass: true, reason: /no baseline to compare with/ },
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
    name: "accepted by the label from a maintainer",
    regressions: 3,
    curves: 1,
    labels: ACCEPT,
    grants: [by("maint", "maintain")],
    pass: true,
    reason: /accepted by the 'accept-regression' label \(added by @maint, maintain\)$/,
  },
  { name: "accepted by the label from a writer", regressions: 1, curves: 0, labels: ACCEPT, grants: [by("w", "write")], pass: true, reason: /@w, write/ },
  { name: "accepted by the label from an admin", regressions: 1, curves: 0, labels: ACCEPT, grants: [by("a", "admin")], pass: true, reason: /@a, admin/ },
  {
    name: "the label from a triager does not count",
    regressions: 1,
    curves: 0,
    labels: ACCEPT,
    grants: [by("tri", "triage")],
    pass: false,
    reason:
      /regressed against the baseline; label 'accept-regression' was added by @tri \(triage\): it counts only from people with write permission; to accept them, someone with write permission must remove the label 'accept-regression' and add it again, then re-run this job$/,
  },
  { name: "the label from a reader does not count", regressions: 1, curves: 0, labels: ACCEPT, grants: [by("r", "read")], pass: false, reason: /@r \(read\)/ },
  {
    name: "the label from a stranger does not count",
    regressions: 1,
    curves: 0,
    labels: ACCEPT,
    grants: [by("s", "none")],
    pass: false,
    reason: /@s \(none\)/,
  },
  {
    name: "the label with no known adder does not count",
    regressions: 1,
    curves: 0,
    labels: ACCEPT,
    grants: [by("w", "write", "sweep-enabled")],
    pass: false,
    reason: /label 'accept-regression': who added it is unknown, so it does not count/,
  },
  {
    name: "the last grant of the label counts",
    regressions: 1,
    curves: 0,
    labels: ACCEPT,
    grants: [by("maint", "maintain"), by("tri", "triage")],
    pass: false,
    reason: /added by @tri \(triage\)/,
  },
  {
    name: "a similar label does not count",
    regressions: 1,
    curves: 0,
    labels: ["accept-regressions", "Accept-Regression"],
    grants: [by("m", "maintain", "accept-regressions"), by("m", "maintain", "Accept-Regression")],
    pass: false,
    reason: /add the label/,
  },
];

describe("regression gate policy", () => {
  for (const c of CASES) {
    it(c.name, () => {
      const counts = c.regressions === undefined ? {} : { regressions: c.regressions, curveRegressions: c.curves };
      const d = decideRegressionGate({ ...counts, labels: c.labels, grants: c.grants ?? [] });
      expect(d.pass).toBe(c.pass);
      expect(d.reason).toMatch(c.reason);
    });
  }
  it("the label never starts or cancels a sweep", () => {
    expect(ACCEPT_REGRESSION_LABEL).toBe("accept-regression");
    expect(isSweepLabel(ACCEPT_REGRESSION_LABEL)).toBe(false);
  });
  it("the label is write-only, with the same roles as the sweep labels", () => {
    expect(WRITE_ONLY_LABELS[ACCEPT_REGRESSION_LABEL]).toBe("it counts only from people with write permission");
    expect([...WRITE_PERMISSION_ROLES].sort()).toEqual(["admin", "maintain", "write"]);
  });
});

describe("gateLabelsToCheck: who added the label is asked only when it decides the gate", () => {
  const rows: [string, { regressions?: number; curveRegressions?: number; labels: string[] }, string[]][] = [
    ["regressed, label present", { regressions: 1, curveRegressions: 0, labels: ACCEPT }, ["accept-regression"]],
    ["only a curve regressed, label present", { regressions: 0, curveRegressions: 2, labels: ["accept-regression"] }, ["accept-regression"]],
    ["regressed, no label", { regressions: 4, curveRegressions: 1, labels: ["sweep-enabled"] }, []],
    ["nothing regressed, label present", { regressions: 0, curveRegressions: 0, labels: ACCEPT }, []],
    ["no baseline, label present", { labels: ACCEPT }, []],
  ];
  for (const [name, g, want] of rows) it(name, () => expect(gateLabelsToCheck(g)).toEqual(want));
});
