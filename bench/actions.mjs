// The committed action bundles, as a runner sees them (targets from issue 10):
//   1. size: all committed action JavaScript (actions/dist/ chunks + entries) <= 4 MB;
//   2. start-up: each action's time to its first output (first byte on stdout,
//      where the runner's log shows it) within 2x a bare `node -e 0`. Each runs
//      with no inputs in an empty directory, so it reads its inputs, says what
//      is missing (plan: that the event starts no sweep) and exits: that is load
//      + parse + reaching run(); the artifact client and Octokit must not load;
//   3. `node scripts/build.mjs --check` (what CI runs) <= 60 s.
// Medians of RUNS (default 9) runs, interleaved so that load on a shared
// machine falls on every case alike.
//   node bench/actions.mjs            (RUNS=n; CHECK=0 skips 3)
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const RUNS = Math.max(7, Number(process.env.RUNS ?? 9));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const cwd = mkdtempSync(join(tmpdir(), "bench-actions-"));

/** One process: ms to its first stdout byte (or exit, when it prints nothing) and to its exit. */
function once(args) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const ms = () => Number(process.hrtime.bigint() - t0) / 1e6;
    let first;
    const child = spawn(process.execPath, args, { cwd, env: { PATH: process.env.PATH }, stdio: ["ignore", "pipe", "ignore"] });
    child.stdout.on("data", () => (first ??= ms()));
    child.on("error", reject);
    child.on("close", () => {
      const exit = ms();
      resolve({ first: first ?? exit, exit });
    });
  });
}

function filesUnder(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? filesUnder(join(dir, d.name)) : [join(dir, d.name)]));
}

const actions = readdirSync(join(root, "actions"))
  .filter((n) => existsSync(join(root, "actions", n, "dist/index.js")))
  .sort();
const committed = [join(root, "actions/dist"), ...actions.map((n) => join(root, "actions", n, "dist"))].flatMap(filesUnder);
const bytes = committed.reduce((s, f) => s + statSync(f).size, 0);
console.log(`committed action JavaScript: ${committed.length} files, ${(bytes / 1e6).toFixed(2)} MB (target <= 4 MB)`);

const cases = [{ name: "node -e 0", args: ["-e", "0"] }, ...actions.map((n) => ({ name: n, args: [join(root, "actions", n, "dist/index.js")] }))];
const samples = new Map(cases.map((c) => [c.name, []]));
for (const c of cases) await once(c.args); // warm the file cache
for (let i = 0; i < RUNS; i++) for (const c of cases) samples.get(c.name).push(await once(c.args));
const floor = median(samples.get("node -e 0").map((s) => s.exit));
console.log(`\nstart-up, medians of ${RUNS} (floor: node -e 0 exits in ${floor.toFixed(0)} ms; target: first output <= 2x)`);
console.log("action            first output   x node -e 0    exit");
let over = 0;
for (const n of actions) {
  const first = median(samples.get(n).map((s) => s.first));
  const exit = median(samples.get(n).map((s) => s.exit));
  if (first > 2 * floor) over++;
  console.log(`${n.padEnd(16)} ${first.toFixed(0).padStart(10)} ms ${(first / floor).toFixed(2).padStart(12)}x ${exit.toFixed(0).padStart(7)} ms`);
}
console.log(over ? `${over} action(s) over 2x the floor` : "every action within 2x the floor");

if (process.env.CHECK !== "0") {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [join(root, "scripts/build.mjs"), "--check"], { cwd: root, encoding: "utf8" });
  const s = (performance.now() - t0) / 1000;
  console.log(
    `\nnode scripts/build.mjs --check: ${s.toFixed(1)} s (target <= 60 s), ${r.status === 0 ? "fresh" : `exit ${r.status}: ${(r.stderr || r.stdout).trim().split("\n")[0]}`}`,
  );
}
