/**
 * Benchmark identities as small integers. A comparison matches points of
 * many runs by identity; matching them by a string key per row (the JSON of
 * the identity's values) costs a string and a hashed Map lookup per row of
 * every run. Here each distinct identity gets an id once per thread, kept as
 * a tuple of values (the fields of `identityFields`, in order: strings,
 * numbers, booleans), and a row finds its id by a hash of its values and a
 * value-by-value check of the tuple, with no string or object made. Runs then
 * hold `Int32Array`s of ids, and two runs meet by array index.
 *
 * Values are compared as `JSON.parse` gives them (===), so an id stands for
 * exactly what `identityOf` and `identityKey` call one identity; the identity
 * object and key are made only when asked for (`identity`, `key`). Ids of
 * another thread's table are translated through their tuples (`tuplesFrom`,
 * `idsOfTuples`).
 */
import { FIELD_FALSE, FIELD_NUMBER, FIELD_STRING, FIELD_TRUE, type RowScanner, stringHash } from "../results/scan-rows.js";
import { type Identity, identityFields, identityKey } from "./metrics.js";
import { grown } from "./typed-arrays.js";

type Value = string | number | boolean;

/** Room for the tuple being looked up: the most identity fields (multi-node). */
const WIDTH = Math.max(identityFields(true).length, identityFields(false).length);
const MULTI_WIDTH = identityFields(true).length;
const SINGLE_TEMPLATE: Identity = Object.fromEntries(identityFields(false).map((k) => [k, 0]));
const MULTI_TEMPLATE: Identity = Object.fromEntries(identityFields(true).map((k) => [k, 0]));

const f64 = new Float64Array(1);
const i32 = new Int32Array(f64.buffer);

function mix(h: number, v: number): number {
  h = Math.imul(h ^ v, 0x9e3779b1);
  return h ^ (h >>> 15);
}

/** A number's contribution to a tuple's hash (-0 and 0 are one value, as `JSON.stringify` writes them). */
function numberHash(v: number): number {
  f64[0] = v + 0;
  return mix(i32[0]!, i32[1]!);
}

/** The type a table keeps for a value's scanner type: anything but a string, a number or true is false. */
const storedType = (type: number) => (type === FIELD_STRING || type === FIELD_NUMBER || type === FIELD_TRUE ? type : FIELD_FALSE);

/** A value's contribution to a tuple's hash: a string's `stringHash` (the scanner's), a number's bits, a boolean's scanner type. */
function valueHash(v: Value): number {
  return typeof v === "string" ? stringHash(v) : typeof v === "number" ? numberHash(v) : v ? FIELD_TRUE : FIELD_FALSE;
}

/**
 * The tuples of a table's ids from `first` on, to send to another thread
 * (`IdentityTable.idsOfTuples`): typed arrays and the table's few distinct
 * strings, no object per value (cheap to copy between threads).
 */
export interface Tuples {
  first: number;
  /** Where each tuple starts in `types`/`nums`, and where the last ends. */
  starts: Int32Array;
  types: Uint8Array;
  /** Numbers, string indexes (into `strings`) and booleans as the table keeps them. */
  nums: Float64Array;
  strings: string[];
}

export class IdentityTable {
  /** Open-addressed: tuple hash -> id + 1 (0 empty), with the hash kept beside it. */
  private slots = new Int32Array(1 << 12);
  private hashes = new Int32Array(1 << 12);
  /** Per id: where its tuple starts in `types`/`nums` (it ends where the next starts). */
  private starts = new Int32Array(1025);
  /**
   * The tuples' values one after another, in typed arrays (a JS array of
   * values would grow, and be traced by the garbage collector, value by
   * value): the scanner's type (FIELD_TRUE or FIELD_FALSE for a boolean),
   * and the number or the index of the string in `strings`.
   */
  private types = new Uint8Array(1024 * 16);
  private nums = new Float64Array(1024 * 16);
  private readonly strings: string[] = [];
  /** Per string: its `stringHash`. */
  private readonly stringHashes: number[] = [];
  private readonly stringIds = new Map<string, number>();
  private count = 0;
  /** Ids below this are in `slots`; those from it on were appended (`appendNew`) and are hashed when a lookup next needs them. */
  private indexed = 0;
  /** Made on demand, per id. */
  private readonly objects: (Identity | undefined)[] = [];
  private readonly keys: (string | undefined)[] = [];
  /** The tuple being looked up: its length, values and their hashes. */
  private n = 0;
  private readonly tuple: Value[] = new Array<Value>(WIDTH).fill(0);
  private readonly tupleHashes = new Int32Array(WIDTH);

  get size(): number {
    return this.count;
  }

  /** Makes room for `ids` identities in all (call before a big read: the arrays then do not grow in its hot loop). */
  reserve(ids: number): void {
    if (ids + 1 > this.starts.length) this.starts = grown(this.starts, ids + 1);
    if (ids * WIDTH > this.types.length) this.growValues(ids * WIDTH);
    let size = this.slots.length;
    while (size < ids * 2) size *= 2;
    if (size > this.slots.length) this.rehash(size);
  }

  /**
   * The id of the scanner's current row, whose identity fields are at `slots`
   * (in `identityFields` order; the row keeps every rule of `aggRowRules`).
   */
  idOfScanned(sc: RowScanner, slots: Int32Array): number {
    const tuple = this.tuple;
    const hashes = this.tupleHashes;
    this.n = slots.length;
    for (let j = 0; j < slots.length; j++) {
      const slot = slots[j]!;
      const type = sc.type[slot]!;
      if (type === FIELD_STRING) {
        tuple[j] = sc.str[slot]!;
        hashes[j] = sc.strHash[slot]!;
      } else if (type === FIELD_NUMBER) {
        tuple[j] = sc.num[slot]!;
        hashes[j] = numberHash(sc.num[slot]!);
      } else {
        tuple[j] = type === FIELD_TRUE;
        hashes[j] = type;
      }
    }
    return this.idOfTuple();
  }

  /** The id of an identity made by `identityOf` (its fields are `identityFields`, in order). */
  idOf(identity: Identity): number {
    const names = identityFields(identity.is_multinode === true);
    this.n = names.length;
    names.forEach((name, j) => {
      const v = identity[name]!;
      this.tuple[j] = v;
      this.tupleHashes[j] = valueHash(v);
    });
    return this.idOfTuple();
  }

  /** The identity of an id, as `identityOf` makes it (made once, on demand). */
  identity(id: number): Identity {
    let o = this.objects[id];
    if (o) return o;
    const at = this.starts[id]!;
    const multi = this.starts[id + 1]! - at === MULTI_WIDTH;
    const names = identityFields(multi);
    // A copy of a template with every field: the stores below then change values, never the object's shape.
    o = { ...(multi ? MULTI_TEMPLATE : SINGLE_TEMPLATE) };
    for (let j = 0; j < names.length; j++) o[names[j]!] = this.value(at + j);
    this.objects[id] = o;
    return o;
  }

  /** The identity's key (`identityKey`). */
  key(id: number): string {
    return (this.keys[id] ??= identityKey(this.identity(id)));
  }

  /** Whether ids `a` and `b` have the same first `count` values (the curve fields lead an identity: `identityFields`). */
  sameLeadingValues(a: number, b: number, count: number): boolean {
    const at = this.starts[a]!;
    const bt = this.starts[b]!;
    for (let j = 0; j < count; j++) if (this.types[at + j] !== this.types[bt + j] || this.nums[at + j] !== this.nums[bt + j]) return false;
    return true;
  }

  /** The tuples of ids `first`.. (to send to another thread). */
  tuplesFrom(first: number): Tuples {
    const from = this.starts[first]!;
    const to = this.starts[this.count]!;
    return {
      first,
      starts: this.starts.slice(first, this.count + 1).map((at) => at - from),
      types: this.types.slice(from, to),
      nums: this.nums.slice(from, to),
      strings: [...this.strings],
    };
  }

  /**
   * The ids here of another table's tuples (`tuplesFrom`), written to
   * `into[first + k]`. Read straight from the typed arrays: each of their
   * strings is hashed and given an id here once, and a tuple's values are
   * compared and copied as they are (thousands of identities cross per run).
   */
  idsOfTuples(from: Tuples, into: number[]): void {
    const localString = new Float64Array(from.strings.length).fill(-1);
    const stringHashes = new Int32Array(from.strings.length);
    const { types, nums, starts } = from;
    for (let k = 0; k + 1 < starts.length; k++) {
      const start = starts[k]!;
      const n = starts[k + 1]! - start;
      let h = n;
      for (let j = start; j < start + n; j++) {
        const type = types[j]!;
        if (type === FIELD_STRING) {
          const v = nums[j]!;
          if (localString[v]! < 0) {
            localString[v] = this.stringId(from.strings[v]!);
            stringHashes[v] = stringHash(from.strings[v]!);
          }
          h = mix(h, stringHashes[v]!);
        } else h = mix(h, type === FIELD_NUMBER ? numberHash(nums[j]!) : storedType(type));
      }
      // Threads read the files in one order and give ids in the order first met: the same id first.
      const guess = from.first + k;
      into[guess] = guess < this.count && this.holdsRaw(guess, from, start, n, localString) ? guess : this.idOfRaw(h, from, start, n, localString);
    }
  }

  /**
   * Appends another table's tuples (`tuplesFrom`, ids `from.first`..) that
   * are new here and take the same ids: the caller knows (this table holds
   * exactly the other's ids below `from.first`, see WasmRowReader). No lookup
   * and no hashing: they are indexed when a lookup next needs them.
   */
  appendNew(from: Tuples): void {
    if (from.first !== this.count) throw new Error("IdentityTable.appendNew: the tuples do not follow this table's ids");
    const starts = from.starts;
    const total = this.count + starts.length - 1;
    if (total + 1 > this.starts.length) this.starts = grown(this.starts, total + 1);
    const at0 = this.starts[this.count]!;
    const values = starts[starts.length - 1]!;
    if (at0 + values > this.types.length) this.growValues(at0 + values);
    for (let k = 0; k + 1 < starts.length; k++) this.starts[this.count + k + 1] = at0 + starts[k + 1]!;
    this.copyRaw(at0, from, 0, values, new Float64Array(from.strings.length).fill(-1));
    this.count = total;
  }

  /**
   * Copies `n` values of another table's tuples from `start` to `at` here, as
   * this table keeps them (`storedType`, -0 as 0); their strings' ids here are
   * in `localString` (-1: not yet, given here).
   */
  private copyRaw(at: number, from: Tuples, start: number, n: number, localString: Float64Array): void {
    for (let j = 0; j < n; j++) {
      const type = from.types[start + j]!;
      const v = from.nums[start + j]!;
      if (type === FIELD_STRING && localString[v]! < 0) localString[v] = this.stringId(from.strings[v]!);
      this.types[at + j] = storedType(type);
      this.nums[at + j] = type === FIELD_STRING ? localString[v]! : type === FIELD_NUMBER ? v + 0 : 0;
    }
  }

  /** Puts the appended ids (`appendNew`) into `slots`, so lookups find them. */
  private ensureIndexed(): void {
    if (this.indexed === this.count) return;
    let size = this.slots.length;
    while (size < this.count * 2) size *= 2;
    if (size > this.slots.length) this.rehash(size);
    const mask = this.slots.length - 1;
    for (let id = this.indexed; id < this.count; id++) {
      const at = this.starts[id]!;
      const n = this.starts[id + 1]! - at;
      let h = n;
      for (let j = at; j < at + n; j++) {
        const type = this.types[j]!;
        h = mix(h, type === FIELD_STRING ? this.stringHashes[this.nums[j]!]! : type === FIELD_NUMBER ? numberHash(this.nums[j]!) : type);
      }
      let slot = h & mask;
      while (this.slots[slot]) slot = (slot + 1) & mask;
      this.slots[slot] = id + 1;
      this.hashes[slot] = h;
    }
    this.indexed = this.count;
  }

  /** `idOfTuple` of a tuple in another table's arrays (`idsOfTuples`), its strings' ids here in `localString`. */
  private idOfRaw(h: number, from: Tuples, start: number, n: number, localString: Float64Array): number {
    this.ensureIndexed();
    const mask = this.slots.length - 1;
    let s = h & mask;
    for (; ; s = (s + 1) & mask) {
      const id = this.slots[s]! - 1;
      if (id < 0) break;
      if (this.hashes[s] === h && this.holdsRaw(id, from, start, n, localString)) return id;
    }
    const id = this.claim(s, h, n);
    this.copyRaw(this.starts[id]!, from, start, n, localString);
    return id;
  }

  private holdsRaw(id: number, from: Tuples, start: number, n: number, localString: Float64Array): boolean {
    const at = this.starts[id]!;
    if (this.starts[id + 1]! - at !== n) return false;
    for (let j = 0; j < n; j++) {
      const type = storedType(from.types[start + j]!);
      if (this.types[at + j] !== type) return false;
      const v = from.nums[start + j]!;
      if (type === FIELD_STRING ? this.nums[at + j] !== localString[v] : type === FIELD_NUMBER && this.nums[at + j] !== v) return false;
    }
    return true;
  }

  /** The id of the tuple being looked up, a new one if it is new. */
  private idOfTuple(): number {
    this.ensureIndexed();
    let h = this.n;
    for (let j = 0; j < this.n; j++) h = mix(h, this.tupleHashes[j]!);
    const mask = this.slots.length - 1;
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const id = this.slots[s]! - 1;
      if (id < 0) return this.insert(s, h);
      if (this.hashes[s] === h && this.holds(id)) return id;
    }
  }

  /** Whether id's tuple is the one being looked up (is_multinode is a value, so the same fields too). */
  private holds(id: number): boolean {
    const at = this.starts[id]!;
    if (this.starts[id + 1]! - at !== this.n) return false;
    for (let j = 0; j < this.n; j++) {
      const v = this.tuple[j];
      const type = this.types[at + j];
      const same =
        typeof v === "string"
          ? type === FIELD_STRING && this.strings[this.nums[at + j]!] === v
          : typeof v === "number"
            ? type === FIELD_NUMBER && this.nums[at + j] === v
            : type === (v ? FIELD_TRUE : FIELD_FALSE);
      if (!same) return false;
    }
    return true;
  }

  /** The value at `at` of the tuples' arrays. */
  private value(at: number): Value {
    const type = this.types[at];
    return type === FIELD_STRING ? this.strings[this.nums[at]!]! : type === FIELD_NUMBER ? this.nums[at]! : type === FIELD_TRUE;
  }

  private insert(s: number, h: number): number {
    const id = this.claim(s, h, this.n);
    const at = this.starts[id]!;
    for (let j = 0; j < this.n; j++) {
      const v = this.tuple[j]!;
      if (typeof v === "string") {
        this.types[at + j] = FIELD_STRING;
        this.nums[at + j] = this.stringId(v);
      } else if (typeof v === "number") {
        this.types[at + j] = FIELD_NUMBER;
        this.nums[at + j] = v;
      } else this.types[at + j] = v ? FIELD_TRUE : FIELD_FALSE;
    }
    return id;
  }

  /** A new id for a tuple of `n` values with hash `h`, put in the free slot `s`: room made for its values at `starts[id]`. */
  private claim(s: number, h: number, n: number): number {
    const id = this.count++;
    if (id + 2 > this.starts.length) this.starts = grown(this.starts, this.starts.length * 2);
    const at = this.starts[id]!;
    if (at + n > this.types.length) this.growValues(this.types.length * 2);
    this.starts[id + 1] = at + n;
    this.slots[s] = id + 1;
    this.hashes[s] = h;
    this.indexed = this.count;
    if (this.count * 2 > this.slots.length) this.rehash(this.slots.length * 2);
    return id;
  }

  private stringId(v: string): number {
    let id = this.stringIds.get(v);
    if (id === undefined) {
      id = this.strings.push(v) - 1;
      this.stringHashes.push(stringHash(v));
      this.stringIds.set(v, id);
    }
    return id;
  }

  private growValues(size: number): void {
    this.types = grown(this.types, size);
    this.nums = grown(this.nums, size);
  }

  private rehash(size: number): void {
    const oldSlots = this.slots;
    const oldHashes = this.hashes;
    this.slots = new Int32Array(size);
    this.hashes = new Int32Array(size);
    const mask = size - 1;
    for (let o = 0; o < oldSlots.length; o++) {
      if (!oldSlots[o]) continue;
      let s = oldHashes[o]! & mask;
      while (this.slots[s]) s = (s + 1) & mask;
      this.slots[s] = oldSlots[o]!;
      this.hashes[s] = oldHashes[o]!;
    }
  }
}

/** This thread's table: every run read here shares its ids. */
let local: IdentityTable | undefined;
export function localIdentities(): IdentityTable {
  local ??= new IdentityTable();
  return local;
}
