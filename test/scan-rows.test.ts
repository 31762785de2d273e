// The fast row reader (RowScanner) and compare's fast path (scanFileRows) read
// exactly what JSON.parse + the exact path read, and refuse (return undefined)
// whatever they do not take, so the exact path can word it.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parsedFileRows, readFileRows, scanFileRows } from "../src/compare/file-rows.js";
import { identityKey } from "../src/compare/metrics.js";
import { CHECKED_AGG_FIELDS, checkAggRow } from "../src/results/rows.js";
import { FIELD_ABSENT, FIELD_FALSE, FIELD_NULL, FIELD_NUMBER, FIELD_STRING, FIELD_TRUE, RowScanner } from "../src/results/scan-rows.js";
import { MULTI_NODE_SHAPE, numberedAggRow } from "./support/agg-rows.js";
import { plainRows } from "./support/file-rows.js";

const KEYS = ["a", "b", "hw", "tput", "é", "x y", "conc"];
const scalar = fc.oneof(
  fc.string(),
  fc.string({ unit: "grapheme" }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
);

/** What the scanner holds for field `i`, as JSON.parse would give it. */
function held(sc: RowScanner, i: number): unknown {
  const t = sc.type[i];
  if (t === FIELD_ABSENT) return undefined;
  if (t === FIELD_STRING) return sc.str[i];
  if (t === FIELD_NUMBER) return sc.num[i];
  if (t === FIELD_NULL) return null;
  expect([FIELD_TRUE, FIELD_FALSE]).toContain(t);
  return t === FIELD_TRUE;
}

/** JSON text of `rows` with whitespace of the given style between tokens. */
function write(rows: Record<string, unknown>[], style: number): string {
  if (style === 0) return JSON.stringify(rows);
  if (style === 1) return JSON.stringify(rows, null, 2);
  return `\r\n [ ${rows
    .map(
      (r) =>
        `{\t${Object.entries(r)
          .map(([k, v]) => `${JSON.stringify(k)} :\n${JSON.stringify(v)}`)
          .join(" ,\r")} }`,
    )
    .join(",\n")} ]\n`;
}

function scanAll(text: string, fields: string[]): unknown[][] | undefined {
  const sc = new RowScanner(fields);
  const got: unknown[][] = [];
  const n = sc.scan(Buffer.from(text, "utf8"), () => {
    got.push(fields.map((_, i) => held(sc, i)));
    return true;
  });
  if (n === undefined) return undefined;
  expect(n).toBe(got.length);
  return got;
}

describe("RowScanner", () => {
  it("reads every wanted field of flat rows as JSON.parse does (any whitespace, escapes, Unicode, duplicates)", () => {
    fc.assert(
      fc.property(fc.array(fc.dictionary(fc.constantFrom(...KEYS), scalar), { maxLength: 8 }), fc.integer({ min: 0, max: 2 }), (rows, style) => {
        const text = write(rows, style);
        const want = ["a", "hw", "é", "x y", "conc"];
        const got = scanAll(text, want);
        const parsed = JSON.parse(text) as Record<string, unknown>[];
        expect(got).toEqual(parsed.map((r) => want.map((k) => (Object.hasOwn(r, k) ? r[k] : undefined))));
      }),
      { numRuns: 400 },
    );
  });

  it("keeps the last of duplicate keys, as JSON.parse does", () => {
    expect(scanAll('[{"a":1,"a":"two"}]', ["a"])).toEqual([["two"]]);
  });

  it("numbers: the same double as JSON.parse, for the shortest form, fixed forms, exponents and long digit strings", () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer({ min: 0, max: 20 }), (x, digits) => {
        const forms = [String(x), x.toFixed(Math.min(digits, 20)), x.toPrecision(Math.max(1, digits)), x.toExponential(Math.min(digits, 20))].map((f) =>
          f.replace(/^(-?)0+(\d)/, "$1$2"),
        );
        for (const f of forms) {
          if (!/^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/.test(f)) continue;
          const got = scanAll(`[{"v":${f}}]`, ["v"]);
          expect(Object.is(got![0]![0], JSON.parse(f)), f).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
    for (const f of ["0", "-0", "1e400", "-1e400", "5e-324", "123456789012345678901234567890", "0.1", "0.30000000000000004", "9007199254740993"])
      expect(Object.is(scanAll(`[{"v":${f}}]`, ["v"])![0]![0], JSON.parse(f)), f).toBe(true);
  });

  it("never accepts what JSON.parse refuses; leaves nested values and escaped keys to the exact path", () => {
    const refused = [
      "",
      "[",
      "[{}",
      "[{},]",
      '[{"a":1,}]',
      '[{"a" 1}]',
      '[{"a":01}]',
      '[{"a":1.}]',
      '[{"a":.5}]',
      '[{"a":1e}]',
      '[{"a":+1}]',
      '[{"a":tru}]',
      '[{"a":"\\x"}]',
      '[{"a":"\\u12"}]',
      '[{"a":"tab\there"}]',
      "[{'a':1}]",
      "[{}] x",
      '{"a":1}',
      '[{"a":[1]}]',
      '[{"a":{"b":1}}]',
      '[{"\\u0061":1}]',
      "\ufeff[{}]",
      "[1]",
    ];
    for (const text of refused) expect(scanAll(text, ["a"]), text).toBeUndefined();
    fc.assert(
      fc.property(fc.array(fc.dictionary(fc.constantFrom(...KEYS), scalar), { maxLength: 4 }), fc.nat(), fc.string({ maxLength: 3 }), (rows, at, junk) => {
        const text = JSON.stringify(rows);
        const i = at % (text.length + 1);
        const mutated = text.slice(0, i) + junk + text.slice(i + 1);
        let ok = true;
        try {
          JSON.parse(mutated);
        } catch {
          ok = false;
        }
        if (!ok) expect(scanAll(mutated, KEYS)).toBeUndefined();
      }),
      { numRuns: 600 },
    );
  });
});

const multiRow = (i: number) => ({ ...numberedAggRow(i), ...MULTI_NODE_SHAPE });

describe("compare's fast path (scanFileRows) against the exact path (parsedFileRows)", () => {
  it("gives the same rows, keys and identities for single- and multi-node rows, null and absent metrics, escapes and Unicode", () => {
    const rows = [
      ...Array.from({ length: 40 }, (_, i) => numberedAggRow(i)),
      ...Array.from({ length: 5 }, (_, i) => multiRow(i)),
      numberedAggRow(50, { median_e2el: null }),
      numberedAggRow(51, { p99_ttft: undefined }),
      numberedAggRow(52, { hw: 'h"1\\00', framework: "vllm-é" }),
      numberedAggRow(53, { spec_decoding: "mtp\u2028" }),
    ];
    const text = JSON.stringify(rows, null, 1);
    const fast = scanFileRows(Buffer.from(text));
    expect(fast).toBeDefined();
    const fastPlain = plainRows(fast!);
    const problems: string[] = [];
    const exact = plainRows(parsedFileRows(JSON.parse(text), "f", problems)!);
    expect(problems).toEqual([]);
    expect(fastPlain).toEqual(exact);
    expect(
      fastPlain.identities.map((id) => identityKey(id!)),
      "each id's key is its identity's key",
    ).toEqual(fastPlain.keys);
  });

  it("takes a row exactly when checkAggRow does: every checked field, of every wrong type, single- and multi-node", () => {
    for (const good of [numberedAggRow(3), multiRow(3)])
      for (const field of CHECKED_AGG_FIELDS)
        for (const wrong of [true, "x", 7, null, undefined, 1.5]) {
          const r = { ...good, [field]: wrong };
          const fast = scanFileRows(Buffer.from(JSON.stringify([good, r])));
          expect(fast !== undefined, `${field}: ${JSON.stringify(wrong)}`).toBe(checkAggRow(JSON.parse(JSON.stringify(r))).length === 0);
        }
  });

  it("leaves a file with a bad row or an unusable metric to the exact path", () => {
    for (const bad of [
      numberedAggRow(1, { tp: "8" }),
      numberedAggRow(1, { median_ttft: 0 }),
      numberedAggRow(1, { p99_ttft: "n/a" }),
      { ...numberedAggRow(1), hw: undefined },
    ])
      expect(scanFileRows(Buffer.from(JSON.stringify([numberedAggRow(0), bad]))), JSON.stringify(bad)).toBeUndefined();
    const overflow = JSON.stringify([numberedAggRow(0), numberedAggRow(1, { conc: "CONC" })]).replace('"CONC"', "1e400");
    expect(scanFileRows(Buffer.from(overflow)), "a number beyond a double (Infinity)").toBeUndefined();
    expect(scanFileRows(Buffer.from([0x5b, 0xff, 0x5d]))).toBeUndefined();
  });
});

describe("compare reads a file in 1 MB pieces (readFileRows)", () => {
  const dir = mkdtempSync(join(tmpdir(), "scan-pieces-"));
  const exactOf = (text: string) => plainRows(parsedFileRows(JSON.parse(text), "f", [])!);
  const readBack = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    const problems: string[] = [];
    const got = readFileRows(join(dir, name), name, problems);
    expect(problems).toEqual([]);
    return plainRows(got!);
  };

  it("rows across piece boundaries, Unicode at the cuts, a '}' inside a string, a row bigger than a piece: the same rows as the exact path", () => {
    const rows = Array.from({ length: 3000 }, (_, i) =>
      numberedAggRow(i, { model: i % 7 === 0 ? "org/m}odel" : i % 5 === 0 ? `é€𝄞${"}".repeat(i % 3)}` : "org/model", date: `2026-${i}` }),
    );
    rows.splice(1500, 0, numberedAggRow(9999, { image: `huge:${"x}".repeat(700_000)}` }));
    for (const [name, text] of [
      ["compact.json", JSON.stringify(rows)],
      ["indented.json", JSON.stringify(rows, null, 2)],
    ] as const) {
      expect(text.length).toBeGreaterThan(2 << 20);
      expect(readBack(name, text), name).toEqual(exactOf(text));
    }
  });

  it("an empty file, a blank one and a document that is not an array: the exact way words each, nothing hangs", () => {
    const cases: [string, string, RegExp][] = [
      ["empty.json", "", /the file is empty/],
      ["blank.json", " \n\t ", /the file is empty/],
      ["object.json", '{"hw": "b200"}', /not aggregate benchmark rows/],
    ];
    for (const [name, text, want] of cases) {
      writeFileSync(join(dir, name), text);
      const problems: string[] = [];
      expect(readFileRows(join(dir, name), name, problems), name).toBeUndefined();
      expect(problems.join("\n"), name).toMatch(want);
    }
  });

  it("a bad row in a later piece: the whole file is read the exact way, every problem worded", () => {
    const rows = Array.from({ length: 4000 }, (_, i) => numberedAggRow(i, { date: `d${i}` }));
    rows[3900] = numberedAggRow(3900, { tp: "eight" });
    const text = JSON.stringify(rows);
    writeFileSync(join(dir, "bad.json"), text);
    const problems: string[] = [];
    const got = readFileRows(join(dir, "bad.json"), "bad.json", problems)!;
    expect(got.n).toBe(3999);
    expect(problems).toEqual(['bad.json: $[3900].tp: must be a number, got "eight"; row skipped']);
  });
});
