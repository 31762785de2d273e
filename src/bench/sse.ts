/**
 * Incremental Server-Sent Events parser (the subset OpenAI-compatible servers
 * use). Bytes arrive in arbitrary TCP-sized pieces: an event, a line, even a
 * multi-byte UTF-8 character may be split across pieces, and one piece may
 * hold many events. `feed` returns the `data` payload of every event that is
 * complete so far; `end` tells whether bytes of an unfinished event remain.
 *
 * Rules (WHATWG SSE): lines end in LF, CRLF or CR; a blank line dispatches the
 * event; `data:` lines accumulate joined by LF (one leading space stripped);
 * lines starting with `:` are comments; other fields (`event`, `id`, `retry`)
 * are ignored; an event without data lines dispatches nothing.
 */
/** Longest line the parser holds (characters): a token chunk is a few hundred; 16 Mi is far past any real event. */
export const MAX_SSE_LINE = 16 * 1024 * 1024;

/** A line longer than the parser's bound: the stream is malformed (or hostile). */
export class SseLineTooLong extends Error {
  constructor(readonly limit: number) {
    super(`an event-stream line exceeds ${limit} characters without a line end`);
  }
}

export class SseParser {
  /** Made on first need: most pieces end on a character boundary (see decode). */
  private decoder: TextDecoder | undefined;
  /** The decoder may hold the first bytes of a character split across pieces. */
  private decoderMidChar = false;
  /** Pieces of the line not yet ended (never holding a CR or LF); joined once, when the line ends. */
  private pending: string[] = [];
  private pendingLength = 0;
  /** The last piece ended in CR: an LF that starts the next piece belongs to it (CRLF split). */
  private afterCr = false;
  private data: string[] | null = null;

  constructor(private readonly maxLine = MAX_SSE_LINE) {}

  /**
   * Parses another piece of the stream; returns the data of each completed event, in order.
   * Linear in the input: each character is scanned once. Throws SseLineTooLong past the bound.
   */
  feed(bytes: Uint8Array | string): string[] {
    const text = typeof bytes === "string" ? bytes : this.decode(bytes);
    const events: string[] = [];
    let start = 0;
    if (this.afterCr && text.charCodeAt(0) === 10) start = 1;
    if (text.length > 0) this.afterCr = false;
    for (let i = start; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      this.endLine(text.slice(start, i), events);
      if (c === 13) {
        if (i + 1 === text.length) this.afterCr = true;
        else if (text.charCodeAt(i + 1) === 10) i++;
      }
      start = i + 1;
    }
    if (start < text.length) {
      this.pendingLength += text.length - start;
      if (this.pendingLength > this.maxLine) throw new SseLineTooLong(this.maxLine);
      this.pending.push(text.slice(start));
    }
    return events;
  }

  private endLine(tail: string, events: string[]): void {
    if (this.pending.length === 0) {
      this.line(tail, events);
      return;
    }
    if (this.pendingLength + tail.length > this.maxLine) throw new SseLineTooLong(this.maxLine);
    this.pending.push(tail);
    const whole = this.pending.join("");
    this.pending = [];
    this.pendingLength = 0;
    this.line(whole, events);
  }

  /**
   * UTF-8 text of a piece. Pieces that end in an ASCII byte (nearly all: events
   * end in a newline) with no character left open before them are complete,
   * and Node's own Buffer decoding is several times cheaper than TextDecoder.
   */
  private decode(bytes: Uint8Array): string {
    const n = bytes.length;
    if (!this.decoderMidChar && n > 0 && bytes[n - 1]! < 0x80 && Buffer.isBuffer(bytes)) return bytes.toString("utf8");
    this.decoderMidChar = n > 0 && bytes[n - 1]! >= 0x80;
    return (this.decoder ??= new TextDecoder("utf-8")).decode(bytes, { stream: true });
  }

  /** True when the stream stopped inside an event (bytes or data lines not yet dispatched). */
  hasUnfinishedEvent(): boolean {
    const rest = this.pendingLength > 0 ? "x" : (this.decoder?.decode() ?? "");
    return rest.length > 0 || this.data !== null;
  }

  private line(line: string, events: string[]): void {
    if (line.length === 0) {
      if (this.data !== null) events.push(this.data.join("\n"));
      this.data = null;
      return;
    }
    if (line.charCodeAt(0) === 58 /* ':' */) return;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    if (field !== "data") return;
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    (this.data ??= []).push(value);
  }
}
