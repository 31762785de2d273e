// The committed action bundles' layout (scripts/build.mjs): each action.yml runs a
// one-line entry that imports its module in the shared actions/dist/, and what an
// action loads before it runs (its static imports, followed through the chunks)
// holds none of the heavy clients it loads on first use. Reads the committed
// files only; `node scripts/build.mjs --check` keeps them equal to the sources.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { SINGLE_NODE_ROW } from "./support/agg-rows.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const ACTIONS = join(ROOT, "actions");
const actionDirs = readdirSync(ACTIONS).filter((d) => existsSync(join(ACTIONS, d, "action.yml")));

/** Files a module imports statically (`import ... from "./x.js"`, `import "./x.js"`; not `import("./x.js")`), resolved. */
function staticImports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/\bimport\s*(?:[^"'()]*?\bfrom\s*)?["'](\.{1,2}\/[^"']+)["']/g)].map((m) => resolve(dirname(file), m[1]!));
}

function loadedAtStart(entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (f: string): void => {
    if (seen.has(f)) return;
    seen.add(f);
    for (const i of staticImports(f)) visit(i);
  };
  visit(entry);
  return seen;
}

/** Strings only the heavy clients contain. */
const HEAVY = {
  "the artifact client": "ACTIONS_RUNTIME_TOKEN",
  Octokit: "octokit-core.js",
  undici: "UND_ERR_CONNECT_TIMEOUT",
  "@actions/core's OIDC client": "ACTIONS_ID_TOKEN_REQUEST_URL",
};

describe("committed action bundles", () => {
  it("every action.yml runs its one-line entry, which imports actions/dist/<name>.js", () => {
    expect(actionDirs.length).toBeGreaterThanOrEqual(8);
    const mains = [...actionDirs.map((d) => [d, join(ACTIONS, d)] as const), ["dispatch", ROOT] as const].map(([name, dir]) => {
      const meta = parse(readFileSync(join(dir, "action.yml"), "utf8")) as { runs: { using: string; main: string } };
      expect(meta.runs.using).toBe("node24");
      return [name, join(dir, meta.runs.main)] as const;
    });
    for (const [name, main] of mains) {
      expect(main).toBe(join(ACTIONS, name, "dist/index.js"));
      expect(staticImports(main)).toEqual([join(ACTIONS, "dist", `${name}.js`)]);
      for (const f of loadedAtStart(main)) expect(existsSync(f), `${main} imports ${f}`).toBe(true);
    }
    expect(JSON.parse(readFileSync(join(ACTIONS, "package.json"), "utf8"))).toEqual({ type: "module" });
  });

  it("no action loads the artifact client, Octokit or undici before it runs", () => {
    for (const name of [...actionDirs, "dispatch"]) {
      const files = loadedAtStart(join(ACTIONS, name, "dist/index.js"));
      expect(files.size).toBeGreaterThan(1);
      for (const [what, marker] of Object.entries(HEAVY))
        for (const f of files) expect(readFileSync(f, "utf8").includes(marker), `${name} loads ${what} at start (${f})`).toBe(false);
    }
    // (the markers are real: each is in some chunk loaded later)
    const all = readdirSync(join(ACTIONS, "dist"))
      .filter((f) => /\.c?js$/.test(f))
      .map((f) => readFileSync(join(ACTIONS, "dist", f), "utf8"));
    for (const [what, marker] of Object.entries(HEAVY))
      if (what !== "@actions/core's OIDC client")
        expect(
          all.some((t) => t.includes(marker)),
          what,
        ).toBe(true);
  });

  it("all committed action JavaScript together is at most 4 MB", () => {
    // (actions/dist/vendor/ holds the report's chart library, inlined into report.html by the collect action: it counts too)
    const files = [join(ACTIONS, "dist"), ...actionDirs.map((d) => join(ACTIONS, d, "dist"))]
      .flatMap((d) => readdirSync(d, { recursive: true }).map((f) => join(d, String(f))))
      .filter((f) => statSync(f).isFile());
    const bytes = files.reduce((s, f) => s + statSync(f).size, 0);
    expect(bytes).toBeLessThanOrEqual(4_000_000);
  });
});

describe("the compare action's history reader", () => {
  it("finds its worker beside the chunks (actions/dist/load-worker.js) and the worker reads a run on its own", async () => {
    const worker = join(ACTIONS, "dist/load-worker.js");
    expect(existsSync(worker)).toBe(true);
    expect(existsSync(join(ACTIONS, "dist/curve-worker.js")), "the curves' bootstrap worker (curveStats)").toBe(true);
    const parallel = readdirSync(join(ACTIONS, "dist")).filter(
      (f) => f.endsWith(".js") && readFileSync(join(ACTIONS, "dist", f), "utf8").includes("load-worker.js"),
    );
    expect(parallel.length, "the chunk that starts the worker sits in actions/dist/").toBeGreaterThan(0);
    const { mkdtempSync, writeFileSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { Worker } = await import("node:worker_threads");
    const dir = mkdtempSync(join(tmpdir(), "bundle-worker-"));
    const row = { ...SINGLE_NODE_ROW, tput_per_gpu: 1234.5, output_tput_per_gpu: 600.25, input_tput_per_gpu: 634.25, median_tpot: 0.01, median_intvty: 100 };
    writeFileSync(join(dir, "agg_bmk.json"), JSON.stringify([row, { ...row, conc: 16 }]));
    // The jobs and the shared counter the threads claim them with (LoadShare): the worker claims both and exits.
    const jobs = [0, 1].map((index) => ({ index, label: `history ${index}`, files: [join(dir, "agg_bmk.json")] }));
    const w = new Worker(worker, { workerData: { jobs, next: new Int32Array(new SharedArrayBuffer(4)) } });
    const runs: { index: number; ids: Int32Array; values: Float64Array; problems: string[]; newIdentities: { first: number; starts: Int32Array } }[] = [];
    const exited = new Promise((done, fail) => {
      w.once("exit", done);
      w.once("error", fail);
    });
    await new Promise<void>((done) => w.on("message", (m) => runs.push(m) === 2 && done()));
    await exited;
    const packed = runs[0]!;
    expect(runs.map((r) => r.index)).toEqual([0, 1]);
    expect(runs[1]!.newIdentities.starts, "the second run brings no identity the first did not").toHaveLength(1);
    expect(packed.problems).toEqual([]);
    expect(packed.ids).toHaveLength(2);
    expect(packed.values[0]).toBe(1234.5);
    expect(packed.newIdentities.first, "the worker's identities, sent for translation").toBe(0);
    expect(packed.newIdentities.starts).toHaveLength(3);
  });
});
