/**
 * Source positions for config problems. Only loaded when something is wrong:
 * it parses the file again with the `yaml` package (which keeps source
 * ranges; slower than js-yaml, which the happy path uses) and turns each
 * problem's path into `file:line:col`.
 */
import { createRequire } from "node:module";
import { formatPath } from "./validate.js";
const require = createRequire(import.meta.url);
let yamlModule;
/** The `yaml` package, loaded on first use (it costs ~20 ms to import). */
export function yamlLib() {
    return (yamlModule ??= require("yaml"));
}
export function parseWithPositions(text, file) {
    const Y = yamlLib();
    const lineCounter = new Y.LineCounter();
    const doc = Y.parseDocument(text, { lineCounter, merge: true, uniqueKeys: true, prettyErrors: false, logLevel: "error" });
    const syntaxErrors = doc.errors.map((e) => {
        const pos = lineCounter.linePos(e.pos[0]);
        const first = e.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
        return `${file}:${pos.line}:${pos.col}: YAML syntax error: ${first}`;
    });
    return { doc, lineCounter, syntaxErrors };
}
function keyText(key) {
    const Y = yamlLib();
    if (Y.isScalar(key))
        return String(key.value);
    return String(key);
}
/** The source offset of the node at `path` (or of its key), falling back to the deepest node found. */
export function offsetOf(parsed, path, atKey = false) {
    const Y = yamlLib();
    const { doc } = parsed;
    let node = doc.contents;
    let offset = doc.contents?.range?.[0] ?? 0;
    for (let i = 0; i < path.length; i++) {
        const seg = path[i];
        if (Y.isAlias(node))
            node = node.resolve(doc);
        const last = i === path.length - 1;
        if (Y.isMap(node)) {
            const pair = node.items.find((p) => keyText(p.key) === String(seg));
            if (!pair)
                break;
            const keyRange = pair.key?.range;
            const valRange = pair.value?.range;
            if (last && atKey && keyRange)
                return keyRange[0];
            offset = valRange?.[0] ?? keyRange?.[0] ?? offset;
            // an empty value (`search-space:`) has no range of its own: use the key
            if (!pair.value && keyRange)
                offset = keyRange[0];
            node = pair.value;
        }
        else if (Y.isSeq(node) && typeof seg === "number") {
            const item = node.items[seg];
            if (!item)
                break;
            offset = item.range?.[0] ?? offset;
            node = item;
        }
        else
            break;
    }
    return offset;
}
/** Formats problems as `file:line:col: key › path: message`, in source order. */
export function formatProblems(problems, parsed, file) {
    const located = problems.map((p) => {
        const offset = parsed ? offsetOf(parsed, p.locate ?? p.path, p.atKey) : 0;
        const pos = parsed ? parsed.lineCounter.linePos(offset) : { line: 1, col: 1 };
        const where = formatPath(p.path);
        return { offset, text: `${file}:${pos.line}:${pos.col}: ${where ? where + ": " : ""}${p.message}` };
    });
    located.sort((a, b) => a.offset - b.offset);
    return located.map((l) => l.text);
}
