// Parity with the 2026-08 reference planner: replays every case in
// golden-2026-08/matrix/ through `infx` (in-process) on the 2026-08 reference
// configs and compares the output with the reference's as a multiset of
// entries (field order is not part of this contract; values are). Error cases
// must fail with a clear message on stderr, never a stack trace.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { infx } from "../support/cli.js";
import { GOLDEN_2026_08, REF_CONFIGS_2026_08 } from "../support/reference.js";
import { canonicalJson } from "../../src/plan/scenario-evals.js";

interface GoldenCase {
  name: string;
  argv: string[];
  error: boolean;
  stderr_last_line?: string;
  expected?: unknown[];
}

const DIR = join(GOLDEN_2026_08, "matrix");
const cases = readdirSync(DIR)
  .filter((f) => f.endsWith(".json"))
  .sort()
  .map((f) => JSON.parse(readFileSync(join(DIR, f), "utf8")) as GoldenCase);

/** Bare reference file names mean the 2026-08 snapshot's configs. */
const resolveArgv = (argv: string[]) => argv.map((a) => (/^(nvidia-master|amd-master|runners)\.yaml$/.test(a) ? join(REF_CONFIGS_2026_08, a) : a));

/** Planning inputs are cached by content (src/config/load.ts): parse the reference configs once for the whole suite. */
const CACHE = mkdtempSync(join(tmpdir(), "infx-parity-cache-"));
afterAll(() => rmSync(CACHE, { recursive: true, force: true }));

function multiset(entries: unknown[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const e of entries) m.set(canonicalJson(e), (m.get(canonicalJson(e)) ?? 0) + 1);
  return m;
}

describe("golden matrix cases, 2026-08 reference (parity)", () => {
  it("has the cases", () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });
  for (const c of cases) {
    it(c.name, async () => {
      const r = await infx(resolveArgv(c.argv), { env: { INFX_CACHE_DIR: CACHE } });
      expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
      if (c.error) {
        expect(r.code, `expected a failure like '${c.stderr_last_line}', got stdout ${r.stdout.slice(0, 200)}`).not.toBe(0);
        expect(r.stdout).toBe("");
        expect(r.stderr).toMatch(/^infx [a-z-]+: \S/);
        return;
      }
      expect(r.code, r.stderr).toBe(0);
      const got = JSON.parse(r.stdout) as unknown[];
      const want = c.expected!;
      const g = multiset(got);
      const w = multiset(want);
      const missing = [...w].filter(([k, n]) => (g.get(k) ?? 0) < n).map(([k]) => k);
      const extra = [...g].filter(([k, n]) => (w.get(k) ?? 0) < n).map(([k]) => k);
      expect({ missing: missing.slice(0, 2), extra: extra.slice(0, 2), nMissing: missing.length, nExtra: extra.length }).toEqual({
        missing: [],
        extra: [],
        nMissing: 0,
        nExtra: 0,
      });
      expect(got.length).toBe(want.length);
    });
  }
});
