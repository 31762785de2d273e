// The 2026-08 dialect (scenarios configs), whole processes, against `node -e 0`:
//   1. `infx full-sweep` over the 2026-08 reference configs (both node kinds,
//      default evals; ~1,800 rows, 208 keys), planner cache warm (the default)
//      and cold (INFX_NO_CACHE=1)                        target <= 3x the floor (cached)
//   2. `infx changelog` whose new entries name 40 keys of the 2026-08 configs,
//      git included, in a temporary repository           target <= 4x the floor
// Runs the built bin (dist/cli/infx.js: `npx tsc -p tsconfig.json` first).
// Prints medians of several runs and the ratios. Usage: node bench/dialect-2026-08.mjs [runs]
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { load } from "js-yaml";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const ref = join(root, "../shared/reference/inferencex-2026-08");
const bin = process.env.INFX_BIN ?? join(root, "dist/cli/infx.js");
const runs = Number(process.argv[2] ?? process.env.RUNS ?? 11);
const CONFIGS = ["nvidia-master.yaml", "amd-master.yaml"];

function once(args, opts = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, {
    encoding: "utf8",
    maxBuffer: 256 << 20,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...opts.env },
    cwd: opts.cwd,
  });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`node ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  return { ms, stdout: r.stdout };
}

function median(args, opts) {
  once(args, opts); // warm the OS file cache (and the planner cache, when on)
  const ms = Array.from({ length: runs }, () => once(args, opts).ms).sort((a, b) => a - b);
  return ms[Math.floor(ms.length / 2)];
}

const cache = mkdtempSync(join(tmpdir(), "infx-bench-2026-08-cache-"));
const repo = mkdtempSync(join(tmpdir(), "infx-bench-2026-08-repo-"));
try {
  const floor = median(["-e", "0"]);
  const sweep = [bin, "full-sweep", "--config-files", ...CONFIGS.map((f) => join(ref, "configs", f)), "--runner-config", join(ref, "configs/runners.yaml")];
  const rows = JSON.parse(once(sweep, { env: { INFX_CACHE_DIR: cache } }).stdout).length;
  const cached = median(sweep, { env: { INFX_CACHE_DIR: cache } });
  const cold = median(sweep, { env: { INFX_NO_CACHE: "1" } });

  // A repository whose head commit appends entries naming 40 keys (20 entries of 2 keys).
  const keys = CONFIGS.flatMap((f) => Object.keys(load(readFileSync(join(ref, "configs", f), "utf8"))))
    .filter((_, i) => i % 5 === 0)
    .slice(0, 40);
  const base = readFileSync(join(ref, "perf-changelog.yaml"), "utf8");
  let head = base;
  for (let i = 0; i < keys.length; i += 2)
    head += `\n- config-keys:\n    - ${keys[i]}\n    - ${keys[i + 1]}\n  description:\n    - "Bench change ${i / 2 + 1}"\n  pr-link: https://github.com/example/repo/pull/${i / 2 + 1}\n`;
  const git = (...a) =>
    execFileSync("git", a, {
      cwd: repo,
      env: { ...process.env, GIT_AUTHOR_NAME: "b", GIT_AUTHOR_EMAIL: "b@x", GIT_COMMITTER_NAME: "b", GIT_COMMITTER_EMAIL: "b@x" },
    });
  git("init", "-q");
  mkdirSync(join(repo, "configs"));
  for (const f of [...CONFIGS, "runners.yaml"]) writeFileSync(join(repo, "configs", f), readFileSync(join(ref, "configs", f)));
  writeFileSync(join(repo, "perf-changelog.yaml"), base);
  git("add", "-A");
  git("commit", "-qm", "base");
  writeFileSync(join(repo, "perf-changelog.yaml"), head);
  git("commit", "-qam", "head");
  const changelog = [
    bin,
    "changelog",
    "--base-ref",
    "HEAD~1",
    "--head-ref",
    "HEAD",
    "--config-files",
    ...CONFIGS.map((f) => `configs/${f}`),
    "--runner-config",
    "configs/runners.yaml",
  ];
  const plan = JSON.parse(once(changelog, { cwd: repo, env: { INFX_CACHE_DIR: cache } }).stdout);
  const jobs = [
    ...Object.values(plan.single_node),
    ...Object.values(plan.multi_node),
    plan.evals,
    plan.agentic_evals,
    plan.multinode_evals,
    plan.multinode_agentic_evals,
  ].reduce((n, l) => n + l.length, 0);
  const cl = median(changelog, { cwd: repo, env: { INFX_CACHE_DIR: cache } });

  const line = (label, ms, target) =>
    console.log(
      `${label.padEnd(64)} median ${ms.toFixed(0).padStart(5)} ms   ${(ms / floor).toFixed(2)}x floor${target ? `   target <= ${target}x: ${ms / floor <= target ? "ok" : "OVER"}` : ""}`,
    );
  console.log(`2026-08 dialect bench: ${runs} runs per case, node ${process.version}`);
  line("node -e 0 (floor)", floor);
  line(`full-sweep, 2026-08 reference (${rows} rows), cached`, cached, 3);
  line("full-sweep, 2026-08 reference, INFX_NO_CACHE=1", cold);
  line(`changelog, 20 entries naming 40 keys (${jobs} jobs), git included`, cl, 4);
} finally {
  rmSync(cache, { recursive: true, force: true });
  rmSync(repo, { recursive: true, force: true });
}
