// The sweep label policy as data: for every combination of event, action,
// labels, draft and fork, whether a sweep runs and how.
import { describe, expect, it } from "vitest";
import {
  ACCEPT_REGRESSION_LABEL,
  decideSweep,
  isSweepLabel,
  PRIMARY_SWEEP_LABELS,
  SWEEP_LABELS,
  sweepEventFromPayload,
  type SweepEvent,
  trustedLabels,
  trustedSweepLabels,
  WRITE_ONLY_LABELS,
  WRITE_PERMISSION_ROLES,
} from "../src/plan/labels.js";

const pr = (over: Partial<SweepEvent>): SweepEvent => ({ eventName: "pull_request", action: "synchronize", labels: [], draft: false, fork: false, ...over });

describe("decideSweep: pull requests", () => {
  // [description, event, run, mode, planFlags, failFast]
  const table: [string, SweepEvent, boolean, string | undefined, string[], boolean][] = [
    ["no label", pr({}), false, undefined, [], false],
    ["sweep-enabled on synchronize", pr({ labels: ["sweep-enabled"] }), true, "trimmed", ["--trim-conc"], false],
    ["sweep-enabled on ready_for_review", pr({ action: "ready_for_review", labels: ["sweep-enabled"] }), true, "trimmed", ["--trim-conc"], false],
    ["sweep-enabled just added", pr({ action: "labeled", changedLabel: "sweep-enabled", labels: ["sweep-enabled"] }), true, "trimmed", ["--trim-conc"], false],
    ["full-sweep-enabled", pr({ labels: ["full-sweep-enabled"] }), true, "full", ["--canary"], false],
    ["full-sweep-fail-fast", pr({ labels: ["full-sweep-fail-fast"] }), true, "full-fail-fast", ["--canary"], true],
    ["sweep-enabled + evals-only", pr({ labels: ["sweep-enabled", "evals-only"] }), true, "trimmed", ["--trim-conc", "--evals-only"], false],
    [
      "full + all-evals + evals-only",
      pr({ labels: ["full-sweep-enabled", "all-evals", "evals-only"] }),
      true,
      "full",
      ["--canary", "--all-evals", "--evals-only"],
      false,
    ],
    ["modifier alone", pr({ labels: ["evals-only"] }), false, undefined, [], false],
    ["draft with label", pr({ draft: true, labels: ["sweep-enabled"] }), false, undefined, [], false],
    ["fork with label", pr({ fork: true, labels: ["full-sweep-enabled"] }), false, undefined, [], false],
    [
      "unrelated label added while sweep-enabled",
      pr({ action: "labeled", changedLabel: "documentation", labels: ["sweep-enabled", "documentation"] }),
      false,
      undefined,
      [],
      false,
    ],
    [
      "modifier added while sweep-enabled",
      pr({ action: "labeled", changedLabel: "all-evals", labels: ["sweep-enabled", "all-evals"] }),
      true,
      "trimmed",
      ["--trim-conc", "--all-evals"],
      false,
    ],
    ["label removed", pr({ action: "unlabeled", changedLabel: "evals-only", labels: ["sweep-enabled"] }), false, undefined, [], false],
    ["unrelated labels only", pr({ labels: ["bug", "documentation"] }), false, undefined, [], false],
  ];
  for (const [name, ev, run, mode, flags, failFast] of table) {
    it(name, () => {
      const d = decideSweep(ev);
      expect(d.run).toBe(run);
      expect(d.mode).toBe(mode);
      expect(d.planFlags).toEqual(flags);
      expect(d.failFast).toBe(failFast);
      expect(d.error).toBeUndefined();
      expect(d.reason.length).toBeGreaterThan(5);
    });
  }

  it("two primary labels at once is an error naming both", () => {
    const d = decideSweep(pr({ labels: ["sweep-enabled", "full-sweep-fail-fast"] }));
    expect(d.run).toBe(false);
    expect(d.error).toMatch(/sweep-enabled, full-sweep-fail-fast/);
  });

  it("every primary pair conflicts, every single primary runs (exhaustive over primary and modifier subsets)", () => {
    const all = [...PRIMARY_SWEEP_LABELS, "evals-only", "all-evals", "bug"];
    for (let mask = 0; mask < 1 << all.length; mask++) {
      const labels = all.filter((_, i) => mask & (1 << i));
      const primaries = labels.filter((l) => (PRIMARY_SWEEP_LABELS as readonly string[]).includes(l));
      for (const draft of [false, true])
        for (const fork of [false, true]) {
          const d = decideSweep(pr({ labels, draft, fork }));
          const expectRun = !draft && !fork && primaries.length === 1;
          expect(d.run, JSON.stringify({ labels, draft, fork })).toBe(expectRun);
          expect(Boolean(d.error)).toBe(!draft && !fork && primaries.length > 1);
          if (d.run) {
            expect(d.evalsOnly).toBe(labels.includes("evals-only"));
            expect(d.allEvals).toBe(labels.includes("all-evals"));
            expect(d.canary).toBe(primaries[0] !== "sweep-enabled");
          }
        }
    }
  });
});

describe("decideSweep: other events", () => {
  it("push runs the full plan without canary", () => {
    const d = decideSweep({ eventName: "push", headCommitMessage: "Add dsr1 entry" });
    expect(d).toMatchObject({ run: true, mode: "full", canary: false, failFast: false, planFlags: [] });
  });
  it("push with [skip-sweep] does not run", () => {
    const d = decideSweep({ eventName: "push", headCommitMessage: "docs only\n\n[skip-sweep]" });
    expect(d.run).toBe(false);
    expect(d.reason).toContain("[skip-sweep]");
  });
  it("other events never start a changelog sweep", () => {
    for (const eventName of ["workflow_dispatch", "issue_comment", "pull_request_target", "schedule"]) {
      expect(decideSweep({ eventName, labels: ["sweep-enabled"] }).run).toBe(false);
    }
  });
});

describe("sweepEventFromPayload", () => {
  const base = { full_name: "acme/ix" };
  it("reads labels, the changed label, draft and fork from a pull_request payload", () => {
    const ev = sweepEventFromPayload("pull_request", {
      action: "labeled",
      label: { name: "sweep-enabled" },
      pull_request: {
        draft: false,
        labels: [{ name: "sweep-enabled" }, { name: "bug" }],
        head: { repo: { full_name: "acme/ix", fork: false } },
        base: { repo: base },
      },
    });
    expect(ev).toMatchObject({
      eventName: "pull_request",
      action: "labeled",
      changedLabel: "sweep-enabled",
      labels: ["sweep-enabled", "bug"],
      draft: false,
      fork: false,
    });
  });
  it("a head repository that differs from the base, or was deleted, is a fork", () => {
    const mk = (head: unknown) =>
      sweepEventFromPayload("pull_request", { action: "synchronize", pull_request: { labels: [], head: { repo: head }, base: { repo: base } } }).fork;
    expect(mk({ full_name: "mallory/ix", fork: true })).toBe(true);
    expect(mk(null)).toBe(true);
    expect(mk({ full_name: "acme/ix", fork: false })).toBe(false);
  });
  it("push payloads carry the head commit message", () => {
    expect(sweepEventFromPayload("push", { head_commit: { message: "x [skip-sweep]" } })).toMatchObject({ headCommitMessage: "x [skip-sweep]", fork: false });
  });
  it("isSweepLabel knows exactly the policy's labels", () => {
    for (const l of SWEEP_LABELS) expect(isSweepLabel(l)).toBe(true);
    expect(isSweepLabel("sweep")).toBe(false);
    expect(isSweepLabel(undefined)).toBe(false);
  });
});

describe("label trust: one rule for the sweep labels and accept-regression", () => {
  const ROLES = ["admin", "maintain", "write", "triage", "read", "none"];
  it("the write-only labels are exactly the sweep labels and accept-regression", () => {
    expect(Object.keys(WRITE_ONLY_LABELS).sort()).toEqual([...SWEEP_LABELS, ACCEPT_REGRESSION_LABEL].sort());
  });
  it("every write-only label, for every role: counts exactly when the role can write, else ignored with its rule", () => {
    let cases = 0;
    for (const [label, rule] of Object.entries(WRITE_ONLY_LABELS))
      for (const role of ROLES) {
        const t = trustedLabels([label, "bug"], [{ label, actor: "u", role }], [label]);
        const writes = ["admin", "maintain", "write"].includes(role);
        expect(t.labels, `${label} ${role}`).toEqual(writes ? [label, "bug"] : ["bug"]);
        expect(t.ignored, `${label} ${role}`).toEqual(writes ? [] : [`label '${label}' was added by @u (${role}): ${rule}`]);
        expect(WRITE_PERMISSION_ROLES.includes(role)).toBe(writes);
        cases++;
      }
    expect(cases).toBe((SWEEP_LABELS.length + 1) * ROLES.length);
  });
  it("the ignored reasons are worded for each label's policy", () => {
    const grants = [
      { label: "accept-regression", actor: "tri", role: "triage" },
      { label: "sweep-enabled", actor: "tri", role: "triage" },
    ];
    expect(trustedLabels(["accept-regression", "sweep-enabled"], grants, ["accept-regression", ...SWEEP_LABELS]).ignored).toEqual([
      "label 'accept-regression' was added by @tri (triage): it counts only from people with write permission",
      "label 'sweep-enabled' was added by @tri (triage): sweep labels count only from people with write permission",
    ]);
  });
  it("only the labels in scope are checked: the sweep policy keeps accept-regression, the gate keeps sweep labels", () => {
    const labels = ["sweep-enabled", "accept-regression"];
    expect(trustedSweepLabels(labels, [{ label: "sweep-enabled", actor: "m", role: "maintain" }])).toEqual({ labels, ignored: [] });
    expect(trustedLabels(labels, [{ label: "accept-regression", actor: "w", role: "write" }], [ACCEPT_REGRESSION_LABEL])).toEqual({ labels, ignored: [] });
  });
  it("a label in scope that is not write-only always counts", () => {
    expect(trustedLabels(["bug"], [], ["bug"])).toEqual({ labels: ["bug"], ignored: [] });
  });
  it("a write-only label with no known adder does not count", () => {
    expect(trustedLabels(["accept-regression"], [], [ACCEPT_REGRESSION_LABEL])).toEqual({
      labels: [],
      ignored: ["label 'accept-regression': who added it is unknown, so it does not count"],
    });
  });
});
