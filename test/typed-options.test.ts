// Each command's options are typed from its spec (OptionsOf) and made from the
// parsed arguments in one place (optionsOf); commands never cast parsed arguments.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, expectTypeOf, it } from "vitest";
import { camelCase, defineOptions, defineSpec, optionsOf, parseArgs, type OptionsOf } from "../src/cli/args.js";
import { COMMANDS } from "../src/cli/registry.js";
import { ROOT } from "./support/cli.js";
import { tsFilesUnder } from "./support/imports.js";

const SHARED = defineOptions([{ name: "config-files", kind: "string", multiple: true, default: ["a.yaml"], help: "files" }]);
const spec = defineSpec({
  name: "demo",
  summary: "demo",
  positionals: [{ name: "dir", help: "a folder", required: true }],
  options: [
    ...SHARED,
    { name: "max-conc", kind: "int", help: "n" },
    { name: "format", kind: "string", choices: ["json", "table"], default: "json", help: "f" },
    { name: "seq-lens", kind: "string", multiple: true, choices: ["1k1k", "8k1k"], help: "s" },
    { name: "dry-run", kind: "flag", help: "d" },
    { name: "kind", kind: "string", required: true, help: "k" },
    { name: "tp", kind: "string", group: "env", help: "TP" },
    { name: "ep-size", kind: "string", group: "env", help: "EP_SIZE" },
  ],
});

describe("typed options", () => {
  it("infers one camelCase key per option and positional, optional unless a flag, required or defaulted", () => {
    type O = OptionsOf<typeof spec>;
    expectTypeOf<O["configFiles"]>().toEqualTypeOf<string[]>();
    expectTypeOf<O["maxConc"]>().toEqualTypeOf<number | undefined>();
    expectTypeOf<O["format"]>().toEqualTypeOf<"json" | "table">();
    expectTypeOf<O["seqLens"]>().toEqualTypeOf<("1k1k" | "8k1k")[] | undefined>();
    expectTypeOf<O["dryRun"]>().toEqualTypeOf<boolean>();
    expectTypeOf<O["kind"]>().toEqualTypeOf<string>();
    expectTypeOf<O["dir"]>().toEqualTypeOf<string>();
    expectTypeOf<O["env"]>().toEqualTypeOf<Partial<Record<string, string>>>();
  });

  it("optionsOf turns parsed arguments into those keys, with defaults, flags and groups", () => {
    const o = optionsOf(spec, parseArgs(spec, ["out", "--kind", "k", "--max-conc", "8", "--seq-lens", "1k1k", "8k1k", "--tp", "4"]));
    expect(o).toEqual({
      dir: "out",
      configFiles: ["a.yaml"],
      maxConc: 8,
      format: "json",
      seqLens: ["1k1k", "8k1k"],
      dryRun: false,
      kind: "k",
      env: { tp: "4" },
    });
    expect(camelCase("prompts-per-conc")).toBe("promptsPerConc");
  });

  it("every command's options and positionals have distinct camelCase keys", async () => {
    for (const c of COMMANDS) {
      const { spec: s } = await c.load();
      const keys = [...s.options.filter((o) => !o.group).map((o) => camelCase(o.name)), ...(s.positionals ?? []).map((p) => camelCase(p.name))];
      expect(new Set(keys).size, c.name).toBe(keys.length);
    }
  });

  it("no command reads or casts parsed arguments itself", () => {
    const files = tsFilesUnder(join(ROOT, "src/commands"));
    expect(files.length).toBeGreaterThan(10);
    const bad: string[] = [];
    for (const f of files) {
      readFileSync(f, "utf8")
        .split("\n")
        .forEach((line, i) => {
          if (/\bParsedArgs\b|\bargs\[|\bargs\.\w+\s+as\b/.test(line)) bad.push(`${f.slice(ROOT.length + 1)}:${i + 1}: ${line.trim()}`);
        });
    }
    expect(bad).toEqual([]);
  });
});
