/**
 * One `agg_bmk.json` file as the points a comparison needs: per valid row its
 * identity (an id of this thread's `IdentityTable`), metric values and date.
 * Three ways give the same answer, tried in turn: `wasmFileRows`
 * (WebAssembly: `WasmRowReader`) and `scanFileRows` (JavaScript:
 * `RowScanner`), both fast and building no document, for a file of valid rows
 * with usable metrics (the first refuses a little more: escaped strings, rows
 * over a megabyte); `parsedFileRows` (exact, `JSON.parse`) for everything else,
 * which words each problem. A bad row never becomes a point; a bad metric of a
 * good row is kept as `NaN` (that metric is `inconclusive`) with a problem
 * naming it.
 */
import { isUtf8 } from "node:buffer";
import { decodeUtf8Strict, MAX_USER_FILE_BYTES, type ReadAt, readUserBytes, withUserFile } from "../io/read-user-file.js";
import { parseJson } from "../results/json.js";
import { type AggFieldRule, aggRowRules, CHECKED_AGG_FIELDS, checkAggRow, looksLikeAggRow, looksLikeRawResult } from "../results/rows.js";
import { FIELD_FALSE, FIELD_NUMBER, FIELD_STRING, FIELD_TRUE, RowScanner } from "../results/scan-rows.js";
import type { AggRow } from "../results/types.js";
import { localIdentities } from "./identities.js";
import { identityFields, identityOf, KEPT_METRICS } from "./metrics.js";
import type { FileRows } from "./run.js";
import { grown } from "./typed-arrays.js";
import { WASM_PIECE, WasmRowReader } from "./wasm-rows.js";

export { type FileRows, KEPT_METRICS, rowPath } from "./run.js";

const K = KEPT_METRICS.length;

/** Per thread: the values array, reused from file to file. */
const scratch: FileRows = { n: 0, ids: new Int32Array(0), values: new Float64Array(0), bad: new Int32Array(0), dates: [], index: new Int32Array(0) };

/** Empty rows with room for `capacity` (this thread's arrays, reused from file to file). */
function emptyRows(capacity: number): FileRows {
  if (scratch.ids.length < capacity) grow(scratch, capacity);
  scratch.n = 0;
  // Room made at once, as much as the typed arrays have, and made of strings from the start: a store
  // past the end, or the first string in an array of holes, sends the reader's optimized code back
  // to the interpreter (each file would do it again).
  scratch.dates = new Array<string>(scratch.ids.length).fill("");
  return scratch;
}

/** Room for at least `capacity` rows, the rows so far kept. */
function grow(rows: FileRows, capacity: number): void {
  const size = Math.max(Math.ceil(capacity * 1.25), 1024);
  rows.ids = grown(rows.ids, size);
  rows.values = grown(rows.values, size * K);
  rows.bad = grown(rows.bad, size);
  rows.index = grown(rows.index, size);
  for (let j = rows.dates.length; j < size; j++) rows.dates.push("");
}

/**
 * Reads one file; problems (unreadable, not JSON, bad rows) go to `problems`.
 * Undefined when nothing could be read. Identities are ids of this thread's
 * table (`localIdentities`).
 */
export function readFileRows(file: string, display: string, problems: string[]): FileRows | undefined {
  try {
    const fast = withUserFile(file, MAX_USER_FILE_BYTES, (read, size) => wasmFileRows(read, size) ?? scanFileInPieces(read, size));
    if (fast) return fast;
    const doc = parseDoc(readUserBytes(file), file, display, problems);
    return doc === undefined ? undefined : parsedFileRows(doc, display, problems);
  } catch (e) {
    problems.push(`${display}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    return undefined;
  }
}

function parseDoc(bytes: Buffer, file: string, display: string, problems: string[]): unknown {
  let text: string;
  try {
    text = decodeUtf8Strict(bytes, file);
  } catch (e) {
    problems.push(`${display}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    return undefined;
  }
  const parsed = parseJson(text);
  if (!parsed.ok) {
    problems.push(`${display}: not valid JSON: ${parsed.error}; file skipped`);
    return undefined;
  }
  return parsed.value;
}

// --- the exact way ---------------------------------------------------------------

/** What a JSON document that is not benchmark rows looks like, for the message. */
function foreignKind(v: unknown): string | undefined {
  const first = Array.isArray(v) ? v[0] : v;
  if (typeof first !== "object" || first === null) return undefined;
  if ("task" in first && "score" in first) return "eval rows (agg_eval_all.json), not benchmark rows";
  if (looksLikeRawResult(first)) return "a raw benchmark result (run 'infx process-result' or 'infx collect' first)";
  if ("summary" in first && "points" in first) return "a comparison (infx compare output), not benchmark rows";
  return undefined;
}

/** Writes row `r`'s metrics at `out[at..]`; returns the bad bits, with a problem per unusable metric. */
function metricValues(row: Record<string, unknown>, out: Float64Array, at: number, where: string, problems: string[]): number {
  let bad = 0;
  KEPT_METRICS.forEach((m, i) => {
    const v = row[m];
    if (typeof v === "number" && Number.isFinite(v) && v > 0) out[at + i] = v;
    else {
      out[at + i] = Number.NaN;
      if (v !== undefined && v !== null) {
        bad |= 1 << i;
        problems.push(
          `${where}.${m}: ${typeof v === "number" ? `${v} is not a positive number` : `must be a number, got ${JSON.stringify(v)}`}; this metric of this point is left inconclusive`,
        );
      }
    }
  });
  return bad;
}

/** The valid rows of a parsed document; each problem (a foreign document, a bad row, a bad metric) is worded. */
export function parsedFileRows(doc: unknown, display: string, problems: string[]): FileRows | undefined {
  const rows = Array.isArray(doc) ? doc : looksLikeAggRow(doc) ? [doc] : undefined;
  const foreign = foreignKind(doc);
  if (!rows || (foreign && !rows.some(looksLikeAggRow))) {
    problems.push(`${display}: ${foreign ?? "not aggregate benchmark rows (expected a JSON array like agg_bmk.json)"}; file skipped`);
    return undefined;
  }
  const out = emptyRows(rows.length);
  rows.forEach((r, i) => {
    const at = Array.isArray(doc) ? `$[${i}]` : "$";
    const errs = checkAggRow(r, at);
    if (errs.length) {
      problems.push(`${display}: ${errs[0]}${errs.length > 1 ? ` (and ${errs.length - 1} more)` : ""}; row skipped`);
      return;
    }
    const row = r as AggRow;
    const n = out.n++;
    out.bad[n] = metricValues(row as unknown as Record<string, unknown>, out.values, n * K, `${display}: ${at}`, problems);
    out.ids[n] = localIdentities().idOf(identityOf(row));
    out.dates[n] = typeof row.date === "string" ? row.date : "";
    out.index[n] = Array.isArray(doc) ? i : -1;
  });
  return out;
}

// --- the fast way ----------------------------------------------------------------

/** The fields the fast reader keeps: those `checkAggRow` checks, the kept metrics and the date. */
const SCAN_FIELDS = [...new Set([...CHECKED_AGG_FIELDS, ...KEPT_METRICS, "date"])];
const slotOf = (f: string) => SCAN_FIELDS.indexOf(f);
const METRIC_SLOTS = KEPT_METRICS.map(slotOf);
const DATE_SLOT = slotOf("date");
const MULTINODE_SLOT = slotOf("is_multinode");
/** What `fitsRules` checks, by `AggFieldRule`. */
const RULE_KIND: Record<AggFieldRule, number> = { "a string": 0, "a finite number": 1, "a number": 2, "true or false": 3 };
/** `aggRowRules` for is_multinode true / false / anything else, as slots and rule kinds (one tight loop per row). */
const RULE_SLOTS = [true, false, undefined].map((m) => {
  const rules = aggRowRules(m);
  return { slots: Int32Array.from(rules, ([k]) => slotOf(k)), kinds: Uint8Array.from(rules, ([, rule]) => RULE_KIND[rule]) };
});
/** The fields `identityOf` reads (`identityFields`), with their slots, as RULE_SLOTS (the third kind is never read: it breaks a rule). */
const IDENTITY_SLOTS = [true, false, false].map((m) => Int32Array.from(identityFields(m), slotOf));
let scanner: RowScanner | undefined;
/** The WebAssembly readers of this thread, by piece size (one unless a test asks for small pieces). */
const wasmReaders = new Map<number, WasmRowReader>();

/** INFX_COMPARE_WASM=0 skips the WebAssembly reader (to compare the two ways, or to rule it out). */
const WASM_OFF = process.env.INFX_COMPARE_WASM === "0";

/**
 * The rows of a file read by WebAssembly (`WasmRowReader`: the same checks as
 * `ScannedRows`), or undefined when the file is not for it.
 */
export function wasmFileRows(read: ReadAt, size: number, piece = WASM_PIECE): FileRows | undefined {
  if (WASM_OFF) return undefined;
  let reader = wasmReaders.get(piece);
  try {
    if (!reader) {
      reader = new WasmRowReader(
        {
          fields: SCAN_FIELDS,
          rules: RULE_SLOTS,
          identitySlots: IDENTITY_SLOTS,
          metricSlots: METRIC_SLOTS,
          multinodeSlot: MULTINODE_SLOT,
          dateSlot: DATE_SLOT,
        },
        piece,
      );
      wasmReaders.set(piece, reader);
    }
    const out = emptyRows(Math.ceil(size / 1024));
    return reader.read(read, size, out, localIdentities(), grow) ? out : undefined;
  } catch {
    // A failure of the module (out of memory, a trap) or of the read: the reader is dropped (its
    // tables may be half written) and the file goes the JavaScript way, which reads it again.
    wasmReaders.delete(piece);
    return undefined;
  }
}

/** `wasmFileRows` of bytes in memory, read in pieces of `piece` bytes (for tests: the same reader as files get). */
export function wasmScanRows(bytes: Uint8Array, piece = WASM_PIECE): FileRows | undefined {
  const read: ReadAt = (buf, offset, length, position) => {
    const n = Math.max(0, Math.min(length, bytes.length - position));
    buf.set(bytes.subarray(position, position + n), offset);
    return n;
  };
  return wasmFileRows(read, bytes.length, piece);
}

/** Whether the row keeps every rule of `aggRowRules` (for its is_multinode: `multi`). */
function fitsRules(sc: RowScanner, multi: number): boolean {
  const { slots, kinds } = RULE_SLOTS[multi]!;
  for (let r = 0; r < slots.length; r++) {
    const slot = slots[r]!;
    const t = sc.type[slot];
    const kind = kinds[r];
    const ok =
      kind === 0
        ? t === FIELD_STRING
        : kind === 3
          ? t === FIELD_TRUE || t === FIELD_FALSE
          : t === FIELD_NUMBER && (kind === 2 || Number.isFinite(sc.num[slot]!));
    if (!ok) return false;
  }
  return true;
}

/** Writes the row's metrics at `out[at..]` when each is a positive number or absent (null counts as absent); else false. */
function scannedMetrics(sc: RowScanner, out: Float64Array, at: number): boolean {
  for (let m = 0; m < K; m++) {
    const slot = METRIC_SLOTS[m]!;
    const t = sc.type[slot];
    const v = sc.num[slot]!;
    if (t === FIELD_NUMBER && v > 0 && Number.isFinite(v)) out[at + m] = v;
    else if (t === FIELD_NUMBER || t === FIELD_STRING || t === FIELD_TRUE || t === FIELD_FALSE) return false;
    else out[at + m] = Number.NaN;
  }
  return true;
}

function multiOf(sc: RowScanner): number {
  const m = sc.type[MULTINODE_SLOT];
  return m === FIELD_TRUE ? 0 : m === FIELD_FALSE ? 1 : 2;
}

/**
 * The rows of a file read the fast way (`RowScanner`), when the file is an
 * array of valid rows whose metrics are all usable; otherwise undefined (read
 * it the exact way, which words each problem).
 */
export function scanFileRows(bytes: Buffer): FileRows | undefined {
  const sc = (scanner ??= new RowScanner(SCAN_FIELDS));
  const rows = new ScannedRows(bytes.length);
  sc.begin();
  return isUtf8(bytes) && sc.feed(bytes, true, (i) => rows.add(sc, i)) ? rows.out : undefined;
}

/** Bytes read at a time: a piece stays in the processor's cache between the read and the scan, and the memory is reused. */
const PIECE = 1 << 20;
let pieceBuffer = Buffer.alloc(0);

/**
 * `scanFileRows` over a file read in pieces of PIECE bytes, each cut just
 * after its last `}` (the rest starts the next piece).
 */
function scanFileInPieces(read: ReadAt, size: number): FileRows | undefined {
  const sc = (scanner ??= new RowScanner(SCAN_FIELDS));
  const rows = new ScannedRows(size);
  const onRow = (i: number) => rows.add(sc, i);
  if (pieceBuffer.length < PIECE) pieceBuffer = Buffer.allocUnsafeSlow(PIECE);
  let buf = pieceBuffer;
  let carry = 0;
  let position = 0;
  sc.begin();
  for (;;) {
    const n = read(buf, carry, buf.length - carry, position);
    position += n;
    const end = carry + n;
    if (end === 0) return undefined; // empty: the exact way says so
    const first = position === n ? skipSpace(buf, 0) : end;
    if (first < end && buf[first] !== OPEN_BRACKET) return undefined; // not an array of rows: the exact way says what it is
    const last = n === 0 || position >= size;
    const cut = last ? end : buf.lastIndexOf(CLOSE_BRACE, end - 1) + 1;
    if (cut === 0) {
      // No row ends in the buffer: a row bigger than it. Grow and read on.
      buf = Buffer.concat([buf.subarray(0, end), Buffer.allocUnsafe(buf.length)]);
      carry = end;
      continue;
    }
    const piece = buf.subarray(0, cut);
    if (!isUtf8(piece) || !sc.feed(piece, last, onRow)) return undefined;
    if (last) return rows.out;
    buf.copy(buf, 0, cut, end);
    carry = end - cut;
  }
}

const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;

function skipSpace(b: Uint8Array, i: number): number {
  while (b[i] === 0x20 || b[i] === 0x0a || b[i] === 0x0d || b[i] === 0x09) i++;
  return i;
}

/** The rows of one fast read, as they are scanned. */
class ScannedRows {
  readonly out: FileRows;
  private readonly table = localIdentities();

  /** `bytes`: the file's size (rows of the results pipeline take about 1 KB each; fewer bytes a row only grows the arrays). */
  constructor(bytes: number) {
    this.out = emptyRows(Math.ceil(bytes / 1024));
    this.table.reserve(Math.ceil(bytes / 1024));
  }

  /** Adds the scanner's current row; false when it is not for the fast path. */
  add(sc: RowScanner, i: number): boolean {
    const multi = multiOf(sc);
    if (!fitsRules(sc, multi)) return false;
    const out = this.out;
    const n = out.n;
    if (n >= out.ids.length) grow(out, n * 2);
    if (!scannedMetrics(sc, out.values, n * K)) return false;
    out.ids[n] = this.table.idOfScanned(sc, IDENTITY_SLOTS[multi]!);
    out.bad[n] = 0;
    out.dates[n] = sc.type[DATE_SLOT] === FIELD_STRING ? sc.str[DATE_SLOT]! : "";
    out.index[n] = i;
    out.n = n + 1;
    return true;
  }
}
