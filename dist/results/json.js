/** JSON parsing whose errors say where (line and column), for messages that name the spot. */
/**
 * Offset of the first syntax error in `text` (only called after JSON.parse
 * failed; V8's messages do not always carry a position).
 */
export function jsonErrorOffset(text) {
    let i = 0;
    const fail = (what) => {
        throw { offset: i, what };
    };
    const ws = () => {
        while (i < text.length && " \t\n\r".includes(text[i]))
            i++;
    };
    const lit = (word) => {
        if (text.startsWith(word, i))
            i += word.length;
        else
            fail(`unexpected ${text[i] === undefined ? "end of file" : JSON.stringify(text[i])}`);
    };
    const str = () => {
        i++;
        while (i < text.length && text[i] !== '"') {
            if (text[i] === "\\")
                i++;
            else if (text.charCodeAt(i) < 0x20)
                fail("control character in a string");
            i++;
        }
        if (i >= text.length)
            fail("unterminated string");
        i++;
    };
    const num = () => {
        const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
        if (!m)
            fail("malformed number");
        i += m[0].length;
    };
    const value = () => {
        ws();
        const c = text[i];
        if (c === "{") {
            i++;
            ws();
            if (text[i] === "}")
                return void i++;
            for (;;) {
                ws();
                if (text[i] !== '"')
                    fail(`expected a "key", found ${text[i] === undefined ? "end of file" : JSON.stringify(text[i])}`);
                str();
                ws();
                if (text[i] !== ":")
                    fail("expected ':' after a key");
                i++;
                value();
                ws();
                if (text[i] === ",")
                    i++;
                else if (text[i] === "}")
                    return void i++;
                else
                    fail("expected ',' or '}'");
            }
        }
        if (c === "[") {
            i++;
            ws();
            if (text[i] === "]")
                return void i++;
            for (;;) {
                value();
                ws();
                if (text[i] === ",")
                    i++;
                else if (text[i] === "]")
                    return void i++;
                else
                    fail("expected ',' or ']'");
            }
        }
        if (c === '"')
            return str();
        if (c === "t")
            return lit("true");
        if (c === "f")
            return lit("false");
        if (c === "n")
            return lit("null");
        if (c === "-" || (c !== undefined && c >= "0" && c <= "9"))
            return num();
        fail(c === undefined ? "unexpected end of file" : `unexpected ${JSON.stringify(c)}`);
    };
    try {
        value();
        ws();
        if (i < text.length)
            fail("unexpected text after the JSON value");
    }
    catch (e) {
        if (typeof e === "object" && e && "offset" in e)
            return e;
        throw e;
    }
    return { offset: 0, what: "invalid JSON" };
}
/** Parses `text`; on failure returns a message like `line 3, column 14: unexpected ","`. */
export function parseJson(text) {
    try {
        return { ok: true, value: JSON.parse(text) };
    }
    catch {
        if (text.trim() === "")
            return { ok: false, error: "the file is empty" };
        const { offset, what } = jsonErrorOffset(text);
        const before = text.slice(0, offset);
        const line = before.split("\n").length;
        const column = offset - before.lastIndexOf("\n");
        return { ok: false, error: `line ${line}, column ${column}: ${what}` };
    }
}
