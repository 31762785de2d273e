// Parity with the 2026-08 reference changelog planner: replays every case in
// golden-2026-08/changelog/ through `infx changelog` in a real git repository
// (a two-commit history per case whose trees hold perf-changelog.yaml and the
// configs under configs/; append-only cases have their base_configs at the
// base commit). Every row list is compared as a multiset,
// changelog_metadata.entries in full; error cases must fail with a message
// on stderr, never a stack trace.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { infx } from "../support/cli.js";
import { commitTreeChains, tempRepo } from "../support/git-fixture.js";
import { GOLDEN_2026_08, REF_CONFIGS_2026_08 } from "../support/reference.js";
import { canonicalJson } from "../../src/plan/scenario-evals.js";

interface GoldenCase {
  name: string;
  subject?: string;
  argv: string[];
  base_configs?: Record<string, string>;
  base_changelog: string;
  head_changelog: string;
  error: boolean;
  stderr_last_line?: string;
  expected?: Record<string, unknown> & { changelog_metadata: { entries: unknown[] } };
}

const DIR = join(GOLDEN_2026_08, "changelog");
const cases = readdirSync(DIR)
  .filter((f) => f.endsWith(".json"))
  .sort()
  .map((f) => JSON.parse(readFileSync(join(DIR, f), "utf8")) as GoldenCase);

const CONFIG_FILES = ["amd-master.yaml", "nvidia-master.yaml", "runners.yaml"];
const HEAD_CONFIGS = Object.fromEntries(CONFIG_FILES.map((f) => [f, readFileSync(join(REF_CONFIGS_2026_08, f), "utf8")]));
const tree = (changelog: string, configs: Record<string, string>) => ({
  "perf-changelog.yaml": changelog,
  ...Object.fromEntries(CONFIG_FILES.map((f) => [`configs/${f}`, configs[f] ?? HEAD_CONFIGS[f]!])),
});

function multiset(rows: unknown[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const r of rows) m.set(canonicalJson(r), (m.get(canonicalJson(r)) ?? 0) + 1);
  return m;
}

const nonEmpty = (b: Record<string, unknown[]> | undefined) => Object.fromEntries(Object.entries(b ?? {}).filter(([, v]) => v.length));
const EVAL_BUCKETS = ["evals", "agentic_evals", "multinode_evals", "multinode_agentic_evals"] as const;

let repo: { dir: string; cleanup: () => void };
let commits: string[][];
const CACHE = mkdtempSync(join(tmpdir(), "infx-parity-cache-"));

beforeAll(() => {
  repo = tempRepo("infx-changelog-2026-08-");
  commits = commitTreeChains(
    repo.dir,
    cases.map((c) => [tree(c.base_changelog, c.base_configs ?? {}), tree(c.head_changelog, {})]),
  );
  // The work tree holds the head configs (the command reads them there; append-only also reads them at --base-ref).
  mkdirSync(join(repo.dir, "configs"));
  for (const f of CONFIG_FILES) writeFileSync(join(repo.dir, "configs", f), HEAD_CONFIGS[f]!);
});
afterAll(() => {
  repo?.cleanup();
  rmSync(CACHE, { recursive: true, force: true });
});

describe("golden changelog cases, 2026-08 reference (parity)", () => {
  it("has the cases", () => {
    expect(cases.length).toBeGreaterThanOrEqual(25);
  });
  cases.forEach((c, i) => {
    it(c.name, async () => {
      const [base, head] = commits[i]!;
      const argv = c.argv.map((a) => (a === "BASE" ? base! : a === "HEAD" ? head! : a));
      const r = await infx(argv, { cwd: repo.dir, env: { INFX_CACHE_DIR: CACHE } });
      expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
      if (c.error) {
        expect(r.code, `expected a failure like '${c.stderr_last_line}', got ${r.stdout.slice(0, 300)}`).not.toBe(0);
        expect(r.stdout).toBe("");
        expect(r.stderr).toMatch(/^infx changelog: \S/);
        return;
      }
      expect(r.code, r.stderr).toBe(0);
      const plan = JSON.parse(r.stdout);
      const exp = c.expected!;
      for (const kind of ["single_node", "multi_node"] as const) {
        const got = nonEmpty(plan[kind]);
        const want = nonEmpty(exp[kind] as Record<string, unknown[]>);
        expect(Object.keys(got).sort(), kind).toEqual(Object.keys(want).sort());
        for (const b of Object.keys(want)) expect(multiset(got[b]!), `${kind}.${b}`).toEqual(multiset(want[b]!));
      }
      for (const b of EVAL_BUCKETS) expect(multiset(plan[b] ?? []), b).toEqual(multiset((exp[b] as unknown[]) ?? []));
      expect(plan.changelog_metadata).toEqual({ base_ref: base, head_ref: head, entries: exp.changelog_metadata.entries });
    });
  });
});
