// Bench of the GitHub-facing results commands, whole process (what a workflow
// step pays), medians of 5 runs:
//  - `infx success-rate` over a run of 6,000 job executions (3 attempts x 2,000,
//    60 pages of 100) served by a minimal local jobs endpoint, vs 600 jobs;
//  - `infx comment --dry-run` over 20,000 benchmark rows and 3,000 eval rows
//    (the body is cut to GitHub's 65,536-character limit);
//  - bare `node -e 0` as the process-start baseline for the ratios.
// Needs a fresh `npm run build` (runs dist/cli/infx.js).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bin = join(root, "dist/cli/infx.js");
const RUNS = 5;

function runNode(args, env, cwd) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { cwd, env: { PATH: process.env.PATH, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let err = "";
    child.stdout.resume();
    child.stderr.on("data", (d) => (err += d));
    child.on("error", reject);
    child.on("close", (code) => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (code !== 0) reject(new Error(`${args.join(" ")} exited ${code}: ${err}`));
      else resolve(ms);
    });
  });
}
/** Another engineer's `npm run build` may briefly remove dist/: wait for it and retry that run. */
async function timed(fn) {
  for (let tries = 0; ; tries++) {
    try {
      return await fn();
    } catch (e) {
      if (tries >= 20 || !/Cannot find module|ERR_MODULE_NOT_FOUND/.test(String(e.message))) throw e;
      await new Promise((r) => setTimeout(r, 3000));
    }
  }
}
async function median(label, fn) {
  const times = [];
  for (let i = 0; i < RUNS; i++) times.push(await timed(fn));
  times.sort((a, b) => a - b);
  const m = times[Math.floor(times.length / 2)];
  process.stdout.write(`${label.padEnd(52)} median ${m.toFixed(0).padStart(5)} ms  (min ${times[0].toFixed(0)}, max ${times.at(-1).toFixed(0)})\n`);
  return m;
}

// A minimal jobs endpoint with GitHub's pagination (Link header), for the bench only.
function jobsServer(jobsByRun) {
  const server = createServer((req, res) => {
    const url = new URL(req.url, "http://127.0.0.1");
    const m = /^\/repos\/acme\/inferencex\/actions\/runs\/(\d+)\/jobs$/.exec(url.pathname);
    if (!m || !req.headers.authorization) return res.writeHead(404).end("{}");
    const all = jobsByRun.get(Number(m[1])) ?? [];
    const per = Math.min(100, Number(url.searchParams.get("per_page") ?? 30));
    const page = Number(url.searchParams.get("page") ?? 1);
    const last = Math.max(1, Math.ceil(all.length / per));
    if (page < last) {
      const u = new URL(url);
      u.searchParams.set("page", String(page + 1));
      res.setHeader("Link", `<http://127.0.0.1:${server.address().port}${u.pathname}${u.search}>; rel="next"`);
    }
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ total_count: all.length, jobs: all.slice((page - 1) * per, page * per) }));
  });
  return new Promise((r) => server.listen(0, "127.0.0.1", () => r(server)));
}

const gpus = {
  h100: ["h100-cw_0"],
  h200: ["h200-cw_0", "h200-nb_0"],
  b200: ["b200-nv_0"],
  mi300x: ["mi300x-amd_0"],
  mi355x: ["mi355x-amds_0"],
  gb200: ["gb200-nv_0"],
};
const labels = Object.values(gpus).flat();
const makeJobs = (n) =>
  Array.from({ length: n }, (_, i) => ({
    id: i + 1,
    name: `sweep (${i % 7}) / bmk [${labels[i % labels.length]}] dsr1-1k1k-fp8-sglang-tp8-conc${i}`,
    run_attempt: 1 + (i % 3),
    status: "completed",
    conclusion: i % 11 === 0 ? "failure" : i % 13 === 0 ? "skipped" : "success",
    labels: [labels[i % labels.length]],
    html_url: null,
  }));

const dir = mkdtempSync(join(tmpdir(), "bench-gh-"));
writeFileSync(
  join(dir, "runners.yaml"),
  Object.entries(gpus)
    .map(([k, v]) => `${k}:\n${v.map((n) => `  - ${n}`).join("\n")}\n`)
    .join(""),
);
const server = await jobsServer(
  new Map([
    [1, makeJobs(6000)],
    [2, makeJobs(600)],
  ]),
);
const env = { GITHUB_TOKEN: "t", GITHUB_API_URL: `http://127.0.0.1:${server.address().port}`, GITHUB_REPOSITORY: "acme/inferencex" };

const row = {
  hw: "h200",
  conc: 4,
  image: "img",
  model: "m",
  infmax_model_prefix: "m",
  framework: "vllm",
  precision: "fp8",
  spec_decoding: "none",
  disagg: false,
  isl: 1024,
  osl: 1024,
  is_multinode: false,
  tp: 8,
  ep: 1,
  dp_attention: "false",
  tput_per_gpu: 1,
  output_tput_per_gpu: 1,
  input_tput_per_gpu: 1,
  median_ttft: 0.1,
  median_intvty: 20,
};
writeFileSync(
  join(dir, "agg_bmk.json"),
  JSON.stringify(Array.from({ length: 20_000 }, (_, i) => ({ ...row, model: `org/m${i % 400}`, conc: i, tput_per_gpu: i }))),
);
const ev = {
  model: "m",
  hw: "B200",
  framework: "sglang",
  precision: "fp8",
  spec_decoding: "none",
  tp: 8,
  ep: 1,
  conc: 64,
  dp_attention: "false",
  task: "gsm8k",
  em_strict: 0.95,
  em_strict_se: 0.005,
  em_flexible: 0.95,
  em_flexible_se: 0.005,
  n_eff: 1319,
  source: "x",
  score: 0.95,
  score_name: "em_strict",
  score_se: 0.005,
};
writeFileSync(join(dir, "agg_eval_all.json"), JSON.stringify(Array.from({ length: 3000 }, (_, i) => ({ ...ev, model: `org/e${i}` }))));

try {
  const base = await median("node -e 0 (process start)", () => runNode(["-e", "0"], {}, dir));
  const small = await median("infx success-rate, 600 jobs (6 pages)", () =>
    runNode([bin, "success-rate", "--run-id", "2", "--runner-config", "runners.yaml", "--out", "s.json"], env, dir),
  );
  const big = await median("infx success-rate, 6,000 jobs (60 pages, 3 attempts)", () =>
    runNode([bin, "success-rate", "--run-id", "1", "--runner-config", "runners.yaml", "--out", "s.json"], env, dir),
  );
  const comment = await median("infx comment --dry-run, 20,000 rows + 3,000 evals", () =>
    runNode(
      [
        bin,
        "comment",
        "--pr",
        "1",
        "--run-url",
        "https://github.com/acme/inferencex/actions/runs/1",
        "--results",
        "agg_bmk.json",
        "--evals",
        "agg_eval_all.json",
        "--dry-run",
      ],
      {},
      dir,
    ),
  );
  process.stdout.write(
    `ratios: success-rate 6,000/600 jobs ${(big / small).toFixed(2)}x; success-rate 6,000 jobs / node start ${(big / base).toFixed(1)}x; ` +
      `comment / node start ${(comment / base).toFixed(1)}x\n`,
  );
} finally {
  server.close();
  rmSync(dir, { recursive: true, force: true });
}
