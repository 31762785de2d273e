// `infx report` at 20,000 rows: page size and render time in Debian's Chromium
// (from the first script to the second animation frame after the first full
// draw, as the page itself records it), median of 5 page loads; targets
// <= 3 MB and <= 2 s. Also the time of `infx report` itself (whole process).
// `node bench/report.mjs [rows]` (needs dist/ and /usr/bin/chromium).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { syntheticRows } from "./_report-rows.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const N = Number(process.argv[2] ?? 20000);
if (!existsSync("/usr/bin/chromium")) {
  console.log("skipped: no /usr/bin/chromium (apt-get install chromium)");
  process.exit(0);
}
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const dir = mkdtempSync(join(tmpdir(), "bench-report-"));
try {
  const bmk = join(dir, "agg_bmk.json");
  writeFileSync(bmk, JSON.stringify(syntheticRows(N)));
  const out = join(dir, "report.html");
  const cli = [];
  for (let k = 0; k < 3; k++) {
    const t = performance.now();
    const r = spawnSync(process.execPath, [join(root, "dist/cli/infx.js"), "report", "--bmk", bmk, "--out", out], { encoding: "utf8" });
    cli.push(performance.now() - t);
    if (r.status !== 0) throw new Error(r.stderr);
  }
  const browser = await chromium.launchPersistentContext(join(dir, "profile"), {
    executablePath: "/usr/bin/chromium",
    headless: true,
    viewport: { width: 1400, height: 1000 },
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  const times = [];
  const cpu = [];
  const parts = [];
  let points = 0;
  try {
    for (let k = 0; k < 5; k++) {
      const page = await browser.newPage();
      const cdp = await page.context().newCDPSession(page);
      await cdp.send("Performance.enable");
      const metrics = async () => Object.fromEntries((await cdp.send("Performance.getMetrics")).metrics.map((m) => [m.name, m.value]));
      const before = await metrics();
      await page.goto(`file://${out}`);
      await page.waitForFunction(() => window.__infxRenderMs !== undefined, null, { timeout: 120_000 });
      const after = await metrics();
      times.push(await page.evaluate(() => window.__infxRenderMs));
      cpu.push((after.ThreadTime - before.ThreadTime) * 1000);
      parts.push(
        ["ScriptDuration", "LayoutDuration", "RecalcStyleDuration"]
          .map((k) => `${k.replace("Duration", "")} ${((after[k] - before[k]) * 1000).toFixed(0)}`)
          .join(", "),
      );
      points = await page.locator("[data-point]").count();
      await page.close();
    }
  } finally {
    await browser.close();
  }
  const size = statSync(out).size;
  console.log(`| case | median | target | ratio |`);
  console.log(`|---|---:|---:|---|`);
  console.log(`| report page, ${N} rows: size | ${(size / 1e6).toFixed(2)} MB | 3 MB | ${(size / 3e6).toFixed(2)} of budget |`);
  console.log(
    `| render in Chromium (${points} data-point elements; runs ${times.map((t) => t.toFixed(0)).join(", ")} ms) | ${median(times).toFixed(0)} ms | 2 s | ${(median(times) / 2000).toFixed(2)} of budget |`,
  );
  console.log(
    `| main-thread CPU time of that load (runs ${cpu.map((t) => t.toFixed(0)).join(", ")} ms; last: ${parts.at(-1)} ms) | ${median(cpu).toFixed(0)} ms | 2 s | ${(median(cpu) / 2000).toFixed(2)} of budget |`,
  );
  console.log(`| \`infx report\` whole process (runs ${cli.map((t) => t.toFixed(0)).join(", ")} ms) | ${median(cli).toFixed(0)} ms | | |`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
