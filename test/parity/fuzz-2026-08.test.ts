// Bad input, property-based, on the 2026-08 dialect: mutations of the real
// 2026-08 reference configs, runner map and changelog entries (delete keys,
// change types, insert unknown fields, break the YAML text). Every mutation
// gives either a usable plan or a UserError whose every line is positioned
// (file:line:col), or the dialect-mix refusal naming each file; never another
// exception. In-process against the pure functions, so it stays quick.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { dump, load } from "js-yaml";
import { describe, expect, it } from "vitest";
import { readChangelogDocument } from "../../src/changelog/parse.js";
import { validateScenarioChangelogEntry } from "../../src/changelog/scenario-entry.js";
import { planScenarioEntries, resolveScenarioKeys } from "../../src/changelog/scenario-plan.js";
import { planningInputsFromTexts, type PlanningInputs, type SourceText } from "../../src/config/load.js";
import { UserError } from "../../src/errors.js";
import { scenarioFullSweep, scenarioInputs, scenarioTestConfig } from "../../src/plan/scenario-matrix.js";
import { REF_CONFIGS_2026_08, REFERENCE_DIR } from "../support/reference.js";

const FILE = "configs/fuzz-master.yaml";
const RUNNER_FILE = "configs/runners.yaml";
const texts = ["nvidia-master.yaml", "amd-master.yaml"].map((f) => readFileSync(join(REF_CONFIGS_2026_08, f), "utf8"));
const runnersText = readFileSync(join(REF_CONFIGS_2026_08, "runners.yaml"), "utf8");
const changelogText = readFileSync(join(REFERENCE_DIR, "inferencex-2026-08/perf-changelog.yaml"), "utf8");

function blocks(text: string): string[] {
  const lines = text.split("\n");
  const starts = lines.flatMap((l, i) => (/^[^\s#-][^:]*:\s*$/.test(l) ? [i] : []));
  return starts.map((s, k) => lines.slice(s, starts[k + 1] ?? lines.length).join("\n") + "\n");
}
/** Config blocks up to 60 lines (fixed, agentic, single- and multi-node ones), to keep runs quick. */
const BLOCKS = texts.flatMap(blocks).filter((b) => b.split("\n").length <= 60);
const ENTRIES = BLOCKS.map((b) => load(b) as Record<string, unknown>);

type Json = unknown;
type Path = (string | number)[];
function paths(v: Json, prefix: Path = []): Path[] {
  if (Array.isArray(v)) return v.flatMap((x, i) => [[...prefix, i], ...paths(x, [...prefix, i])]);
  if (v && typeof v === "object") return Object.entries(v).flatMap(([k, x]) => [[...prefix, k], ...paths(x, [...prefix, k])]);
  return [];
}

const REPLACEMENTS: Json[] = ["8", "", -4, 0, 2.5, true, null, [], {}, [1, "x"], { name: "x" }, "dram", "none", "cluster:x", "*", 1.5];
const FIELDS = [
  "tp",
  "pp",
  "dcp-size",
  "pcp-size",
  "ep",
  "conc-list",
  "conc-start",
  "kv-offloading",
  "kv-offload-backend",
  "router",
  "kv-p2p-transfer",
  "prefill",
  "decode",
  "dram-utilization",
  "disagg",
  "multinode",
  "runner",
  "scenarios",
  "agentic-coding",
  "fixed-seq-len",
  "seq-len-configs",
  "num-worker",
  "hardware",
  "spec-decoding",
];
type Op = { kind: "delete" | "retype" | "insert" | "rename"; at: number; pick: number; field: number };

function mutate(root: Json, op: Op): void {
  const all = paths(root);
  if (!all.length) return;
  const path = all[op.at % all.length]!;
  let parent = root as Record<string | number, Json>;
  for (const seg of path.slice(0, -1)) parent = parent[seg] as Record<string | number, Json>;
  const last = path[path.length - 1]!;
  const value = structuredClone(REPLACEMENTS[op.pick % REPLACEMENTS.length]);
  const field = FIELDS[op.field % FIELDS.length]!;
  if (op.kind === "delete") {
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete parent[last];
  } else if (op.kind === "retype") parent[last] = value;
  else if (op.kind === "insert") {
    const t = parent[last];
    if (t && typeof t === "object" && !Array.isArray(t)) (t as Record<string, Json>)[field] = value;
    else if (Array.isArray(t)) t.push(value);
  } else if (!Array.isArray(parent)) {
    const v = parent[last];
    delete parent[last];
    parent[field] = v;
  }
}

const op = fc.record({
  kind: fc.constantFrom("delete", "retype", "insert", "rename") as fc.Arbitrary<Op["kind"]>,
  at: fc.nat(),
  pick: fc.nat(),
  field: fc.nat(),
});
const LOCATED = /^[^:\n]+\.yaml:\d+:\d+: \S/;
const MIX = /^\S+\.yaml:\d+:\d+: 2026-0[28] \(/;

function expectUserError(e: unknown, located = true): void {
  if (!(e instanceof UserError)) throw e;
  expect(e.message.length).toBeGreaterThan(0);
  expect(e.message).not.toMatch(/undefined|\[object Object\]|NaN/);
  if (located) for (const d of e.details) expect(d.trim() === "" || LOCATED.test(d) || MIX.test(d) || /^\s+\d+ \|/.test(d) || /^\s+-+\^/.test(d), d).toBe(true);
}

/** A usable plan or positioned errors: loading, then every generator path. */
function planOrErrors(configs: SourceText[], runners: SourceText): "ok" | "error" {
  let inputs: PlanningInputs;
  try {
    inputs = planningInputsFromTexts(configs, runners);
  } catch (e) {
    expectUserError(e);
    return "error";
  }
  if (inputs.dialect !== "2026-08") return "ok";
  const keys = [...scenarioInputs(inputs).configs.keys()];
  for (const run of [
    () => scenarioFullSweep(inputs, { singleNode: true, multiNode: true }),
    () => scenarioFullSweep(inputs, { singleNode: true, multiNode: true, allEvals: true, minConc: 0, maxConc: 8 }),
    () => (keys.length ? scenarioTestConfig(inputs, { configKeys: keys, evalsOnly: true, conc: [4, 16] }) : []),
  ]) {
    try {
      const rows = run();
      expect(JSON.parse(JSON.stringify(rows))).toEqual(rows);
    } catch (e) {
      expectUserError(e, false); // planning errors (DRAM budget of a config) name the config key
    }
  }
  return "ok";
}

const runners: SourceText = { file: RUNNER_FILE, text: runnersText };

describe("fuzzing the 2026-08 reference files", () => {
  it("has material to mutate", () => {
    expect(BLOCKS.length).toBeGreaterThan(20);
    expect(ENTRIES.some((e) => JSON.stringify(e).includes("agentic-coding"))).toBe(true);
  });

  it("structural mutations of configs: a plan or positioned errors", () => {
    const seen = { ok: 0, error: 0 };
    fc.assert(
      fc.property(fc.nat(), fc.array(op, { minLength: 1, maxLength: 3 }), (pick, ops) => {
        const root = structuredClone(ENTRIES[pick % ENTRIES.length]!);
        for (const o of ops) mutate(root, o);
        seen[planOrErrors([{ file: FILE, text: dump(root, { flowLevel: 4 }) }], runners)]++;
      }),
      { numRuns: 200 },
    );
    expect(seen.ok).toBeGreaterThan(0);
    expect(seen.error).toBeGreaterThan(0);
  });

  it("text mutations of configs and of the runner map", () => {
    const TOKENS = [":", "- ", "  ", "[", "{", "}", "#", '"', "&a ", "*a", "\n", "_", "0", "2_0", "? "];
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.nat(), fc.boolean(), (pick, at, tok, onRunners) => {
        const block = BLOCKS[pick % BLOCKS.length]!;
        const target = onRunners ? runnersText : block;
        const i = at % (target.length + 1);
        const text = target.slice(0, i) + TOKENS[tok % TOKENS.length] + target.slice(i);
        planOrErrors([{ file: FILE, text: onRunners ? block : text }], onRunners ? { file: RUNNER_FILE, text } : runners);
      }),
      { numRuns: 150 },
    );
  });

  it("mutated changelog entries: planned, or refused naming the entry", () => {
    const inputs = planningInputsFromTexts(
      texts.map((t, i) => ({ file: `c${i}.yaml`, text: t })),
      runners,
    );
    const keys = [...scenarioInputs(inputs).configs.keys()];
    const items = readChangelogDocument(changelogText, "perf-changelog.yaml").items.slice(-40);
    const values: Json[] = [true, "x", 0, 2, null, [], ["agentic-coding"], ["fixed-seq-len", "bogus"], ["dsr1*"], ["a?b"]];
    const entryFields = [
      "config-keys",
      "description",
      "pr-link",
      "evals-only",
      "all-evals",
      "append-only",
      "eval-min-prefill-ep",
      "scenario-type",
      "evals_only",
    ];
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.nat(), (pick, f, v) => {
        const item = structuredClone(items[pick % items.length]!);
        (item.value as Record<string, Json>)[entryFields[f % entryFields.length]!] = structuredClone(values[v % values.length]);
        const r = validateScenarioChangelogEntry(item, "perf-changelog.yaml");
        if (!r.entry) {
          for (const e of r.errors) expect(e).toMatch(/^perf-changelog\.yaml:\d+:\d+: entry \d+/);
          return;
        }
        try {
          const work = [{ entry: r.entry, item }];
          const k = resolveScenarioKeys(work, keys, "perf-changelog.yaml");
          planScenarioEntries(work, k, {}, (ks, o) => scenarioTestConfig(inputs, { configKeys: ks, ...o }));
        } catch (e) {
          expectUserError(e, false);
          expect((e as UserError).details.join("\n") + (e as UserError).message).toMatch(/entry \d+|config key|pattern/);
        }
      }),
      { numRuns: 300 },
    );
  });
});
