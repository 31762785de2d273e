/**
 * A single self-overwriting progress line on an interactive terminal; silent
 * otherwise (CI logs get the final summary only). Redraws at most 10 times a second.
 */
import type { Io } from "./io.js";

export class ProgressLine {
  private last = 0;
  private drawn = false;
  constructor(private readonly io: Io) {}

  get enabled(): boolean {
    return this.io.isTTY;
  }

  update(text: string, force = false): void {
    if (!this.io.isTTY) return;
    const t = Date.now();
    if (!force && t - this.last < 100) return;
    this.last = t;
    const width = Number(this.io.env.COLUMNS) || 100;
    this.io.err(`\r\x1b[2K${text.length > width - 1 ? text.slice(0, width - 2) + "…" : text}`);
    this.drawn = true;
  }

  clear(): void {
    if (this.drawn) this.io.err("\r\x1b[2K");
    this.drawn = false;
  }
}

export function formatSeconds(s: number): string {
  if (!Number.isFinite(s) || s < 0) return "?";
  if (s < 60) return `${s.toFixed(0)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(Math.round(s % 60)).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

/** `[label] 120/160 done, 3 failed, 1234 tok/s, ETA 12s` */
export function benchProgressText(label: string, p: { done: number; failed: number; total: number; elapsed: number; outputTokens: number }): string {
  const rate = p.elapsed > 0 ? p.outputTokens / p.elapsed : 0;
  const eta = p.done > 0 ? (p.elapsed / p.done) * (p.total - p.done) : NaN;
  const bar = bar20(p.total ? p.done / p.total : 0);
  return `${label}${bar} ${p.done}/${p.total} done${p.failed ? `, ${p.failed} failed` : ""}, ${rate.toFixed(0)} tok/s, ETA ${formatSeconds(eta)}`;
}

export function bar20(frac: number): string {
  const n = Math.max(0, Math.min(20, Math.round(frac * 20)));
  return `[${"#".repeat(n)}${".".repeat(20 - n)}]`;
}
