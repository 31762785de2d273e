// `infx compare` as a whole process (the built bin, medians): a 20,000-row baseline
// against a 20,000-row head with 10 history runs (rows of the results pipeline's full
// shape, written as `infx collect` writes agg_bmk.json). Budget: 1 s whole process.
// Also prints the bare `node -e 0` start-up, so the ratio shows what is ours.
// Needs a fresh build of dist/. Usage: node bench/compare.mjs [--rows N] [--history N] [--runs N] [--keep]
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { rawResult, timed } from "./_raw-result.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = process.env.INFX_DIST ?? join(root, "dist");
const bin = join(dist, "cli/infx.js");
const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const ROWS = arg("rows", 20_000);
const HISTORY = arg("history", 10);
const RUNS = arg("runs", 5);
const BUDGET = 1000;
const { processResult } = await import(join(dist, "results/process.js"));
const { normalRng } = await import(join(dist, "compare/stats.js"));
const { rowsToJsonChunks } = await import(join(dist, "results/collect.js"));

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** The identities of one run (ROWS of them) with their noiseless rows. */
const truth = [];
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
              if (truth.length >= ROWS) break outer;
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
              truth.push(processResult(rawResult(conc, tp, speed, isl, osl), env));
            }

/** One run: every metric with 3% log-normal noise; `slow` scales throughput of the first model's rows. */
const z = normalRng(1);
function runRows(slow = 1) {
  return truth.map((row) => {
    const r = { ...row };
    const f = (row.infmax_model_prefix === "dsr1" ? slow : 1) * Math.exp(0.03 * z());
    for (const k of Object.keys(r)) {
      if (typeof r[k] !== "number" || ["conc", "isl", "osl", "tp", "ep"].includes(k)) continue;
      if (k.endsWith("tput_per_gpu") || k.endsWith("_intvty")) r[k] *= f;
      else if (k.endsWith("_tpot") || k.endsWith("_itl") || k.endsWith("_e2el")) r[k] /= f;
      else r[k] *= Math.exp(0.03 * z());
    }
    return r;
  });
}

const work = mkdtempSync(join(tmpdir(), "infx-bench-compare-"));
const write = (file, rows) => {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, rowsToJsonChunks(rows).join(""));
};
write(join(work, "baseline/agg_bmk.json"), runRows());
write(join(work, "head/agg_bmk.json"), runRows(0.9));
for (let k = 0; k < HISTORY; k++) write(join(work, `history/run-${k}/agg_bmk.json`), runRows());
const mb = statSync(join(work, "head/agg_bmk.json")).size / 1e6;
process.stdout.write(`generated ${truth.length} rows per run (${mb.toFixed(1)} MB each), baseline + head + ${HISTORY} history runs in ${work}\n`);

const args = (format) => [bin, "compare", "--baseline", "baseline", "--head", "head", "--history", "history", "--format", format, "--out", `cmp.${format}`];
// Interleaved (node -e 0, JSON, markdown, node -e 0, ...): this machine's speed drifts, and all three then see the same drift.
const nodeMs = [];
const jsonMs = [];
const mdMs = [];
for (let i = 0; i < RUNS; i++) {
  nodeMs.push(timed(["-e", "0"], work), timed(["-e", "0"], work));
  jsonMs.push(timed(args("json"), work));
  mdMs.push(timed(args("markdown"), work));
}
const nodeStart = median(nodeMs);
// Peak RSS and CPU time (user + system) of one JSON run, from GNU time when present.
const peak = spawnSync("/usr/bin/time", ["-f", "%M %U %S", process.execPath, ...args("json")], { cwd: work, encoding: "utf8" });
const [rssKb, user, sys] = peak.status === 0 ? peak.stderr.trim().split("\n").pop().split(" ").map(Number) : [NaN, NaN, NaN];
const rssMb = rssKb / 1024;
const nodeCpu = spawnSync("/usr/bin/time", ["-f", "%U %S", process.execPath, "-e", "0"], { encoding: "utf8" });
const [nu, ns] = nodeCpu.status === 0 ? nodeCpu.stderr.trim().split("\n").pop().split(" ").map(Number) : [NaN, NaN];

const fmt = (ms) => `${ms.toFixed(0).padStart(6)} ms`;
const lines = [
  `node start-up (node -e 0), median of ${RUNS * 2}:          ${fmt(nodeStart)}`,
  `compare ${truth.length} vs ${truth.length} rows + ${HISTORY} history, JSON, median of ${RUNS}: ${fmt(median(jsonMs))}   budget ${BUDGET} ms, ratio ${(median(jsonMs) / BUDGET).toFixed(2)}; ${(median(jsonMs) / nodeStart).toFixed(1)}x bare node start-up`,
  `the same, markdown, median of ${RUNS}:                   ${fmt(median(mdMs))}   budget ${BUDGET} ms, ratio ${(median(mdMs) / BUDGET).toFixed(2)}; ${(median(mdMs) / nodeStart).toFixed(1)}x bare node start-up`,
  `peak RSS (JSON run):                               ${Number.isFinite(rssMb) ? `${rssMb.toFixed(0)} MB` : "n/a (no /usr/bin/time)"}`,
  `CPU time (user + sys) of one JSON run: ${((user + sys) * 1000).toFixed(0)} ms; node -e 0: ${((nu + ns) * 1000).toFixed(0)} ms (ratio ${((user + sys) / (nu + ns)).toFixed(0)}x; less sensitive to a loaded machine than wall time)`,
];
process.stdout.write(lines.join("\n") + "\n");
if (process.argv.includes("--keep")) process.stdout.write(`kept ${work}\n`);
else rmSync(work, { recursive: true, force: true });
for (const [format, ms] of [
  ["JSON", jsonMs],
  ["markdown", mdMs],
])
  if (median(ms) > BUDGET) process.stdout.write(`note: ${format} over budget on this machine (check load: the machine may be shared)\n`);
