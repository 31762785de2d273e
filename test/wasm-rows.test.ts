// The WebAssembly reader of compare (WasmRowReader, through wasmScanRows and readFileRows) reads
// exactly what JSON.parse + the exact path read, and refuses (undefined) whatever it does not take,
// so a slower way reads it. Pieces smaller than a file cut rows between calls.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parsedFileRows, readFileRows, scanFileRows, wasmFileRows, wasmScanRows } from "../src/compare/file-rows.js";
import { CHECKED_AGG_FIELDS, checkAggRow } from "../src/results/rows.js";
import { MULTI_NODE_SHAPE, numberedAggRow } from "./support/agg-rows.js";
import { plainRows } from "./support/file-rows.js";

const multiRow = (i: number) => ({ ...numberedAggRow(i), ...MULTI_NODE_SHAPE, conc: 3 * i + 1 });

const exactOf = (text: string) => {
  const problems: string[] = [];
  const rows = plainRows(parsedFileRows(JSON.parse(text), "f", problems)!);
  expect(problems).toEqual([]);
  return rows;
};
const wasmOf = (text: string, piece?: number) => {
  const rows = wasmScanRows(Buffer.from(text), piece);
  return rows && plainRows(rows);
};
const write = (rows: unknown[], style: number) =>
  style === 0 ? JSON.stringify(rows) : style === 1 ? JSON.stringify(rows, null, 2) : JSON.stringify(rows, null, "\t \r\n");

describe("compare's WebAssembly reader against the exact path (parsedFileRows)", () => {
  it("gives the same rows, keys, metrics, dates and indexes: single- and multi-node, null and absent metrics, Unicode, any whitespace, rows cut between pieces", () => {
    const rows = [
      ...Array.from({ length: 60 }, (_, i) => numberedAggRow(i)),
      ...Array.from({ length: 9 }, (_, i) => multiRow(i)),
      numberedAggRow(50, { median_e2el: null }),
      numberedAggRow(51, { p99_ttft: undefined, date: undefined }),
      numberedAggRow(52, { hw: "h200-é", framework: "vllm-中文", note: 'an "escaped" \\ unwanted field\n' }),
      numberedAggRow(53, { spec_decoding: "mtp\u2028", conc: -0, tp: 1e21, ep: 12345678901234567000 }),
    ];
    for (const style of [0, 1, 2]) {
      const text = write(rows, style);
      const exact = exactOf(text);
      for (const piece of [undefined, 4096, 1500]) expect(wasmOf(text, piece), `style ${style}, piece ${piece}`).toEqual(exact);
    }
  });

  it("the last of duplicate keys, as JSON.parse; keys in another order from row to row", () => {
    const rows = Array.from({ length: 50 }, (_, i) => numberedAggRow(i));
    const shuffledKeys = rows.map((r, i) =>
      Object.fromEntries(fc.sample(fc.shuffledSubarray(Object.entries(r), { minLength: Object.keys(r).length }), { numRuns: 1, seed: i })[0]!),
    );
    const text = JSON.stringify(shuffledKeys).replaceAll('{"', '{"hw":"first","conc":1e300,"');
    expect(wasmOf(text)).toEqual(exactOf(text));
    expect(wasmOf(text)!.keys.length).toBe(50);
  });

  it("a '}' inside a string where a piece is cut: refused or read right, never wrong", () => {
    const rows = Array.from({ length: 200 }, (_, i) => numberedAggRow(i, { note: "}".repeat(i % 40) }));
    const text = JSON.stringify(rows);
    const exact = exactOf(text);
    let refused = 0;
    for (const piece of [2000, 2345, 3001, 4096]) {
      const got = wasmOf(text, piece);
      if (got) expect(got).toEqual(exact);
      else refused++;
    }
    expect(refused, "some cut fell inside a string").toBeGreaterThan(0);
  });

  it("finds the same ids whatever the row order (the reader guesses the next id from the previous row)", () => {
    const rows = Array.from({ length: 300 }, (_, i) => (i % 7 === 0 ? multiRow(i) : numberedAggRow(i)));
    const shuffled = fc.sample(fc.shuffledSubarray(rows, { minLength: rows.length }), { numRuns: 3, seed: 7 });
    for (const order of [rows, ...shuffled, [...rows].reverse(), rows]) {
      const text = JSON.stringify(order);
      expect(wasmOf(text, 2048)).toEqual(exactOf(text));
    }
  });

  it("numbers: the same double as JSON.parse for shortest, fixed, precision and exponent forms and long digit strings", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.double({ min: 1e-300, max: 1e300, noNaN: true }), fc.integer({ min: 1, max: 25 })), { minLength: 1, maxLength: 30 }),
        (xs) => {
          const forms = xs.flatMap(([x, digits]) => [String(x), x.toFixed(Math.min(digits, 20)), x.toPrecision(digits), x.toExponential(Math.min(digits, 20))]);
          const usable = forms.filter((f) => Number(f) > 0 && Number.isFinite(Number(f)));
          const text = `[${usable
            .map((f, i) =>
              JSON.stringify(numberedAggRow(i, { median_ttft: "V", conc: "C" }))
                .replace('"V"', f)
                .replace('"C"', f),
            )
            .join(",")}]`;
          expect(wasmOf(text)).toEqual(exactOf(text));
        },
      ),
      { numRuns: 150 },
    );
    const edge = ["5e-324", "123456789012345678901234567890", "0.30000000000000004", "9007199254740993", "1.7976931348623157e308", "0.1e1", "1E+2"];
    const text = `[${edge.map((f, i) => JSON.stringify(numberedAggRow(i, { median_ttft: "V", conc: "V" })).replaceAll('"V"', f)).join(",")}]`;
    expect(wasmOf(text)).toEqual(exactOf(text));
  });

  it("takes a row exactly when checkAggRow does: every checked field, of every wrong type, single- and multi-node", () => {
    for (const good of [numberedAggRow(3), multiRow(3)])
      for (const field of CHECKED_AGG_FIELDS)
        for (const wrong of [true, "x", 7, null, undefined, 1.5]) {
          const r = { ...good, [field]: wrong };
          const fast = wasmScanRows(Buffer.from(JSON.stringify([good, r])));
          expect(fast !== undefined, `${field}: ${JSON.stringify(wrong)}`).toBe(checkAggRow(JSON.parse(JSON.stringify(r))).length === 0);
        }
  });

  it("refuses what it does not read as JSON.parse would: bad rows and metrics, Infinity, invalid UTF-8, escaped wanted strings, nested values, a row bigger than a piece", () => {
    const refused = [
      JSON.stringify([numberedAggRow(0), numberedAggRow(1, { tp: "8" })]),
      JSON.stringify([numberedAggRow(0), numberedAggRow(1, { median_ttft: 0 })]),
      JSON.stringify([numberedAggRow(0), numberedAggRow(1, { p99_ttft: "n/a" })]),
      JSON.stringify([numberedAggRow(0), numberedAggRow(1, { conc: "CONC" })]).replace('"CONC"', "1e400"),
      JSON.stringify([numberedAggRow(0), numberedAggRow(1, { hw: 'h"1' })]),
      JSON.stringify([numberedAggRow(0), numberedAggRow(1)]).replace('"hw":"h200"', '"hw":"h\\u0032\\u0030\\u0030"'),
      JSON.stringify([numberedAggRow(0), numberedAggRow(1, { date: [1] })]),
      JSON.stringify([numberedAggRow(0), { ...numberedAggRow(1), nested: { a: 1 } }]),
      JSON.stringify(numberedAggRow(0)),
      JSON.stringify([numberedAggRow(0)]).replace('"hw"', '"\\u0068w"'),
      `\ufeff${JSON.stringify([numberedAggRow(0)])}`,
      "",
      " ",
      "[",
      "[1]",
    ];
    for (const text of refused) expect(wasmScanRows(Buffer.from(text)), text.slice(0, 80)).toBeUndefined();
    expect(wasmScanRows(Buffer.from([0x5b, 0xff, 0x5d]))).toBeUndefined();
    expect(wasmScanRows(Buffer.from(JSON.stringify([numberedAggRow(0), numberedAggRow(1)])), 300), "rows of ~500 bytes in 300-byte pieces").toBeUndefined();
    expect(wasmOf("[]"), "an empty array is no rows").toEqual({ keys: [], identities: [], values: [], bad: [], dates: [], index: [] });
  });

  it("never accepts a text JSON.parse refuses (random damage to valid files)", () => {
    const base = JSON.stringify([numberedAggRow(0), multiRow(1), numberedAggRow(2)], null, 1);
    fc.assert(
      fc.property(fc.nat(), fc.string({ maxLength: 3 }), (at, junk) => {
        const i = at % (base.length + 1);
        const mutated = base.slice(0, i) + junk + base.slice(i + 1);
        let parsed: unknown;
        try {
          parsed = JSON.parse(mutated);
        } catch {
          expect(wasmScanRows(Buffer.from(mutated)), mutated).toBeUndefined();
          return;
        }
        const got = wasmOf(mutated);
        if (got) expect(got).toEqual(exactOf(JSON.stringify(parsed)));
      }),
      { numRuns: 1500 },
    );
  });
});

describe("readFileRows: the WebAssembly reader first, then the JavaScript one, then the exact path", () => {
  it("a reader that fails mid-file (here its read throws) is dropped: the call answers undefined, the next file reads right", () => {
    const text = JSON.stringify(Array.from({ length: 30 }, (_, i) => numberedAggRow(i)));
    const bytes = Buffer.from(text);
    let calls = 0;
    const failing = (buf: Uint8Array, offset: number, length: number, position: number) => {
      if (++calls > 1) throw new Error("EIO");
      const n = Math.min(length, 2000, bytes.length - position);
      buf.set(bytes.subarray(position, position + n), offset);
      return n;
    };
    expect(wasmFileRows(failing, bytes.length, 2048)).toBeUndefined();
    expect(calls).toBe(2);
    expect(wasmOf(text, 2048)).toEqual(exactOf(text));
  });

  const dir = mkdtempSync(join(tmpdir(), "wasm-rows-"));
  it("an escaped identity string (refused by WebAssembly) still reads the fast way, to the same rows", () => {
    const text = JSON.stringify([numberedAggRow(0), numberedAggRow(1, { hw: 'h"1' })]);
    writeFileSync(join(dir, "escaped.json"), text);
    expect(wasmScanRows(Buffer.from(text))).toBeUndefined();
    expect(scanFileRows(Buffer.from(text))).toBeDefined();
    const problems: string[] = [];
    expect(plainRows(readFileRows(join(dir, "escaped.json"), "escaped.json", problems)!)).toEqual(exactOf(text));
    expect(problems).toEqual([]);
  });
});
