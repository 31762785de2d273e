// Start-up cost of the committed action bundles: every workflow step that uses
// one pays it. Runs each bundle with an input it rejects at once (no runtime
// token), so the time is load + parse + reaching run(); prints medians over
// several runs and the ratio to a bare `node -e 0` (the floor).
//   node bench/actions.mjs [runs]
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const runs = Number(process.argv[2] ?? 7);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const time = (args, env = {}) => {
  const out = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    spawnSync(process.execPath, args, { env: { PATH: process.env.PATH, ...env }, cwd: mkdtempSync(join(tmpdir(), "bench-actions-")), stdio: "ignore" });
    out.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return median(out);
};

const floor = time(["-e", "0"]);
console.log(`node -e 0: ${floor.toFixed(0)} ms (median of ${runs}; the machine is shared, expect noise)`);
console.log("action           size(KiB)  start(ms)  x node");
for (const name of readdirSync(join(root, "actions")).sort()) {
  const bundle = join(root, "actions", name, "dist/index.js");
  if (!existsSync(bundle)) continue;
  const kib = readdirSync(dirname(bundle)).reduce((s, f) => s + statSync(join(dirname(bundle), f)).size, 0) / 1024;
  const ms = time([bundle], { INPUT_SHARD: "single-001", INPUT_KIND: "bmk", INPUT_COMMAND: "shard", "INPUT_GITHUB-TOKEN": "x", INPUT_ARGS: "--help" });
  console.log(`${name.padEnd(16)} ${kib.toFixed(0).padStart(9)}  ${ms.toFixed(0).padStart(9)}  ${(ms / floor).toFixed(1).padStart(6)}`);
}
