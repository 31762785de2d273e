/**
 * The first way `readFileRows` tries: the rows of an `agg_bmk.json` read by
 * WebAssembly (assembly/agg-rows.ts, embedded in generated/agg-rows-wasm.ts
 * by scripts/build-wasm.mjs). It does what the JavaScript fast reader
 * (`RowScanner` with `ScannedRows`) does, at about a third of the cost and
 * with no warm-up: the file is read in pieces straight into the module's
 * memory; the module checks each row against `aggRowRules`, keeps its
 * metrics and gives its identity an id of the module's own table; here those
 * ids are translated into this thread's `IdentityTable` (only the identities
 * first met in the file cost anything).
 *
 * Like the JavaScript reader it is an accelerator, never a judge: anything it
 * does not read exactly as `JSON.parse` would (an escape in a wanted string, a
 * nested value, a syntax error, a row breaking a rule, a row bigger than a
 * piece) makes it answer false, and the caller reads the file another way.
 */
import { isUtf8 } from "node:buffer";
import type { ReadAt } from "../io/read-user-file.js";
import { AGG_ROWS_WASM } from "./generated/agg-rows-wasm.js";
import type { IdentityTable } from "./identities.js";
import type { FileRows } from "./run.js";

/** What the reader checks and keeps: the slots are indexes into `fields`. */
export interface WasmRowsConfig {
  fields: readonly string[];
  /** Per is_multinode true / false / other: `aggRowRules` as slots and kinds (0 a string, 1 a finite number, 2 a number, 3 true or false). */
  rules: readonly { slots: Int32Array; kinds: Uint8Array }[];
  /** Per is_multinode true / false / other: the slots of `identityFields`. */
  identitySlots: readonly Int32Array[];
  metricSlots: readonly number[];
  multinodeSlot: number;
  dateSlot: number;
}

interface Exports {
  memory: WebAssembly.Memory;
  scratchAt(bytes: number): number;
  addField(len: number): number;
  addRule(multi: number, slot: number, kind: number): void;
  addIdentitySlot(multi: number, slot: number): void;
  addMetricSlot(slot: number): void;
  setSlots(multinode: number, date: number): void;
  inputAt(bytes: number): number;
  reserveRows(rows: number): void;
  reserveIdentities(ids: number): void;
  begin(): void;
  feed(len: number, last: number): number;
  rowCount(): number;
  rowIds(): number;
  rowIndexes(): number;
  rowDates(): number;
  rowValues(): number;
  stringCount(): number;
  stringStarts(): number;
  stringBytes(): number;
  identityTotal(): number;
  identityStarts(): number;
  identityTypes(): number;
  identityNums(): number;
}

/** Bytes read at a time (tests make it small, to cut rows between pieces). */
export const WASM_PIECE = 1 << 20;
const CLOSE_BRACE = 0x7d;

let compiled: WebAssembly.Module | undefined;

export class WasmRowReader {
  private readonly x: Exports;
  private readonly input: number;
  /** The module's strings (by its ids), decoded as they appear. */
  private readonly strings: string[] = [];
  /** The module's identity ids -> this thread's table's. */
  private readonly toTable: number[] = [];
  /**
   * Whether this thread's table holds exactly the module's identities, with
   * the same ids (nothing else was read here): new ones are then appended
   * as they are (`IdentityTable.appendNew`), with no lookup.
   */
  private lockstep = true;

  constructor(
    private readonly config: WasmRowsConfig,
    private readonly piece = WASM_PIECE,
  ) {
    compiled ??= new WebAssembly.Module(Buffer.from(AGG_ROWS_WASM, "base64"));
    const instance = new WebAssembly.Instance(compiled, {
      env: {
        slowNumber: (start: number, end: number) => Number(Buffer.from(this.x.memory.buffer).toString("latin1", start, end)),
        abort: () => {
          throw new Error("agg-rows.wasm: out of memory");
        },
      },
    });
    this.x = instance.exports as unknown as Exports;
    this.configure();
    this.input = this.x.inputAt(piece);
  }

  private configure(): void {
    const { x, config } = this;
    for (const f of config.fields) {
      const key = Buffer.from(f, "utf8");
      new Uint8Array(x.memory.buffer, x.scratchAt(key.length), key.length).set(key);
      x.addField(key.length);
    }
    config.rules.forEach(({ slots, kinds }, multi) => slots.forEach((slot, r) => x.addRule(multi, slot, kinds[r]!)));
    config.identitySlots.forEach((slots, multi) => slots.forEach((slot) => x.addIdentitySlot(multi, slot)));
    for (const slot of config.metricSlots) x.addMetricSlot(slot);
    x.setSlots(config.multinodeSlot, config.dateSlot);
  }

  /**
   * Reads a file of `size` bytes into `out` (emptied; grown with `grow`), ids
   * of `table`. False when the file is not for this reader (`out` is then
   * unspecified).
   */
  read(read: ReadAt, size: number, out: FileRows, table: IdentityTable, grow: (rows: FileRows, n: number) => void): boolean {
    const { x, input, piece } = this;
    x.begin();
    // Rows of the results pipeline take about 1 KB each: room made at once, not by doubling.
    x.reserveRows(Math.ceil(size / 1024));
    if (x.identityTotal() === 0) x.reserveIdentities(Math.ceil(size / 1024));
    let carry = 0;
    let position = 0;
    for (;;) {
      let mem = new Uint8Array(x.memory.buffer);
      const n = read(mem, input + carry, piece - carry, position);
      position += n;
      const end = carry + n;
      if (end === 0) return false; // empty: the exact way says so
      const last = n === 0 || position >= size;
      const cut = last ? end : mem.subarray(input, input + end).lastIndexOf(CLOSE_BRACE) + 1;
      if (cut === 0) return false; // a row bigger than a piece
      if (!isUtf8(mem.subarray(input, input + cut))) return false;
      // `feed` writes a few zero bytes after the piece: the start of the next one is kept aside.
      const rest = last ? undefined : mem.slice(input + cut, input + end);
      if (!x.feed(cut, last ? 1 : 0)) return false;
      if (!rest) break;
      mem = new Uint8Array(x.memory.buffer);
      mem.set(rest, input);
      carry = rest.length;
    }
    this.takeStrings();
    this.takeIdentities(table);
    this.takeRows(out, grow);
    return true;
  }

  /** Decodes the module's strings new since the last file. */
  private takeStrings(): void {
    const { x, strings } = this;
    const count = x.stringCount();
    if (count === strings.length) return;
    const starts = new Int32Array(x.memory.buffer, x.stringStarts(), count + 1);
    const bytes = Buffer.from(x.memory.buffer, x.stringBytes());
    for (let id = strings.length; id < count; id++) strings.push(bytes.toString("utf8", starts[id], starts[id + 1]));
  }

  /** Translates the module's identities new since the last file into `table`'s ids. */
  private takeIdentities(table: IdentityTable): void {
    const { x, toTable } = this;
    const total = x.identityTotal();
    const first = toTable.length;
    if (total === first) return;
    const buffer = x.memory.buffer;
    const allStarts = new Int32Array(buffer, x.identityStarts(), total + 1);
    const from = allStarts[first]!;
    const to = allStarts[total]!;
    const tuples = {
      first,
      starts: allStarts.slice(first).map((at) => at - from),
      types: new Uint8Array(buffer, x.identityTypes() + from, to - from),
      nums: new Float64Array(buffer, x.identityNums() + 8 * from, to - from),
      strings: this.strings,
    };
    this.lockstep &&= table.size === first;
    if (this.lockstep) {
      table.appendNew(tuples);
      for (let id = first; id < total; id++) toTable.push(id);
    } else {
      table.reserve(table.size + total - first);
      table.idsOfTuples(tuples, toTable);
    }
  }

  /** The file's rows into `out`. */
  private takeRows(out: FileRows, grow: (rows: FileRows, n: number) => void): void {
    const { x, toTable, strings } = this;
    const n = x.rowCount();
    if (out.ids.length < n) grow(out, n);
    const buffer = x.memory.buffer;
    const k = this.config.metricSlots.length;
    const ids = new Int32Array(buffer, x.rowIds(), n);
    const dates = new Int32Array(buffer, x.rowDates(), n);
    for (let j = 0; j < n; j++) {
      out.ids[j] = toTable[ids[j]!]!;
      const d = dates[j]!;
      out.dates[j] = d < 0 ? "" : strings[d]!;
    }
    out.values.set(new Float64Array(buffer, x.rowValues(), n * k));
    out.index.set(new Int32Array(buffer, x.rowIndexes(), n));
    out.bad.fill(0, 0, n);
    out.n = n;
  }
}
