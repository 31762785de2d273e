// The changelog reader, the semantic diff, key resolution, git reading and
// `infx changelog` end to end (real git repositories in temp dirs).
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ajv } from "ajv";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UserError } from "../src/cli/io.js";
import { canonicalValue, diffChangelogs, sameValue } from "../src/changelog/diff.js";
import { readFileAtRefs } from "../src/changelog/git.js";
import { loadKeyMatcher, resolveConfigKeys, simpleGlobRegExp } from "../src/changelog/keys.js";
import { parseChangelog, readChangelogDocument, validateChangelogEntry } from "../src/changelog/parse.js";
import { planChangelogEntries, changelogWork } from "../src/changelog/plan.js";
import type { MatrixEntry, SingleNodeEntry } from "../src/plan/types.js";
import { CONFIG_ARGS, infx, ROOT } from "./support/cli.js";
import { commitChains, tempRepo } from "./support/git-fixture.js";

// A 12-entry changelog history written for these tests (test/fixtures/changelog/README.md), planned against the project's configs.
const REAL = readFileSync(join(ROOT, "test/fixtures/changelog/history.yaml"), "utf8");
const entryText = (keys: string[], extra = "", link = "https://github.com/example/repo/pull/9") =>
  `\n- config-keys:\n${keys.map((k) => `    - ${k}\n`).join("")}  description:\n    - "Test change"\n  pr-link: ${link}\n${extra}`;

function userError(fn: () => unknown): UserError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return e as UserError;
  }
  throw new Error("expected a UserError");
}
const fullText = (e: UserError) => [e.message, ...e.details].join("\n");

describe("reading perf-changelog.yaml", () => {
  it("reads a changelog history: 12 valid entries with their source lines", () => {
    const entries = parseChangelog(REAL, "perf-changelog.yaml");
    expect(entries).toHaveLength(12);
    expect(entries[0]).toEqual({
      "config-keys": ["llama70b-fp8-*-vllm"],
      description: [
        `Add compilation-config '{"custom_ops": ["-rms_norm"]}' to the Llama 70B FP8 launch scripts`,
        "Llama 70B has since been retired from the configs",
      ],
      "pr-link": "https://github.com/inferencex-ci/inferencex-ci/pull/11",
      "evals-only": false,
    });
    const doc = readChangelogDocument(REAL, "perf-changelog.yaml");
    expect(doc.items.slice(0, 3).map((i) => i.line)).toEqual([1, 8, 17]);
    expect(doc.items[1]!.fields.get("pr-link")).toEqual({ line: 15, column: 3 });
  });

  it("an empty file or one with only comments is an empty changelog", () => {
    expect(parseChangelog("", "c.yaml")).toEqual([]);
    expect(parseChangelog("# nothing yet\n\n", "c.yaml")).toEqual([]);
  });

  it("names file, line, entry, pr-link and field for every problem, all at once", () => {
    const text = `- config-keys: [a]\n  descripton: [x]\n  pr-link: https://x/pull/1\n  evals-only: "yes"\n- just text\n- config-keys: a\n  description: |\n    hi\n  pr-link: https://x/pull/3\n- config-keys: []\n  description: ["", 3]\n  pr-link: 5\n`;
    const e = userError(() => parseChangelog(text, "c.yaml"));
    const msg = fullText(e);
    expect(msg).toContain("c.yaml:2:3: entry 1 (pr-link https://x/pull/1): unknown field 'descripton' (did you mean 'description'?)");
    expect(msg).toContain("c.yaml:1:3: entry 1 (pr-link https://x/pull/1): missing required field 'description'");
    expect(msg).toContain("c.yaml:4:3: entry 1 (pr-link https://x/pull/1): evals-only: expected true or false");
    expect(msg).toContain("c.yaml:5:3: entry 2: expected a mapping");
    expect(msg).toContain("c.yaml:6:3: entry 3 (pr-link https://x/pull/3): config-keys: expected a list of config keys");
    expect(msg).toContain("c.yaml:7:3: entry 3 (pr-link https://x/pull/3): description: expected a list of lines");
    expect(msg).toContain("c.yaml:10:3: entry 4: config-keys: must list at least one config key");
    expect(msg).toContain("c.yaml:11:3: entry 4: description[0]: expected a non-empty string");
    expect(msg).toContain("c.yaml:11:3: entry 4: description[1]: expected a non-empty string, found number 3");
    expect(msg).toContain("c.yaml:12:3: entry 4: pr-link: expected the pull request URL as text");
    expect(e.details).toHaveLength(10);
  });

  it("malformed YAML is an error with line and column; an unquoted leading '*' gets a hint", () => {
    expect(userError(() => readChangelogDocument("- config-keys:\n    - [unclosed\n", "c.yaml")).message).toMatch(/^c\.yaml:3:1: not valid YAML/);
    const alias = userError(() => readChangelogDocument("- config-keys:\n    - *-trt\n", "c.yaml"));
    expect(alias.message).toMatch(/^c\.yaml:2:\d+: not valid YAML: unidentified alias/);
    expect(alias.message).toContain(`must be quoted, e.g. - "*-trt"`);
    expect(userError(() => readChangelogDocument("a: 1\n", "c.yaml")).message).toContain("c.yaml:1:1: expected a list of entries");
    expect(userError(() => readChangelogDocument("- a\n---\n- b\n", "c.yaml")).message).toContain("expected one YAML document, found 2");
    expect(userError(() => readChangelogDocument("- {a: 1, a: 2}\n", "c.yaml")).message).toMatch(/c\.yaml:1:\d+: not valid YAML: duplicated mapping key/);
  });

  it("the JSON Schema and the reader agree on what a valid entry is", () => {
    const schema = JSON.parse(readFileSync(join(ROOT, "schemas/changelog-entry.schema.json"), "utf8"));
    const ajv = new Ajv({ allErrors: true });
    const validateFile = ajv.compile(schema);
    expect(validateFile(parseChangelog(REAL, "p.yaml"))).toBe(true);
    const value = fc.oneof(
      fc.string(),
      fc.constant(""),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.array(fc.oneof(fc.string(), fc.integer(), fc.constant(" ")), { maxLength: 3 }),
    );
    const entry = fc.record(
      {
        "config-keys": fc.oneof(value, fc.array(fc.constantFrom("gptoss*", "dsr1-fp8-b200-sglang", ""), { maxLength: 3 })),
        description: fc.oneof(value, fc.array(fc.constantFrom("x", "a line"), { maxLength: 2 })),
        "pr-link": fc.oneof(value, fc.constant("https://github.com/o/r/pull/1")),
        "evals-only": fc.oneof(fc.boolean(), value),
        evals_only: fc.boolean(),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(entry, (e) => {
        const ours = validateChangelogEntry({ number: 1, line: 1, column: 1, value: e, fields: new Map() }, "c.yaml");
        expect(validateFile([e]), JSON.stringify(e)).toBe(ours.errors.length === 0);
      }),
      { numRuns: 2000, seed: 3 },
    );
  });
});

describe("the semantic diff", () => {
  const doc = (t: string) => readChangelogDocument(t, "perf-changelog.yaml");
  const diff = (a: string, b: string) => diffChangelogs(doc(a), doc(b), "BASE", "HEAD");

  it("the fast equality and the canonical text agree", () => {
    const v = fc.jsonValue({ maxDepth: 3 });
    fc.assert(
      fc.property(v, v, (a, b) => {
        expect(sameValue(a, b)).toBe(canonicalValue(a) === canonicalValue(b));
        expect(sameValue(a, JSON.parse(JSON.stringify(a)))).toBe(true);
      }),
      { numRuns: 2000, seed: 8 },
    );
    expect(sameValue({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 })).toBe(true);
    expect(sameValue({ a: [1, 2] }, { a: [2, 1] })).toBe(false);
  });

  it("appended entries are the new work", () => {
    const d = diff(REAL, REAL + entryText(["gptoss-fp4-h200-vllm"]) + entryText(["dsr1*"]));
    expect(d.problems).toEqual([]);
    expect(d.added.map((i) => i.number)).toEqual([13, 14]);
  });

  it("blank lines, comments, quoting and the final newline are not changes", () => {
    const reformatted = REAL.replace(/\n\n/g, "\n\n\n# a comment\n")
      .replace(/pr-link: (\S+)/g, 'pr-link: "$1"')
      .trimEnd();
    expect(reformatted).not.toBe(REAL);
    expect(diff(REAL, reformatted)).toEqual({ added: [], problems: [] });
  });

  it("an edited entry is named with its pr-link and the fields that changed", () => {
    const edited = REAL.replace("    - gptoss-fp4-*-trt\n", "    - gptoss-fp4-*-trt\n    - dsr1*\n").replace("Drop MOE_BACKEND=CUTLASS", "Drop MOE_BACKEND");
    const d = diff(REAL, edited + entryText(["dsr1*"]));
    expect(d.problems).toHaveLength(1);
    expect(d.problems[0]).toMatch(
      /^entry 2 \(pr-link https:\/\/github\.com\/inferencex-ci\/inferencex-ci\/pull\/12\) \(perf-changelog\.yaml:8 at BASE\) was edited/,
    );
    expect(d.problems[0]).toContain(`'config-keys' changed (added "dsr1*")`);
    expect(d.problems[0]).toContain("'description' changed (removed");
  });

  it("a removed entry and a moved entry are errors naming them", () => {
    const entries = REAL.split(/\n(?=- config-keys:)/);
    const removed = [...entries.slice(0, 3), ...entries.slice(4)].join("\n");
    const d1 = diff(REAL, removed);
    expect(d1.problems).toEqual([expect.stringMatching(/^entry 4 \(pr-link .*\/pull\/14\) \(perf-changelog\.yaml:\d+ at BASE\) was removed/)]);
    const swapped = [...entries.slice(0, 3), entries[4], entries[3], ...entries.slice(5)].join("\n");
    const d2 = diff(REAL, swapped);
    expect(d2.problems).toHaveLength(1);
    expect(d2.problems[0]).toMatch(/was moved: it is entry [45] .* but entry [45]/);
  });

  it("an entry inserted between old ones (e.g. after a rebase) is new work, nothing else changed", () => {
    const entries = REAL.split(/\n(?=- config-keys:)/);
    const inserted = [...entries.slice(0, 10), entryText(["gptoss*"]).trimStart(), ...entries.slice(10)].join("\n");
    const d = diff(REAL, inserted);
    expect(d.problems).toEqual([]);
    expect(d.added.map((i) => i.number)).toEqual([11]);
  });

  it("changelogWork: identical files are 'nothing to run'; whitespace-only is an empty plan", () => {
    const same = userError(() => changelogWork({ file: "p.yaml", baseRef: "A", headRef: "B", baseText: REAL, headText: REAL }));
    expect(same.message).toContain("nothing to run: p.yaml is the same at A and B");
    const ws = changelogWork({ file: "p.yaml", baseRef: "A", headRef: "B", baseText: REAL, headText: REAL + "\n\n" });
    expect(ws.status).toBe("no-new-entries");
    const fresh = changelogWork({ file: "p.yaml", baseRef: "A", headRef: "B", baseText: undefined, headText: entryText(["x"]) });
    expect(fresh.status).toBe("new-entries");
  });
});

describe("config key resolution", () => {
  const keys = ["dsr1-fp8-b200-sglang", "dsr1-fp8-h200-sglang", "dsr1-fp4-b200-trt", "gptoss-fp4-b200-trt", "gptoss-fp4-h100-vllm"];
  it("matches wildcards over whole keys, in config order", async () => {
    const r = await resolveConfigKeys(["gptoss*", "dsr1-fp8-*-sglang", "*-trt", "gptoss-fp4-h100-vllm", "*sglang*"], keys);
    expect(r.unmatched).toEqual([]);
    expect(r.resolved.get("gptoss*")).toEqual(["gptoss-fp4-b200-trt", "gptoss-fp4-h100-vllm"]);
    expect(r.resolved.get("dsr1-fp8-*-sglang")).toEqual(["dsr1-fp8-b200-sglang", "dsr1-fp8-h200-sglang"]);
    expect(r.resolved.get("*-trt")).toEqual(["dsr1-fp4-b200-trt", "gptoss-fp4-b200-trt"]);
    expect(r.resolved.get("gptoss-fp4-h100-vllm")).toEqual(["gptoss-fp4-h100-vllm"]);
    expect((await resolveConfigKeys(["dsr1"], keys)).unmatched).toHaveLength(1); // no implicit prefix match
  });
  it("the fast path for '*'/'?' patterns agrees with minimatch", async () => {
    const match = await loadKeyMatcher();
    const chars = fc.constantFrom(..."ab-.*?^$|".split(""));
    fc.assert(
      fc.property(
        fc.string({ unit: chars, minLength: 1, maxLength: 8 }),
        fc.string({ unit: fc.constantFrom(..."ab-.^$|".split("")), minLength: 1, maxLength: 8 }),
        (pattern, key) => {
          const re = simpleGlobRegExp(pattern)!;
          expect(re, pattern).toBeDefined();
          expect(re.test(key), `${pattern} vs ${key}`).toBe(match(key, pattern));
        },
      ),
      { numRuns: 3000, seed: 4 },
    );
    expect(simpleGlobRegExp("dsr1-{fp4,fp8}-*")).toBeUndefined();
    const braces = await resolveConfigKeys(["dsr1-{fp4,fp8}-b200-*"], keys);
    expect(braces.resolved.get("dsr1-{fp4,fp8}-b200-*")).toEqual(["dsr1-fp8-b200-sglang", "dsr1-fp4-b200-trt"]);
  });

  it("a key or pattern that matches nothing is named, with the closest keys", async () => {
    const r = await resolveConfigKeys(["dsr1-fp8-h999-sglang", "llama*", "gptos*-b300"], keys);
    expect(r.unmatched.map((u) => u.message)).toEqual([
      "config key 'dsr1-fp8-h999-sglang' is not defined in the master configs (did you mean dsr1-fp8-h200-sglang, dsr1-fp8-b200-sglang?)",
      "the pattern 'llama*' matches no config key",
      expect.stringMatching(/^the pattern 'gptos\*-b300' matches no config key \(closest keys: gptoss-/),
    ]);
  });
});

describe("one run per config key", () => {
  it("a key named again later is skipped; the first entry decides evals-only", () => {
    const calls: { keys: string[]; evalsOnly: boolean }[] = [];
    const fake = (keys: string[], mode: { evalsOnly: boolean }): MatrixEntry[] => {
      calls.push({ keys, evalsOnly: mode.evalsOnly });
      return keys.map((k) => ({ model: k }) as unknown as SingleNodeEntry);
    };
    const e = (evalsOnly: boolean) => ({
      entry: { "config-keys": [], description: ["x"], "pr-link": "l", "evals-only": evalsOnly },
      item: { number: 1, line: 1, column: 1, value: {}, fields: new Map() },
    });
    const r = planChangelogEntries([e(true), e(false), e(false)], [["a", "b"], ["b", "c", "c"], ["a"]], fake);
    expect(calls).toEqual([
      { keys: ["a", "b"], evalsOnly: true },
      { keys: ["c"], evalsOnly: false },
    ]);
    expect(r.matrix.map((m) => m.model)).toEqual(["a", "b", "c"]);
    expect(r.work.map((w) => w.skipped)).toEqual([[], ["b"], ["a"]]);
  });
});

describe("git", () => {
  let repo: { dir: string; cleanup: () => void };
  let chain: string[];
  beforeAll(() => {
    repo = tempRepo();
    [chain] = commitChains(repo.dir, "perf-changelog.yaml", [[undefined, REAL, REAL + entryText(["gptoss-fp4-h200-vllm"])]]) as [string[]];
  });
  afterAll(() => repo.cleanup());

  it("reads the file at several refs in one go; absent file is undefined", async () => {
    const r = await readFileAtRefs(join(repo.dir, "perf-changelog.yaml"), [chain[0]!, chain[1]!, `${chain[2]}`]);
    expect(r.map((x) => x.text === undefined)).toEqual([true, false, false]);
    expect(r[1]!.text).toBe(REAL);
    expect(r[2]!.commit).toBe(chain[2]);
  });

  it("names a ref that does not exist, a ref with spaces, and a directory that is not a repository", async () => {
    await expect(readFileAtRefs(join(repo.dir, "perf-changelog.yaml"), ["no-such-branch"])).rejects.toThrow(/git ref 'no-such-branch' does not name a commit/);
    await expect(readFileAtRefs(join(repo.dir, "perf-changelog.yaml"), ["a b"])).rejects.toThrow(/invalid git ref "a b"/);
    const plain = mkdtempSync(join(tmpdir(), "infx-nogit-"));
    try {
      await expect(readFileAtRefs(join(plain, "perf-changelog.yaml"), ["HEAD"])).rejects.toThrow(/not a git repository/);
    } finally {
      rmSync(plain, { recursive: true, force: true });
    }
  });

  it("infx changelog plans the appended entry; a file new at head makes every entry new", async () => {
    const r = await infx(["changelog", "--base-ref", chain[1]!, "--head-ref", chain[2]!, ...CONFIG_ARGS], { cwd: repo.dir });
    expect(r.code, r.stderr).toBe(0);
    const plan = JSON.parse(r.stdout);
    expect(Object.keys(plan.single_node)).toEqual(["1k1k", "1k8k", "8k1k"]);
    expect(plan.single_node["1k1k"].every((e: SingleNodeEntry) => e.model === "openai/gpt-oss-120b" && e.runner === "h200")).toBe(true);
    expect(plan.changelog_metadata.entries).toHaveLength(1);
    const fresh = await infx(["changelog", "--base-ref", chain[0]!, "--head-ref", chain[1]!, ...CONFIG_ARGS], { cwd: repo.dir });
    // Every entry of the history is new here; the configs no longer have its first entry's keys (llama70b*), so that is an error naming them.
    expect(fresh.code).toBe(1);
    expect(fresh.stderr).toContain("does not exist at");
    expect(fresh.stderr).toContain(
      "entry 1 (pr-link https://github.com/inferencex-ci/inferencex-ci/pull/11): the pattern 'llama70b-fp8-*-vllm' matches no config key",
    );
  });

  it("a missing --base-ref is a usage error that says what is needed", async () => {
    const r = await infx(["changelog"], { cwd: repo.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--base-ref is required");
  });
});

describe("infx changelog formats and policies", () => {
  let repo: { dir: string; cleanup: () => void };
  let base: string;
  let head: string;
  let same: string;
  beforeAll(() => {
    repo = tempRepo();
    const head1 = REAL + entryText(["gptoss-fp4-h200-vllm", "dsr1-fp4-gb200-dynamo-trt"]) + entryText(["gptoss*"], "  evals-only: true\n");
    [[base, head, same]] = commitChains(repo.dir, "perf-changelog.yaml", [[REAL, head1, head1 + "\n\n# trailing comment\n"]]) as [[string, string, string]];
  });
  afterAll(() => repo.cleanup());
  const run = (...extra: string[]) => infx(["changelog", "--base-ref", base, "--head-ref", head, ...CONFIG_ARGS, ...extra], { cwd: repo.dir });

  it("the second entry's wildcard only adds keys the first did not claim, as evals only", async () => {
    const r = await run();
    expect(r.code, r.stderr).toBe(0);
    const plan = JSON.parse(r.stdout);
    const singles: SingleNodeEntry[] = Object.values(plan.single_node as Record<string, SingleNodeEntry[]>).flat();
    const first = singles.filter((e) => e.runner === "h200" && e.framework === "vllm");
    const firstAlone = JSON.parse((await infx(["test-config", "--config-keys", "gptoss-fp4-h200-vllm", ...CONFIG_ARGS])).stdout) as SingleNodeEntry[];
    expect(first.length).toBe(firstAlone.length); // full sweep of the first entry's key
    expect(first.length).toBeGreaterThan(20);
    const others = singles.filter((e) => !(e.runner === "h200" && e.framework === "vllm"));
    expect(others.length).toBeGreaterThan(0);
    expect(others.every((e) => e["run-eval"] && e.osl === 8192)).toBe(true); // evals only
    expect(Object.keys(plan.multi_node).length).toBeGreaterThan(0);
  });

  it("--trim-conc --canary --all-evals --evals-only combine as documented", async () => {
    const r = await run("--all-evals", "--evals-only", "--ids");
    const plan = JSON.parse(r.stdout);
    const singles: SingleNodeEntry[] = Object.values(plan.single_node as Record<string, SingleNodeEntry[]>).flat();
    expect(Object.keys(plan.single_node)).toEqual(["1k8k"]);
    expect(singles.every((e) => e["run-eval"] && typeof e.name === "string")).toBe(true);
    expect(plan.multi_node).toEqual({});
    const t = JSON.parse((await run("--trim-conc", "--canary")).stdout);
    const ts: SingleNodeEntry[] = Object.values(t.single_node as Record<string, SingleNodeEntry[]>).flat();
    expect(ts.filter((e) => e.canary)).toHaveLength(1);
    const full = JSON.parse((await run()).stdout);
    expect(ts.length).toBeLessThan(Object.values(full.single_node as Record<string, SingleNodeEntry[]>).flat().length);
  });

  it("whitespace-only change: exit 0, empty plan, 'no new entries' on stderr", async () => {
    const r = await infx(["changelog", "--base-ref", head, "--head-ref", same, ...CONFIG_ARGS], { cwd: repo.dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("no new entries");
    expect(JSON.parse(r.stdout)).toEqual({ single_node: {}, multi_node: {}, changelog_metadata: { base_ref: head, head_ref: same, entries: [] } });
  });

  it("--format table is for people; --format github writes the plan files with the changelog metadata", async () => {
    const t = await run("--format", "table");
    expect(t.code, t.stderr).toBe(0);
    expect(t.stdout).toContain("2 new changelog entries");
    const out = join(repo.dir, "out-plan");
    const g = await run("--format", "github", "--out-dir", "out-plan", "--canary");
    expect(g.code, g.stderr).toBe(0);
    const summary = JSON.parse(g.stdout);
    expect(summary["canary-shard"]).toBe("canary");
    expect(summary["multi-node-shards"]).toEqual(["multi-001"]);
    const plan = JSON.parse(readFileSync(join(out, "plan.json"), "utf8"));
    expect(plan.changelog_metadata.entries).toHaveLength(2);
    expect(readdirSync(join(out, "shards")).sort()).toEqual(["canary.json", "multi-001.json", "single-001.json"]);
    writeFileSync(join(out, "shards", "single-999.json"), "[]");
    expect((await run("--format", "github", "--out-dir", "out-plan")).code).toBe(0);
    expect(readdirSync(join(out, "shards")).sort()).toEqual(["multi-001.json", "single-001.json"]); // stale shards removed
  });
});
