/**
 * `infx report`'s page: one self-contained HTML file (every script and style
 * inline, no request to any address when opened). The charts are drawn in the
 * browser by `reportMain` (page-client.ts) with the chart library whose source
 * the caller passes in (`ChartLibrary`, see vendor.ts); the tables that do not
 * change with the filters (evals, success rates, comparison, provenance) are
 * written here.
 */
import type { EvalRow } from "../results/types.js";
import { encodePageData, type PageData, type PageInput } from "./page-data.js";
import { reportMain } from "./page-client.js";

/** A chart library's scripts, inlined in order (e.g. d3, then Observable Plot). */
export interface ChartLibrary {
  name: string;
  version: string;
  scripts: string[];
}

export function escapeHtml(s: unknown): string {
  return String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** Text that is safe inside `<script>`: no `</script`, no `<!--`. */
function scriptSafe(js: string): string {
  return js.replace(/<\/(script)/gi, "<\\/$1").replace(/<!--/g, "<\\!--");
}

/** JSON that is safe inside `<script>` (every `<` escaped). */
function jsonForScript(v: unknown): string {
  return JSON.stringify(v)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

const CSS = `
:root{--fg:#1d2430;--muted:#5c6675;--line:#e3e7ee;--bg:#f6f7f9;--card:#fff;--accent:#3056d3;--bad:#c62828;--good:#2e7d32;--warn:#8a5a00}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);background:var(--bg)}
header{padding:18px 28px 10px;background:var(--card);border-bottom:1px solid var(--line)}
h1{margin:0 0 4px;font-size:22px}h2{font-size:17px;margin:26px 0 10px}h3{margin:0;font-size:15px}
.sub,.panel-sub,small{color:var(--muted)}
main{padding:0 28px 40px}
.banner{margin:14px 28px 0;padding:10px 14px;border-radius:8px;background:#fff4d6;border:1px solid #f0c35b;color:var(--warn);font-weight:600}
#controls{position:sticky;top:0;z-index:5;background:var(--bg);padding:12px 0 8px;border-bottom:1px solid var(--line)}
.axes{display:flex;gap:18px;align-items:center;flex-wrap:wrap;margin-bottom:8px}
.axes label{font-weight:600}select{font:inherit;padding:3px 6px;border:1px solid var(--line);border-radius:6px;background:var(--card)}
#filters{display:flex;gap:10px;flex-wrap:wrap}
.facet{border:1px solid var(--line);border-radius:8px;padding:4px 8px 6px;margin:0;background:var(--card);max-width:100%}
.facet legend{font-size:12px;color:var(--muted);padding:0 4px}
.chip{display:inline-flex;align-items:center;gap:2px;margin:2px 6px 2px 0;cursor:pointer;white-space:nowrap}
.chip small{font-size:11px}
#count{margin-top:6px;color:var(--muted)}
#charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(620px,1fr));gap:16px;margin-top:16px}
.panel{margin:0;background:var(--card);border:1px solid var(--line);border-radius:10px;padding:12px 12px 6px;overflow:hidden;content-visibility:auto;contain-intrinsic-size:auto 560px}
.panel figure{margin:0}.panel svg{overflow:visible}
.panel-sub{margin:2px 0 6px;font-size:12px}
.empty{color:var(--muted);font-style:italic}
.pts{cursor:pointer}.hot{stroke:#000;stroke-width:2}
#tip{position:absolute;z-index:10;max-width:460px;background:#111a;backdrop-filter:blur(2px);background:rgba(20,24,32,.94);color:#fff;padding:8px 10px;border-radius:8px;font-size:12px;pointer-events:none;box-shadow:0 4px 14px #0003}
#tip b{display:block;margin-bottom:2px}#tip .sim-tag{color:#ffd166}
table{border-collapse:collapse;background:var(--card);font-size:12.5px;width:100%}
.scroll{overflow-x:auto;border:1px solid var(--line);border-radius:8px}
th,td{padding:4px 8px;border-bottom:1px solid var(--line);text-align:left;white-space:nowrap}
th{background:#eef1f6;position:sticky;top:0;cursor:pointer;user-select:none}th.sorted{background:#dfe6f5}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
tbody tr:hover{background:#f3f6fc}
.pager{display:flex;gap:10px;align-items:center;margin:8px 0}
button{font:inherit;padding:3px 10px;border:1px solid var(--line);border-radius:6px;background:var(--card);cursor:pointer}
.v-regression,.fail{color:var(--bad);font-weight:600}.v-improvement,.pass{color:var(--good);font-weight:600}.v-inconclusive{color:var(--warn)}
#tip .v-regression{color:#ff8a80}#tip .v-improvement{color:#b9f6ca}
dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 14px;background:var(--card);border:1px solid var(--line);border-radius:8px;padding:10px 14px}
dt{color:var(--muted)}dd{margin:0;word-break:break-all}
footer{color:var(--muted);font-size:12px;padding:10px 28px 30px}
`;

function htmlTable(headers: string[], rows: unknown[][], numeric: boolean[] = [], rowClass?: (r: unknown[]) => string[]): string {
  const th = headers.map((t, i) => `<th${numeric[i] ? ' class="num"' : ""}>${t}</th>`).join("");
  const body = rows
    .map((r) => {
      const classes = rowClass?.(r) ?? [];
      return `<tr>${r.map((c, i) => `<td${numeric[i] || classes[i] ? ` class="${[numeric[i] ? "num" : "", classes[i] ?? ""].join(" ").trim()}"` : ""}>${escapeHtml(c)}</td>`).join("")}</tr>`;
    })
    .join("");
  return `<div class="scroll"><table><thead><tr>${th}</tr></thead><tbody>${body}</tbody></table></div>`;
}

const f3 = (v: number | null | undefined) => (typeof v === "number" && Number.isFinite(v) ? v.toFixed(4) : "");

function evalsSection(evals: readonly EvalRow[]): string {
  if (!evals.length) return "";
  const rows = [...evals]
    .sort((a, b) => Number(a.passed !== false) - Number(b.passed !== false))
    .map((e) => [
      e.model_prefix ?? e.model,
      e.hw,
      e.spec_decoding && e.spec_decoding !== "none" ? `${e.framework}+${e.spec_decoding}` : e.framework,
      e.precision,
      e.tp,
      e.ep,
      e.conc,
      e.task,
      e.score_name,
      f3(e.score),
      f3(e.score_se),
      e.threshold ?? "",
      e.passed === undefined ? "no threshold" : e.passed ? "pass" : "fail",
    ]);
  const failed = evals.filter((e) => e.passed === false).length;
  return `<section id="evals"><h2>Evals</h2><p class="sub">${evals.length} task run${evals.length === 1 ? "" : "s"}${failed ? `, <span class="fail">${failed} below threshold</span>` : ""}.</p>${htmlTable(
    ["Model", "Hardware", "Framework", "Precision", "TP", "EP", "Conc", "Task", "Metric", "Score", "± SE", "Threshold", "Verdict"],
    rows,
    [false, false, false, false, true, true, true, false, false, true, true, true, false],
    (r) => r.map((_, i) => (i === 12 ? (r[12] === "pass" ? "pass" : r[12] === "fail" ? "fail" : "") : "")),
  )}</section>`;
}

function successSection(d: PageData): string {
  if (!d.success.length) return "";
  const rows = d.success.map((s) => [s.gpu, s.ok, s.total, s.total ? `${((100 * s.ok) / s.total).toFixed(1)}%` : "–"]);
  return `<section id="success"><h2>Success rate per GPU</h2>${htmlTable(["GPU", "Succeeded", "Jobs", "Success rate"], rows, [false, true, true, true])}</section>`;
}

function compareSection(d: PageData): string {
  const c = d.compare;
  if (!c) return "";
  const summary = Object.entries(c.summary)
    .map(([k, v]) => `${v} ${escapeHtml(k)}`)
    .join(" · ");
  const order: Record<string, number> = { regression: 0, improvement: 1, inconclusive: 2, missing: 3, new: 4, unchanged: 5 };
  const changed: unknown[][] = [];
  for (const [i, vs] of Object.entries(c.rows)) for (const v of vs) if (v[4] !== "unchanged") changed.push([`#${i}`, ...v]);
  for (const m of c.missing) for (const v of m.values) changed.push([m.label, ...v]);
  changed.sort(
    (a, b) =>
      (order[a[5] as string] ?? 9) - (order[b[5] as string] ?? 9) || Math.abs(Math.log((b[4] as number) || 1)) - Math.abs(Math.log((a[4] as number) || 1)),
  );
  const sig = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? Number(v.toPrecision(4)).toLocaleString("en-US") : "");
  const pointRows = changed.map((r) => [r[0], r[1], sig(r[2]), sig(r[3]), r[4] === null ? "" : (r[4] as number).toFixed(3), r[5]]);
  const verdictClass = (r: unknown[]) => r.map((_, i) => (i === 5 ? `v-${String(r[5])}` : ""));
  const curves = c.curves.length
    ? `<h3>Curves</h3>${htmlTable(
        ["Curve", "Ratio", "Verdict"],
        c.curves.map((k) => [k.label, k.ratio === null ? "" : k.ratio.toFixed(3), k.verdict]),
        [false, true, false],
        (r) => ["", "", `v-${String(r[2])}`],
      )}`
    : "";
  return `<section id="compare"><h2>Comparison with the baseline</h2><p class="sub">${summary}. Baseline points are drawn hollow beside the head points (a grey line joins them); rings mark regressions (red) and improvements (green).${c.unmatched ? ` ${c.unmatched} baseline-only points name no model and lengths and are listed below only.` : ""}</p>${
    pointRows.length
      ? htmlTable(["Point", "Metric", "Baseline", "Head", "Ratio", "Verdict"], pointRows, [false, false, true, true, true, false], verdictClass)
      : "<p>No point changed.</p>"
  }${curves}</section>`;
}

function provenanceSection(d: PageData, lib: ChartLibrary): string {
  const p = d.provenance;
  const items: [string, string][] = [];
  if (p.runUrl) items.push(["Run", `<a href="${escapeHtml(p.runUrl)}">${escapeHtml(p.runUrl)}</a>`]);
  if (p.commit) items.push(["Commit", `<code>${escapeHtml(p.commit)}</code>`]);
  if (p.date) items.push(["Date", escapeHtml(p.date)]);
  if (p.server) items.push(["Server", escapeHtml(p.server)]);
  if (p.command) items.push(["Command", `<code>${escapeHtml(p.command)}</code>`]);
  if (p.configFiles?.length) items.push(["Config files", p.configFiles.map((f) => `<code>${escapeHtml(f)}</code>`).join(", ")]);
  if (p.sources?.length) items.push(["Rows from", p.sources.map((f) => `<code>${escapeHtml(f)}</code>`).join(", ")]);
  items.push(["Rows", `${d.cfg.length} (${d.configs.length} configurations)${d.simulated ? `, ${d.simulated} simulated` : ""}`]);
  items.push(["Page", `generated ${escapeHtml(d.generated)} by infx report; charts by ${escapeHtml(lib.name)} ${escapeHtml(lib.version)} (inlined)`]);
  return `<section id="provenance"><h2>Provenance</h2><dl>${items.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join("")}</dl></section>`;
}

/** The whole page. */
export function renderReportPage(input: PageInput, lib: ChartLibrary): string {
  const d = encodePageData(input);
  const n = d.cfg.length;
  const banner = d.simulated
    ? `<div class="banner" id="sim-banner" role="alert">Simulated data: ${d.simulated === n ? "every row" : `${d.simulated} of ${n} rows`} came from infx serve-sim, a simulated server, not from GPUs. Use these numbers to check the pipeline, never to compare hardware.</div>`
    : "";
  const libs = lib.scripts.map((js) => `<script>${scriptSafe(js)}</script>`).join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(d.title)}${d.simulated ? " (simulated)" : ""}</title><style>${CSS}</style></head>
<body>
<header><h1>${escapeHtml(d.title)}${d.simulated ? " (simulated)" : ""}</h1><div class="sub">${n.toLocaleString("en-US")} benchmark rows · ${d.evals.length} eval rows · generated ${escapeHtml(d.generated)}</div></header>
${banner}
<main>
<section id="controls"><div class="axes"><label>x <select id="axis-x"></select></label><label>y <select id="axis-y"></select></label>
<span class="sub">Lines: each series' Pareto frontier (no other point of the series is better on both axes). Hover a point for its configuration.</span></div>
<div id="filters"></div><div id="count"></div></section>
<section id="charts" aria-label="charts"></section>
${compareSection(d)}
<section id="points"><h2>Points</h2><div class="pager"><button id="prev">‹ previous</button><button id="next">next ›</button><span id="page-info"></span></div>
<div class="scroll"><table><thead></thead><tbody></tbody></table></div></section>
${evalsSection(d.evals)}
${successSection(d)}
${provenanceSection(d, lib)}
</main>
<div id="tip" hidden></div>
<footer>Throughput per GPU: total tokens / s divided by the GPUs of the configuration (prefill + decode GPUs for multi-node). Interactivity: 1 / TPOT, tokens / s per user. Latencies: TTFT, TPOT, ITL in ms; E2EL in s.</footer>
${libs}
<script id="infx-data" type="application/json">${jsonForScript(d)}</script>
<script>(${scriptSafe(reportMain.toString())})(JSON.parse(document.getElementById("infx-data").textContent), window.Plot);</script>
</body></html>
`;
}
