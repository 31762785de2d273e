// Plan policies (src/plan/policies.ts) on the full matrix of the project's own
// configs, and through the matrix commands' flags.
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadPlanningInputs, type PlanningInputs } from "../src/config/load.js";
import { fullSweep } from "../src/plan/matrix.js";
import {
  artifactSafe,
  assignIdsAndNames,
  entryId,
  entryName,
  keepEvalsOnly,
  markAllEvals,
  MAX_NAME_LENGTH,
  pickCanary,
  trimConcurrency,
  applyPolicies,
} from "../src/plan/policies.js";
import { isMultiNode, type MatrixEntry, type MultiNodeEntry, type SingleNodeEntry } from "../src/plan/types.js";
import { CONFIG_ARGS, CONFIGS, infx } from "./support/cli.js";

let inputs: PlanningInputs;
let full: MatrixEntry[];
beforeAll(() => {
  inputs = loadPlanningInputs([join(CONFIGS, "nvidia-master.yaml"), join(CONFIGS, "amd-master.yaml")], join(CONFIGS, "runners.yaml"));
  full = [...fullSweep(inputs, { nodeType: "single", runEvals: true }), ...fullSweep(inputs, { nodeType: "multi", runEvals: true })];
});

const single = (es: MatrixEntry[]) => es.filter((e): e is SingleNodeEntry => !isMultiNode(e));
const multi = (es: MatrixEntry[]) => es.filter(isMultiNode);
const withoutConc = (e: MatrixEntry) => JSON.stringify({ ...e, conc: undefined });

describe("trimConcurrency (--trim-conc)", () => {
  it("keeps exactly the lowest concurrency of each otherwise-identical single-node group", () => {
    expect(single(full).length).toBeGreaterThan(100);
    expect(multi(full).length).toBeGreaterThan(0);
    const trimmed = trimConcurrency(full);
    const groups = new Map<string, number[]>();
    for (const e of single(full)) groups.set(withoutConc(e), [...(groups.get(withoutConc(e)) ?? []), e.conc]);
    const kept = single(trimmed);
    expect(kept.length).toBe(groups.size);
    expect(kept.length).toBeLessThan(single(full).length / 3);
    for (const e of kept) expect(e.conc).toBe(Math.min(...groups.get(withoutConc(e))!));
  });

  it("turns every multi-node conc list into [min] and keeps every multi-node entry", () => {
    const trimmed = multi(trimConcurrency(full));
    const before = multi(full);
    expect(trimmed.length).toBe(before.length);
    trimmed.forEach((e, i) => expect(e.conc).toEqual([Math.min(...before[i]!.conc)]));
    expect(before.some((e) => e.conc.length > 1)).toBe(true);
  });

  it("keeps an eval entry at the concurrency its eval was chosen at", () => {
    const trimmed = trimConcurrency(full);
    const evalsBefore = single(full).filter((e) => e["run-eval"]);
    const evalsAfter = single(trimmed).filter((e) => e["run-eval"]);
    expect(evalsAfter.length).toBe(evalsBefore.length);
    expect(evalsAfter.map((e) => e.conc).sort()).toEqual(evalsBefore.map((e) => e.conc).sort());
  });
});

describe("markAllEvals / keepEvalsOnly (--all-evals, --evals-only)", () => {
  it("--all-evals marks every 1k8k single-node entry and nothing else", () => {
    const marked = markAllEvals(full);
    for (const [i, e] of marked.entries()) {
      const is1k8k = !isMultiNode(e) && e.isl === 1024 && e.osl === 8192;
      expect(e["run-eval"], JSON.stringify(e)).toBe(is1k8k || full[i]!["run-eval"]);
    }
    expect(single(marked).filter((e) => e["run-eval"]).length).toBe(single(full).filter((e) => e.isl === 1024 && e.osl === 8192).length);
  });

  it("--evals-only keeps only eval entries; with --all-evals that is every 1k8k single-node entry", () => {
    const onlyEvals = keepEvalsOnly(full);
    expect(onlyEvals.length).toBeGreaterThan(0);
    expect(onlyEvals.every((e) => e["run-eval"])).toBe(true);
    const all = applyPolicies(full, { allEvals: true, evalsOnly: true });
    expect(all.length).toBe(single(full).filter((e) => e.isl === 1024 && e.osl === 8192).length);
  });
});

describe("pickCanary (--canary)", () => {
  it("marks one cheap single-node entry (lowest conc, no eval, 1k1k or 8k1k) and puts it first", () => {
    const out = pickCanary(full);
    expect(out.length).toBe(full.length);
    const c = out[0] as SingleNodeEntry;
    expect(c.canary).toBe(true);
    expect(out.filter((e) => (e as SingleNodeEntry).canary).length).toBe(1);
    expect(c["run-eval"]).toBe(false);
    expect([`${c.isl}/${c.osl}`]).toContain(c.isl === 1024 ? "1024/1024" : "8192/1024");
    const candidates = single(full).filter((e) => !e["run-eval"] && e.osl === 1024 && (e.isl === 1024 || e.isl === 8192));
    const minConc = Math.min(...candidates.map((e) => e.conc));
    expect(c.conc).toBe(minConc);
    expect(c.tp).toBe(Math.min(...candidates.filter((e) => e.conc === minConc).map((e) => e.tp)));
  });

  it("leaves a plan without a candidate unchanged", () => {
    const only1k8k = single(full).filter((e) => e.osl === 8192);
    expect(pickCanary(only1k8k)).toEqual(only1k8k);
    expect(pickCanary(multi(full))).toEqual(multi(full));
  });
});

describe("ids and names", () => {
  it("id ignores conc and exp-name but nothing else; it is stable", () => {
    const e = single(full)[0]!;
    expect(entryId(e)).toMatch(/^[0-9a-f]{10}$/);
    expect(entryId({ ...e, conc: e.conc * 2, "exp-name": "other" })).toBe(entryId(e));
    expect(entryId({ ...e, tp: e.tp + 1 })).not.toBe(entryId(e));
    expect(entryId({ ...e, image: e.image + "x" })).not.toBe(entryId(e));
    expect(entryId({ ...e, "run-eval": !e["run-eval"] })).not.toBe(entryId(e));
    // key order does not matter
    const reversed = Object.fromEntries(Object.entries(e).reverse()) as unknown as SingleNodeEntry;
    expect(entryId(reversed)).toBe(entryId(e));
    expect(entryId(e)).toBe(entryId(JSON.parse(JSON.stringify(e))));
  });

  it("every name of the full plan is unique, artifact-safe and at most 100 characters", () => {
    const named = assignIdsAndNames(full);
    const names = named.map((e) => e.name!);
    expect(new Set(names).size).toBe(named.length);
    for (const n of names) {
      expect(n.length).toBeLessThanOrEqual(MAX_NAME_LENGTH);
      expect(n).not.toMatch(/[":<>|*?\r\n\\/\s]/);
    }
    // Every concurrency of one configuration shares an id.
    const byId = new Map<string, Set<number>>();
    for (const e of single(named)) byId.set(e.id!, (byId.get(e.id!) ?? new Set()).add(e.conc));
    expect([...byId.values()].some((s) => s.size > 1)).toBe(true);
    expect(assignIdsAndNames(full).map((e) => e.name)).toEqual(names);
  });

  it("single-node names carry the concurrency, and names stay readable", () => {
    const e = single(full).find((x) => x.framework === "sglang" && x.isl === 1024 && x.osl === 1024)!;
    const name = entryName(e, entryId(e));
    expect(name).toContain(`_c${e.conc}_`);
    expect(name.startsWith(`${e["model-prefix"]}_${e.precision}_${e.runner}_sglang_1k1k_tp${e.tp}`)).toBe(true);
  });

  it("identical entries still get distinct names, and unsafe characters are replaced", () => {
    const e = single(full)[0]!;
    const named = assignIdsAndNames([e, e, e]);
    expect(new Set(named.map((x) => x.name)).size).toBe(3);
    expect(artifactSafe('a/b\\c:d*e?f"g<h>i|j\r\nk l')).toBe("a-b-c-d-e-f-g-h-i-j-k-l");
    const weird = { ...e, runner: "x".repeat(300), framework: "a/b:c" };
    const n = entryName(weird, entryId(weird));
    expect(n.length).toBeLessThanOrEqual(MAX_NAME_LENGTH);
    expect(n.endsWith(`_c${e.conc}${e["run-eval"] ? "_eval" : ""}_${entryId(weird)}`)).toBe(true);
  });

  it("multi-node names are unique even when entries differ only in conc", () => {
    const m = multi(full)[0]! as MultiNodeEntry;
    const named = assignIdsAndNames([m, { ...m, conc: [1, 2] }, { ...m, conc: [1, 4, 2] }]);
    expect(new Set(named.map((x) => x.id)).size).toBe(1);
    expect(new Set(named.map((x) => x.name)).size).toBe(3);
  });
});

describe("policy flags on the matrix commands", () => {
  it("full-sweep --trim-conc --canary --ids prints the trimmed plan with the canary first", async () => {
    const r = await infx(["full-sweep", "--single-node", "--model-prefix", "gptoss", "--trim-conc", "--canary", "--ids", ...CONFIG_ARGS]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as SingleNodeEntry[];
    const plain = JSON.parse((await infx(["full-sweep", "--single-node", "--model-prefix", "gptoss", ...CONFIG_ARGS])).stdout) as SingleNodeEntry[];
    expect(out.length).toBeLessThan(plain.length);
    expect(out[0]!.canary).toBe(true);
    expect(out.every((e) => typeof e.id === "string" && typeof e.name === "string")).toBe(true);
  });

  it("without policy flags the output is the generator's, untouched (no id/name)", async () => {
    const r = await infx(["test-config", "--config-keys", "gptoss-fp4-h200-vllm", ...CONFIG_ARGS]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as SingleNodeEntry[];
    expect(out.some((e) => "id" in e || "name" in e || "canary" in e)).toBe(false);
  });

  it("--help lists the policy options", async () => {
    const r = await infx(["full-sweep", "--help"]);
    for (const o of ["--trim-conc", "--all-evals", "--canary", "--ids"]) expect(r.stdout).toContain(o);
  });
});
