/**
 * A fast reader for the plain YAML subset master configs are written in:
 * block mappings and sequences, one-line flow `{...}` / `[...]`, plain,
 * 'single' and "double" (escape-free) scalars, and comments. A cold js-yaml
 * parse of the 4,600-line reference config costs a few hundred milliseconds
 * of JIT warm-up; this costs a few tens.
 *
 * It never guesses: on anything outside the subset (anchors, tags, block
 * scalars, multi-line flows, non-decimal numbers, timestamps, duplicate keys,
 * tabs, ...) it returns `undefined` and the caller uses js-yaml. A
 * differential test (test/fuzz-config.test.ts) checks that whenever it returns
 * a value, js-yaml returns the same value.
 */
class Bail extends Error {
}
const bail = () => {
    throw new Bail();
};
const PLAIN_KEY = /^[A-Za-z0-9_][A-Za-z0-9_.\/-]*$/;
const DECIMAL_INT = /^(0|[-+]?[1-9][0-9]*)$/;
const SIMPLE_FLOAT = /^[-+]?[0-9]+\.[0-9]*$|^\.[0-9]+$/;
// Plain scalars js-yaml would read as something other than a string or a simple number.
const SPECIAL = /^(~|null|Null|NULL|true|True|TRUE|false|False|FALSE|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN))$/;
const NUMBERISH = /^[-+.]?[0-9]|^[-+]?\.(inf|Inf|INF|nan|NaN|NAN)$/;
/** Removes a trailing ` # comment` outside quotes; bails on unbalanced quotes. */
function stripComment(s) {
    let quote = "";
    for (let i = 0; i < s.length; i++) {
        const c = s[i];
        if (quote) {
            if (c === quote) {
                if (quote === "'" && s[i + 1] === "'")
                    i++;
                else
                    quote = "";
            }
            else if (c === "\\" && quote === '"')
                bail();
        }
        else if (c === "'" || c === '"') {
            // quotes only open a scalar at its start (after an indicator or space)
            const prev = i === 0 ? " " : s[i - 1];
            if (" [{,:-".includes(prev))
                quote = c;
        }
        else if (c === "#" && (i === 0 || s[i - 1] === " "))
            return s.slice(0, i).trimEnd();
    }
    if (quote)
        bail();
    return s.trimEnd();
}
function splitLines(text) {
    const out = [];
    for (const raw of text.split("\n")) {
        const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
        if (line.includes("\t"))
            bail();
        const body = line.trimStart();
        if (body === "" || body.startsWith("#"))
            continue;
        if (body.startsWith("---") || body.startsWith("...") || body.startsWith("%"))
            bail();
        out.push({ indent: line.length - body.length, text: stripComment(body) });
    }
    return out;
}
/** Keys read the same by every YAML reader (numeric-looking keys are not: `1.0:` is key "1"). */
function isPlainKey(key) {
    return PLAIN_KEY.test(key) && !NUMBERISH.test(key) && !SPECIAL.test(key) && key !== "__proto__";
}
function plainScalar(s) {
    if (s === "")
        return null;
    if (SPECIAL.test(s)) {
        if (s === "~" || /^null$/i.test(s))
            return null;
        if (/^true$/i.test(s))
            return true;
        if (/^false$/i.test(s))
            return false;
        return bail();
    }
    if (DECIMAL_INT.test(s)) {
        const n = Number(s);
        return Number.isSafeInteger(n) ? n : bail();
    }
    if (SIMPLE_FLOAT.test(s))
        return Number(s);
    // anything else numeric-looking (1e3, 0x1F, 1_000, 010, 2026-02-05, 1:30) may be read specially: leave it to js-yaml
    if (NUMBERISH.test(s))
        return bail();
    if (/^[-?:,\[\]{}#&*!|>'"%@`]/.test(s) && !/^-[A-Za-z]/.test(s))
        return bail();
    if (s.includes(": ") || s.endsWith(":") || s.includes(" #"))
        return bail();
    return s;
}
function quotedScalar(s) {
    const q = s[0];
    let out = "";
    for (let i = 1; i < s.length; i++) {
        const c = s[i];
        if (c === q) {
            if (q === "'" && s[i + 1] === "'") {
                out += "'";
                i++;
                continue;
            }
            if (i !== s.length - 1)
                bail();
            return out;
        }
        if (c === "\\" && q === '"')
            bail();
        out += c;
    }
    return bail();
}
/** One-line flow collections and scalars, recursive descent over a string. */
class FlowReader {
    s;
    i = 0;
    constructor(s) {
        this.s = s;
    }
    ws() {
        while (this.s[this.i] === " ")
            this.i++;
    }
    value() {
        this.ws();
        const c = this.s[this.i];
        if (c === "[")
            return this.seq();
        if (c === "{")
            return this.map();
        if (c === "'" || c === '"')
            return this.quoted();
        return this.plain();
    }
    seq() {
        this.i++;
        const out = [];
        this.ws();
        if (this.s[this.i] === "]") {
            this.i++;
            return out;
        }
        for (;;) {
            out.push(this.value());
            this.ws();
            const c = this.s[this.i++];
            if (c === "]")
                return out;
            if (c !== ",")
                bail();
            this.ws();
            if (this.s[this.i] === "]") {
                this.i++; // one trailing comma is allowed: [1, 2, ]
                return out;
            }
        }
    }
    map() {
        this.i++;
        const out = {};
        this.ws();
        if (this.s[this.i] === "}") {
            this.i++;
            return out;
        }
        for (;;) {
            this.ws();
            const start = this.i;
            while (this.i < this.s.length && !":,{}[]".includes(this.s[this.i]))
                this.i++;
            const key = this.s.slice(start, this.i).trim();
            if (!isPlainKey(key) || Object.prototype.hasOwnProperty.call(out, key))
                bail();
            if (this.s[this.i] !== ":" || this.s[this.i + 1] !== " ")
                bail();
            this.i += 2;
            out[key] = this.value();
            this.ws();
            const c = this.s[this.i++];
            if (c === "}")
                return out;
            if (c !== ",")
                bail();
        }
    }
    quoted() {
        const q = this.s[this.i];
        let j = this.i + 1;
        for (; j < this.s.length; j++) {
            if (this.s[j] === q) {
                if (q === "'" && this.s[j + 1] === "'") {
                    j++;
                    continue;
                }
                break;
            }
        }
        if (j >= this.s.length)
            bail();
        const text = this.s.slice(this.i, j + 1);
        this.i = j + 1;
        return quotedScalar(text);
    }
    plain() {
        const start = this.i;
        while (this.i < this.s.length && !",[]{}".includes(this.s[this.i]))
            this.i++;
        const text = this.s.slice(start, this.i).trim();
        if (text === "" || /[:#'"?]/.test(text))
            bail(); // empty items and flow-context subtleties: leave to js-yaml
        return plainScalar(text);
    }
}
function inlineValue(s) {
    if (s === "")
        return null;
    const c = s[0];
    if (c === "[" || c === "{") {
        const r = new FlowReader(s);
        const v = r.value();
        r.ws();
        if (r.i !== s.length)
            bail();
        return v;
    }
    if (c === "'" || c === '"')
        return quotedScalar(s);
    return plainScalar(s);
}
/** Splits `key: rest` (or `key:`); undefined when the text is not a mapping entry. */
function mappingEntry(text) {
    const m = /^([^\s:'"[\]{},#&*!|>%@`][^:]*?):( |$)/.exec(text);
    if (!m)
        return undefined;
    const key = m[1];
    if (!isPlainKey(key))
        bail();
    return [key, text.slice(m[0].length).trim()];
}
class BlockReader {
    lines;
    pos = 0;
    constructor(lines) {
        this.lines = lines;
    }
    /** The block starting at the current line, whose lines are at exactly `indent`. */
    block(indent) {
        const line = this.lines[this.pos];
        if (line.indent !== indent)
            bail();
        return line.text === "-" || line.text.startsWith("- ") ? this.seq(indent) : this.map(indent);
    }
    map(indent, out = {}) {
        while (this.pos < this.lines.length) {
            const line = this.lines[this.pos];
            if (line.indent < indent)
                break;
            if (line.indent > indent)
                bail();
            const entry = mappingEntry(line.text);
            if (!entry) {
                if (line.text === "-" || line.text.startsWith("- "))
                    break; // a sequence at the same indent ends this mapping
                bail();
            }
            const [key, rest] = entry;
            if (Object.prototype.hasOwnProperty.call(out, key))
                bail();
            this.pos++;
            out[key] = rest === "" ? this.nested(indent, true) : inlineValue(rest);
        }
        return out;
    }
    /** The value of an entry written on the following lines (or null). */
    nested(parentIndent, allowSameIndentSeq) {
        const next = this.lines[this.pos];
        if (!next)
            return null;
        if (next.indent > parentIndent)
            return this.block(next.indent);
        if (allowSameIndentSeq && next.indent === parentIndent && (next.text === "-" || next.text.startsWith("- ")))
            return this.seq(parentIndent);
        return null;
    }
    seq(indent) {
        const out = [];
        while (this.pos < this.lines.length) {
            const line = this.lines[this.pos];
            if (line.indent < indent)
                break;
            if (line.indent > indent)
                bail();
            if (!(line.text === "-" || line.text.startsWith("- ")))
                break;
            const rest = line.text.slice(1).trimStart();
            if (rest === "")
                bail();
            const entry = mappingEntry(rest);
            if (entry && !rest.startsWith("{") && !rest.startsWith("[")) {
                // `- key: value` opens a mapping whose keys sit at the column of `key`
                const col = indent + (line.text.length - rest.length);
                this.lines[this.pos] = { indent: col, text: rest };
                out.push(this.map(col));
            }
            else {
                this.pos++;
                out.push(inlineValue(rest));
            }
        }
        return out;
    }
}
/** Parses `text` when it is in the subset; undefined otherwise (use js-yaml). */
export function parseConfigYamlFast(text) {
    try {
        const lines = splitLines(text);
        if (lines.length === 0)
            return undefined; // empty: js-yaml says undefined, and is fast at it
        const r = new BlockReader(lines);
        const doc = r.block(lines[0].indent);
        if (r.pos !== lines.length)
            bail();
        return doc;
    }
    catch (e) {
        if (e instanceof Bail)
            return undefined;
        throw e;
    }
}
