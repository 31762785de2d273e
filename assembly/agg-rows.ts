// The fast reader of `agg_bmk.json` files for `infx compare`, in WebAssembly (AssemblyScript).
// Built by scripts/build-wasm.mjs into src/compare/agg-rows-wasm.ts; driven by src/compare/wasm-rows.ts,
// which documents the contract. In short: JS writes a piece of the file (cut after a row's `}`) at
// `inputAt()` and calls `feed`; this module reads it as an array of flat objects, checks each row's
// wanted fields against the rules JS configured (the same checks as `fitsRules` / `scannedMetrics`
// in file-rows.ts), gives the row's identity an id (its tuple of values, interned here) and writes
// per row: identity id, metrics, row index and date string id. Anything it does not read exactly
// as JSON.parse would (an escape in a wanted string, a nested value, a syntax error, a rule broken)
// makes `feed` return 0, and the caller reads the file another way.

@external("env", "slowNumber")
declare function slowNumber(start: usize, end: usize): f64;

// Field types, as FIELD_* of src/results/scan-rows.ts.
const ABSENT: u8 = 0;
const STRING: u8 = 1;
const NUMBER: u8 = 2;
const TRUE: u8 = 3;
const FALSE: u8 = 4;
const NULL: u8 = 5;

const NOT_FLAT: usize = 0;

// ---------------------------------------------------------------- growable memory

/** The capacity to grow `cap` to for `need` items: doubled, at least 64. */
function capFor(cap: i32, need: i32): i32 {
  let n = cap < 64 ? 64 : cap;
  while (n < need) n *= 2;
  return n;
}

/** A new block of `bytes` bytes holding the first `used` bytes of `ptr` (the old block is freed). */
function moved(ptr: usize, used: usize, bytes: usize): usize {
  const fresh = heap.alloc(bytes);
  if (used > 0) memory.copy(fresh, ptr, used);
  if (ptr != 0) heap.free(ptr);
  return fresh;
}

// ---------------------------------------------------------------- configuration

const MAX_FIELDS = 256;
/** Per field: its key bytes (in `keyArena`), its length. */
let keyArena: usize = 0;
let keyArenaCap: i32 = 0;
let keyArenaLen: i32 = 0;
const keyStart = new StaticArray<i32>(MAX_FIELDS);
const keyLen = new StaticArray<i32>(MAX_FIELDS);
let fieldCount: i32 = 0;
/** Open-addressed: key hash -> field + 1. */
const KEY_SLOTS = 1024;
const keySlots = new StaticArray<i32>(KEY_SLOTS);

/** Per is_multinode kind (true, false, other): rules (slot, kind) and identity slots. */
const ruleSlot = new StaticArray<i32>(3 * MAX_FIELDS);
const ruleKind = new StaticArray<i32>(3 * MAX_FIELDS);
const ruleCount = new StaticArray<i32>(3);
const identitySlot = new StaticArray<i32>(3 * MAX_FIELDS);
const identityCount = new StaticArray<i32>(3);
const metricSlot = new StaticArray<i32>(64);
let metricCount: i32 = 0;
let multinodeSlot: i32 = -1;
let dateSlot: i32 = -1;

/** Where JS writes a key before `addField`. */
let scratchPtr: usize = 0;
export function scratchAt(bytes: i32): usize {
  scratchPtr = heap.alloc(<usize>bytes);
  return scratchPtr;
}

@inline function keyHash(h: u32, c: u32): u32 {
  return h * 31 + c;
}

/** Adds the next wanted field, its key's `len` bytes at `scratchAt`; returns its slot. */
export function addField(len: i32): i32 {
  const field = fieldCount++;
  if (keyArenaLen + len > keyArenaCap) {
    keyArenaCap = capFor(keyArenaCap, keyArenaLen + len);
    keyArena = moved(keyArena, keyArenaLen, keyArenaCap);
  }
  unchecked((fieldStr[field] = -1));
  memory.copy(keyArena + keyArenaLen, scratchPtr, len);
  unchecked((keyStart[field] = keyArenaLen));
  unchecked((keyLen[field] = len));
  keyArenaLen += len;
  let h: u32 = 0;
  for (let j = 0; j < len; j++) h = keyHash(h, load<u8>(scratchPtr + j));
  let s = h & (KEY_SLOTS - 1);
  while (unchecked(keySlots[s]) != 0) s = (s + 1) & (KEY_SLOTS - 1);
  unchecked((keySlots[s] = field + 1));
  return field;
}

/** kind: 0 a string, 1 a finite number, 2 a number, 3 true or false (RULE_KIND of file-rows.ts). */
export function addRule(multi: i32, slot: i32, kind: i32): void {
  const n = unchecked(ruleCount[multi]);
  unchecked((ruleSlot[multi * MAX_FIELDS + n] = slot));
  unchecked((ruleKind[multi * MAX_FIELDS + n] = kind));
  unchecked((ruleCount[multi] = n + 1));
}

export function addIdentitySlot(multi: i32, slot: i32): void {
  const n = unchecked(identityCount[multi]);
  unchecked((identitySlot[multi * MAX_FIELDS + n] = slot));
  unchecked((identityCount[multi] = n + 1));
}

export function addMetricSlot(slot: i32): void {
  unchecked((metricSlot[metricCount++] = slot));
}

export function setSlots(multinode: i32, date: i32): void {
  multinodeSlot = multinode;
  dateSlot = date;
}

// ---------------------------------------------------------------- the current row

const fieldType = new StaticArray<u8>(MAX_FIELDS);
const fieldNum = new StaticArray<f64>(MAX_FIELDS);
/** A string field's id (in the string table). */
const fieldStr = new StaticArray<i32>(MAX_FIELDS);

// ---------------------------------------------------------------- open-addressed indexes

/** Ids by hash, open-addressed: per slot id + 1 (0: empty) and the hash beside it; `size` slots, a power of two. */
class Index {
  slots: usize = 0;
  hashes: usize = 0;
  size: i32 = 0;

  @inline id(s: i32): i32 {
    return load<i32>(this.slots + (<usize>s << 2)) - 1;
  }

  @inline hash(s: i32): u32 {
    return load<u32>(this.hashes + (<usize>s << 2));
  }

  @inline put(s: i32, id: i32, h: u32): void {
    store<i32>(this.slots + (<usize>s << 2), id + 1);
    store<u32>(this.hashes + (<usize>s << 2), h);
  }

  /** Moves the entries to `size` slots. */
  resize(size: i32): void {
    const oldSlots = this.slots;
    const oldHashes = this.hashes;
    const oldSize = this.size;
    this.slots = heap.alloc(<usize>size * 4);
    this.hashes = heap.alloc(<usize>size * 4);
    memory.fill(this.slots, 0, <usize>size * 4);
    this.size = size;
    const mask = size - 1;
    for (let o = 0; o < oldSize; o++) {
      const id = load<i32>(oldSlots + (<usize>o << 2)) - 1;
      if (id < 0) continue;
      const h = load<u32>(oldHashes + (<usize>o << 2));
      let s = h & mask;
      while (this.id(s) >= 0) s = (s + 1) & mask;
      this.put(s, id, h);
    }
  }
}

// ---------------------------------------------------------------- strings

/** Distinct string values (wanted fields): bytes in an arena; id -> start, length. */
let strArena: usize = 0;
let strArenaCap: i32 = 0;
let strArenaLen: i32 = 0;
let strStarts: usize = 0; // i32 per id, and one more
let strCap: i32 = 0;
let strCount: i32 = 0;
/** The strings' index (by the hash of their bytes). */
const strIndex = new Index();

export function stringCount(): i32 {
  return strCount;
}
export function stringStarts(): usize {
  return strStarts;
}
export function stringBytes(): usize {
  return strArena;
}

/** Whether the n bytes at a and at b are equal (8 at a time). */
@inline function sameBytes(a: usize, b: usize, n: i32): bool {
  let j = 0;
  for (; j + 8 <= n; j += 8) if (load<u64>(a + j) != load<u64>(b + j)) return false;
  for (; j < n; j++) if (load<u8>(a + j) != load<u8>(b + j)) return false;
  return true;
}

/** The id of the string of bytes [start, start + len) with hash `h`, a new one if it is new. */
function stringId(start: usize, len: i32, h: u32): i32 {
  if (strIndex.size == 0) strIndex.resize(1024);
  const mask = strIndex.size - 1;
  let s = h & mask;
  for (;;) {
    const id = strIndex.id(s);
    if (id < 0) break;
    if (strIndex.hash(s) == h) {
      const at = load<i32>(strStarts + <usize>id * 4);
      if (load<i32>(strStarts + <usize>id * 4 + 4) - at == len && sameBytes(strArena + at, start, len)) return id;
    }
    s = (s + 1) & mask;
  }
  const id = strCount++;
  if (strArenaLen + len > strArenaCap) {
    strArenaCap = capFor(strArenaCap, strArenaLen + len);
    strArena = moved(strArena, strArenaLen, strArenaCap);
  }
  memory.copy(strArena + strArenaLen, start, len);
  const need = strCount + 1;
  if (need > strCap) {
    const cap = capFor(strCap, need);
    strStarts = moved(strStarts, <usize>strCap * 4, <usize>cap * 4);
    strCap = cap;
  }
  store<i32>(strStarts + <usize>id * 4, strArenaLen);
  strArenaLen += len;
  store<i32>(strStarts + <usize>id * 4 + 4, strArenaLen);
  strIndex.put(s, id, h);
  if (strCount * 2 > strIndex.size) strIndex.resize(strIndex.size * 2);
  return id;
}

// ---------------------------------------------------------------- identities

/** Distinct identity tuples: per id its start in `tupTypes`/`tupNums` (and one more). */
let tupStarts: usize = 0; // i32
let tupStartsCap: i32 = 0;
let tupCount: i32 = 0;
let tupTypes: usize = 0; // u8
let tupNums: usize = 0; // f64
let tupValuesCap: i32 = 0;
/** The tuples' index (by the hash of their values). */
const tupIndex = new Index();

export function identityTotal(): i32 {
  return tupCount;
}
export function identityStarts(): usize {
  return tupStarts;
}
export function identityTypes(): usize {
  return tupTypes;
}
export function identityNums(): usize {
  return tupNums;
}

/** One value into a tuple's hash (64-bit multiply-xorshift: the bits of small integers as doubles are all high). */
@inline function mix(h: u64, v: u64): u64 {
  h = (h ^ v) * 0x9e3779b97f4a7c15;
  return h ^ (h >> 29);
}

/**
 * The type a tuple keeps for field `slot` of the current row: anything but a string, a number or
 * true counts as false, as in `IdentityTable` (the rules make every identity field present).
 */
@inline function tupleType(slot: i32): u8 {
  const type = unchecked(fieldType[slot]);
  return type == STRING || type == NUMBER || type == TRUE ? type : FALSE;
}

/** The value a tuple keeps for field `slot` of the current row (a string's id; -0 as 0). */
@inline function tupleValue(slot: i32, type: u8): f64 {
  return type == STRING ? <f64>unchecked(fieldStr[slot]) : type == NUMBER ? unchecked(fieldNum[slot]) + 0.0 : 0.0;
}

/** The id of the previous row's identity. */
let lastId: i32 = -1;

/**
 * The id of the current row's identity (identity slots of `multi`), a new one if it is new. Files
 * of one sweep list their rows in one order, and ids are given in the order first met: the id
 * after the previous row's is tried first (no hash, and the tuples are read in order).
 */
function identityId(multi: i32): i32 {
  const n = unchecked(identityCount[multi]);
  const base = multi * MAX_FIELDS;
  const guess = lastId + 1;
  if (guess < tupCount && holds(guess, base, n)) return (lastId = guess);
  return (lastId = lookUpIdentity(base, n));
}

function lookUpIdentity(base: i32, n: i32): i32 {
  let h64: u64 = <u64>n;
  for (let j = 0; j < n; j++) {
    const slot = unchecked(identitySlot[base + j]);
    const type = tupleType(slot);
    h64 = mix(h64, reinterpret<u64>(tupleValue(slot, type)) + type);
  }
  const h = <u32>(h64 ^ (h64 >> 32));
  if (tupIndex.size == 0) tupIndex.resize(4096);
  const mask = tupIndex.size - 1;
  let s = h & mask;
  for (;;) {
    const id = tupIndex.id(s);
    if (id < 0) break;
    if (tupIndex.hash(s) == h && holds(id, base, n)) return id;
    s = (s + 1) & mask;
  }
  return insertTuple(s, h, base, n);
}

function holds(id: i32, base: i32, n: i32): bool {
  const at = load<i32>(tupStarts + <usize>id * 4);
  if (load<i32>(tupStarts + <usize>id * 4 + 4) - at != n) return false;
  for (let j = 0; j < n; j++) {
    const slot = unchecked(identitySlot[base + j]);
    const type = tupleType(slot);
    if (load<u8>(tupTypes + <usize>(at + j)) != type) return false;
    if (reinterpret<u64>(load<f64>(tupNums + <usize>(at + j) * 8)) != reinterpret<u64>(tupleValue(slot, type))) return false;
  }
  return true;
}

/** Room for `ids` identity ids in all (their starts). */
function growStarts(ids: i32): void {
  if (ids + 1 <= tupStartsCap) return;
  const cap = capFor(tupStartsCap, ids + 1);
  tupStarts = moved(tupStarts, <usize>tupStartsCap * 4, <usize>cap * 4);
  if (tupStartsCap == 0) store<i32>(tupStarts, 0);
  tupStartsCap = cap;
}

/** Room for `values` tuple values in all (`used` of them kept). */
function growValues(values: i32, used: i32): void {
  if (values <= tupValuesCap) return;
  const cap = capFor(tupValuesCap, values);
  tupTypes = moved(tupTypes, <usize>used, <usize>cap);
  tupNums = moved(tupNums, <usize>used * 8, <usize>cap * 8);
  tupValuesCap = cap;
}

/**
 * Room for `ids` identities from the start (call before the first file, with its rows as the
 * guess): the tables then do not grow by doubling, copying as they go (fresh memory costs).
 */
export function reserveIdentities(ids: i32): void {
  growStarts(ids);
  const width = max(unchecked(identityCount[0]), unchecked(identityCount[1]));
  growValues(ids * width, tupCount > 0 ? load<i32>(tupStarts + <usize>tupCount * 4) : 0);
  let size = tupIndex.size > 0 ? tupIndex.size : 4096;
  while (size < ids * 2) size *= 2;
  if (size > tupIndex.size) tupIndex.resize(size);
}

function insertTuple(s: i32, h: u32, base: i32, n: i32): i32 {
  const id = tupCount++;
  growStarts(tupCount);
  const at = load<i32>(tupStarts + <usize>id * 4);
  growValues(at + n, at);
  for (let j = 0; j < n; j++) {
    const slot = unchecked(identitySlot[base + j]);
    const type = tupleType(slot);
    store<u8>(tupTypes + <usize>(at + j), type);
    store<f64>(tupNums + <usize>(at + j) * 8, tupleValue(slot, type));
  }
  store<i32>(tupStarts + <usize>id * 4 + 4, at + n);
  tupIndex.put(s, id, h);
  if (tupCount * 2 > tupIndex.size) tupIndex.resize(tupIndex.size * 2);
  return id;
}

// ---------------------------------------------------------------- output rows

let outN: i32 = 0;
let outCap: i32 = 0;
let outIds: usize = 0; // i32
let outIndex: usize = 0; // i32
let outDates: usize = 0; // i32 string id, -1 none
let outValues: usize = 0; // f64 × metricCount

export function rowCount(): i32 {
  return outN;
}
export function rowIds(): usize {
  return outIds;
}
export function rowIndexes(): usize {
  return outIndex;
}
export function rowDates(): usize {
  return outDates;
}
export function rowValues(): usize {
  return outValues;
}

/** Room for `rows` rows (the rows so far kept). */
export function reserveRows(rows: i32): void {
  if (rows <= outCap) return;
  const cap = capFor(outCap, rows);
  const n = <usize>outN;
  outIds = moved(outIds, n * 4, <usize>cap * 4);
  outIndex = moved(outIndex, n * 4, <usize>cap * 4);
  outDates = moved(outDates, n * 4, <usize>cap * 4);
  outValues = moved(outValues, n * 8 * metricCount, <usize>cap * 8 * metricCount);
  outCap = cap;
}

/** The current row (row number `row`) to the output; false when it breaks a rule. */
function addRow(row: i32): bool {
  const m = multinodeSlot >= 0 ? unchecked(fieldType[multinodeSlot]) : ABSENT;
  const multi = m == TRUE ? 0 : m == FALSE ? 1 : 2;
  const base = multi * MAX_FIELDS;
  const nr = unchecked(ruleCount[multi]);
  for (let r = 0; r < nr; r++) {
    const slot = unchecked(ruleSlot[base + r]);
    const kind = unchecked(ruleKind[base + r]);
    const t = unchecked(fieldType[slot]);
    const ok =
      kind == 0 ? t == STRING : kind == 3 ? t == TRUE || t == FALSE : t == NUMBER && (kind == 2 || isFinite(unchecked(fieldNum[slot])));
    if (!ok) return false;
  }
  if (outN >= outCap) reserveRows(outN + 1);
  const at = outValues + <usize>outN * 8 * metricCount;
  for (let k = 0; k < metricCount; k++) {
    const slot = unchecked(metricSlot[k]);
    const t = unchecked(fieldType[slot]);
    const v = unchecked(fieldNum[slot]);
    if (t == NUMBER && v > 0 && isFinite(v)) store<f64>(at + <usize>k * 8, v);
    else if (t == NUMBER || t == STRING || t == TRUE || t == FALSE) return false;
    else store<f64>(at + <usize>k * 8, NaN);
  }
  store<i32>(outIds + <usize>outN * 4, identityId(multi));
  store<i32>(outIndex + <usize>outN * 4, row);
  store<i32>(outDates + <usize>outN * 4, dateSlot >= 0 && unchecked(fieldType[dateSlot]) == STRING ? unchecked(fieldStr[dateSlot]) : -1);
  outN++;
  return true;
}

// ---------------------------------------------------------------- the scanner

const PHASE_START = 0;
const PHASE_ROW = 1;
const PHASE_AFTER_ROW = 2;
const PHASE_END = 3;
let phase = PHASE_START;
let rowsRead: i32 = 0;

let inputPtr: usize = 0;
/** The end of the piece being read. */
let pieceEnd: usize = 0;
let inputCap: i32 = 0;
/** Bytes of slack after a piece: a NUL there ends every loop (no bounds test per byte). */
const SLACK: usize = 16;

/** Where JS writes the next piece (room for `bytes` bytes). */
export function inputAt(bytes: i32): usize {
  if (bytes > inputCap) {
    inputPtr = heap.alloc(<usize>bytes + SLACK);
    inputCap = bytes;
  }
  return inputPtr;
}

/** Starts a file. */
export function begin(): void {
  lastId = -1;
  predArenaLen = 0;
  for (let k = 0; k < MAX_KEYS; k++) unchecked((predLen[k] = -1));
  phase = PHASE_START;
  rowsRead = 0;
  outN = 0;
}

@inline function isSpace(c: u32): bool {
  return c == 0x20 || c == 0x0a || c == 0x0d || c == 0x09;
}

@inline function skipSpace(p: usize): usize {
  while (isSpace(load<u8>(p))) p++;
  return p;
}

@inline function isDigit(c: u32): bool {
  return c - 0x30 < 10;
}

@inline function isHex(c: u32): bool {
  return c - 0x30 < 10 || (c | 0x20) - 0x61 < 6;
}

/** After an escape at p (a backslash), or NOT_FLAT. */
function skipEscape(p: usize): usize {
  const e = <u32>load<u8>(p + 1);
  if (e == 0x75)
    return isHex(load<u8>(p + 2)) && isHex(load<u8>(p + 3)) && isHex(load<u8>(p + 4)) && isHex(load<u8>(p + 5)) ? p + 6 : NOT_FLAT;
  return e == 0x22 || e == 0x5c || e == 0x2f || e == 0x62 || e == 0x66 || e == 0x6e || e == 0x72 || e == 0x74 ? p + 2 : NOT_FLAT;
}

/** After the rest of a string (opening quote before p) kept nowhere, or NOT_FLAT. */
function skipString(p: usize): usize {
  for (;;) {
    const c = <u32>load<u8>(p);
    if (c == 0x22) return p + 1;
    if (c == 0x5c) {
      p = skipEscape(p);
      if (p == NOT_FLAT) return NOT_FLAT;
    } else if (c < 0x20) return NOT_FLAT;
    else p++;
  }
  return NOT_FLAT; // not reached
}

/** After a wanted string (opening quote before p) interned into `field`, or NOT_FLAT (an escape too: JS reads those). */
function stringValue(p: usize, field: i32): usize {
  const start = p;
  // The field's value in an earlier row first: identity fields repeat from row to row.
  const id = unchecked(fieldStr[field]);
  if (id >= 0) {
    const at = load<i32>(strStarts + <usize>id * 4);
    const len = load<i32>(strStarts + <usize>id * 4 + 4) - at;
    if (start + <usize>len < pieceEnd && load<u8>(start + len) == 0x22 && sameBytes(strArena + at, start, len)) {
      unchecked((fieldType[field] = STRING));
      return start + len + 1;
    }
  }
  let h: u32 = 0;
  for (;;) {
    const c = <u32>load<u8>(p);
    if (c == 0x22) break;
    if (c < 0x20 || c == 0x5c) return NOT_FLAT;
    h = keyHash(h, c);
    p++;
  }
  unchecked((fieldType[field] = STRING));
  unchecked((fieldStr[field] = stringId(start, <i32>(p - start), h)));
  return p + 1;
}

/** After a number by JSON's grammar at p, or NOT_FLAT. */
function skipNumber(p: usize): usize {
  let c = <u32>load<u8>(p);
  if (c == 0x2d) c = load<u8>(++p);
  if (c == 0x30) c = load<u8>(++p);
  else if (isDigit(c)) {
    do c = load<u8>(++p);
    while (isDigit(c));
  } else return NOT_FLAT;
  if (c == 0x2e) {
    c = load<u8>(++p);
    if (!isDigit(c)) return NOT_FLAT;
    do c = load<u8>(++p);
    while (isDigit(c));
  }
  if ((c | 0x20) == 0x65) {
    c = load<u8>(++p);
    if (c == 0x2b || c == 0x2d) c = load<u8>(++p);
    if (!isDigit(c)) return NOT_FLAT;
    do c = load<u8>(++p);
    while (isDigit(c));
  }
  return p;
}

const POW10: StaticArray<f64> = [
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];
/** Veltkamp's constant: splits a double into halves of 26 bits. */
const SPLIT: f64 = 134217729;

/** The exact error of p = fl(a × b) (Dekker). */
@inline function productError(a: f64, b: f64, p: f64): f64 {
  let c = SPLIT * a;
  const ah = c - (c - a);
  const al = a - ah;
  c = SPLIT * b;
  const bh = c - (c - b);
  const bl = b - bh;
  return ah * bh - p + ah * bl + al * bh + al * bl;
}

@inline function nextUp(q: f64): f64 {
  return reinterpret<f64>(reinterpret<u64>(q) + 1);
}
@inline function nextDown(q: f64): f64 {
  return reinterpret<f64>(reinterpret<u64>(q) - 1);
}

/** `decimalQuotient` of src/results/decimal.ts, step for step: NaN when it cannot tell. */
function decimalQuotient(hi: f64, k: i32, lo: f64, f: i32): f64 {
  const scale = unchecked(POW10[k]);
  const p = hi * scale;
  const e = productError(hi, scale, p);
  const mh = p + lo;
  const ml = p - mh + lo + e;
  const P = unchecked(POW10[f]);
  let q = mh / P;
  for (let tries = 0; tries < 3; tries++) {
    if (!(q > 0) || !isFinite(q)) return NaN;
    const a = q * P;
    const b = productError(q, P, a);
    const d = ml - b;
    const r = mh - a + d;
    const up = ((nextUp(q) - q) / 2) * P;
    const down = ((q - nextDown(q)) / 2) * P;
    const slack = (Math.abs(d) + Math.abs(r) + Math.abs(ml) + Math.abs(b)) * 8.881784197001252e-16; // 2^-50
    if (r >= 0 ? r < up - slack : -r < down - slack) return q;
    if (r >= 0 ? r <= up + slack : -r <= down + slack) return NaN;
    q = r > 0 ? nextUp(q) : nextDown(q);
  }
  return NaN;
}

/** 10^k as integers, for k <= 3 (the digits past the 15th that `decimalQuotient` takes). */
const POW10_INT: StaticArray<u64> = [1, 10, 100, 1000];

/**
 * After a wanted number at p, its value in `field` (as JSON.parse reads it), or NOT_FLAT. The
 * significant digits are read as one integer m (up to 19 of them), over 10^fraction: below
 * 2^53 that is Clinger's exact fast path (one correctly rounded division of exact doubles); up to
 * 18 digits, `decimalQuotient` of its first 15 and the rest; otherwise (more digits, an exponent,
 * a near tie) JavaScript's `Number` of the text (`slowNumber`). Each way gives the double nearest
 * the decimal, as `numberValue` of scan-rows.ts does.
 */
function numberValue(p: usize, field: i32): usize {
  const start = p;
  const negative = load<u8>(p) == 0x2d;
  if (negative) p++;
  let c = <u32>load<u8>(p);
  let m: u64 = 0;
  /** Significant digits in m (leading zeros are not), and digits that did not fit. */
  let digits: i32 = 0;
  let lost: i32 = 0;
  let fraction: i32 = 0;
  if (c == 0x30) c = load<u8>(++p);
  else if (isDigit(c)) {
    do {
      if (digits < 19) {
        m = m * 10 + <u64>(c - 0x30);
        if (m) digits++;
      } else lost++;
      c = load<u8>(++p);
    } while (isDigit(c));
  } else return NOT_FLAT;
  if (c == 0x2e) {
    c = load<u8>(++p);
    if (!isDigit(c)) return NOT_FLAT;
    do {
      if (digits < 19) {
        m = m * 10 + <u64>(c - 0x30);
        if (m) digits++;
        fraction++;
      } else lost++;
      c = load<u8>(++p);
    } while (isDigit(c));
  }
  let v: f64 = NaN;
  if ((c | 0x20) == 0x65) {
    c = load<u8>(++p);
    if (c == 0x2b || c == 0x2d) c = load<u8>(++p);
    if (!isDigit(c)) return NOT_FLAT;
    do c = load<u8>(++p);
    while (isDigit(c));
  } else if (lost == 0 && fraction < 23) {
    if (m < 9007199254740992) v = fraction ? <f64>m / unchecked(POW10[fraction]) : <f64>m;
    else if (digits <= 18) {
      const k = digits - 15;
      const scale = unchecked(POW10_INT[k]);
      v = decimalQuotient(<f64>(m / scale), k, <f64>(m % scale), fraction);
    }
  }
  if (isNaN(v)) v = slowNumber(negative ? start + 1 : start, p);
  unchecked((fieldType[field] = NUMBER));
  unchecked((fieldNum[field] = negative ? -v : v));
  return p;
}

/** After a literal at p (its first byte checked), `type` into `field` (-1: not wanted), or NOT_FLAT. */
function literal(p: usize, field: i32): usize {
  const c = <u32>load<u8>(p);
  let type: u8;
  let len: usize;
  if (c == 0x74) {
    if (load<u32>(p) != 0x65757274) return NOT_FLAT; // "true"
    type = TRUE;
    len = 4;
  } else if (c == 0x66) {
    if (load<u32>(p + 1) != 0x65736c61) return NOT_FLAT; // "alse"
    type = FALSE;
    len = 5;
  } else if (c == 0x6e) {
    if (load<u32>(p) != 0x6c6c756e) return NOT_FLAT; // "null"
    type = NULL;
    len = 4;
  } else return NOT_FLAT;
  if (field >= 0) unchecked((fieldType[field] = type));
  return p + len;
}

/** The wanted field named by the bytes [start, end) with hash h, or -1. */
@inline function fieldOf(h: u32, start: usize, len: i32): i32 {
  for (let s = h & (KEY_SLOTS - 1); ; s = (s + 1) & (KEY_SLOTS - 1)) {
    const field = unchecked(keySlots[s]) - 1;
    if (field < 0) return -1;
    if (unchecked(keyLen[field]) == len && sameBytes(keyArena + unchecked(keyStart[field]), start, len)) return field;
  }
  return -1; // not reached: the table always has an empty slot
}

/** Per key position: the previous row's key there (bytes in `predArena`) and its field; length -1: none yet. */
const MAX_KEYS = 512;
const predStart = new StaticArray<i32>(MAX_KEYS);
const predLen = new StaticArray<i32>(MAX_KEYS).fill(-1);
const predField = new StaticArray<i32>(MAX_KEYS);
let predArena: usize = 0;
let predArenaCap: i32 = 0;
let predArenaLen: i32 = 0;

/** Remembers the k-th key of this row (checked: no quote, backslash or control byte) for the next row. */
function predict(k: i32, start: usize, len: i32, field: i32): void {
  if (predArenaLen + len > predArenaCap) {
    const cap = capFor(predArenaCap, predArenaLen + len);
    predArena = moved(predArena, predArenaLen, cap);
    predArenaCap = cap;
  }
  memory.copy(predArena + predArenaLen, start, len);
  unchecked((predStart[k] = predArenaLen));
  unchecked((predLen[k] = len));
  unchecked((predField[k] = field));
  predArenaLen += len;
}

/** One object at p into the row's fields; after it, or NOT_FLAT. */
function object(p: usize): usize {
  for (let f = 0; f < fieldCount; f++) unchecked((fieldType[f] = ABSENT));
  if (load<u8>(p++) != 0x7b) return NOT_FLAT;
  p = skipSpace(p);
  if (load<u8>(p) == 0x7d) return p + 1;
  for (let k = 0; ; k++) {
    if (load<u8>(p++) != 0x22) return NOT_FLAT;
    const start = p;
    let field: i32;
    // Rows of one file list their keys in one order: the previous row's k-th key first.
    const len = k < MAX_KEYS ? unchecked(predLen[k]) : -1;
    if (len >= 0 && start + <usize>len < pieceEnd && load<u8>(start + len) == 0x22 && sameBytes(predArena + unchecked(predStart[k]), start, len)) {
      field = unchecked(predField[k]);
      p = start + len;
    } else {
      let h: u32 = 0;
      for (;;) {
        const c = <u32>load<u8>(p);
        if (c == 0x22) break;
        if (c < 0x20 || c == 0x5c) return NOT_FLAT;
        h = keyHash(h, c);
        p++;
      }
      field = fieldOf(h, start, <i32>(p - start));
      if (k < MAX_KEYS) predict(k, start, <i32>(p - start), field);
    }
    p++;
    if (load<u8>(p) <= 0x20) p = skipSpace(p);
    if (load<u8>(p++) != 0x3a) return NOT_FLAT;
    if (load<u8>(p) <= 0x20) p = skipSpace(p);
    const c = <u32>load<u8>(p);
    if (c == 0x22) p = field >= 0 ? stringValue(p + 1, field) : skipString(p + 1);
    else if (c == 0x2d || isDigit(c)) p = field >= 0 ? numberValue(p, field) : skipNumber(p);
    else p = literal(p, field);
    if (p == NOT_FLAT) return NOT_FLAT;
    if (load<u8>(p) <= 0x20) p = skipSpace(p);
    const d = load<u8>(p++);
    if (d == 0x7d) return p;
    if (d != 0x2c) return NOT_FLAT;
    if (load<u8>(p) <= 0x20) p = skipSpace(p);
  }
  return NOT_FLAT; // not reached
}

/**
 * Reads the piece of `len` bytes at `inputAt` (the file's next bytes; `last`: its end). A piece
 * other than the last ends just after a row's `}`. 1 when read, 0 when the file is not for this
 * reader (a syntax error, a nested value, an escaped wanted string, a row breaking a rule).
 */
export function feed(len: i32, last: i32): i32 {
  const end = inputPtr + <usize>len;
  pieceEnd = end;
  for (let j: usize = 0; j < SLACK; j++) store<u8>(end + j, 0);
  let p = skipSpace(inputPtr);
  if (phase == PHASE_START) {
    if (p >= end) return last ? 0 : 1;
    if (load<u8>(p++) != 0x5b) return 0;
    p = skipSpace(p);
    if (load<u8>(p) == 0x5d) {
      phase = PHASE_END;
      p++;
    } else phase = PHASE_ROW;
  }
  while (phase != PHASE_END && p < end) {
    if (phase == PHASE_ROW) {
      p = object(p);
      if (p == NOT_FLAT || p > end || !addRow(rowsRead++)) return 0;
      phase = PHASE_AFTER_ROW;
    } else {
      const c = load<u8>(p++);
      if (c == 0x5d) phase = PHASE_END;
      else if (c == 0x2c) phase = PHASE_ROW;
      else return 0;
    }
    p = skipSpace(p);
  }
  if (phase == PHASE_END && skipSpace(p) != end) return 0;
  return !last || phase == PHASE_END ? 1 : 0;
}
