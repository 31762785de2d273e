// Bad input, property-based, over a configs directory: 10,000 mutations of
// its master configs and runner map (delete keys, change types, insert unknown
// or misspelled fields, break the YAML text, break the runner map). Every
// mutation must give either a valid matrix or a UserError whose every line
// names file:line:col, never another exception. Runs in-process against the
// pure functions, so it stays fast. test/fuzz-config.test.ts runs it on the
// project's configs; test/parity/fuzz-config-reference.test.ts on the reference's.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { dump, load } from "js-yaml";
import { describe, expect, it } from "vitest";
import { planningInputsFromTexts, type PlanningInputs, type SourceText } from "../../src/config/load.js";
import { UserError } from "../../src/errors.js";
import { formatMatrix } from "../../src/plan/format.js";
import { fullSweep, runnerModelSweep, testConfig } from "../../src/plan/matrix.js";

const FILE = "configs/fuzz-master.yaml";
const RUNNER_FILE = "configs/runners.yaml";

/** The original text of every top-level config block (comments and flow style kept). */
function blocks(text: string): string[] {
  const lines = text.split("\n");
  const starts = lines.flatMap((l, i) => (/^[^\s#-][^:]*:\s*$/.test(l) ? [i] : []));
  return starts.map((s, k) => lines.slice(s, starts[k + 1] ?? lines.length).join("\n") + "\n");
}
type Json = unknown;
type Path = (string | number)[];

/** Every path in a JSON tree (root excluded). */
function paths(v: Json, prefix: Path = []): Path[] {
  if (Array.isArray(v)) return v.flatMap((x, i) => [[...prefix, i], ...paths(x, [...prefix, i])]);
  if (v && typeof v === "object") return Object.entries(v).flatMap(([k, x]) => [[...prefix, k], ...paths(x, [...prefix, k])]);
  return [];
}

function parentOf(root: Json, path: Path): { parent: Record<string | number, Json>; last: string | number } {
  let cur = root as Record<string | number, Json>;
  for (const seg of path.slice(0, -1)) cur = cur[seg] as Record<string | number, Json>;
  return { parent: cur, last: path[path.length - 1]! };
}

const REPLACEMENTS: Json[] = ["8", "", "  ", -4, 0, 2.5, 1e12, true, null, [], {}, [1, "x"], { tp: 1 }, "mtp", "conc-list", "*"];
const FIELDS = [
  "tp",
  "ep",
  "conc-start",
  "conc-end",
  "conc-list",
  "dp-attn",
  "spec-decoding",
  "prefill",
  "decode",
  "num-worker",
  "isl",
  "osl",
  "search-space",
  "multinode",
  "runner",
  "disagg",
  "precison",
  "conc-star",
  "additional-settings",
  "scenarios",
];

type StructuralOp = { kind: "delete" | "retype" | "insert" | "rename"; at: number; pick: number; field: number };

function applyStructural(root: Json, op: StructuralOp): void {
  const all = paths(root);
  if (!all.length) return;
  const path = all[op.at % all.length]!;
  const { parent, last } = parentOf(root, path);
  switch (op.kind) {
    case "delete":
      if (Array.isArray(parent)) parent.splice(last as number, 1);
      else delete parent[last];
      break;
    case "retype":
      parent[last] = structuredClone(REPLACEMENTS[op.pick % REPLACEMENTS.length]);
      break;
    case "insert": {
      const target = parent[last];
      if (target && typeof target === "object" && !Array.isArray(target))
        (target as Record<string, Json>)[FIELDS[op.field % FIELDS.length]!] = structuredClone(REPLACEMENTS[op.pick % REPLACEMENTS.length]);
      else if (Array.isArray(target)) target.push(structuredClone(REPLACEMENTS[op.pick % REPLACEMENTS.length]));
      else parent[last] = { [FIELDS[op.field % FIELDS.length]!]: target };
      break;
    }
    case "rename":
      if (!Array.isArray(parent)) {
        const value = parent[last];
        delete parent[last];
        parent[FIELDS[op.field % FIELDS.length]!] = value;
      }
      break;
  }
}

const TOKENS = [
  ":",
  "- ",
  "  ",
  "\t",
  "[",
  "]",
  "{",
  "}",
  "#",
  "'",
  '"',
  "&a ",
  "*a",
  "<<: ",
  "\n",
  "---\n",
  "? ",
  "|",
  ">",
  "!!str ",
  "%",
  "@",
  ",",
  "null",
  "~",
  "0x1F",
  ".inf",
];
type TextOp = { kind: "delete" | "insert" | "dupline" | "indent"; at: number; len: number; token: number };

function applyText(text: string, op: TextOp): string {
  const at = op.at % (text.length + 1);
  switch (op.kind) {
    case "delete":
      return text.slice(0, at) + text.slice(at + (op.len % 12) + 1);
    case "insert":
      return text.slice(0, at) + TOKENS[op.token % TOKENS.length] + text.slice(at);
    case "dupline": {
      const lines = text.split("\n");
      const i = op.at % lines.length;
      lines.splice(i, 0, lines[i]!);
      return lines.join("\n");
    }
    case "indent": {
      const lines = text.split("\n");
      const i = op.at % lines.length;
      lines[i] = op.len % 2 ? " " + lines[i] : lines[i]!.replace(/^ /, "");
      return lines.join("\n");
    }
  }
}

/**
 * A fuzz run ends when its last mutation is checked: 50-100 s for 4,000 on the
 * shared 2-core machine under load; the suite's 60 s default would fail it for
 * the load, not for a mutation.
 */
const FUZZ_TIMEOUT_MS = 600_000;

const LOCATED = /^[^:\n]+\.yaml:\d+:\d+: \S/;

/** The property: a usable plan, or a UserError that locates every problem. */
function planOrLocatedErrors(configs: SourceText[], runners: SourceText): "ok" | "error" {
  let inputs: PlanningInputs;
  try {
    inputs = planningInputsFromTexts(configs, runners);
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    expect(e.details.length).toBeGreaterThan(0);
    for (const d of e.details) {
      expect(d).toMatch(LOCATED);
      expect(d).not.toMatch(/undefined|\[object Object\]|NaN/);
    }
    return "error";
  }
  const keys = [...inputs.configs.keys()];
  const single = fullSweep(inputs, { nodeType: "single", runEvals: true });
  const multi = fullSweep(inputs, { nodeType: "multi", maxConc: 64 });
  const tc = testConfig(inputs, { configKeys: keys });
  for (const e of [...single, ...multi, ...tc]) {
    expect(typeof e.image).toBe("string");
    expect(e["max-model-len"]).toBe(e.isl + e.osl + 200);
    for (const c of Array.isArray(e.conc) ? e.conc : [e.conc]) expect(Number.isInteger(c) && c > 0).toBe(true);
  }
  const types = Object.keys(inputs.runners);
  if (types.length) runnerModelSweep(inputs, { runnerType: types[0]!, nodeType: "single" });
  formatMatrix([...single, ...multi], "table");
  return "ok";
}

export interface FuzzTarget {
  /** Names the configs in the suite title, e.g. "the project's configs". */
  label: string;
  /** Directory with nvidia-master.yaml, amd-master.yaml and runners.yaml. */
  dir: string;
  /** Config blocks (of at most 250 lines) the suite must find, and how many of them multi-node. */
  minEntries: number;
  minMultiNode: number;
  /** Fraction of the 10,000 runs to make (default 1). */
  scale?: number;
}

export function fuzzConfigSuite(t: FuzzTarget): void {
  const nvidiaText = readFileSync(join(t.dir, "nvidia-master.yaml"), "utf8");
  const amdText = readFileSync(join(t.dir, "amd-master.yaml"), "utf8");
  const runnersText = readFileSync(join(t.dir, "runners.yaml"), "utf8");
  const scale = t.scale ?? 1;
  const runs = (n: number) => Math.round(n * scale);
  /** Blocks up to 250 lines (all single-node configs and several multi-node ones), to keep 10,000 runs quick. */
  const BLOCKS = [...blocks(nvidiaText), ...blocks(amdText)].filter((b) => b.split("\n").length <= 250);
  const ENTRIES = BLOCKS.map((b) => load(b) as Record<string, unknown>);
  const pickEntries = fc.uniqueArray(fc.nat({ max: ENTRIES.length - 1 }), { minLength: 1, maxLength: 2 });
  const pickEntry = fc.nat({ max: ENTRIES.length - 1 }).map((i) => [i]);
  const structuralOp = fc.record({
    kind: fc.constantFrom("delete", "retype", "insert", "rename") as fc.Arbitrary<StructuralOp["kind"]>,
    at: fc.nat(),
    pick: fc.nat(),
    field: fc.nat(),
  });
  const textOp = fc.record({
    kind: fc.constantFrom("delete", "insert", "dupline", "indent") as fc.Arbitrary<TextOp["kind"]>,
    at: fc.nat(),
    len: fc.nat(),
    token: fc.nat(),
  });

  describe(`fuzzed configs never crash the planner: ${t.label}`, () => {
    const outcomes = { ok: 0, error: 0 };

    it(
      "4,000 structural mutations (delete keys, change types, unknown/misspelled fields)",
      () => {
        fc.assert(
          fc.property(pickEntries, fc.array(structuralOp, { minLength: 1, maxLength: 3 }), (idx, ops) => {
            const doc: Record<string, Json> = Object.assign({}, ...idx.map((i) => structuredClone(ENTRIES[i])));
            for (const op of ops) applyStructural(doc, op);
            const text = dump(doc, { lineWidth: -1 });
            outcomes[planOrLocatedErrors([{ file: FILE, text }], { file: RUNNER_FILE, text: runnersText })]++;
          }),
          { numRuns: runs(4000), seed: 20260205 },
        );
      },
      FUZZ_TIMEOUT_MS,
    );

    it(
      "4,000 text mutations (broken YAML: stray tokens, deleted spans, duplicated lines, indentation)",
      () => {
        fc.assert(
          fc.property(pickEntry, fc.array(textOp, { minLength: 1, maxLength: 3 }), (idx, ops) => {
            let text = idx.map((i) => BLOCKS[i]).join("\n");
            for (const op of ops) text = applyText(text, op);
            outcomes[planOrLocatedErrors([{ file: FILE, text }], { file: RUNNER_FILE, text: runnersText })]++;
          }),
          { numRuns: runs(4000), seed: 20260206 },
        );
      },
      FUZZ_TIMEOUT_MS,
    );

    it(
      "2,000 mutations of the runner map and of keys across two files",
      () => {
        const runnerDoc = load(runnersText) as Record<string, Json>;
        fc.assert(
          fc.property(
            pickEntry,
            fc.oneof(
              structuralOp.map((s) => ({ s })),
              textOp.map((t) => ({ t })),
            ),
            fc.boolean(),
            (idx, op, secondFile) => {
              let runners: string;
              if ("s" in op) {
                const doc = structuredClone(runnerDoc);
                applyStructural(doc, op.s);
                runners = dump(doc);
              } else runners = applyText(runnersText, op.t);
              const configs: SourceText[] = [{ file: FILE, text: idx.map((i) => BLOCKS[i]).join("\n") }];
              if (secondFile) configs.push({ file: "configs/second-master.yaml", text: BLOCKS[idx[0]!]! });
              outcomes[planOrLocatedErrors(configs, { file: RUNNER_FILE, text: runners })]++;
            },
          ),
          { numRuns: runs(2000), seed: 20260207 },
        );
      },
      FUZZ_TIMEOUT_MS,
    );

    it("covers single-node and multi-node configs", () => {
      expect(ENTRIES.filter((e) => Object.values(e)[0] && (Object.values(e)[0] as { multinode?: boolean }).multinode).length).toBeGreaterThanOrEqual(
        t.minMultiNode,
      );
      expect(ENTRIES.length).toBeGreaterThanOrEqual(t.minEntries);
    });

    it("exercised both outcomes, and both YAML readers", () => {
      expect(outcomes.ok + outcomes.error).toBe(runs(4000) * 2 + runs(2000));
      expect(outcomes.ok).toBeGreaterThan(runs(100));
      expect(outcomes.error).toBeGreaterThan(runs(1000));
    });
  });
}
