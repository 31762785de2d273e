/**
 * Benchmark identities as small integers. A comparison matches points of
 * many runs by identity; matching them by a string key per row (the JSON of
 * the identity's values) costs a string and a hashed Map lookup per row of
 * every run. Here each distinct identity gets an id once per thread, kept as
 * a tuple of typed values (the fields of `identityFields`, in order: string,
 * number or boolean), and a row finds its id by a hash of its values and a
 * field-by-field check of the tuple in typed arrays, with no string or
 * object made. Runs then hold `Int32Array`s of ids, and two runs meet by
 * array index.
 *
 * Values are compared as `JSON.parse` gives them, so an id stands for
 * exactly what `identityOf` and `identityKey` call one identity; the identity
 * object and key are made only when asked for (`identity`, `key`). Ids of
 * another thread's table are translated through their tuples (`tuplesFrom`,
 * `idsOfTuples`).
 */
import { FIELD_FALSE, FIELD_NUMBER, FIELD_STRING, FIELD_TRUE, type RowScanner, stringHash } from "../results/scan-rows.js";
import { type Identity, identityFields, identityKey } from "./metrics.js";

/** Room per tuple: the most identity fields (multi-node). */
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

/** A tuple's values from some source, in typed arrays (see `IdentityTable.tuple`). */
interface Tuple {
  n: number;
  types: Uint8Array;
  nums: Float64Array;
  strs: (string | undefined)[];
  /** Per value: a string's `stringHash`, a number's `numberHash`, a boolean's type. */
  hashes: Int32Array;
}

/** The tuples of a table's ids from `first` on, to send to another thread (`IdentityTable.idsOfTuples`). */
export interface Tuples {
  first: number;
  lengths: Uint8Array;
  types: Uint8Array;
  nums: Float64Array;
  strs: (string | undefined)[];
}

export class IdentityTable {
  /** Open-addressed: tuple hash -> id + 1 (0 empty), with the hash kept beside it. */
  private slots = new Int32Array(1 << 12);
  private hashes = new Int32Array(1 << 12);
  /** Per id: its tuple's length, and WIDTH values (type, number, string). */
  private lengths = new Uint8Array(1024);
  private types = new Uint8Array(1024 * WIDTH);
  private nums = new Float64Array(1024 * WIDTH);
  private strs: (string | undefined)[] = [];
  private count = 0;
  /** Made on demand, per id. */
  private objects: (Identity | undefined)[] = [];
  private keys: (string | undefined)[] = [];
  /** The tuple being looked up. */
  private readonly t: Tuple = {
    n: 0,
    types: new Uint8Array(WIDTH),
    nums: new Float64Array(WIDTH),
    strs: new Array(WIDTH).fill(undefined),
    hashes: new Int32Array(WIDTH),
  };

  get size(): number {
    return this.count;
  }

  /**
   * The id of the scanner's current row, whose identity fields are at `slots`
   * (in `identityFields` order; the row keeps every rule of `aggRowRules`).
   */
  idOfScanned(sc: RowScanner, slots: Int32Array): number {
    const t = this.t;
    t.n = slots.length;
    for (let j = 0; j < slots.length; j++) {
      const slot = slots[j]!;
      const type = sc.type[slot]!;
      t.types[j] = type;
      if (type === FIELD_STRING) {
        t.strs[j] = sc.str[slot];
        t.hashes[j] = sc.strHash[slot]!;
      } else if (type === FIELD_NUMBER) {
        t.nums[j] = sc.num[slot]!;
        t.hashes[j] = numberHash(sc.num[slot]!);
      } else t.hashes[j] = type;
    }
    return this.idOfTuple();
  }

  /** The id of an identity made by `identityOf` (its fields are `identityFields`, in order). */
  idOf(identity: Identity): number {
    const t = this.t;
    const names = identityFields(identity.is_multinode === true);
    t.n = names.length;
    names.forEach((name, j) => {
      const v = identity[name];
      if (typeof v === "string") {
        t.types[j] = FIELD_STRING;
        t.strs[j] = v;
        t.hashes[j] = stringHash(v);
      } else if (typeof v === "number") {
        t.types[j] = FIELD_NUMBER;
        t.nums[j] = v;
        t.hashes[j] = numberHash(v);
      } else t.hashes[j] = t.types[j] = v ? FIELD_TRUE : FIELD_FALSE;
    });
    return this.idOfTuple();
  }

  /** The identity of an id, as `identityOf` makes it (made once, on demand). */
  identity(id: number): Identity {
    let o = this.objects[id];
    if (o) return o;
    const multi = this.lengths[id] === MULTI_WIDTH;
    const names = identityFields(multi);
    // A copy of a template with every field: the stores below then change values, never the object's shape.
    o = { ...(multi ? MULTI_TEMPLATE : SINGLE_TEMPLATE) };
    for (let j = 0; j < names.length; j++) {
      const at = id * WIDTH + j;
      const type = this.types[at];
      o[names[j]!] = type === FIELD_STRING ? this.strs[at]! : type === FIELD_NUMBER ? this.nums[at]! : type === FIELD_TRUE;
    }
    this.objects[id] = o;
    return o;
  }

  /** The identity's key (`identityKey`). */
  key(id: number): string {
    return (this.keys[id] ??= identityKey(this.identity(id)));
  }

  /** The id of an identity key, if this table has it (tests; a linear search). */
  find(key: string): number | undefined {
    for (let id = 0; id < this.count; id++) if (this.key(id) === key) return id;
    return undefined;
  }

  /** The tuples of ids `first`.. (to send to another thread). */
  tuplesFrom(first: number): Tuples {
    return {
      first,
      lengths: this.lengths.slice(first, this.count),
      types: this.types.slice(first * WIDTH, this.count * WIDTH),
      nums: this.nums.slice(first * WIDTH, this.count * WIDTH),
      strs: this.strs.slice(first * WIDTH, this.count * WIDTH),
    };
  }

  /** The ids here of another table's tuples (`tuplesFrom`), written to `into[first + k]`. */
  idsOfTuples(from: Tuples, into: number[]): void {
    const t = this.t;
    for (let k = 0; k < from.lengths.length; k++) {
      t.n = from.lengths[k]!;
      for (let j = 0; j < t.n; j++) {
        const at = k * WIDTH + j;
        const type = from.types[at]!;
        t.types[j] = type;
        t.strs[j] = from.strs[at];
        t.nums[j] = from.nums[at]!;
        t.hashes[j] = type === FIELD_STRING ? stringHash(from.strs[at]!) : type === FIELD_NUMBER ? numberHash(from.nums[at]!) : type;
      }
      into[from.first + k] = this.idOfTuple();
    }
  }

  /** The id of the tuple in `t`, a new one if it is new. */
  private idOfTuple(): number {
    const t = this.t;
    let h = t.n;
    for (let j = 0; j < t.n; j++) h = mix(h, t.hashes[j]!);
    const mask = this.slots.length - 1;
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const id = this.slots[s]! - 1;
      if (id < 0) return this.insert(s, h);
      if (this.hashes[s] === h && this.holds(id)) return id;
    }
  }

  /** Whether id's tuple is the one in `t` (is_multinode is a field, so the same fields too). */
  private holds(id: number): boolean {
    const t = this.t;
    if (this.lengths[id] !== t.n) return false;
    const at = id * WIDTH;
    for (let j = 0; j < t.n; j++) {
      const type = t.types[j]!;
      if (this.types[at + j] !== type) return false;
      if (type === FIELD_NUMBER ? this.nums[at + j] !== t.nums[j] : type === FIELD_STRING && this.strs[at + j] !== t.strs[j]) return false;
    }
    return true;
  }

  private insert(s: number, h: number): number {
    const t = this.t;
    const id = this.count++;
    if (id >= this.lengths.length) this.grow();
    this.slots[s] = id + 1;
    this.hashes[s] = h;
    this.lengths[id] = t.n;
    const at = id * WIDTH;
    for (let j = 0; j < WIDTH; j++) {
      const type = j < t.n ? t.types[j]! : 0;
      this.types[at + j] = type;
      this.nums[at + j] = type === FIELD_NUMBER ? t.nums[j]! : 0;
      this.strs[at + j] = type === FIELD_STRING ? t.strs[j] : undefined;
    }
    if (this.count * 2 > this.slots.length) this.rehash();
    return id;
  }

  private grow(): void {
    const lengths = new Uint8Array(this.lengths.length * 2);
    lengths.set(this.lengths);
    this.lengths = lengths;
    const types = new Uint8Array(lengths.length * WIDTH);
    types.set(this.types);
    this.types = types;
    const nums = new Float64Array(lengths.length * WIDTH);
    nums.set(this.nums);
    this.nums = nums;
  }

  private rehash(): void {
    const oldSlots = this.slots;
    const oldHashes = this.hashes;
    this.slots = new Int32Array(oldSlots.length * 2);
    this.hashes = new Int32Array(oldSlots.length * 2);
    const mask = this.slots.length - 1;
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
