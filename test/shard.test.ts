// Sharding (src/plan/shard.ts) and `--format github`: a plan of any size in
// pieces GitHub can run (≤ 256 jobs per matrix, < 900 KB per job output).
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { planningInputsFromTexts } from "../src/config/load.js";
import { fullSweep } from "../src/plan/matrix.js";
import { assignIdsAndNames, canonicalEntry, pickCanary } from "../src/plan/policies.js";
import { bucketBySeqLen, MAX_MATRIX_JOBS, MAX_SHARD_BYTES, SHARD_ID_PATTERN, shardPlan, type Shard } from "../src/plan/shard.js";
import { isMultiNode, type MatrixEntry, type MultiNodeEntry, type SingleNodeEntry } from "../src/plan/types.js";
import { infx } from "./support/cli.js";

/** A master config whose full sweep has `singleKeys * 30` single-node and `multiKeys * 6` multi-node entries. */
function generatedConfig(singleKeys: number, multiKeys: number): { master: string; runners: string } {
  const lines: string[] = [];
  const seqs = [
    [1024, 1024],
    [1024, 8192],
    [8192, 1024],
  ];
  for (let i = 0; i < singleKeys; i++) {
    const runner = ["b200", "h200", "mi355x"][i % 3];
    lines.push(
      `gen${i}-fp8-${runner}-vllm:`,
      `  image: vllm/vllm-openai:v0.${i % 20}.0`,
      `  model: org/model-${i}`,
      `  model-prefix: gen${i}`,
      `  runner: ${runner}`,
      `  precision: fp8`,
      `  framework: vllm`,
      `  multinode: false`,
      `  seq-len-configs:`,
    );
    for (const [isl, osl] of seqs)
      lines.push(
        `  - isl: ${isl}`,
        `    osl: ${osl}`,
        `    search-space:`,
        `    - { tp: 1, conc-start: 4, conc-end: 64 }`,
        `    - { tp: 2, conc-start: 4, conc-end: 64 }`,
      );
  }
  for (let i = 0; i < multiKeys; i++) {
    lines.push(
      `genm${i}-fp4-gb200-dynamo-trt:`,
      `  image: nvcr.io/nvidia/ai-dynamo/tensorrtllm-runtime:0.8.${i}`,
      `  model: org/big-${i}`,
      `  model-prefix: genm${i}`,
      `  runner: gb200`,
      `  precision: fp4`,
      `  framework: dynamo-trt`,
      `  multinode: true`,
      `  disagg: true`,
      `  seq-len-configs:`,
    );
    for (const [isl, osl] of seqs) {
      lines.push(`  - isl: ${isl}`, `    osl: ${osl}`, `    search-space:`);
      for (const dw of [2, 4])
        lines.push(
          `    - spec-decoding: "mtp"`,
          `      conc-list: [4, 8, 16, 32]`,
          `      prefill: { num-worker: 1, tp: 4, ep: 4, dp-attn: true, additional-settings: ["CONFIG_FILE=recipes/gen/${i}/${isl}-${osl}-${dw}-${"x".repeat(200)}.yaml"] }`,
          `      decode: { num-worker: ${dw}, tp: 8, ep: 8, dp-attn: true }`,
        );
    }
  }
  const runners = ["b200:", "- b200-a_0", "h200:", "- h200-a_0", "mi355x:", "- mi355x-a_0", "gb200:", "- gb200-a_0"].join("\n") + "\n";
  return { master: lines.join("\n") + "\n", runners };
}

function checkShards(entries: MatrixEntry[], shards: Shard[], maxEntries = MAX_MATRIX_JOBS, maxBytes = MAX_SHARD_BYTES): void {
  const seen = new Map<string, number>();
  for (const s of shards) {
    expect(s.id).toMatch(SHARD_ID_PATTERN);
    expect(s.entries.length).toBeGreaterThan(0);
    expect(s.entries.length).toBeLessThanOrEqual(maxEntries);
    expect(Buffer.byteLength(s.json)).toBe(s.bytes);
    expect(s.bytes).toBeLessThan(maxBytes);
    expect(JSON.parse(s.json)).toEqual(s.entries);
    for (const e of s.entries) {
      expect(isMultiNode(e)).toBe(s.kind === "multi");
      const k = e.name ?? canonicalEntry(e);
      seen.set(k, (seen.get(k) ?? 0) + 1);
    }
  }
  // The union is the plan and no entry is in two shards.
  const want = new Map<string, number>();
  for (const e of entries) want.set(e.name ?? canonicalEntry(e), (want.get(e.name ?? canonicalEntry(e)) ?? 0) + 1);
  expect(seen).toEqual(want);
  expect(new Set(shards.map((s) => s.id)).size).toBe(shards.length);
}

const shuffle = <T>(xs: T[], seed: number): T[] => {
  const out = [...xs];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
};

let big: MatrixEntry[];
let tmp: string;
beforeAll(() => {
  const { master, runners } = generatedConfig(167, 20);
  const inputs = planningInputsFromTexts([{ file: "gen-master.yaml", text: master }], { file: "gen-runners.yaml", text: runners });
  big = assignIdsAndNames([...fullSweep(inputs, { nodeType: "single" }), ...fullSweep(inputs, { nodeType: "multi" })]);
  tmp = mkdtempSync(join(tmpdir(), "infx-shard-"));
  writeFileSync(join(tmp, "master.yaml"), master);
  writeFileSync(join(tmp, "runners.yaml"), runners);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("shardPlan", () => {
  it("cuts a generated 5,000-entry plan into shards of at most 256 entries and under 900 KB", () => {
    expect(big.filter((e) => !isMultiNode(e)).length).toBeGreaterThanOrEqual(5000);
    const shards = shardPlan(big);
    checkShards(big, shards);
    const singles = shards.filter((s) => s.kind === "single");
    expect(singles.length).toBe(Math.ceil(5010 / 256));
    // Even spread: no shard is much smaller than the others.
    const sizes = singles.map((s) => s.entries.length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    expect(shards.filter((s) => s.kind === "multi").map((s) => s.entries.length)).toEqual([120]);
  });

  it("is stable: the same plan, in any order, gives the same shards", () => {
    const a = shardPlan(big);
    const b = shardPlan(shuffle(big, 7));
    expect(b.map((s) => [s.id, s.json])).toEqual(a.map((s) => [s.id, s.json]));
  });

  it("splits by size when entries are large (multi-node entries with long settings)", () => {
    const multi = big.filter(isMultiNode);
    const shards = shardPlan(multi, { maxBytes: 20_000 });
    checkShards(multi, shards, MAX_MATRIX_JOBS, 20_000);
    expect(shards.length).toBeGreaterThan(1);
    expect(shards.length).toBe(Math.ceil(shards.reduce((s, x) => s + x.bytes, 0) / 20_000));
  });

  it("shards the 2026-08 snapshot's 690-entry bucket (synthetic entries) into 3 even shards", () => {
    const base = big.find((e) => !isMultiNode(e)) as SingleNodeEntry;
    const bucket = assignIdsAndNames(Array.from({ length: 690 }, (_, i) => ({ ...base, tp: 1 + (i % 8), conc: 4 + Math.floor(i / 8) }) as SingleNodeEntry));
    expect(Object.values(bucketBySeqLen(bucket).single_node).map((b) => b.length)).toEqual([690]); // one bucket, as in 2026-08
    const shards = shardPlan(bucket);
    checkShards(bucket, shards);
    expect(shards.map((s) => s.entries.length)).toEqual([230, 230, 230]);
  });

  it("puts the canary alone in shard 'canary', outside the single-node shards", () => {
    const plan = pickCanary(big);
    const shards = shardPlan(plan);
    checkShards(plan, shards);
    expect(shards[0]!.id).toBe("canary");
    expect(shards[0]!.entries).toHaveLength(1);
    expect((shards[0]!.entries[0] as SingleNodeEntry).canary).toBe(true);
    expect(shards.slice(1).some((s) => s.entries.some((e) => (e as SingleNodeEntry).canary))).toBe(false);
  });

  it("refuses an entry that alone exceeds the size bound, and an empty plan has no shards", () => {
    const m = big.find(isMultiNode) as MultiNodeEntry;
    const huge = { ...m, prefill: { ...m.prefill, "additional-settings": ["x".repeat(1_000_000)] } };
    expect(() => shardPlan([huge])).toThrow(/over the 900000-byte shard limit/);
    expect(shardPlan([])).toEqual([]);
  });
});

describe("--format github", () => {
  it("full-sweep writes plan.json and the shard files, prints a small summary and fills $GITHUB_OUTPUT", async () => {
    const out = join(tmp, "plan-a");
    const ghOut = join(tmp, "github-output");
    writeFileSync(ghOut, "earlier=1\n");
    const r = await infx(
      ["full-sweep", "--single-node", "--config-files", "master.yaml", "--runner-config", "runners.yaml", "--format", "github", "--out-dir", out, "--canary"],
      {
        cwd: tmp,
        env: { GITHUB_OUTPUT: ghOut },
      },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.length).toBeLessThan(2000);
    const summary = JSON.parse(r.stdout);
    expect(summary.total).toBe(5010);
    expect(summary["canary-shard"]).toBe("canary");
    expect(summary["single-node-shards"]).toHaveLength(20);
    expect(summary["multi-node-shards"]).toEqual([]);
    const files = readdirSync(join(out, "shards")).sort();
    expect(files).toEqual(["canary.json", ...summary["single-node-shards"].map((s: string) => `${s}.json`)].sort());
    const plan = JSON.parse(readFileSync(join(out, "plan.json"), "utf8"));
    const all = Object.values(plan.single_node as Record<string, MatrixEntry[]>).flat();
    expect(all).toHaveLength(5010);
    const fromShards = files.flatMap((f) => JSON.parse(readFileSync(join(out, "shards", f), "utf8")) as MatrixEntry[]);
    expect(new Set(fromShards.map((e) => e.name)).size).toBe(5010);
    expect(new Set(all.map((e) => e.name))).toEqual(new Set(fromShards.map((e) => e.name)));
    expect(plan.shards.map((s: { id: string }) => s.id)).toEqual(["canary", ...summary["single-node-shards"]]);
    const gh = readFileSync(ghOut, "utf8");
    expect(gh.startsWith("earlier=1\n")).toBe(true);
    expect(gh).toContain(`single-node-shards=${JSON.stringify(summary["single-node-shards"])}\n`);
    expect(gh).toContain("canary-shard=canary\n");
    expect(gh).toContain("multi-node-shards=[]\n");
    expect(gh).toContain("total=5010\n");
  });

  it("an --out-dir that cannot be written is a clear error, not a stack trace", async () => {
    writeFileSync(join(tmp, "a-file"), "x");
    const r = await infx(
      [
        "test-config",
        "--config-keys",
        "gen0-fp8-b200-vllm",
        "--config-files",
        "master.yaml",
        "--runner-config",
        "runners.yaml",
        "--format",
        "github",
        "--out-dir",
        "a-file/plan",
      ],
      { cwd: tmp },
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^infx test-config: cannot write the plan to a-file\/plan: /);
    expect(r.stderr).not.toContain("internal error");
  });

  it("gives identical files on a second run", async () => {
    const args = (dir: string) => [
      "full-sweep",
      "--multi-node",
      "--config-files",
      "master.yaml",
      "--runner-config",
      "runners.yaml",
      "--format",
      "github",
      "--out-dir",
      dir,
    ];
    expect((await infx(args("p1"), { cwd: tmp })).code).toBe(0);
    expect((await infx(args("p2"), { cwd: tmp })).code).toBe(0);
    const read = (d: string) => readdirSync(join(tmp, d, "shards")).map((f) => [f, readFileSync(join(tmp, d, "shards", f), "utf8")]);
    expect(read("p2")).toEqual(read("p1"));
    expect(read("p1").length).toBe(1);
  });
});
