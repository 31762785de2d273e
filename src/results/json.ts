/** JSON parsing whose errors say where (line and column), for messages that name the spot. */

/**
 * Offset of the first syntax error in `text` (only called after JSON.parse
 * failed; V8's messages do not always carry a position).
 */
export function jsonErrorOffset(text: string): { offset: number; what: string } {
  let i = 0;
  const fail = (what: string): never => {
    throw { offset: i, what };
  };
  const ws = () => {
    while (i < text.length && " \t\n\r".includes(text[i]!)) i++;
  };
  const lit = (word: string) => {
    if (text.startsWith(word, i)) i += word.length;
    else fail(`unexpected ${text[i] === undefined ? "end of file" : JSON.stringify(text[i])}`);
  };
  const str = () => {
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === "\\") i++;
      else if (text.charCodeAt(i) < 0x20) fail("control character in a string");
      i++;
    }
    if (i >= text.length) fail("unterminated string");
    i++;
  };
  const num = () => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m) fail("malformed number");
    i += m![0].length;
  };
  const key = () => {
    ws();
    if (text[i] !== '"') fail(`expected a "key", found ${text[i] === undefined ? "end of file" : JSON.stringify(text[i])}`);
    str();
    ws();
    if (text[i] !== ":") fail("expected ':' after a key");
    i++;
  };
  const scalar = (c: string | undefined): void => {
    if (c === '"') return str();
    if (c === "t") return lit("true");
    if (c === "f") return lit("false");
    if (c === "n") return lit("null");
    if (c === "-" || (c !== undefined && c >= "0" && c <= "9")) return num();
    fail(c === undefined ? "unexpected end of file" : `unexpected ${JSON.stringify(c)}`);
  };
  // Iterative, with the open containers on an explicit stack: input depth cannot overflow the call stack.
  const value = (): void => {
    const open: string[] = [];
    for (;;) {
      ws();
      const c = text[i];
      if (c === "{" || c === "[") {
        i++;
        ws();
        if (text[i] === (c === "{" ? "}" : "]")) i++;
        else {
          open.push(c);
          if (c === "{") key();
          continue;
        }
      } else scalar(c);
      for (;;) {
        const top = open[open.length - 1];
        if (top === undefined) return;
        ws();
        if (text[i] === ",") {
          i++;
          if (top === "{") key();
          break;
        }
        if (text[i] === (top === "{" ? "}" : "]")) {
          i++;
          open.pop();
          continue;
        }
        fail(top === "{" ? "expected ',' or '}'" : "expected ',' or ']'");
      }
    }
  };
  try {
    value();
    ws();
    if (i < text.length) fail("unexpected text after the JSON value");
  } catch (e) {
    if (typeof e === "object" && e && "offset" in e) return e as { offset: number; what: string };
    throw e;
  }
  return { offset: 0, what: "invalid JSON" };
}

/** Parses `text`; on failure returns a message like `line 3, column 14: unexpected ","`. */
export function parseJson(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    if (text.trim() === "") return { ok: false, error: "the file is empty" };
    const { offset, what } = jsonErrorOffset(text);
    const before = text.slice(0, offset);
    const line = before.split("\n").length;
    const column = offset - before.lastIndexOf("\n");
    return { ok: false, error: `line ${line}, column ${column}: ${what}` };
  }
}
