/**
 * A fast, frugal reader of big row files (`agg_bmk.json`): one pass over the
 * bytes of a JSON array of flat objects, keeping only the fields asked for,
 * without building the document. `JSON.parse` of a 20 MB file builds ~100 MB
 * of objects, most of them fields nobody reads; this keeps a row's wanted
 * values in reused arrays and hands each row to a callback.
 *
 * It is an accelerator, never a second judge: anything but a well-formed
 * array of flat objects (a nested value, an escaped key, a syntax error, a
 * BOM) makes `scan` return `undefined`, and the caller reads the file the
 * exact way (`parseJson`), which names the problem. What it accepts, it reads
 * as `JSON.parse` would: strict JSON grammar, the last of duplicate keys,
 * numbers to the same double (`numberValue`: Clinger's exact fast path, then
 * `decimalQuotient`, else `Number`).
 */
import { decimalOut, decimalQuotient } from "./decimal.js";

/** What a wanted field held in the current row. */
export const FIELD_ABSENT = 0;
export const FIELD_STRING = 1;
export const FIELD_NUMBER = 2;
export const FIELD_TRUE = 3;
export const FIELD_FALSE = 4;
export const FIELD_NULL = 5;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;

type Latin1Slice = (this: Buffer, start: number, end: number) => string;
const bufferLatin1 = (Buffer.prototype as unknown as { latin1Slice?: Latin1Slice }).latin1Slice;
/**
 * The bytes [start, end) as a one-byte string. Buffer's own latin1Slice (what
 * `toString("latin1", ...)` calls after checking its arguments) where Node has
 * it: half the cost on a hot path that makes one string per number.
 */
const latin1: (b: Buffer, start: number, end: number) => string = bufferLatin1
  ? (b, start, end) => bufferLatin1.call(b, start, end)
  : (b, start, end) => b.toString("latin1", start, end);

/** Powers of ten a double holds exactly (Clinger's fast path divides by them). */
const EXACT_POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

/** Where a document read in pieces is: before `[`, before a row, after a row, after `]`. */
const PHASE_START = 0;
const PHASE_ROW = 1;
const PHASE_AFTER_ROW = 2;
const PHASE_END = 3;

/** What a scan step returns when the bytes are not for the fast path. */
const NOT_FLAT = -1;

function skipSpace(b: Uint8Array, i: number): number {
  for (let c = b[i]!; c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09; c = b[++i]!);
  return i;
}

function hashStep(h: number, c: number): number {
  return (Math.imul(h, 31) + c) | 0;
}

/** The hash `RowScanner` gives a string value: over its UTF-16 code units (an ASCII string's bytes). */
export function stringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = hashStep(h, s.charCodeAt(i));
  return h;
}

function isHex(c: number | undefined): boolean {
  return c !== undefined && ((c >= ZERO && c <= NINE) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66));
}

/** The index after one escape sequence at `i` (JSON's: \" \\ \/ \b \f \n \r \t \uXXXX), or NOT_FLAT. */
function skipEscape(b: Uint8Array, i: number): number {
  const e = b[i + 1];
  if (e === 0x75) return isHex(b[i + 2]) && isHex(b[i + 3]) && isHex(b[i + 4]) && isHex(b[i + 5]) ? i + 6 : NOT_FLAT;
  return e === QUOTE || e === BACKSLASH || e === 0x2f || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74 ? i + 2 : NOT_FLAT;
}

/** The index after the rest of a string whose opening quote is before `i` (no value kept), or NOT_FLAT. */
function skipString(b: Uint8Array, i: number): number {
  for (let c = b[i]; c !== QUOTE; c = b[i]) {
    if (c === BACKSLASH) {
      i = skipEscape(b, i);
      if (i === NOT_FLAT) return NOT_FLAT;
    } else if (c === undefined || c < 0x20) return NOT_FLAT;
    else i++;
  }
  return i + 1;
}

/** A key met at some position of the previous row: its bytes with the closing quote, and those as 32-bit words. */
interface KnownKey {
  bytes: Uint8Array;
  words: Int32Array;
  field: number;
}

const NO_KEY: KnownKey = { bytes: new Uint8Array(0), words: new Int32Array(0), field: -1 };

function knownKey(key: Uint8Array, field: number): KnownKey {
  const bytes = new Uint8Array(key.length + 1);
  bytes.set(key);
  bytes[key.length] = QUOTE;
  const view = new DataView(bytes.buffer);
  const words = Int32Array.from({ length: bytes.length >> 2 }, (_, w) => view.getInt32(4 * w, true));
  return { bytes, words, field };
}

/**
 * The index after a key's closing quote when the key from `i` is `key` (bytes
 * checked when it was first met: no quote, backslash or control character),
 * else NOT_FLAT. Compared four bytes at a time (`view` is `b`'s bytes).
 */
function predictedKey(b: Uint8Array, view: DataView, i: number, key: KnownKey): number {
  const n = key.bytes.length;
  if (n < 2 || i + n > b.length) return NOT_FLAT;
  const words = key.words;
  let j = 0;
  for (let w = 0; w < words.length; w++, j += 4) if (view.getInt32(i + j, true) !== words[w]) return NOT_FLAT;
  for (; j < n; j++) if (b[i + j] !== key.bytes[j]) return NOT_FLAT;
  return i + n;
}

/**
 * The index after a number by JSON's grammar starting at `i`, or NOT_FLAT.
 * Byte tests are written out in the loops (no call per byte): the reader runs
 * its first rows in V8's interpreter, where a call costs more than the test.
 */
function skipNumber(b: Uint8Array, i: number): number {
  let c = b[i]!;
  if (c === MINUS) c = b[++i]!;
  if (c === ZERO) c = b[++i]!;
  else if (c >= ZERO && c <= NINE) {
    do c = b[++i]!;
    while (c >= ZERO && c <= NINE);
  } else return NOT_FLAT;
  if (c === DOT) {
    c = b[++i]!;
    if (!(c >= ZERO && c <= NINE)) return NOT_FLAT;
    do c = b[++i]!;
    while (c >= ZERO && c <= NINE);
  }
  if (c === 0x65 || c === 0x45) {
    c = b[++i]!;
    if (c === PLUS || c === MINUS) c = b[++i]!;
    if (!(c >= ZERO && c <= NINE)) return NOT_FLAT;
    do c = b[++i]!;
    while (c >= ZERO && c <= NINE);
  }
  return i;
}

export class RowScanner {
  /** Per wanted field (in `fields` order), for the row handed to the callback. */
  readonly type: Uint8Array;
  readonly num: Float64Array;
  readonly str: (string | undefined)[];
  /** A string value's hash (`stringHash` of the decoded string: equal strings, equal hashes, however escaped). */
  readonly strHash: Int32Array;
  /** Per field: whether `str` holds a plain ASCII value of an earlier row (see `stringValue`). */
  private readonly plain: Uint8Array;
  /** Per key position: the previous row's key bytes there and its field (see `object`). */
  private readonly predKeys: KnownKey[] = [];
  /** The bytes of the piece being read, for `predictedKey`. */
  private view: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));
  private readonly keyBytes: Uint8Array[];
  /** Open-addressed table: key hash -> field index + 1 (0 = empty). */
  private readonly table: Int32Array;
  private readonly mask: number;
  /** Strings seen as values, by hash: identity fields repeat, so a row makes no new strings. */
  private interned = new Map<number, string[]>();
  private phase = PHASE_START;
  /** Rows read so far in the document. */
  rows = 0;

  constructor(readonly fields: readonly string[]) {
    this.type = new Uint8Array(fields.length);
    this.num = new Float64Array(fields.length);
    this.str = new Array(fields.length).fill(undefined);
    this.strHash = new Int32Array(fields.length);
    this.plain = new Uint8Array(fields.length);
    this.keyBytes = fields.map((f) => Buffer.from(f, "utf8"));
    let size = 16;
    while (size < fields.length * 4) size *= 2;
    this.table = new Int32Array(size);
    this.mask = size - 1;
    this.keyBytes.forEach((k, idx) => {
      let slot = k.reduce(hashStep, 0) & this.mask;
      while (this.table[slot] !== 0) slot = (slot + 1) & this.mask;
      this.table[slot] = idx + 1;
    });
  }

  /**
   * Reads `bytes` (checked UTF-8) as an array of flat objects, calling `onRow`
   * after each row with this scanner's `type`/`num`/`str` filled for it.
   * Returns the number of rows, or `undefined` when the document is not for
   * the fast path or `onRow` returned false (read it the exact way then).
   */
  scan(bytes: Buffer, onRow: (row: number) => boolean): number | undefined {
    this.begin();
    return this.feed(bytes, true, onRow) ? this.rows : undefined;
  }

  /** Starts a document read in pieces with `feed`. */
  begin(): void {
    this.interned = new Map();
    this.phase = PHASE_START;
    this.rows = 0;
  }

  /**
   * The next piece of the document (`last`: the end of it). A piece other than
   * the last must end just after a row's `}` (a guess the caller makes: if the
   * `}` was inside a string, the piece does not parse and this says so). False
   * when the document is not for the fast path or `onRow` returned false.
   */
  feed(b: Buffer, last: boolean, onRow: (row: number) => boolean): boolean {
    if (this.view.buffer !== b.buffer || this.view.byteOffset !== b.byteOffset || this.view.byteLength !== b.length)
      this.view = new DataView(b.buffer, b.byteOffset, b.length);
    let i = skipSpace(b, 0);
    if (this.phase === PHASE_START) {
      if (b[i++] !== OPEN_BRACKET) return false;
      i = skipSpace(b, i);
      if (b[i] === CLOSE_BRACKET) {
        this.phase = PHASE_END;
        i++;
      } else this.phase = PHASE_ROW;
    }
    while (this.phase !== PHASE_END && i < b.length) {
      if (this.phase === PHASE_ROW) {
        i = this.object(b, i);
        if (i === NOT_FLAT || !onRow(this.rows++)) return false;
        this.phase = PHASE_AFTER_ROW;
      } else {
        const c = b[i++];
        if (c === CLOSE_BRACKET) this.phase = PHASE_END;
        else if (c === COMMA) this.phase = PHASE_ROW;
        else return false;
      }
      i = skipSpace(b, i);
    }
    if (this.phase === PHASE_END && skipSpace(b, i) !== b.length) return false;
    return !last || this.phase === PHASE_END;
  }

  /**
   * One object from `i`, its wanted fields into `type`/`num`/`str`; the index
   * after it, or NOT_FLAT. Rows of one file list their keys in one order, so
   * the k-th key is first compared with the previous row's k-th key
   * (`predictedKey`): one pass over its bytes, no hash, no lookup.
   */
  private object(b: Buffer, i: number): number {
    this.type.fill(FIELD_ABSENT);
    if (b[i++] !== OPEN_BRACE) return NOT_FLAT;
    i = skipSpace(b, i);
    if (b[i] === CLOSE_BRACE) return i + 1;
    for (let k = 0; ; k++) {
      if (b[i++] !== QUOTE) return NOT_FLAT;
      let field: number;
      const known = k < this.predKeys.length ? this.predKeys[k]! : NO_KEY;
      const after = predictedKey(b, this.view, i, known);
      if (after !== NOT_FLAT) {
        field = known.field;
        i = after;
      } else {
        const keyStart = i;
        let h = 0;
        for (let c = b[i]; c !== QUOTE; c = b[++i]) {
          if (c === undefined || c === BACKSLASH || c < 0x20) return NOT_FLAT;
          h = hashStep(h, c);
        }
        field = this.fieldOf(b, h, keyStart, i);
        this.predict(k, b.subarray(keyStart, i++), field);
      }
      // Whitespace is tested for before skipSpace is called: compact rows have none.
      if (b[i]! <= 0x20) i = skipSpace(b, i);
      if (b[i++] !== COLON) return NOT_FLAT;
      if (b[i]! <= 0x20) i = skipSpace(b, i);
      i = this.value(b, i, field);
      if (i === NOT_FLAT) return NOT_FLAT;
      if (b[i]! <= 0x20) i = skipSpace(b, i);
      const c = b[i++];
      if (c === CLOSE_BRACE) return i;
      if (c !== COMMA) return NOT_FLAT;
      if (b[i]! <= 0x20) i = skipSpace(b, i);
    }
  }

  /** Remembers the k-th key of this row (a copy of its bytes) and its field, for the next row. */
  private predict(k: number, key: Uint8Array, field: number): void {
    while (this.predKeys.length < k) this.predKeys.push(NO_KEY);
    this.predKeys[k] = knownKey(key, field);
  }

  /** The wanted field whose name is the bytes [start, end) with hash `h`, or -1. */
  private fieldOf(b: Buffer, h: number, start: number, end: number): number {
    for (let slot = h & this.mask; ; slot = (slot + 1) & this.mask) {
      const idx = this.table[slot]! - 1;
      if (idx < 0) return -1;
      const k = this.keyBytes[idx]!;
      if (k.length !== end - start) continue;
      let j = 0;
      while (j < k.length && k[j] === b[start + j]) j++;
      if (j === k.length) return idx;
    }
  }

  /** One value from `i` into `field` (-1: not wanted); the index after it, or NOT_FLAT (a nested value too). */
  private value(b: Buffer, i: number, field: number): number {
    const c = b[i];
    if (c === QUOTE) return field >= 0 ? this.stringValue(b, i, field) : skipString(b, i + 1);
    if (c === MINUS || (c! >= ZERO && c! <= NINE)) return field >= 0 ? this.numberValue(b, i, field) : skipNumber(b, i);
    if (c === 0x74) return this.literal(b, i, "true", field, FIELD_TRUE);
    if (c === 0x66) return this.literal(b, i, "false", field, FIELD_FALSE);
    if (c === 0x6e) return this.literal(b, i, "null", field, FIELD_NULL);
    return NOT_FLAT;
  }

  /**
   * A wanted number from `i`, read in the pass that checks its grammar: its
   * first 15 significant digits as an exact integer and up to 3 more apart,
   * over a power of ten. Up to 15 digits that is Clinger's fast path (one
   * correctly rounded division of exact doubles); up to 18, `decimalQuotient`;
   * beyond, with an exponent, or a near tie, `Number` of its text. Every way
   * gives the double `JSON.parse` gives.
   */
  private numberValue(b: Buffer, i: number, field: number): number {
    const start = i;
    if (b[i] === MINUS) i++;
    let c = b[i]!;
    let hi = 0;
    let lo = 0;
    let k = 0;
    let fraction = 0;
    if (c === ZERO) c = b[++i]!;
    else if (c >= ZERO && c <= NINE) {
      do {
        if (hi < 1e14) hi = hi * 10 + (c - ZERO);
        else {
          lo = lo * 10 + (c - ZERO);
          k++;
        }
        c = b[++i]!;
      } while (c >= ZERO && c <= NINE);
    } else return NOT_FLAT;
    if (c === DOT) {
      c = b[++i]!;
      if (!(c >= ZERO && c <= NINE)) return NOT_FLAT;
      do {
        if (hi < 1e14) hi = hi * 10 + (c - ZERO);
        else {
          lo = lo * 10 + (c - ZERO);
          k++;
        }
        fraction++;
        c = b[++i]!;
      } while (c >= ZERO && c <= NINE);
    }
    let v = Number.NaN;
    if (c === 0x65 || c === 0x45) {
      c = b[++i]!;
      if (c === PLUS || c === MINUS) c = b[++i]!;
      if (!(c >= ZERO && c <= NINE)) return NOT_FLAT;
      do c = b[++i]!;
      while (c >= ZERO && c <= NINE);
    } else if (fraction < EXACT_POW10.length) {
      if (k === 0) v = fraction ? hi / EXACT_POW10[fraction]! : hi;
      else if (k <= 3 && decimalQuotient(hi, k, lo, fraction)) v = decimalOut[0]!;
    }
    if (Number.isNaN(v)) v = Number(latin1(b, b[start] === MINUS ? start + 1 : start, i));
    this.type[field] = FIELD_NUMBER;
    this.num[field] = b[start] === MINUS ? -v : v;
    return i;
  }

  private literal(b: Buffer, i: number, word: string, field: number, type: number): number {
    for (let j = 1; j < word.length; j++) if (b[i + j] !== word.charCodeAt(j)) return NOT_FLAT;
    if (field >= 0) this.type[field] = type;
    return i + word.length;
  }

  /**
   * A wanted string value from its opening quote at `i`. The field's value
   * in the previous row, when plain ASCII, is tried first: identity fields
   * repeat from row to row, and an equal value needs no hash and no new string.
   */
  private stringValue(b: Buffer, i: number, field: number): number {
    const start = ++i;
    this.type[field] = FIELD_STRING;
    const last = this.str[field];
    if (this.plain[field] === 1 && sameAscii(last!, b, start, start + last!.length) && b[start + last!.length] === QUOTE) return start + last!.length + 1;
    let h = 0;
    let escaped = false;
    let ascii = true;
    for (let c = b[i]; c !== QUOTE; c = b[i]) {
      if (c === undefined || c < 0x20) return NOT_FLAT;
      if (c === BACKSLASH) {
        escaped = true;
        i = skipEscape(b, i);
        if (i === NOT_FLAT) return NOT_FLAT;
        continue;
      }
      if (c >= 0x80) ascii = false;
      h = hashStep(h, c);
      i++;
    }
    if (ascii && !escaped) {
      this.str[field] = this.intern(b, h, start, i);
      this.strHash[field] = h;
      this.plain[field] = 1;
    } else {
      const s = escaped ? (JSON.parse(b.toString("utf8", start - 1, i + 1)) as string) : b.toString("utf8", start, i);
      this.str[field] = s;
      this.strHash[field] = stringHash(s);
      this.plain[field] = 0;
    }
    return i + 1;
  }

  /** The ASCII string of bytes [start, end): one instance per distinct value (identity fields repeat on every row). */
  private intern(b: Buffer, h: number, start: number, end: number): string {
    const list = this.interned.get(h);
    if (list) for (const s of list) if (sameAscii(s, b, start, end)) return s;
    const s = latin1(b, start, end);
    if (list) list.push(s);
    else this.interned.set(h, [s]);
    return s;
  }
}

function sameAscii(s: string, b: Uint8Array, start: number, end: number): boolean {
  if (s.length !== end - start) return false;
  for (let j = 0; j < s.length; j++) if (s.charCodeAt(j) !== b[start + j]) return false;
  return true;
}
