/**
 * `--format table`: the matrix for a person. Jobs that differ only in their
 * concurrency share one row (concurrencies listed ascending), followed by job
 * counts per runner and per sequence length.
 */
import { isMultiNode, type MatrixEntry } from "./types.js";
import { seqLenName } from "./matrix.js";

function parallelism(e: MatrixEntry): string {
  if (isMultiNode(e)) {
    const w = (b: typeof e.prefill) => `${b["num-worker"]}x tp${b.tp}/ep${b.ep}${b["dp-attn"] ? "/dpa" : ""}`;
    return `P ${w(e.prefill)} D ${w(e.decode)}`;
  }
  return `tp${e.tp}/ep${e.ep}${e["dp-attn"] ? "/dpa" : ""}`;
}

/** The SEQ column: the sequence lengths, or `agentic` for agentic-coding rows (2026-08 dialect). */
function seqOf(e: MatrixEntry): string {
  return (e as unknown as Record<string, unknown>)["scenario-type"] === "agentic-coding" ? "agentic" : seqLenName(e.isl, e.osl);
}

function renderColumns(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) =>
    r
      .map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]!)))
      .join("  ")
      .trimEnd(),
  );
}

function countBy(entries: MatrixEntry[], key: (e: MatrixEntry) => string): string {
  const counts = new Map<string, number>();
  for (const e of entries) counts.set(key(e), (counts.get(key(e)) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([k, n]) => `${k} ${n}`)
    .join(", ");
}

export function formatMatrixTable(entries: MatrixEntry[]): string {
  if (entries.length === 0) return "0 jobs (no config matches the filters)\n";
  const header = ["RUNNER", "MODEL", "PREC", "FRAMEWORK", "SEQ", "PARALLELISM", "SPEC", "EVAL", "CONC"];
  const rows: string[][] = [];
  const rowIndex = new Map<string, number>();
  for (const e of entries) {
    const cells = [e.runner, e["model-prefix"], e.precision, e.framework, seqOf(e), parallelism(e), e["spec-decoding"], e["run-eval"] ? "eval" : "-"];
    const key = JSON.stringify([cells, e.image, e.model]);
    const concs = isMultiNode(e) ? `[${e.conc.join(" ")}]` : String(e.conc);
    const at = rowIndex.get(key);
    if (at === undefined || isMultiNode(e)) {
      rowIndex.set(key, rows.length);
      rows.push([...cells, concs]);
    } else rows[at]![8] += ` ${concs}`;
  }
  const lines = renderColumns([header, ...rows]);
  const jobs = entries.length;
  lines.push(
    "",
    `${jobs} job${jobs === 1 ? "" : "s"} in ${rows.length} row${rows.length === 1 ? "" : "s"}`,
    `per runner: ${countBy(entries, (e) => e.runner)}`,
    `per sequence length: ${countBy(entries, seqOf)}`,
  );
  return lines.join("\n") + "\n";
}
