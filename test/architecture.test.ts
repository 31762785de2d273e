// The shape the developers' guide asks for, checked on the source: the domain
// modules know nothing of the CLI, and no module imports itself back.
import { describe, expect, it } from "vitest";
import { findCycles, importGraph, type ImportEdge } from "./support/imports.js";
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

  it("has no import cycles among the modules that load at run time", () => {
    // Type-only imports are erased from the JavaScript, so they cannot make a
    // load-order cycle; they are checked separately below.
    expect(findCycles(edges.filter((e) => !e.typeOnly)).map((c) => c.join(" -> "))).toEqual([]);
  });

  it("has no import cycles counting type-only imports either", () => {
    expect(findCycles(edges).map((c) => c.join(" -> "))).toEqual([]);
  });

  it("names a cycle it finds", () => {
    const toy: ImportEdge[] = [
      { from: "a.ts", to: "b.ts", typeOnly: false, line: 1 },
      { from: "b.ts", to: "c.ts", typeOnly: false, line: 1 },
      { from: "c.ts", to: "b.ts", typeOnly: false, line: 1 },
    ];
    expect(findCycles(toy)).toEqual([["b.ts", "c.ts", "b.ts"]]);
  });
});
