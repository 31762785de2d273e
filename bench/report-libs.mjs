// Chart library candidates for `infx report`: the same 20,000 points (12 panels,
// 8 series each, a frontier line per series, every point an element with
// `data-point`) drawn with Observable Plot (SVG: one <circle> per point), uPlot
// and ECharts (canvas, plus an overlay of one positioned <i> per point so every
// point is still an element). Measures the page size, the time from navigation
// start to the second animation frame after drawing and the renderer's
// main-thread CPU time for that load, in Debian's Chromium, median of 3 loads. `node bench/report-libs.mjs` (needs /usr/bin/chromium).
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const N = Number(process.argv[2] ?? 20000);
const plotDir = dirname(require.resolve("@observablehq/plot"));
const read = (p) => readFileSync(p, "utf8");
const LIBS = {
  plot: [read(join(dirname(require.resolve("d3", { paths: [plotDir] })), "d3.min.js")), read(join(plotDir, "../dist/plot.umd.min.js"))],
  uplot: [read(join(dirname(require.resolve("uplot")), "uPlot.iife.min.js"))],
  echarts: [read(join(dirname(require.resolve("echarts")), "echarts.min.js"))],
};

function points(n) {
  const out = [];
  let s = 7;
  const rnd = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let i = 0; i < n; i++) out.push({ i, panel: i % 12, series: Math.floor(rnd() * 8), x: 5 + rnd() * 200, y: 100 + rnd() * 5000 });
  return out;
}

const DRAW = {
  plot: `for (const [p, pts] of panels) {
    const el = Plot.plot({ width: 560, height: 340, grid: true, color: { type: "categorical" }, marks: [
      Plot.line(front(pts), { x: "x", y: "y", stroke: "series", z: "series" }),
      Plot.dot(pts, { x: "x", y: "y", stroke: "series", r: 2.5, render(index, scales, values, dim, ctx, next) {
        const g = next(index, scales, values, dim, ctx); const cs = g.querySelectorAll("circle");
        for (let k = 0; k < cs.length; k++) cs[k].setAttribute("data-point", pts[index[k]].i); return g; } }) ] });
    root.append(el);
  }`,
  uplot: `for (const [p, pts] of panels) {
    const box = document.createElement("div"); box.style.position = "relative"; root.append(box);
    const xs = [...new Set(pts.map((q) => q.x))].sort((a, b) => a - b); const at = new Map(xs.map((x, k) => [x, k]));
    const ys = Array.from({ length: 8 }, () => new Array(xs.length).fill(null));
    for (const q of pts) ys[q.series][at.get(q.x)] = q.y;
    const u = new uPlot({ width: 560, height: 340, series: [{}, ...ys.map((_, k) => ({ stroke: "hsl(" + k * 45 + ",70%,45%)", paths: () => null, points: { show: true, size: 5 } }))], scales: { x: { time: false } } }, [xs, ...ys], box);
    const ov = document.createElement("div"); ov.style.cssText = "position:absolute;left:0;top:0"; const frag = document.createDocumentFragment();
    const o = u.over; const ox = o.offsetLeft, oy = o.offsetTop;
    for (const q of pts) { const e = document.createElement("i"); e.dataset.point = q.i; e.style.cssText = "position:absolute;width:6px;height:6px;left:" + (ox + u.valToPos(q.x, "x") - 3) + "px;top:" + (oy + u.valToPos(q.y, "y") - 3) + "px"; frag.append(e); }
    ov.append(frag); box.append(ov);
  }`,
  echarts: `for (const [p, pts] of panels) {
    const box = document.createElement("div"); box.style.cssText = "position:relative;width:560px;height:340px"; root.append(box);
    const c = echarts.init(box, null, { renderer: "canvas" });
    c.setOption({ animation: false, xAxis: {}, yAxis: {}, series: Array.from({ length: 8 }, (_, k) => ({ type: "scatter", symbolSize: 5, data: pts.filter((q) => q.series === k).map((q) => [q.x, q.y]) })) });
    const frag = document.createDocumentFragment();
    for (const q of pts) { const [px, py] = c.convertToPixel({ gridIndex: 0 }, [q.x, q.y]); const e = document.createElement("i"); e.dataset.point = q.i; e.style.cssText = "position:absolute;width:6px;height:6px;left:" + (px - 3) + "px;top:" + (py - 3) + "px"; frag.append(e); }
    box.append(frag);
  }`,
};

function page(lib, pts) {
  const libs = LIBS[lib].map((js) => `<script>${js.replace(/<\/script/gi, "<\\/script")}</script>`).join("\n");
  return `<!doctype html><meta charset="utf-8"><title>${lib}</title>${libs}
<div id="root"></div><script>
const T0 = performance.now();
const DATA = ${JSON.stringify(pts.map((q) => [q.panel, q.series, +q.x.toPrecision(4), +q.y.toPrecision(4)]))};
const root = document.getElementById("root");
const panels = new Map();
DATA.forEach(([panel, series, x, y], i) => { let a = panels.get(panel); if (!a) panels.set(panel, (a = [])); a.push({ i, series, x, y }); });
function front(pts) { const by = new Map(); for (const q of pts) { let a = by.get(q.series); if (!a) by.set(q.series, (a = [])); a.push(q); }
  const out = []; for (const a of by.values()) { a.sort((p, q) => q.x - p.x); let best = -Infinity; for (const q of a) if (q.y > best) { best = q.y; out.push(q); } } return out; }
${DRAW[lib]}
document.body.offsetHeight;
requestAnimationFrame(() => requestAnimationFrame(() => { window.__renderMs = performance.now(); }));
</script>`;
}

if (!existsSync("/usr/bin/chromium")) {
  console.log("skipped: no /usr/bin/chromium (apt-get install chromium)");
  process.exit(0);
}
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const dir = mkdtempSync(join(tmpdir(), "report-libs-"));
const browser = await chromium.launchPersistentContext(join(dir, "profile"), {
  executablePath: "/usr/bin/chromium",
  headless: true,
  viewport: { width: 1280, height: 900 },
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});
try {
  const pts = points(N);
  console.log(`${N} points, 12 panels, 8 series each; median of 3 loads in Chromium`);
  console.log("| library | page size | render ms from navigation (median; runs) | main-thread CPU ms (median) | data-point elements |");
  console.log("|---|---:|---:|---:|---:|");
  for (const lib of Object.keys(LIBS)) {
    const html = page(lib, pts);
    const file = join(dir, `${lib}.html`);
    writeFileSync(file, html);
    const times = [];
    const cpu = [];
    let count = 0;
    for (let k = 0; k < 3; k++) {
      const pg = await browser.newPage();
      const cdp = await pg.context().newCDPSession(pg);
      await cdp.send("Performance.enable");
      const thread = async () => (await cdp.send("Performance.getMetrics")).metrics.find((m) => m.name === "ThreadTime").value;
      const before = await thread();
      await pg.goto(`file://${file}`);
      await pg.waitForFunction(() => window.__renderMs !== undefined, null, { timeout: 60_000 });
      cpu.push(((await thread()) - before) * 1000);
      times.push(await pg.evaluate(() => window.__renderMs));
      count = await pg.evaluate(() => document.querySelectorAll("[data-point]").length);
      await pg.close();
    }
    console.log(
      `| ${lib} | ${(Buffer.byteLength(html) / 1e6).toFixed(2)} MB | ${median(times).toFixed(0)} (${times.map((t) => t.toFixed(0)).join(", ")}) | ${median(cpu).toFixed(0)} | ${count} |`,
    );
  }
} finally {
  await browser.close();
  rmSync(dir, { recursive: true, force: true });
}
