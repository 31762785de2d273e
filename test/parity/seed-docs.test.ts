// What the user's seed documents (beside the reference data) specify, checked
// against the implementation: the CSV columns of the InferenceMAX extraction
// (seed 001). The user guide's jq recipes: test/parity/jq-guide.test.ts.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CSV_COLUMNS, toCsv } from "../../src/results/export.js";
import { SEEDS_DIR } from "../support/reference.js";

describe("export --csv follows seed 001", () => {
  it("has exactly the columns of the InferenceMAX extraction (seed 001), in order", () => {
    const seed = readFileSync(join(SEEDS_DIR, readdirSync(SEEDS_DIR).find((f) => f.startsWith("001_"))!), "utf8");
    const documented = [...seed.matchAll(/^\| `([a-z0-9_]+)` \|/gm)].map((m) => m[1]);
    expect(documented).toEqual([...CSV_COLUMNS]);
    expect(toCsv([]).trimEnd()).toBe(CSV_COLUMNS.join(","));
  });
});
