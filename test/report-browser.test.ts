// `infx report` in a real browser: Debian's Chromium (/usr/bin/chromium, which
// .ci/run installs) driven by playwright-core, one launch for the file, a fresh
// profile. The pages are written by the built bin (dist/), as users run it.
// Set INFX_REPORT_ARTIFACTS=<dir> to keep the pages and screenshots.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { infxProcess } from "./support/cli.js";
import { syntheticRows } from "../bench/_report-rows.mjs";
import type { AggRow } from "../src/results/types.js";

const CHROMIUM = "/usr/bin/chromium";
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

let dir: string;
let browser: BrowserContext;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "infx-report-"));
  browser = await chromium.launchPersistentContext(join(dir, "profile"), {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1400, height: 1000 },
  });
});
afterAll(async () => {
  await browser?.close();
  const keep = process.env.INFX_REPORT_ARTIFACTS;
  if (keep) {
    mkdirSync(keep, { recursive: true });
    for (const f of ["small.html", "small.png", "small-full.png", "big.html", "big.png"]) {
      try {
        copyFileSync(join(dir, f), join(keep, f));
      } catch {}
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

/** Opens a page, recording console errors, page errors and every request. */
async function open(file: string): Promise<{ page: Page; errors: string[]; requests: string[] }> {
  const page = await browser.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") errors.push(`${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
  page.on("request", (r) => requests.push(r.url()));
  await page.route("**/*", (route) => (route.request().url().startsWith("file:") ? route.continue() : route.abort()));
  await page.goto(`file://${file}`);
  await page.waitForFunction(() => (window as unknown as { __infxRenderMs?: number }).__infxRenderMs !== undefined, null, { timeout: 120_000 });
  return { page, errors, requests };
}

/** Size of a PNG screenshot: a blank page compresses to a few KB, a drawn one does not. */
function nonBlank(png: Buffer): number {
  return png.length;
}

async function writeRows(name: string, rows: AggRow[]): Promise<string> {
  const f = join(dir, name);
  writeFileSync(f, JSON.stringify(rows));
  return f;
}

describe("infx report in Chromium", () => {
  it("small page: no error, no request, a point per row, filters, hover, comparison, simulated banner", async () => {
    const rows = syntheticRows(96, { server: "serve-sim" });
    const bmk = await writeRows("small.json", rows);
    const head = rows[5]!;
    const comparison = {
      summary: { regressions: 1, improvements: 0, unchanged: 1, inconclusive: 0, new: 0, missing: 1 },
      points: [
        {
          identity: {
            infmax_model_prefix: head.infmax_model_prefix,
            hw: head.hw,
            framework: head.framework,
            precision: head.precision,
            spec_decoding: head.spec_decoding,
            isl: head.isl,
            osl: head.osl,
            tp: (head as { tp: number }).tp,
            ep: (head as { ep: number }).ep,
            dp_attention: (head as { dp_attention: string }).dp_attention,
            conc: head.conc,
          },
          metric: "tput_per_gpu",
          baseline: head.tput_per_gpu * 1.25,
          head: head.tput_per_gpu,
          ratio: 0.8,
          verdict: "regression",
        },
        {
          identity: {
            infmax_model_prefix: rows[6]!.infmax_model_prefix,
            hw: rows[6]!.hw,
            framework: rows[6]!.framework,
            precision: rows[6]!.precision,
            isl: rows[6]!.isl,
            osl: rows[6]!.osl,
            conc: rows[6]!.conc,
          },
          metric: "tput_per_gpu",
          baseline: rows[6]!.tput_per_gpu,
          head: rows[6]!.tput_per_gpu,
          ratio: 1,
          verdict: "unchanged",
        },
        {
          identity: {
            infmax_model_prefix: head.infmax_model_prefix,
            hw: head.hw,
            framework: head.framework,
            precision: head.precision,
            isl: head.isl,
            osl: head.osl,
            conc: 9999,
          },
          metric: "tput_per_gpu",
          baseline: 500,
          head: null,
          ratio: null,
          verdict: "missing",
        },
        {
          identity: {
            infmax_model_prefix: head.infmax_model_prefix,
            hw: head.hw,
            framework: head.framework,
            precision: head.precision,
            isl: head.isl,
            osl: head.osl,
            conc: 9999,
          },
          metric: "mean_intvty",
          baseline: 20,
          head: null,
          ratio: null,
          verdict: "missing",
        },
      ],
      curves: [{ identity: { infmax_model_prefix: head.infmax_model_prefix, hw: head.hw }, ratio: 0.93, verdict: "regression" }],
    };
    writeFileSync(join(dir, "cmp.json"), JSON.stringify(comparison));
    writeFileSync(join(dir, "stats.json"), JSON.stringify({ h200: { n_success: 9, total: 10 } }));
    const evalRow = {
      model_prefix: "dsr1",
      model: "org/dsr1",
      hw: "H200",
      framework: "sglang",
      precision: "fp8",
      spec_decoding: "none",
      tp: 8,
      ep: 1,
      conc: 4,
      dp_attention: "false",
      task: "gsm8k",
      em_strict: 0.9,
      em_strict_se: 0.01,
      em_flexible: 0.91,
      em_flexible_se: 0.01,
      n_eff: 1319,
      source: "x",
      score: 0.9,
      score_name: "em_strict",
      score_se: 0.01,
    };
    writeFileSync(
      join(dir, "evals.json"),
      JSON.stringify([
        { ...evalRow, threshold: 0.85, passed: true },
        { ...evalRow, hw: "B200", score: 0.5, threshold: 0.85, passed: false },
      ]),
    );
    const out = join(dir, "small.html");
    const r = await infxProcess([
      "report",
      "--bmk",
      bmk,
      "--compare",
      join(dir, "cmp.json"),
      "--run-stats",
      join(dir, "stats.json"),
      "--evals",
      join(dir, "evals.json"),
      "--commit",
      "abc1234",
      "--out",
      out,
    ]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const { page, errors, requests } = await open(out);
    expect(errors).toEqual([]);
    expect(requests).toEqual([`file://${out}`]);
    expect(await page.locator("[data-point]").count()).toBe(rows.length);
    const ghosts = await page.locator("[data-baseline]").evaluateAll((els) => els.map((e) => e.getAttribute("data-baseline")));
    expect(ghosts.sort()).toEqual(["baseline of #5", expect.stringContaining("conc=9999 (only in baseline)")]);
    expect(await page.locator(".verdict-regression circle").count()).toBe(1);
    await expect(page.locator("#sim-banner").textContent()).resolves.toContain("serve-sim");
    const titles = await page.locator(".panel h3").allTextContents();
    expect(titles.length).toBeGreaterThan(1);
    for (const t of titles) expect(t).toContain("(simulated)");

    // Every point's data-point names its row, once.
    const ids = await page.locator("[data-point]").evaluateAll((els) => els.map((e) => Number(e.getAttribute("data-point"))).sort((a, b) => a - b));
    expect(ids).toEqual(rows.map((_, i) => i));

    // Unchecking a hardware removes exactly its rows.
    const hw = rows[0]!.hw;
    await page.locator(`input[data-filter="hw"][value="${hw}"]`).click();
    await expect.poll(() => page.locator("[data-point]").count()).toBe(rows.filter((x) => x.hw !== hw).length);
    await page.locator(`input[data-filter="hw"][value="${hw}"]`).click();
    await expect.poll(() => page.locator("[data-point]").count()).toBe(rows.length);

    // Hover shows the configuration.
    await page.locator('[data-point="5"]').hover({ force: true });
    const tip = page.locator("#tip");
    await expect.poll(() => tip.isVisible()).toBe(true);
    const text = (await tip.textContent()) ?? "";
    expect(text).toContain(`#5 `);
    expect(text).toContain(`TP${(head as { tp: number }).tp} EP`);
    expect(text).toContain(`conc ${head.conc}`);
    expect(text).toContain(head.image);
    expect(text).toContain("regression");

    // The x axis switch redraws with the same points.
    await page.selectOption("#axis-x", "ttft99");
    await expect.poll(() => page.locator("figure.panel svg [aria-label='x-axis label']").first().textContent()).toContain("TTFT p99");
    expect(await page.locator("[data-point]").count()).toBe(rows.length);

    // Tables: evals with their verdicts (failures first), success rates, provenance.
    expect(await page.locator("#evals tbody tr").allTextContents()).toEqual([
      expect.stringMatching(/B200.*gsm8k.*0\.5000.*0\.85.*fail$/),
      expect.stringMatching(/H200.*pass$/),
    ]);
    expect(await page.locator("#success tbody td").allTextContents()).toEqual(["h200", "9", "10", "90.0%"]);
    expect(await page.locator("#provenance").textContent()).toContain("abc1234");
    expect(await page.locator("#points tbody tr").count()).toBe(rows.length);
    await page.locator("#points th", { hasText: "TTFT p99" }).click();
    const sorted = await page.locator("#points tbody tr td:first-child").allTextContents();
    const ttft99 = (i: number) => rows[i]!.p99_ttft as number;
    expect(ttft99(Number(sorted[0]))).toBeGreaterThanOrEqual(ttft99(Number(sorted.at(-1))));

    const png = await page.screenshot({ fullPage: false, path: join(dir, "small.png") });
    await page.screenshot({ fullPage: true, path: join(dir, "small-full.png") });
    expect(nonBlank(png)).toBeGreaterThan(40_000);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("20,000 rows: at most 3 MB, every row a point", async () => {
    const rows = syntheticRows(20_000);
    const bmk = await writeRows("big.json", rows);
    const out = join(dir, "big.html");
    const r = await infxProcess(["report", "--bmk", bmk, "--out", out]);
    expect(r.code).toBe(0);
    expect(statSync(out).size).toBeLessThanOrEqual(3 * 1024 * 1024);
    const { page, errors, requests } = await open(out);
    expect(errors).toEqual([]);
    expect(requests).toEqual([`file://${out}`]);
    expect(await page.locator("[data-point]").count()).toBe(rows.length);
    expect(await page.locator("#banner, #sim-banner").count()).toBe(0);
    const png = await page.screenshot({ path: join(dir, "big.png") });
    expect(nonBlank(png)).toBeGreaterThan(40_000);
    await page.close();
  });
});
