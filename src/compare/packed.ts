/**
 * Runs in flat arrays: keys, metric values and bad bits (and, for the
 * baseline and the head, identities), with no object per point kept: a
 * comparison looks points up by key, and `PackedPoints` makes a Point when
 * asked. A run of 20,000 points costs a few arrays instead of 100,000 objects
 * for the garbage collector to move, and a history run crosses from a worker
 * thread as two transferable buffers.
 */
import { relative } from "node:path";
import { type FileRows, KEPT_METRICS, readFileRows, rowPath } from "./file-rows.js";
import type { Identity } from "./metrics.js";
import type { Point, Run } from "./run.js";

export type { Point, Run };

/** The words for a row dropped because a newer row of the same identity is in the run. */
function duplicateProblem(display: string, at: string, old: { source: string; date: string }, keep: { source: string; date: string }): string {
  return `${display}: ${at} has the same benchmark identity as ${old.source}; kept the newer (${keep.source}${keep.date ? `, date ${keep.date}` : ""})`;
}

/** `file` as problems show it: under `root` when one is given. */
export function displayPath(file: string, root?: string): string {
  return root && file !== root ? `${root.replace(/\/+$/, "")}/${relative(root, file)}` : file;
}

export interface LoadJob {
  index: number;
  label: string;
  files: string[];
  root?: string;
}

export interface PackedRun {
  index: number;
  label: string;
  keys: string[];
  /** keys.length × KEPT_METRICS.length, point after point. */
  values: Float64Array;
  bad: Int32Array;
  /** Per point, for the baseline and the head (never sent from a worker). */
  identities?: Identity[];
  /** Key -> index, when the run was read on this thread (a Map is not worth sending between threads). */
  slots?: Map<string, number>;
  problems: string[];
  files: number;
  duplicates: number;
}

const K = KEPT_METRICS.length;

/** Collects a run's rows (newest `date` wins among duplicates, later row on a tie, as `loadRun`). */
export class PackedBuilder {
  readonly keys: string[] = [];
  /** Kept when constructed with `identities`. */
  readonly identities: Identity[] | undefined;
  values = new Float64Array(1024 * K);
  readonly bad: number[] = [];
  readonly dates: string[] = [];
  /** Where each point came from: its file (index into `displays`) and row. */
  readonly fileOf: number[] = [];
  readonly rowOf: number[] = [];
  readonly displays: string[] = [];
  readonly slots = new Map<string, number>();
  duplicates = 0;

  constructor(identities: boolean) {
    this.identities = identities ? [] : undefined;
  }

  merge(rows: FileRows, display: string, problems: string[]): void {
    const file = this.displays.push(display) - 1;
    for (let j = 0; j < rows.n; j++) {
      const key = rows.keys[j]!;
      let slot = this.slots.get(key);
      if (slot !== undefined) {
        this.duplicates++;
        const old = { source: this.source(slot), date: this.dates[slot]! };
        const point = { source: `${display} ${rowPath(rows, j)}`, date: rows.dates[j]! };
        const newer = point.date >= old.date;
        problems.push(duplicateProblem(display, rowPath(rows, j), old, newer ? point : old));
        if (!newer) continue;
      } else {
        slot = this.keys.length;
        this.slots.set(key, slot);
        this.keys.push(key);
        if ((slot + 1) * K > this.values.length) this.grow();
      }
      for (let m = 0; m < K; m++) this.values[slot * K + m] = rows.values[j * K + m]!;
      this.bad[slot] = rows.bad[j]!;
      this.dates[slot] = rows.dates[j]!;
      this.fileOf[slot] = file;
      this.rowOf[slot] = rows.index[j]!;
      if (this.identities) this.identities[slot] = rows.identities[j]!;
    }
  }

  private source(slot: number): string {
    const i = this.rowOf[slot]!;
    return `${this.displays[this.fileOf[slot]!]} ${i < 0 ? "$" : `$[${i}]`}`;
  }

  private grow(): void {
    const bigger = new Float64Array(this.values.length * 2);
    bigger.set(this.values);
    this.values = bigger;
  }

  /** The run collected (the builder is not used after). */
  done(index: number, label: string, problems: string[], files: number): PackedRun {
    const n = this.keys.length;
    return {
      index,
      label,
      keys: this.keys,
      values: this.values.slice(0, n * K),
      bad: Int32Array.from(this.bad),
      ...(this.identities ? { identities: this.identities } : {}),
      slots: this.slots,
      problems,
      files,
      duplicates: this.duplicates,
    };
  }
}

/** Reads a job's files as one packed run; `identities` for a baseline or head (a history run needs keys and values). */
export function loadPackedRun(job: LoadJob, identities = false): PackedRun {
  const b = new PackedBuilder(identities);
  const problems: string[] = [];
  for (const f of job.files) {
    const display = displayPath(f, job.root);
    const rows = readFileRows(f, display, problems, identities);
    if (rows) b.merge(rows, display, problems);
  }
  return b.done(job.index, job.label, problems, job.files.length);
}

/**
 * A read-only Map over a packed run: a Point is made when asked for (its
 * values a view into the run's array). Writing to it throws.
 */
export class PackedPoints extends Map<string, Point> {
  constructor(private readonly packed: PackedRun) {
    super();
  }

  private index(): Map<string, number> {
    this.packed.slots ??= new Map(this.packed.keys.map((k, i) => [k, i]));
    return this.packed.slots;
  }

  private point(i: number): Point {
    const p = this.packed;
    return { key: p.keys[i]!, identity: p.identities?.[i] ?? {}, values: p.values.subarray(i * K, (i + 1) * K), bad: p.bad[i]! };
  }

  override get(key: string): Point | undefined {
    const i = this.index().get(key);
    return i === undefined ? undefined : this.point(i);
  }
  override has(key: string): boolean {
    return this.index().has(key);
  }
  override get size(): number {
    return this.packed.keys.length;
  }
  override *keys(): MapIterator<string> {
    yield* this.packed.keys;
  }
  override *values(): MapIterator<Point> {
    for (let i = 0; i < this.packed.keys.length; i++) yield this.point(i);
  }
  override *entries(): MapIterator<[string, Point]> {
    for (let i = 0; i < this.packed.keys.length; i++) yield [this.packed.keys[i]!, this.point(i)];
  }
  override [Symbol.iterator](): MapIterator<[string, Point]> {
    return this.entries();
  }
  /** The cheap way through every point (no iterator, no entry array). */
  override forEach(f: (value: Point, key: string, map: Map<string, Point>) => void): void {
    const keys = this.packed.keys;
    for (let i = 0; i < keys.length; i++) f(this.point(i), keys[i]!, this);
  }
  override set(): this {
    throw new Error("PackedPoints is read-only");
  }
  override delete(): boolean {
    throw new Error("PackedPoints is read-only");
  }
  override clear(): void {
    throw new Error("PackedPoints is read-only");
  }
}

/** A packed run as a Run whose points are made on lookup. */
export function unpackRun(p: PackedRun): Run {
  return { label: p.label, points: new PackedPoints(p), problems: p.problems, files: p.files, duplicates: p.duplicates };
}
