/**
 * History runs in flat arrays: keys, metric values and bad bits, no object
 * per point. A comparison only looks history points up by key, so a run of
 * 20,000 points costs three arrays instead of 20,000 objects, and crosses
 * from a worker thread as two transferable buffers.
 */
import { type FileRows, KEPT_METRICS, readFileRows, rowPath } from "./file-rows.js";
import { displayPath, duplicateProblem, type Point, type Run } from "./load.js";

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
  problems: string[];
  files: number;
  duplicates: number;
}

const K = KEPT_METRICS.length;

/** Collects a run's rows (newest `date` wins among duplicates, later row on a tie, as `loadRun`). */
class PackedBuilder {
  readonly keys: string[] = [];
  values = new Float64Array(1024 * K);
  readonly bad: number[] = [];
  readonly dates: string[] = [];
  /** Where each point came from: its file (index into `displays`) and row. */
  readonly fileOf: number[] = [];
  readonly rowOf: number[] = [];
  readonly displays: string[] = [];
  readonly slots = new Map<string, number>();
  duplicates = 0;

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
}

/** Reads a job's files as one packed run (what a history run needs: keys and values). */
export function loadPackedRun(job: LoadJob): PackedRun {
  const b = new PackedBuilder();
  const problems: string[] = [];
  for (const f of job.files) {
    const display = displayPath(f, job.root);
    const rows = readFileRows(f, display, problems, false);
    if (rows) b.merge(rows, display, problems);
  }
  const n = b.keys.length;
  return {
    index: job.index,
    label: job.label,
    keys: b.keys,
    values: b.values.slice(0, n * K),
    bad: Int32Array.from(b.bad),
    problems,
    files: job.files.length,
    duplicates: b.duplicates,
  };
}

/**
 * A read-only Map over a packed run: a Point (without identity: history
 * needs values) is made when asked for. Writing to it throws.
 */
export class PackedPoints extends Map<string, Point> {
  private slots?: Map<string, number>;

  constructor(private readonly packed: PackedRun) {
    super();
  }

  private index(): Map<string, number> {
    this.slots ??= new Map(this.packed.keys.map((k, i) => [k, i]));
    return this.slots;
  }

  private point(i: number): Point {
    const p = this.packed;
    return { key: p.keys[i]!, identity: {}, values: p.values.subarray(i * K, (i + 1) * K), bad: p.bad[i]!, date: "", source: p.label };
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
  override forEach(f: (value: Point, key: string, map: Map<string, Point>) => void): void {
    for (const [k, v] of this.entries()) f(v, k, this);
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
