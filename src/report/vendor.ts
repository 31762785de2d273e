/**
 * Where the report's chart library comes from (the rule `loadChartLibrary`):
 * Observable Plot and its d3, as their minified UMD builds, read at run time
 * and inlined into the page. Looked for first in a `vendor/` folder beside the
 * running module (an action bundle ships them there), then in node_modules.
 *
 * Chosen by measurement (bench/report-libs.mjs, 20,000 points in Chromium):
 * Plot draws every point as an SVG element, which the page needs anyway
 * (`data-point`); the canvas libraries need an overlay of 20,000 elements on
 * top, which costs as much as drawing them in SVG.
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ChartLibrary } from "./page.js";

export const CHART_FILES = ["d3.min.js", "plot.umd.min.js"] as const;

/** The library's files in node_modules, found from `moduleUrl` (a path lookup only: nothing is loaded). */
function fromNodeModules(moduleUrl: string): { files: string[]; version: string } {
  const resolver = createRequire(moduleUrl);
  const plotEntry = resolver.resolve("@observablehq/plot");
  const plotDir = join(dirname(plotEntry), "..");
  const d3Entry = resolver.resolve("d3", { paths: [plotDir] });
  const pkg = JSON.parse(readFileSync(join(plotDir, "package.json"), "utf8")) as { version: string };
  return { files: [join(dirname(d3Entry), "d3.min.js"), join(plotDir, "dist/plot.umd.min.js")], version: pkg.version };
}

/** The library's scripts; throws with what to do when they cannot be found. */
export function loadChartLibrary(moduleUrl: string = import.meta.url): ChartLibrary {
  const vendor = join(dirname(fileURLToPath(moduleUrl)), "vendor");
  let files: string[];
  let version = "";
  if (CHART_FILES.every((f) => existsSync(join(vendor, f)))) {
    files = CHART_FILES.map((f) => join(vendor, f));
    version = existsSync(join(vendor, "VERSION")) ? readFileSync(join(vendor, "VERSION"), "utf8").trim() : "";
  } else {
    try {
      ({ files, version } = fromNodeModules(moduleUrl));
    } catch (e) {
      throw new Error(
        `the chart library (@observablehq/plot with d3) is not installed: ${(e as Error).message.split("\n")[0]}. Run 'npm ci' in the infx checkout.`,
      );
    }
  }
  return { name: "Observable Plot", version, scripts: files.map((f) => readFileSync(f, "utf8")) };
}
