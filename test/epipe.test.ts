// A reader that closes the pipe early (`infx full-sweep | head -c 300`): the
// bin ends quietly with the status a Unix tool killed by SIGPIPE gets (141),
// no stack trace, for every command that can write more than a pipe holds.
// Real pipes: bash runs the committed bin into `head`.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { configGrid, rowOf } from "./fixtures/results/generate.js";
import { BIN } from "./support/cli.js";

let dir: string;
const PIPE_BUFFER = 64 * 1024; // Linux default pipe capacity

/** 300 configs x 2 sequence lengths x 11 concurrencies: a full sweep of several MB. */
function bigConfig(): string {
  const block = (i: number) =>
    `k${i}-fp8-h200-sglang:\n  image: img:1\n  model: org/m\n  model-prefix: dsr1\n  runner: h200\n  precision: fp8\n  framework: sglang\n  multinode: false\n  seq-len-configs:\n` +
    ["1024", "8192"].map((isl) => `  - isl: ${isl}\n    osl: 1024\n    search-space:\n    - { tp: 8, conc-start: 1, conc-end: 1024 }\n`).join("");
  return Array.from({ length: 300 }, (_, i) => block(i)).join("");
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "infx-epipe-"));
  writeFileSync(join(dir, "big-master.yaml"), bigConfig());
  writeFileSync(join(dir, "runners.yaml"), "h200:\n  - h200-a_0\n");
  const rows = [];
  for (let i = 0; rows.length < 5_000; i++) for (const c of configGrid()) rows.push(rowOf({ ...c, conc: c.conc * (i + 1) }));
  writeFileSync(join(dir, "agg_bmk.json"), JSON.stringify(rows.slice(0, 5_000)));
});

const CONFIG = ["--config-files", "big-master.yaml", "--runner-config", "runners.yaml"];
const COMMANDS: [string, string[]][] = [
  ["full-sweep", ["full-sweep", "--single-node", ...CONFIG]],
  ["test-config", ["test-config", "--config-keys", ...Array.from({ length: 300 }, (_, i) => `k${i}-fp8-h200-sglang`), ...CONFIG]],
  ["export --csv", ["export", "agg_bmk.json", "--csv"]],
  ["summarize", ["summarize", "--bmk", "agg_bmk.json"]],
];

/** Runs `node BIN argv | head -c 300` in bash; the bin's stderr goes to a file. */
function pipeIntoHead(argv: string[]): { status: number; headBytes: number; stderr: string } {
  const quoted = argv.map((a) => `'${a}'`).join(" ");
  const script = `"${process.execPath}" "${BIN}" ${quoted} 2>bin-stderr.txt | head -c 300 | wc -c; echo "\${PIPESTATUS[0]}"`;
  const r = spawnSync("bash", ["-c", script], { cwd: dir, encoding: "utf8" });
  expect(r.stderr).toBe("");
  const [bytes, status] = r.stdout.trim().split("\n").map(Number);
  return { status: status!, headBytes: bytes!, stderr: readFileSync(join(dir, "bin-stderr.txt"), "utf8") };
}

describe("a pipe closed early ends the run quietly", () => {
  for (const [name, argv] of COMMANDS) {
    it(`${name}: status 141, no stack trace, and more output than a pipe holds`, () => {
      const full = spawnSync(process.execPath, [BIN, ...argv], { cwd: dir, encoding: "utf8", maxBuffer: 1 << 28 });
      expect(full.status, full.stderr).toBe(0);
      expect(full.stdout.length).toBeGreaterThan(4 * PIPE_BUFFER); // so `head` leaves before the bin has written it all
      const r = pipeIntoHead(argv);
      expect(r.headBytes).toBe(300);
      expect(r.stderr).toBe("");
      expect(r.status).toBe(141);
    });
  }
});
