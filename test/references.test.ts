// A comment that names a rule names a function that exists, and a comment that
// points at a test file points at one that exists.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./support/cli.js";
import { tsFilesUnder } from "./support/imports.js";

/** Every file whose comments are checked: src/, scripts/, the action metadata and the test support code. */
function scannedFiles(): string[] {
  const under = (dir: string, ext: RegExp): string[] =>
    readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? under(join(dir, e.name), ext) : ext.test(e.name) ? [join(ROOT, dir, e.name)] : [],
    );
  const actionYmls = readdirSync(join(ROOT, "actions"))
    .map((d) => join(ROOT, "actions", d, "action.yml"))
    .filter((f) => existsSync(f));
  return [...under("src", /\.ts$/), ...under("scripts", /\.(m?js|ts)$/), join(ROOT, "action.yml"), ...actionYmls, ...under("test/support", /\.ts$/)];
}

/** Names a rule reference points at: "the rule `X`", "rule `X`", "`X` rule". */
function ruleReferences(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/\brules? `([A-Za-z_$][\w$]*)`|`([A-Za-z_$][\w$]*)` rule\b/g)) out.push((m[1] ?? m[2])!);
  return out;
}

/** Test files a comment points at: `test/<path>.test.ts`. */
function testFileReferences(text: string): string[] {
  return [...text.matchAll(/\btest\/[\w./-]+?\.test\.ts\b/g)].map((m) => m[0]);
}

function declaredNames(): Set<string> {
  const names = new Set<string>();
  for (const f of tsFilesUnder(join(ROOT, "src"))) {
    for (const m of readFileSync(f, "utf8").matchAll(/\b(?:function\*?|const|let|class|interface|type)\s+([A-Za-z_$][\w$]*)/g)) names.add(m[1]!);
  }
  return names;
}

describe("references in comments", () => {
  const files = scannedFiles();
  const declared = declaredNames();

  it("finds references of both kinds (or the checks below would pass vacuously)", () => {
    expect(ruleReferences("the rule `throughputPerGpu`; `applyPolicies` rule; rules `x`")).toEqual(["throughputPerGpu", "applyPolicies", "x"]);
    expect(testFileReferences("see test/config.test.ts and test/support/x.ts")).toEqual(["test/config.test.ts"]);
    const all = files.flatMap((f) => ruleReferences(readFileSync(f, "utf8")));
    expect(all.length).toBeGreaterThan(3);
  });

  it("every rule a comment names is a function or constant declared in src/", () => {
    const missing = files.flatMap((f) =>
      ruleReferences(readFileSync(f, "utf8"))
        .filter((name) => !declared.has(name))
        .map((name) => `${relative(ROOT, f)}: rule \`${name}\``),
    );
    expect(missing).toEqual([]);
  });

  it("every test file a comment points at exists", () => {
    const missing = files.flatMap((f) =>
      testFileReferences(readFileSync(f, "utf8"))
        .filter((p) => !existsSync(join(ROOT, p)))
        .map((p) => `${relative(ROOT, f)}: ${p}`),
    );
    expect(missing).toEqual([]);
  });
});
