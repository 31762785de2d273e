/**
 * Progress of long work. On an interactive terminal: one self-overwriting line
 * on stderr, redrawn at most 10 times a second. Elsewhere (CI logs): the line
 * is printed as a plain line on stderr at least every `intervalMs` (default
 * 30 s) while work goes on, whether or not anything finished in between (the
 * rule `ProgressLine.update` + its timer); work shorter than that prints none.
 */
import type { Io } from "./io.js";

export const LOG_INTERVAL_MS = 30_000;

export class ProgressLine {
  private last = 0;
  private drawn = false;
  private text = "";
  private printed = -Infinity;
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly intervalMs: number;
  private readonly now: () => number;

  constructor(
    private readonly io: Io,
    opts: { intervalMs?: number; now?: () => number } = {},
  ) {
    this.intervalMs = opts.intervalMs ?? LOG_INTERVAL_MS;
    this.now = opts.now ?? Date.now;
  }

  get enabled(): boolean {
    return this.io.isTTY;
  }

  update(text: string, force = false): void {
    if (!this.io.isTTY) return this.log(text);
    const t = this.now();
    if (!force && t - this.last < 100) return;
    this.last = t;
    const width = Number(this.io.env.COLUMNS) || 100;
    this.io.err(`\r\x1b[2K${text.length > width - 1 ? text.slice(0, width - 2) + "…" : text}`);
    this.drawn = true;
  }

  /** Non-TTY: print now if the last line is `intervalMs` old, and keep a timer that prints the latest text when nothing else did. */
  private log(text: string): void {
    this.text = text;
    if (this.printed === -Infinity) this.printed = this.now();
    if (this.now() - this.printed >= this.intervalMs) this.print();
    if (!this.timer) {
      this.timer = setInterval(() => {
        if (this.now() - this.printed >= this.intervalMs - 5) this.print();
      }, this.intervalMs);
      this.timer.unref?.();
    }
  }

  private print(): void {
    this.printed = this.now();
    this.io.err(`progress: ${this.text}\n`);
  }

  /** Ends the current line (TTY) or the periodic printing (non-TTY) until the next update. */
  clear(): void {
    if (this.drawn) this.io.err("\r\x1b[2K");
    this.drawn = false;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
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
  const reqRate = p.elapsed > 0 ? p.done / p.elapsed : 0;
  return `${label}${bar} ${p.done}/${p.total} done${p.failed ? `, ${p.failed} failed` : ""}, ${reqRate.toFixed(1)} req/s, ${rate.toFixed(0)} tok/s, ETA ${formatSeconds(eta)}`;
}

export function bar20(frac: number): string {
  const n = Math.max(0, Math.min(20, Math.round(frac * 20)));
  return `[${"#".repeat(n)}${".".repeat(20 - n)}]`;
}
