/**
 * Runs in flat arrays: identity ids, metric values and bad bits, with no
 * object per point: a comparison meets two runs' points by id, and `pointAt`
 * makes a Point when asked. A run of 20,000 points costs a few arrays instead
 * of 100,000 objects for the garbage collector to move, and a history run
 * crosses from a worker thread as transferable buffers plus the identities
 * that thread met first (`PackedRun.newIdentities`).
 */
import { relative } from "node:path";
import { type FileRows, KEPT_METRICS, readFileRows, rowPath } from "./file-rows.js";
import { type IdentityTable, localIdentities, type Tuples } from "./identities.js";
import type { Point, Run } from "./run.js";
import { grown } from "./typed-arrays.js";

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

/** A run as read on some thread: ids of that thread's table. */
export interface PackedRun {
  index: number;
  label: string;
  ids: Int32Array;
  /** ids.length × KEPT_METRICS.length, point after point. */
  values: Float64Array;
  bad: Int32Array;
  problems: string[];
  files: number;
  duplicates: number;
  /** From a worker: the tuples of its table's ids new since the last run it sent. */
  newIdentities?: Tuples;
}

const K = KEPT_METRICS.length;

/** Collects a run's rows (newest `date` wins among duplicates, later row on a tie, as `loadRun`). */
export class PackedBuilder {
  /** Points so far; per point, in typed arrays grown by `reserve`: id, values, bad bits, file (index into `displays`) and row. */
  n = 0;
  ids = new Int32Array(0);
  values = new Float64Array(0);
  bad = new Int32Array(0);
  fileOf = new Int32Array(0);
  /** Per point: its row in its file's `FileRows` (the file's dates are kept, not copied). */
  rowOf = new Int32Array(0);
  readonly displays: string[] = [];
  /** Per file: its rows' dates and indexes in the file's array. */
  private readonly fileDates: string[][] = [];
  private readonly fileIndex: Int32Array[] = [];
  /** Identity id -> point + 1 (0: none yet). */
  private slotOfId = new Int32Array(0);
  duplicates = 0;

  merge(rows: FileRows, display: string, problems: string[]): void {
    const file = this.displays.push(display) - 1;
    this.fileDates.push(rows.dates);
    this.fileIndex.push(rows.index.slice(0, rows.n));
    this.reserve(this.n + rows.n);
    for (let j = 0; j < rows.n; j++) {
      const id = rows.ids[j]!;
      if (id >= this.slotOfId.length) this.slotOfId = grown(this.slotOfId, Math.max(id + 1, 2 * this.slotOfId.length));
      let slot = this.slotOfId[id]! - 1;
      if (slot >= 0) {
        this.duplicates++;
        const old = { source: this.source(slot), date: this.date(slot) };
        const point = { source: `${display} ${rowPath(rows, j)}`, date: rows.dates[j]! };
        const newer = point.date >= old.date;
        problems.push(duplicateProblem(display, rowPath(rows, j), old, newer ? point : old));
        if (!newer) continue;
      } else {
        slot = this.n++;
        this.slotOfId[id] = slot + 1;
        this.ids[slot] = id;
      }
      for (let m = 0; m < K; m++) this.values[slot * K + m] = rows.values[j * K + m]!;
      this.bad[slot] = rows.bad[j]!;
      this.fileOf[slot] = file;
      this.rowOf[slot] = j;
    }
  }

  private source(slot: number): string {
    const i = this.fileIndex[this.fileOf[slot]!]![this.rowOf[slot]!]!;
    return `${this.displays[this.fileOf[slot]!]} ${i < 0 ? "$" : `$[${i}]`}`;
  }

  private date(slot: number): string {
    return this.fileDates[this.fileOf[slot]!]![this.rowOf[slot]!]!;
  }

  /** Room for `points` points. */
  private reserve(points: number): void {
    if (points <= this.ids.length) return;
    const size = Math.max(points, 2 * this.ids.length);
    this.ids = grown(this.ids, size);
    this.values = grown(this.values, size * K);
    this.bad = grown(this.bad, size);
    this.fileOf = grown(this.fileOf, size);
    this.rowOf = grown(this.rowOf, size);
  }

  /** The run collected, in views of the builder's arrays (no copy; the builder is not used after). */
  done(index: number, label: string, problems: string[], files: number): PackedRun {
    const n = this.n;
    return {
      index,
      label,
      ids: this.ids.subarray(0, n),
      values: this.values.subarray(0, n * K),
      bad: this.bad.subarray(0, n),
      problems,
      files,
      duplicates: this.duplicates,
    };
  }
}

/** Reads a job's files as one packed run, with ids of this thread's table. */
export function loadPackedRun(job: LoadJob): PackedRun {
  const b = new PackedBuilder();
  const problems: string[] = [];
  for (const f of job.files) {
    const display = displayPath(f, job.root);
    const rows = readFileRows(f, display, problems);
    if (rows) b.merge(rows, display, problems);
  }
  return b.done(job.index, job.label, problems, job.files.length);
}

/** A packed run read on this thread as a Run. */
export function runOf(p: PackedRun, table: IdentityTable = localIdentities()): Run {
  return { label: p.label, table, ids: p.ids, values: p.values, bad: p.bad, problems: p.problems, files: p.files, duplicates: p.duplicates };
}

/**
 * Translates a worker's runs into this thread's ids: `remap` (worker id ->
 * id here) grows by the identities each message brings.
 */
export function runFromWorker(p: PackedRun, remap: number[], table: IdentityTable = localIdentities()): Run {
  if (p.newIdentities) table.idsOfTuples(p.newIdentities, remap);
  const ids = p.ids;
  for (let j = 0; j < ids.length; j++) ids[j] = remap[ids[j]!]!;
  return runOf(p, table);
}
