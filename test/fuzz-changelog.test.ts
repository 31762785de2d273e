// Fuzzing the changelog reader: random YAML, random edits of a real-shaped
// changelog history (test/fixtures/changelog/history.yaml, the project's configs) and random entries must give either a UserError (a clear message,
// never a stack trace) or a valid plan.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { dump } from "js-yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UserError } from "../src/cli/io.js";
import { changelogWork, planChangelogEntries, resolveEntryKeys, type ChangelogPlan } from "../src/changelog/plan.js";
import { loadPlanningInputs, type PlanningInputs } from "../src/config/load.js";
import { testConfig } from "../src/plan/matrix.js";
import { isMultiNode, type MatrixEntry } from "../src/plan/types.js";
import { CONFIG_ARGS, CONFIGS, infx, ROOT } from "./support/cli.js";
import { commitChains, tempRepo } from "./support/git-fixture.js";

const REAL = readFileSync(join(ROOT, "test/fixtures/changelog/history.yaml"), "utf8");
const LINES = REAL.split("\n");
let inputs: PlanningInputs;
let keys: string[];
beforeAll(() => {
  inputs = loadPlanningInputs([join(CONFIGS, "nvidia-master.yaml"), join(CONFIGS, "amd-master.yaml")], join(CONFIGS, "runners.yaml"));
  keys = [...inputs.configs.keys()];
});

function validEntry(e: MatrixEntry): boolean {
  const common =
    typeof e.image === "string" && typeof e.model === "string" && typeof e.runner === "string" && e.isl > 0 && e.osl > 0 && typeof e["run-eval"] === "boolean";
  if (isMultiNode(e))
    return (
      common && Array.isArray(e.conc) && e.conc.length > 0 && Array.isArray(e.prefill["additional-settings"]) && Array.isArray(e.decode["additional-settings"])
    );
  return common && Number.isInteger(e.conc) && e.conc > 0 && e.tp > 0;
}

type Outcome = { kind: "error"; message: string } | { kind: "plan"; matrix: MatrixEntry[] } | { kind: "empty" };

/** The whole planning path minus git, as `infx changelog` runs it. */
async function plan(baseText: string | undefined, headText: string): Promise<Outcome> {
  try {
    const work = changelogWork({ file: "perf-changelog.yaml", baseRef: "BASE", headRef: "HEAD", baseText, headText });
    if (work.status === "no-new-entries") return { kind: "empty" };
    const perEntry = await resolveEntryKeys(work.entries, keys, "perf-changelog.yaml");
    const { matrix } = planChangelogEntries(work.entries, perEntry, (configKeys, mode) =>
      testConfig(inputs, { configKeys, runEvals: !mode.evalsOnly, evalsOnly: mode.evalsOnly }),
    );
    return { kind: "plan", matrix };
  } catch (e) {
    if (!(e instanceof UserError)) throw new Error(`not a UserError: ${(e as Error)?.stack ?? String(e)}`);
    const text = [e.message, ...e.details].join("\n");
    expect(text).not.toMatch(/\n\s+at .+:\d+:\d+/);
    expect(e.message.length).toBeGreaterThan(10);
    return { kind: "error", message: text };
  }
}

async function check(baseText: string | undefined, headText: string): Promise<Outcome> {
  const r = await plan(baseText, headText);
  if (r.kind === "plan") for (const e of r.matrix) expect(validEntry(e), JSON.stringify(e)).toBe(true);
  return r;
}

const yamlChars = fc.constantFrom(..."- :[]{}#&*!|>'\"\n\t ,?%@`abcxyz019".split(""));
const edit = fc.oneof(
  fc.record({ op: fc.constant("delete" as const), at: fc.nat() }),
  fc.record({ op: fc.constant("duplicate" as const), at: fc.nat() }),
  fc.record({ op: fc.constant("swap" as const), at: fc.nat(), to: fc.nat() }),
  fc.record({ op: fc.constant("insert" as const), at: fc.nat(), text: fc.string({ unit: yamlChars, maxLength: 20 }) }),
  fc.record({ op: fc.constant("indent" as const), at: fc.nat(), by: fc.integer({ min: -4, max: 4 }) }),
  fc.record({ op: fc.constant("blank" as const), at: fc.nat() }),
);
type Edit = typeof edit extends fc.Arbitrary<infer T> ? T : never;
function applyEdits(lines: string[], edits: Edit[]): string {
  const out = [...lines];
  for (const e of edits) {
    const i = e.at % Math.max(1, out.length);
    if (e.op === "delete") out.splice(i, 1);
    else if (e.op === "duplicate") out.splice(i, 0, out[i] ?? "");
    else if (e.op === "swap") {
      const j = e.to % Math.max(1, out.length);
      [out[i], out[j]] = [out[j] ?? "", out[i] ?? ""];
    } else if (e.op === "insert") {
      const line = out[i] ?? "";
      const pos = e.at % (line.length + 1);
      out[i] = line.slice(0, pos) + e.text + line.slice(pos);
    } else if (e.op === "indent") out[i] = e.by >= 0 ? " ".repeat(e.by) + (out[i] ?? "") : (out[i] ?? "").replace(new RegExp(`^ {0,${-e.by}}`), "");
    else out.splice(i, 0, "");
  }
  return out.join("\n");
}

const KEY_WORDS = fc.constantFrom(
  "gptoss*",
  "dsr1-fp8-*-sglang",
  "*-trt",
  "gptoss-fp4-h200-vllm",
  "dsr1-fp4-gb200-dynamo-trt",
  "dsr1-fp8-mi300x-sglang",
  "nope*",
  "x",
);
const sometimes = <T>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<unknown>) => fc.oneof({ arbitrary: good, weight: 6 }, { arbitrary: bad, weight: 1 });
const entryLike = fc.record(
  {
    "config-keys": sometimes(fc.array(sometimes(KEY_WORDS, fc.string()), { minLength: 1, maxLength: 3 }), fc.jsonValue()),
    description: sometimes(
      fc.array(
        fc.string({ minLength: 1 }).map((s) => s + "."),
        { minLength: 1, maxLength: 2 },
      ),
      fc.jsonValue(),
    ),
    "pr-link": sometimes(fc.constant("https://github.com/o/r/pull/1"), fc.jsonValue()),
    "evals-only": sometimes(fc.boolean(), fc.jsonValue()),
    extra: fc.jsonValue(),
  },
  { requiredKeys: ["config-keys", "description", "pr-link"] },
);
// An unknown field in about one entry in five.
const entryLikeMostlyClean = fc
  .tuple(entryLike, fc.integer({ min: 0, max: 4 }))
  .map(([e, n]) => (n > 0 ? (({ extra: _extra, ...rest }) => rest)(e as Record<string, unknown>) : e));

describe("fuzzing the changelog reader", () => {
  it("random YAML-ish text as the new changelog", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: yamlChars, maxLength: 200 }), async (text) => {
        await check(REAL, text);
        await check(undefined, text);
      }),
      { numRuns: 500, seed: 11 },
    );
  });

  it("random edits of the changelog history (old entries edited, broken, reindented, appended to)", async () => {
    const outcomes = new Set<string>();
    await fc.assert(
      fc.asyncProperty(fc.array(edit, { minLength: 1, maxLength: 4 }), fc.boolean(), async (edits, appendAtEnd) => {
        const base = appendAtEnd ? REAL : applyEdits(LINES, edits);
        const head = appendAtEnd
          ? REAL +
            applyEdits(
              ["", "- config-keys:", "    - gptoss-fp4-h200-vllm", "  description:", '    - "x"', "  pr-link: https://github.com/o/r/pull/2", ""],
              edits,
            )
          : REAL;
        outcomes.add((await check(base, head)).kind);
        outcomes.add((await check(REAL, applyEdits(LINES, edits))).kind);
      }),
      { numRuns: 300, seed: 5 },
    );
    expect(outcomes).toContain("error");
    expect(outcomes).toContain("plan");
  });

  it("random entries appended (valid or not)", async () => {
    let plans = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(entryLikeMostlyClean, { minLength: 1, maxLength: 3 }), async (entries) => {
        const r = await check(REAL, REAL + "\n" + dump(entries));
        if (r.kind === "plan") plans++;
        else expect(r.kind).toBe("error");
      }),
      { numRuns: 300, seed: 2 },
    );
    expect(plans).toBeGreaterThan(0);
  });
});

describe("fuzzed changelogs through the real CLI and git", () => {
  let repo: { dir: string; cleanup: () => void };
  let chains: string[][];
  const heads = fc
    .sample(fc.array(edit, { minLength: 1, maxLength: 3 }), { numRuns: 25, seed: 9 })
    .map(
      (edits) =>
        REAL + applyEdits(["", "- config-keys:", "    - gptoss*", "  description:", '    - "x"', "  pr-link: https://github.com/o/r/pull/3", ""], edits),
    );
  beforeAll(() => {
    repo = tempRepo();
    chains = commitChains(
      repo.dir,
      "perf-changelog.yaml",
      heads.map((h) => [REAL, h]),
    );
  });
  afterAll(() => repo.cleanup());

  it("exit 0 with a JSON plan, or exit 1 with a message; never a stack trace", async () => {
    const codes = new Set<number>();
    for (const [base, head] of chains) {
      const r = await infx(["changelog", "--base-ref", base!, "--head-ref", head!, ...CONFIG_ARGS], { cwd: repo.dir });
      codes.add(r.code);
      expect([0, 1]).toContain(r.code);
      expect(r.stderr).not.toMatch(/internal error|\n\s+at .+:\d+:\d+/);
      if (r.code === 0) {
        const p = JSON.parse(r.stdout) as ChangelogPlan;
        for (const e of [...Object.values(p.single_node).flat(), ...Object.values(p.multi_node).flat()]) expect(validEntry(e)).toBe(true);
      } else expect(r.stderr).toMatch(/^infx changelog: /);
    }
    expect(codes.size).toBe(2);
  });
});
