/** Small markdown helpers: table cells, number formats, byte sizes. */
/** A table cell: pipes escaped, newlines flattened. */
export function cell(v) {
    if (v === undefined || v === null || (typeof v === "number" && !Number.isFinite(v)))
        return "–";
    return String(v).replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}
/** `| a | b |` */
export function tableRow(cells) {
    return `| ${cells.map(cell).join(" | ")} |`;
}
/** Header line plus the alignment line (numbers right-aligned). */
export function tableHeader(columns) {
    return `${tableRow(columns.map((c) => c.title))}\n|${columns.map((c) => (c.numeric ? "---:" : "---")).join("|")}|`;
}
/** A fixed number of decimals, or `–` when missing. */
export function fixed(v, digits) {
    return typeof v === "number" && Number.isFinite(v) ? v.toFixed(digits) : "–";
}
export const bytes = (s) => Buffer.byteLength(s, "utf8");
/** `12,345` */
export const count = (n) => n.toLocaleString("en-US");
