// Parity with the reference planner: replays every golden matrix case in
// <reference>/golden/matrix/ (test/support/reference.ts) through `infx` (in-process) and compares
// the output with the reference's as a multiset of entries (order is not part
// of the contract, but fields and values are, including field order).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { infx } from "../support/cli.js";
import { GOLDEN_2026_02, REF_CONFIGS_2026_02 } from "../support/reference.js";

const GOLDEN = join(GOLDEN_2026_02, "matrix");

interface GoldenCase {
  name?: string;
  argv: string[];
  error?: boolean;
  exit_code?: number;
  stderr_last_line?: string;
  expected?: unknown[];
}

const cases = readdirSync(GOLDEN)
  .filter((f) => f.endsWith(".json"))
  .sort()
  .map((f) => ({ file: f, c: JSON.parse(readFileSync(join(GOLDEN, f), "utf8")) as GoldenCase }));

/** Golden argv names bare reference files: point them at the 2026-02 snapshot. */
function resolveArgv(argv: string[]): string[] {
  return argv.map((a) => (/^(nvidia-master|amd-master|runners)\.yaml$/.test(a) ? join(REF_CONFIGS_2026_02, a) : a));
}

/** Canonical text of an entry, keeping field order (it is part of the output). */
const canon = (e: unknown) => JSON.stringify(e);

function multiset(entries: unknown[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const e of entries) m.set(canon(e), (m.get(canon(e)) ?? 0) + 1);
  return m;
}

describe("golden matrix cases (reference parity)", () => {
  it("has the cases", () => {
    expect(cases.length).toBeGreaterThanOrEqual(39);
  });
  for (const { file, c } of cases) {
    it(file, async () => {
      const r = await infx(resolveArgv(c.argv));
      if (c.error) {
        expect(r.code, `expected a failure, got stdout ${r.stdout.slice(0, 200)}`).not.toBe(0);
        expect(r.stdout).toBe("");
        expect(r.stderr).toMatch(/^infx [a-z-]+: \S/);
        expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
        return;
      }
      expect(
        r.stderr.split("\n").filter((l) => l && !l.includes(": warning: ")),
        r.stderr,
      ).toEqual([]);
      expect(r.code).toBe(0);
      const got = JSON.parse(r.stdout) as unknown[];
      const want = c.expected!;
      expect(got.length).toBe(want.length);
      const g = multiset(got);
      const w = multiset(want);
      const missing = [...w].filter(([k, n]) => (g.get(k) ?? 0) !== n).map(([k]) => k);
      const extra = [...g].filter(([k, n]) => (w.get(k) ?? 0) !== n).map(([k]) => k);
      expect({ missing: missing.slice(0, 3), extra: extra.slice(0, 3) }).toEqual({ missing: [], extra: [] });
    });
  }
});
