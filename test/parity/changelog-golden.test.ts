// Parity with the reference: replays every case in
// <reference>/golden/changelog/ (test/support/reference.ts) through `infx changelog` in a real git
// repository (one two-commit history per case: base, head), with the
// 2026-02 reference configs. Buckets are compared as multisets; error cases
// must fail with a message (never a stack trace); a case with `alternative`
// may instead give the empty "no new entries" plan.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { infx } from "../support/cli.js";
import { commitChains, tempRepo } from "../support/git-fixture.js";
import { GOLDEN_2026_02, REF_CONFIGS_2026_02 } from "../support/reference.js";

interface GoldenCase {
  name: string;
  base_changelog: string;
  head_changelog: string;
  error: boolean;
  stderr_last_line?: string;
  alternative?: string;
  expected?: {
    single_node: Record<string, unknown[]>;
    multi_node: Record<string, unknown[]>;
    changelog_metadata: { base_ref: string; head_ref: string; entries: unknown[] };
  };
}

const DIR = join(GOLDEN_2026_02, "changelog");
const cases: GoldenCase[] = readdirSync(DIR)
  .filter((f) => f.endsWith(".json"))
  .sort()
  .map((f) => JSON.parse(readFileSync(join(DIR, f), "utf8")) as GoldenCase);

const CONFIG_ARGS = [
  "--config-files",
  join(REF_CONFIGS_2026_02, "nvidia-master.yaml"),
  join(REF_CONFIGS_2026_02, "amd-master.yaml"),
  "--runner-config",
  join(REF_CONFIGS_2026_02, "runners.yaml"),
];

/** A multiset of entries: canonical JSON (sorted keys) -> count. */
function multiset(entries: unknown[]): Map<string, number> {
  const canon = (v: unknown): string =>
    Array.isArray(v)
      ? `[${v.map(canon).join(",")}]`
      : v && typeof v === "object"
        ? `{${Object.keys(v)
            .sort()
            .map((k) => `${JSON.stringify(k)}:${canon((v as Record<string, unknown>)[k])}`)
            .join(",")}}`
        : JSON.stringify(v);
  const m = new Map<string, number>();
  for (const e of entries) m.set(canon(e), (m.get(canon(e)) ?? 0) + 1);
  return m;
}

function nonEmptyBuckets(b: Record<string, unknown[]>): Record<string, unknown[]> {
  return Object.fromEntries(Object.entries(b).filter(([, v]) => v.length > 0));
}

let repo: { dir: string; cleanup: () => void };
let commits: string[][];

beforeAll(() => {
  repo = tempRepo();
  commits = commitChains(
    repo.dir,
    "perf-changelog.yaml",
    cases.map((c) => [c.base_changelog, c.head_changelog]),
  );
});
afterAll(() => repo?.cleanup());

describe("infx changelog matches the reference's golden cases", () => {
  it("has the golden cases to replay", () => {
    expect(cases.length).toBeGreaterThanOrEqual(50);
  });

  cases.forEach((c, i) => {
    it(c.name, async () => {
      const [base, head] = commits[i]!;
      const r = await infx(["changelog", "--changelog-file", "perf-changelog.yaml", "--base-ref", base!, "--head-ref", head!, ...CONFIG_ARGS], {
        cwd: repo.dir,
      });
      expect(r.stderr).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/); // never a stack trace
      expect(r.stderr).not.toContain("internal error");
      if (c.error) {
        if (c.alternative) {
          // Our deliberate difference: a whitespace-only change is "no new entries", an empty plan.
          expect(r.code, r.stderr).toBe(0);
          const plan = JSON.parse(r.stdout);
          expect(r.stderr).toContain("no new entries");
          expect(nonEmptyBuckets(plan.single_node)).toEqual({});
          expect(nonEmptyBuckets(plan.multi_node)).toEqual({});
          expect(plan.changelog_metadata.entries).toEqual([]);
          return;
        }
        expect(r.code, r.stdout).not.toBe(0);
        expect(r.stderr.trim().length).toBeGreaterThan(0);
        expect(r.stdout).toBe("");
        return;
      }
      expect(r.code, r.stderr).toBe(0);
      const plan = JSON.parse(r.stdout);
      const exp = c.expected!;
      for (const kind of ["single_node", "multi_node"] as const) {
        const got = nonEmptyBuckets(plan[kind]);
        const want = nonEmptyBuckets(exp[kind]);
        expect(Object.keys(got).sort(), kind).toEqual(Object.keys(want).sort());
        for (const bucket of Object.keys(want)) expect(multiset(got[bucket]!), `${kind}.${bucket}`).toEqual(multiset(want[bucket]!));
      }
      expect(plan.changelog_metadata).toEqual({ base_ref: base, head_ref: head, entries: exp.changelog_metadata.entries });
    });
  });
});
