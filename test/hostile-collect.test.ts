// collect keeps every good row whatever else the artifacts hold: an
// unreadable directory, a deeply nested or non-UTF-8 file, a symlink, a FIFO
// are each reported with path and reason, and every valid row is written.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { downloadEach, type ArtifactStore } from "../src/github/artifact.js";
import { configGrid, resultName, rowOf, writeBmkArtifacts } from "./fixtures/results/generate.js";
import { infx } from "./support/cli.js";

const tmp = () => mkdtempSync(join(tmpdir(), "infx-hostile-collect-"));

describe("infx collect with hostile artifacts", () => {
  it("25 valid rows survive a deep file, a non-UTF-8 file, a symlink, a FIFO and an unreadable directory", async () => {
    const dir = tmp();
    const art = join(dir, "artifacts");
    writeBmkArtifacts(art, configGrid(25));
    mkdirSync(join(art, "bmk_bad"));
    writeFileSync(join(art, "bmk_bad", "deep.json"), "[".repeat(100_000));
    writeFileSync(join(art, "bmk_bad", "latin1.json"), Buffer.from('{"hw": "h2\xb000"}', "latin1"));
    symlinkSync("/etc/passwd", join(art, "bmk_bad", "link.json"));
    execFileSync("mkfifo", [join(art, "bmk_bad", "pipe.json")]);
    // A directory whose path is longer than PATH_MAX: readdir fails (ENAMETOOLONG) even for root.
    const seg = "d".repeat(200);
    execFileSync("bash", ["-c", `cd "$1" && for i in $(seq 25); do mkdir ${seg} && cd ${seg}; done && echo '{}' > x.json`, "_", art]);
    const t0 = performance.now();
    const r = await infx(["collect", "artifacts", "--kind", "bmk", "--out", "agg.json", "--report", "report.json"], { cwd: dir });
    expect(performance.now() - t0).toBeLessThan(10_000);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, "agg.json"), "utf8"))).toHaveLength(25);
    const report = JSON.parse(readFileSync(join(dir, "report.json"), "utf8")) as { rows: number; problems: { path: string; reason: string }[] };
    expect(report.rows).toBe(25);
    const reasons = Object.fromEntries(report.problems.map((p) => [p.path.replace(/(d{200}\/)+/, "<deep>/"), p.reason]));
    expect(reasons["artifacts/bmk_bad/deep.json"]).toMatch(/^not valid JSON: line 1, column 100001/);
    expect(reasons["artifacts/bmk_bad/latin1.json"]).toMatch(/invalid UTF-8 at byte offset 10/);
    expect(reasons["artifacts/bmk_bad/link.json"]).toMatch(/symbolic link: not followed/);
    expect(reasons["artifacts/bmk_bad/pipe.json"]).toMatch(/FIFO/);
    expect(Object.entries(reasons).some(([p, why]) => p.startsWith("artifacts/<deep>") && /cannot read directory: ENAMETOOLONG/.test(why))).toBe(true);
    expect(r.stdout).toContain("artifacts/bmk_bad/pipe.json: a FIFO (named pipe): not read");
  });

  it("retry replacement says which row (path, date) replaced which", async () => {
    const dir = tmp();
    const art = join(dir, "artifacts");
    const [c] = configGrid(1);
    const row = rowOf(c!) as Record<string, unknown>;
    delete row.date;
    for (const [node, when] of [
      ["0", 1_700_000_000],
      ["1", 1_800_000_000],
    ] as const) {
      const name = resultName(c!, node);
      mkdirSync(join(art, `bmk_${name}`), { recursive: true });
      const f = join(art, `bmk_${name}`, `agg_${name}.json`);
      writeFileSync(f, JSON.stringify(row));
      utimesSync(f, when, when);
    }
    const r = await infx(["collect", "artifacts", "--kind", "bmk", "--out", "agg.json", "--report", "report.json"], { cwd: dir });
    expect(r.code).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, "report.json"), "utf8"));
    expect(report.replacements).toEqual([
      {
        kept: { path: `artifacts/bmk_${resultName(c!, "1")}/agg_${resultName(c!, "1")}.json`, when: new Date(1_800_000_000_000).toISOString() },
        dropped: { path: `artifacts/bmk_${resultName(c!, "0")}/agg_${resultName(c!, "0")}.json`, when: new Date(1_700_000_000_000).toISOString() },
      },
    ]);
    expect(r.stdout).toContain(
      `  artifacts/bmk_${resultName(c!, "1")}/agg_${resultName(c!, "1")}.json (2027-01-15T08:00:00.000Z) replaced artifacts/bmk_${resultName(c!, "0")}`,
    );
  });

  it("--report and --out are not written through a pre-placed symlink", async () => {
    const dir = tmp();
    mkdirSync(join(dir, "empty"));
    writeFileSync(join(dir, "victim"), "keep\n");
    symlinkSync(join(dir, "victim"), join(dir, "report.json"));
    const r = await infx(["collect", "empty", "--kind", "bmk", "--out", "agg.json", "--report", "report.json"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/report\.json: it is a symbolic link/);
    expect(readFileSync(join(dir, "victim"), "utf8")).toBe("keep\n");
  });
});

describe("writers never write through a pre-placed symlink", () => {
  it("infx export --out", async () => {
    const dir = tmp();
    writeFileSync(join(dir, "agg.json"), "[]\n");
    writeFileSync(join(dir, "victim"), "keep\n");
    symlinkSync(join(dir, "victim"), join(dir, "out.csv"));
    const r = await infx(["export", "agg.json", "--csv", "--out", "out.csv"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/out\.csv: it is a symbolic link/);
    expect(readFileSync(join(dir, "victim"), "utf8")).toBe("keep\n");
  });
});

describe("the collect action's download step", () => {
  it("downloads every artifact it can and reports the ones it cannot", async () => {
    const names = ["bmk_a", "bmk_broken", "bmk_c", "../bmk_escape", "eval_x"];
    const store: ArtifactStore = {
      upload: async () => ({ id: 0, name: "", size: 0 }),
      list: async () => names.map((name, id) => ({ id, name, size: 1 })),
      download: async (a, dir) => {
        if (a.name === "bmk_broken") throw new Error("download failed: HTTP 500");
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, "agg.json"), "{}");
      },
    };
    const dir = tmp();
    const { downloaded, failed } = await downloadEach(store, (n) => n.includes("bmk_"), dir);
    expect(downloaded.map((a) => a.name)).toEqual(["bmk_a", "bmk_c"]);
    expect(failed).toEqual([
      { name: "bmk_broken", reason: "download failed: HTTP 500" },
      { name: "../bmk_escape", reason: `the name escapes or nests inside ${dir}` },
    ]);
    expect(readFileSync(join(dir, "bmk_c", "agg.json"), "utf8")).toBe("{}");
  });
});
