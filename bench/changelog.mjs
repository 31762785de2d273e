// Changelog planning, whole process (node start, git, configs, plan, JSON out),
// against the 2026-02 reference snapshot:
//   38 entries, one config key each (1,008 jobs)   target <= 350 ms   (reference: 36.6 s)
//   1 wildcard entry, gptoss* (~400 jobs)          target <= 200 ms   (reference: 1.2 s)
// Runs the committed bin (dist/cli/infx.js: run `npm run build` first) in a
// temporary git repository; prints medians of several runs and ratios.
// Usage: node bench/changelog.mjs [runs]
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { load } from "js-yaml";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const ref = join(root, "../shared/reference/inferencex-2026-02");
const bin = process.env.INFX_BIN ?? join(root, "dist/cli/infx.js");
const runs = Number(process.argv[2] ?? 11);

const real = readFileSync(join(ref, "perf-changelog.yaml"), "utf8");
const keys = [
  ...Object.keys(load(readFileSync(join(ref, "configs/nvidia-master.yaml"), "utf8"))),
  ...Object.keys(load(readFileSync(join(ref, "configs/amd-master.yaml"), "utf8"))),
];
const entry = (ks, n) =>
  `\n- config-keys:\n${ks.map((k) => `    - "${k}"\n`).join("")}  description:\n    - "Bench change ${n}"\n  pr-link: https://github.com/example/repo/pull/${n}\n`;
const cases = [
  { name: `${keys.length} entries, one key each`, head: real + keys.map((k, i) => entry([k], i + 1)).join(""), target: 350, reference: 36600 },
  { name: "1 wildcard entry (gptoss*)", head: real + entry(["gptoss*"], 1), target: 200, reference: 1200 },
];

// A git repository with one (base, head) pair per case, made by one fast-import.
const dir = mkdtempSync(join(tmpdir(), "infx-bench-changelog-"));
execFileSync("git", ["init", "-q", dir]);
let mark = 0;
const stream = [];
const pairs = cases.map((c, i) => {
  const ms = [];
  for (const [k, text] of [real, c.head].entries()) {
    ms.push(++mark);
    stream.push(`commit refs/heads/case-${i}\nmark :${mark}\ncommitter bench <b@example.com> ${1700000000 + mark} +0000\ndata 2\nc\n`);
    if (k > 0) stream.push(`from :${ms[0]}\n`);
    stream.push(`M 100644 inline perf-changelog.yaml\ndata ${Buffer.byteLength(text)}\n${text}\n`);
  }
  return ms;
});
execFileSync("git", ["fast-import", "--quiet", `--export-marks=${join(dir, ".git/marks")}`], { cwd: dir, input: stream.join("") });
const sha = Object.fromEntries(
  readFileSync(join(dir, ".git/marks"), "utf8")
    .trim()
    .split("\n")
    .map((l) => l.split(" ")),
);

function time(args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd: dir, encoding: "utf8", maxBuffer: 64 << 20 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  return { ms, stdout: r.stdout };
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const { runCli } = await import(join(dirname(bin), "main.js"));
const { bufferIo } = await import(join(dirname(bin), "io.js"));

try {
  // Interleaved (floor, case 1, case 2, floor, ...) so that load on a shared machine hits every series alike.
  const argsOf = (i) => [
    bin,
    "changelog",
    "--base-ref",
    sha[`:${pairs[i][0]}`],
    "--head-ref",
    sha[`:${pairs[i][1]}`],
    "--config-files",
    join(ref, "configs/nvidia-master.yaml"),
    join(ref, "configs/amd-master.yaml"),
    "--runner-config",
    join(ref, "configs/runners.yaml"),
  ];
  const jobs = cases.map((_, i) => {
    const plan = JSON.parse(time(argsOf(i)).stdout);
    return [...Object.values(plan.single_node), ...Object.values(plan.multi_node)].reduce((s, b) => s + b.length, 0);
  });
  const floor = [];
  const whole = cases.map(() => []);
  for (let r = 0; r < runs; r++) {
    floor.push(time(["-e", "0"]).ms);
    cases.forEach((_, i) => whole[i].push(time(argsOf(i)).ms));
  }
  const node0 = median(floor);
  console.log(`node -e 0 (floor)                         median ${node0.toFixed(0)} ms`);
  let failed = false;
  for (const [i, c] of cases.entries()) {
    const m = median(whole[i]);
    // The same run in this process (warm imports): the planning cost without node's start-up.
    const warm = [];
    for (let k = 0; k < runs; k++) {
      const io = bufferIo({ cwd: dir });
      const t0 = performance.now();
      if ((await runCli(argsOf(i).slice(1), io)) !== 0) throw new Error(io.stderr());
      warm.push(performance.now() - t0);
    }
    const ok = m <= c.target;
    failed ||= !ok;
    console.log(
      `${c.name.padEnd(42)}median ${m.toFixed(0)} ms whole process (${(m / node0).toFixed(2)}x node -e 0), ${median(warm).toFixed(0)} ms in-process warm; ` +
        `${jobs[i]} jobs; target ${c.target} ms: ${ok ? "met" : "MISSED"}; ${(c.reference / m).toFixed(0)}x faster than the reference's ${c.reference} ms`,
    );
  }
  if (failed) console.log("note: a missed target on a loaded machine may be contention; compare with the node -e 0 floor");
} finally {
  rmSync(dir, { recursive: true, force: true });
}
