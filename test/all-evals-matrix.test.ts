import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { infx, CONFIGS } from "./support/cli.js";

const files = ["--config-files", join(CONFIGS, "nvidia-master.yaml"), join(CONFIGS, "amd-master.yaml"), "--runner-config", join(CONFIGS, "runners.yaml")];

describe("--all-evals with --evals-only on the matrix commands", () => {
  it("keeps every 1k8k single-node entry, each marked for eval", async () => {
    const all = await infx(["full-sweep", "--single-node", "--model-prefix", "gptoss", ...files]);
    const both = await infx(["full-sweep", "--single-node", "--model-prefix", "gptoss", "--all-evals", "--evals-only", ...files]);
    const picked = await infx(["full-sweep", "--single-node", "--model-prefix", "gptoss", "--evals-only", ...files]);
    expect(all.code).toBe(0);
    expect(both.code).toBe(0);
    const allEntries = JSON.parse(all.stdout) as { isl: number; osl: number }[];
    const bothEntries = JSON.parse(both.stdout) as { isl: number; osl: number; "run-eval": boolean }[];
    const expected = allEntries.filter((e) => e.isl === 1024 && e.osl === 8192).length;
    expect(expected).toBeGreaterThan(0);
    expect(bothEntries).toHaveLength(expected);
    expect(bothEntries.every((e) => e["run-eval"] && e.osl === 8192)).toBe(true);
    // without --all-evals only the generator's representatives remain: strictly fewer
    expect(JSON.parse(picked.stdout).length).toBeLessThan(expected);
  });
});
