import { describe, expect, it } from "vitest";
import { formatHelp, parseArgs, type CommandSpec } from "../src/cli/args.js";
import { UsageError } from "../src/cli/io.js";
import { infx } from "./support/cli.js";

const spec: CommandSpec = {
  name: "demo",
  summary: "demo command",
  options: [
    { name: "config-files", kind: "string", multiple: true, help: "files" },
    { name: "min-conc", kind: "int", help: "min" },
    { name: "seq-lens", kind: "string", multiple: true, choices: ["1k1k", "1k8k", "8k1k"], help: "seq" },
    { name: "single-node", kind: "flag", help: "single" },
    { name: "multi-node", kind: "flag", help: "multi" },
    { name: "step-size", kind: "int", default: 2, help: "step" },
  ],
  exclusive: [{ names: ["single-node", "multi-node"], required: true }],
};

describe("parseArgs (argparse-compatible)", () => {
  it("takes nargs='+' values up to the next option, and negative numbers as values", () => {
    const a = parseArgs(spec, ["--config-files", "a.yaml", "b.yaml", "--min-conc", "-1", "--single-node"]);
    expect(a["config-files"]).toEqual(["a.yaml", "b.yaml"]);
    expect(a["min-conc"]).toBe(-1);
    expect(a["single-node"]).toBe(true);
    expect(a["multi-node"]).toBe(false);
    expect(a["step-size"]).toBe(2);
  });
  it("accepts --opt=value", () => {
    expect(parseArgs(spec, ["--min-conc=4", "--multi-node"])["min-conc"]).toBe(4);
  });
  it("rejects bad choices, naming the allowed ones", () => {
    expect(() => parseArgs(spec, ["--seq-lens", "2k2k", "--single-node"])).toThrow(/'1k1k', '1k8k', '8k1k'/);
  });
  it("enforces exactly one of an exclusive required group", () => {
    expect(() => parseArgs(spec, [])).toThrow(UsageError);
    expect(() => parseArgs(spec, ["--single-node", "--multi-node"])).toThrow(/cannot be used together/);
  });
  it("suggests the closest option for a typo", () => {
    expect(() => parseArgs(spec, ["--min-con", "3", "--single-node"])).toThrow(/did you mean --min-conc/);
  });
  it("rejects a non-integer for an int option", () => {
    expect(() => parseArgs(spec, ["--min-conc", "x", "--single-node"])).toThrow(/whole number/);
  });
  it("formats help with every option", () => {
    const h = formatHelp(spec);
    for (const o of spec.options) expect(h).toContain(`--${o.name}`);
    expect(h).toContain("Exactly one of: --single-node, --multi-node");
  });
});

describe("infx dispatcher", () => {
  it("suggests a command for a typo and exits 2", async () => {
    const r = await infx(["ful-sweep"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("did you mean full-sweep");
  });
  it("prints top-level help", async () => {
    const r = await infx(["--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("full-sweep");
  });
});
