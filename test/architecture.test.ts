// The shape the developers' guide asks for, checked on the source: the domain
// modules know nothing of the CLI.
import { describe, expect, it } from "vitest";
import { importGraph, type ImportEdge } from "./support/imports.js";
import { ROOT } from "./support/cli.js";

/** Layers that must stand alone: no import of src/cli or src/commands (src/errors.ts is theirs to use). */
const DOMAIN = ["config", "plan", "changelog", "results", "report", "compare", "bench", "github", "sim"];
const CLI_LAYERS = ["src/cli/", "src/commands/"];

const edges = importGraph(ROOT);
const show = (e: ImportEdge) => `${e.from}:${e.line} imports ${e.to}${e.typeOnly ? " (type only)" : ""}`;

describe("architecture", () => {
  it("reads the imports of the whole source tree", () => {
    // The scan must see the imports it polices, or the checks below pass vacuously.
    expect(edges.some((e) => e.from === "src/cli/main.ts" && e.to === "src/cli/registry.ts")).toBe(true);
    expect(edges.some((e) => e.from === "src/cli/registry.ts" && e.to.startsWith("src/commands/"))).toBe(true);
  });

  it("domain modules import nothing from src/cli or src/commands (type-only imports included)", () => {
    const bad = edges.filter((e) => DOMAIN.some((d) => e.from.startsWith(`src/${d}/`)) && CLI_LAYERS.some((c) => e.to.startsWith(c)));
    expect(bad.map(show)).toEqual([]);
  });
});
