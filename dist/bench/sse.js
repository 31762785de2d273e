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
export class SseParser {
    /** Made on first need: most pieces end on a character boundary (see decode). */
    decoder;
    /** The decoder may hold the first bytes of a character split across pieces. */
    decoderMidChar = false;
    pending = "";
    data = null;
    /** Parses another piece of the stream; returns the data of each completed event, in order. */
    feed(bytes) {
        const text = typeof bytes === "string" ? bytes : this.decode(bytes);
        let buf = this.pending + text;
        const events = [];
        let start = 0;
        for (;;) {
            const lf = buf.indexOf("\n", start);
            const cr = buf.indexOf("\r", start);
            let end;
            let next;
            if (cr >= 0 && (lf < 0 || cr < lf)) {
                // A CR at the very end may be the first half of a CRLF: wait for more.
                if (cr === buf.length - 1)
                    break;
                end = cr;
                next = buf[cr + 1] === "\n" ? cr + 2 : cr + 1;
            }
            else if (lf >= 0) {
                end = lf;
                next = lf + 1;
            }
            else
                break;
            this.line(buf.slice(start, end), events);
            start = next;
        }
        this.pending = start === 0 ? buf : buf.slice(start);
        buf = "";
        return events;
    }
    /**
     * UTF-8 text of a piece. Pieces that end in an ASCII byte (nearly all: events
     * end in a newline) with no character left open before them are complete,
     * and Node's own Buffer decoding is several times cheaper than TextDecoder.
     */
    decode(bytes) {
        const n = bytes.length;
        if (!this.decoderMidChar && n > 0 && bytes[n - 1] < 0x80 && Buffer.isBuffer(bytes))
            return bytes.toString("utf8");
        this.decoderMidChar = n > 0 && bytes[n - 1] >= 0x80;
        return (this.decoder ??= new TextDecoder("utf-8")).decode(bytes, { stream: true });
    }
    /** True when the stream stopped inside an event (bytes or data lines not yet dispatched). */
    hasUnfinishedEvent() {
        const rest = this.pending + (this.decoder?.decode() ?? "");
        return rest.replace(/\r$/, "").length > 0 || this.data !== null;
    }
    line(line, events) {
        if (line.length === 0) {
            if (this.data !== null)
                events.push(this.data.join("\n"));
            this.data = null;
            return;
        }
        if (line.charCodeAt(0) === 58 /* ':' */)
            return;
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        if (field !== "data")
            return;
        let value = colon < 0 ? "" : line.slice(colon + 1);
        if (value.charCodeAt(0) === 32)
            value = value.slice(1);
        (this.data ??= []).push(value);
    }
}
