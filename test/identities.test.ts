// IdentityTable (src/compare/identities.ts): one id per identity as the exact
// reader sees it (identityOf + identityKey), whichever way a row arrives: the
// fast scanner, a parsed object, or another thread's table.
import { describe, expect, it } from "vitest";
import { scanFileRows } from "../src/compare/file-rows.js";
import { IdentityTable, localIdentities } from "../src/compare/identities.js";
import { CURVE_FIELDS, identityFields, identityKey, identityOf } from "../src/compare/metrics.js";
import type { AggRow } from "../src/results/types.js";
import { MULTI_NODE_SHAPE, SINGLE_NODE_ROW } from "./support/agg-rows.js";

const row = (extra: Record<string, unknown> = {}) => ({ ...SINGLE_NODE_ROW, tput_per_gpu: 1000, output_tput_per_gpu: 400, input_tput_per_gpu: 600, ...extra });
const multi = (extra: Record<string, unknown> = {}) => row({ ...MULTI_NODE_SHAPE, ...extra });
const scannedIds = (rows: unknown[], text = JSON.stringify(rows)) => {
  const got = scanFileRows(Buffer.from(text))!;
  return [...got.ids.subarray(0, got.n)];
};

describe("IdentityTable", () => {
  it("a scanned row and the parsed row get one id, whose identity and key are the exact reader's", () => {
    const rows = [row(), row({ conc: 16 }), multi(), multi({ decode_tp: 4 })];
    const ids = scannedIds(rows);
    const table = localIdentities();
    expect(new Set(ids).size).toBe(4);
    rows.forEach((r, j) => {
      const identity = identityOf(r as unknown as AggRow);
      expect(table.idOf(identity)).toBe(ids[j]);
      expect(table.identity(ids[j]!)).toEqual(identity);
      expect(Object.keys(table.identity(ids[j]!))).toEqual(Object.keys(identity));
      expect(table.key(ids[j]!)).toBe(identityKey(identity));
    });
  });

  it("values equal as JSON.parse gives them are one identity: escapes, -0 and 0; what differs in type is not", () => {
    const [plain, escaped] = scannedIds(
      [],
      `[${JSON.stringify(row({ hw: "b200" }))},${JSON.stringify(row({ hw: "b200" })).replace('"b200"', '"b\\u0032\\u0030\\u0030"')}]`,
    );
    expect(escaped).toBe(plain);
    const [zero, minusZero] = scannedIds([], `[${JSON.stringify(row({ ep: 0 }))},${JSON.stringify(row({ ep: 0 })).replace('"ep":0', '"ep":-0')}]`);
    expect(minusZero).toBe(zero);
    expect(identityKey(identityOf(row({ ep: -0 }) as unknown as AggRow))).toBe(identityKey(identityOf(row({ ep: 0 }) as unknown as AggRow)));
    const [a, b, c] = scannedIds([row({ dp_attention: "true" }), row({ dp_attention: "false" }), row({ isl: 1024.5 })]);
    expect(new Set([a, b, c]).size).toBe(3);
  });

  it("keeps every id through growth (thousands of identities, read twice): the second read finds the same ids", () => {
    const rows = Array.from({ length: 6000 }, (_, i) => row({ conc: i, hw: `hw${i % 7}` }));
    const first = scannedIds(rows);
    const again = scannedIds([...rows].reverse());
    expect(new Set(first).size).toBe(6000);
    expect(again).toEqual([...first].reverse());
    const table = localIdentities();
    expect(first.map((id) => table.key(id))).toEqual(rows.map((r) => identityKey(identityOf(r as unknown as AggRow))));
  });

  it("the curve fields lead every identity's values (sameLeadingValues groups points into curves by them)", () => {
    for (const multi of [true, false]) expect(identityFields(multi).slice(0, CURVE_FIELDS.length)).toEqual([...CURVE_FIELDS]);
    const table = new IdentityTable();
    const [a, b, c] = [row({ conc: 1 }), row({ conc: 2, tp: 4 }), row({ precision: "fp4" })].map((r) => table.idOf(identityOf(r as unknown as AggRow)));
    expect(table.sameLeadingValues(a!, b!, CURVE_FIELDS.length)).toBe(true);
    expect(table.sameLeadingValues(a!, c!, CURVE_FIELDS.length)).toBe(false);
  });

  it("another thread's ids translate through their tuples (tuplesFrom, idsOfTuples): same keys, old ones found, new ones added", () => {
    const theirs = new IdentityTable();
    const ours = new IdentityTable();
    const identities = [row(), row({ conc: 32 }), multi(), row({ hw: "h\u00e9" })].map((r) => identityOf(r as unknown as AggRow));
    const known = ours.idOf(identities[2]!);
    identities.forEach((id) => theirs.idOf(id));
    const remap: number[] = [];
    ours.idsOfTuples(theirs.tuplesFrom(1), remap);
    expect(remap[0]).toBeUndefined();
    expect(remap[2]).toBe(known);
    for (let id = 1; id < theirs.size; id++) expect(ours.key(remap[id]!)).toBe(theirs.key(id));
    expect(ours.size).toBe(3);
  });

  it("tuples appended as they are (appendNew) keep their ids and are found by every later lookup; a new identity gets the next id", () => {
    const theirs = new IdentityTable();
    const ours = new IdentityTable();
    const identities = Array.from({ length: 3000 }, (_, i) =>
      identityOf((i % 5 ? row({ conc: i, hw: `h${i % 7}` }) : multi({ conc: i })) as unknown as AggRow),
    );
    identities.slice(0, 1000).forEach((id) => theirs.idOf(id));
    ours.appendNew(theirs.tuplesFrom(0));
    identities.slice(1000).forEach((id) => theirs.idOf(id));
    ours.appendNew(theirs.tuplesFrom(1000));
    expect(ours.size).toBe(3000);
    identities.forEach((identity, id) => {
      expect(ours.idOf(identity)).toBe(id);
      expect(ours.key(id)).toBe(identityKey(identity));
    });
    expect(ours.idOf(identityOf(row({ conc: 99999 }) as unknown as AggRow))).toBe(3000);
    const remap: number[] = [];
    ours.idsOfTuples(theirs.tuplesFrom(0), remap);
    expect(remap).toEqual(identities.map((_, id) => id));
    expect(() => ours.appendNew(theirs.tuplesFrom(5))).toThrow(/do not follow/);
  });
});
