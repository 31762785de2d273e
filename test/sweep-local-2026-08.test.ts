// `infx sweep --local` end to end on both dialects' example sets: the
// project's configs/ (2026-02) and examples/2026-08/ (scenarios), against
// serve-sim; agentic-coding rows are skipped with a note.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { infx, ROOT } from "./support/cli.js";

const EX = join(ROOT, "examples/2026-08");
const EX_ARGS = ["--config-files", join(EX, "nvidia-master.yaml"), join(EX, "amd-master.yaml"), "--runner-config", join(EX, "runners.yaml")];
const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), "infx-sweep-2026-08-"));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const rowsIn = (dir: string) => JSON.parse(readFileSync(join(dir, "agg_bmk.json"), "utf8")) as Record<string, unknown>[];

describe("infx sweep --local, both dialects", () => {
  it("2026-08 default: the first single-node fixed-seq-len configs, 1k1k, conc 1 and 4 where configured (--conc filters in 2026-08)", async () => {
    const out = tmp();
    const r = await infx(["sweep", "--local", ...EX_ARGS, "--prompts-per-conc", "1", "--out-dir", out], { env: { INFX_NO_CACHE: "1" } });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^infx sweep: 1 job \(default: config keys dsr1-fp8-h200-sglang, gptoss-fp4-b200-vllm-agentic, 1k1k, conc 1 and 4\)/);
    const rows = rowsIn(out);
    // dsr1-fp8-h200-sglang's 1k1k range is 4..64: of conc 1 and 4 only 4 is configured
    expect(rows.map((x) => [x.infmax_model_prefix, x.conc, x.isl])).toEqual([["dsr1", 4, 16]]);
  });

  it("2026-08 agentic rows are skipped with a note; fixed rows of the same key run", async () => {
    const out = tmp();
    const r = await infx(
      ["sweep", "--local", ...EX_ARGS, "--config-keys", "gptoss-fp4-b200-vllm-agentic", "--conc", "8", "1", "--prompts-per-conc", "1", "--out-dir", out],
      { env: { INFX_NO_CACHE: "1" } },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe("note: 2 agentic-coding rows skipped: the local sweep sends fixed-length prompts and has no agentic trace client yet\n");
    const rows = rowsIn(out);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ conc: 8, isl: 128, osl: 16, precision: "fp4" });
  });

  it("a 2026-08 selection with only agentic rows says there is nothing to run", async () => {
    const r = await infx(["sweep", "--local", ...EX_ARGS, "--multi-node", "--framework", "sglang-disagg", "--out-dir", tmp()], { env: { INFX_NO_CACHE: "1" } });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/agentic-coding row.* skipped/);
    expect(r.stderr).toMatch(/the matrix is empty/);
  });

  it("2026-02 (the project's configs) still runs", async () => {
    const out = tmp();
    const r = await infx(["sweep", "--local", "--config-keys", "dsr1-fp8-h200-sglang", "--conc", "4", "--prompts-per-conc", "1", "--out-dir", out], {
      cwd: ROOT,
      env: { INFX_NO_CACHE: "1" },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(rowsIn(out).every((x) => x.conc === 4)).toBe(true); // 4 is in range: the same under --conc replace (old) and filter (2026-02 parity) rules
    expect(rowsIn(out).length).toBeGreaterThan(0);
  });
});
