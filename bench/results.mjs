// Results pipeline benchmarks (whole processes of the built bin, medians):
//   1. `infx collect` + `infx summarize` over 20,000 result files (budget 3 s together)
//   2. `infx process-result` on one raw file (budget 150 ms; it runs once per job)
// Also prints the bare `node` start-up time, so the ratios show what is ours.
// Needs a fresh `npm run build`. Usage: node bench/results.mjs [--files N] [--runs N] [--keep]
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { rawResult, timed } from "./_raw-result.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
// INFX_DIST points at another build of src/ (default: the committed dist/).
const dist = process.env.INFX_DIST ?? join(root, "dist");
const bin = join(dist, "cli/infx.js");
const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const FILES = arg("files", 20_000);
const RUNS = arg("runs", 5);
const { processResult } = await import(join(dist, "results/process.js"));

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

// 20,000 artifacts: models x seq lens x hardware x TP x EP x conc.
const work = mkdtempSync(join(tmpdir(), "infx-bench-results-"));
const art = join(work, "artifacts");
let n = 0;
const hws = [
  ["b200", "sglang", 1.6],
  ["h200", "vllm", 1],
  ["mi355x", "vllm", 1.3],
  ["b200-trt", "trt", 1.8],
  ["h100", "vllm", 0.8],
  ["mi300x", "sglang", 0.9],
  ["b300", "sglang", 2],
  ["mi325x", "vllm", 1.1],
];
outer: for (const prefix of ["dsr1", "gptoss", "llama70b", "qwen3", "glm47", "kimik2", "minimax", "dsv3"])
  for (const precision of ["fp8", "fp4"])
    for (const [isl, osl] of [
      [1024, 1024],
      [1024, 8192],
      [8192, 1024],
    ])
      for (const [hw, framework, speed] of hws)
        for (const tp of [1, 2, 4, 8])
          for (const ep of new Set([1, tp]))
            for (const conc of [4, 8, 16, 32, 64, 128, 256, 512, 1024]) {
              if (n >= FILES) break outer;
              const env = {
                RUNNER_TYPE: hw,
                FRAMEWORK: framework,
                PRECISION: precision,
                SPEC_DECODING: "none",
                ISL: String(isl),
                OSL: String(osl),
                DISAGG: "false",
                MODEL_PREFIX: prefix,
                IMAGE: `img/${framework}:1`,
                TP: String(tp),
                EP_SIZE: String(ep),
                DP_ATTENTION: "false",
              };
              const name = `${prefix}_${precision}_${isl}_${osl}_${hw}_tp${tp}_ep${ep}_conc${conc}_${n}`;
              mkdirSync(join(art, `bmk_${name}`), { recursive: true });
              writeFileSync(join(art, `bmk_${name}`, `agg_${name}.json`), JSON.stringify(processResult(rawResult(conc, tp, speed, isl, osl), env), null, 2));
              n++;
            }
process.stdout.write(`generated ${n} result files in ${art}\n`);

const nodeStart = median(Array.from({ length: RUNS * 2 }, () => timed(["-e", ""], work)));
const collectMs = [];
const summarizeMs = [];
for (let i = 0; i < RUNS; i++) {
  collectMs.push(timed([bin, "collect", "artifacts", "--kind", "bmk", "--out", "agg_bmk.json"], work));
  summarizeMs.push(timed([bin, "summarize", "--bmk", "agg_bmk.json", "--out", "summary.md"], work));
}
const both = collectMs.map((c, i) => c + summarizeMs[i]);
const summaryBytes = statSync(join(work, "summary.md")).size;

// process-result on one raw file.
const one = join(work, "one");
mkdirSync(one);
writeFileSync(join(one, "r.json"), JSON.stringify(rawResult(64, 8, 1, 1024, 1024)));
const env = {
  RESULT_FILENAME: "r",
  RUNNER_TYPE: "h200",
  FRAMEWORK: "vllm",
  PRECISION: "fp8",
  SPEC_DECODING: "none",
  ISL: "1024",
  OSL: "1024",
  DISAGG: "false",
  MODEL_PREFIX: "dsr1",
  IMAGE: "img:1",
  TP: "8",
  EP_SIZE: "1",
  DP_ATTENTION: "false",
};
const processMs = median(Array.from({ length: RUNS * 3 }, () => timed([bin, "process-result"], one, env)));

const fmt = (ms) => `${ms.toFixed(0).padStart(6)} ms`;
const lines = [
  `node start-up (node -e ""), median of ${RUNS * 2}:        ${fmt(nodeStart)}`,
  `collect ${n} files, median of ${RUNS}:                ${fmt(median(collectMs))}`,
  `summarize ${n} rows (${(summaryBytes / 1024).toFixed(0)} KiB markdown), median:  ${fmt(median(summarizeMs))}`,
  `collect + summarize, median:                      ${fmt(median(both))}   budget 3000 ms, ratio ${(median(both) / 3000).toFixed(2)}`,
  `process-result one file, median of ${RUNS * 3}:          ${fmt(processMs)}   budget 150 ms, ratio ${(processMs / 150).toFixed(2)}; ${(processMs / nodeStart).toFixed(2)}x bare node start-up`,
];
process.stdout.write(lines.join("\n") + "\n");
if (process.argv.includes("--keep")) process.stdout.write(`kept ${work}\n`);
else rmSync(work, { recursive: true, force: true });
if (median(both) > 3000 || processMs > 150) process.stdout.write("note: over budget on this machine (check load: the machine may be shared)\n");
