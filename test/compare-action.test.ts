// The compare action end to end in-process: the real @actions/artifact client
// and Octokit against the local fake GitHub + fake artifact service. The
// baseline is found on page 2 of the base branch's runs, downloaded from
// another run (findBy), compared, summarised and uploaded; the sticky comment
// gets its section; the gate is red, then green after the label, which counts
// only when its last adder has write permission (issue events and collaborator
// permissions from the fake).
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ActionCore, ActionDeps } from "../src/actions/lib/runtime.js";
import { simulatedSweep } from "../src/compare/simulate.js";
import { normalRng } from "../src/compare/stats.js";
import { asArtifactJob, startFakeArtifacts, type FakeArtifactService } from "./support/fake-artifacts.js";
import { startFakeGitHub, type FakeGitHub, type FakeRoute } from "./support/fake-github.js";

const PR = 42;
let gh: FakeGitHub;
let svc: FakeArtifactService;
const runIds: Record<string, number> = {};
// Loaded after GITHUB_API_URL is set: @actions/github reads it once, when first imported,
// and @actions/artifact's download from another run uses that default client.
let mod: {
  runCompare: typeof import("../src/actions/lib/compare.js").runCompare;
  runComment: typeof import("../src/actions/lib/comment.js").runComment;
  artifactStore: typeof import("../src/github/artifact.js").artifactStore;
  createOctokit: typeof import("../src/github/octokit.js").createOctokit;
  Client: typeof import("@actions/artifact").DefaultArtifactClient;
};

function recordingCore(inputs: Record<string, string>) {
  const outputs: Record<string, string> = {};
  const log: string[] = [];
  const summary: string[] = [];
  const core: ActionCore = {
    getInput: (n) => inputs[n] ?? "",
    setOutput: (n, v) => void (outputs[n] = String(v)),
    info: (m) => void log.push(m),
    warning: (m) => void log.push(`warning: ${m}`),
    error: (m) => void log.push(`error: ${m}`),
    setFailed: (m) => void log.push(`failed: ${m}`),
    summary: { addRaw: (t: string) => void summary.push(t), write: async () => undefined },
  };
  return { core, outputs, log, summary };
}

const o = { cv: 0.03, curves: 2, concs: [4, 8, 16, 32] };
const z = normalRng(42);

/** The PR's issue events, as GitHub lists them (oldest first): who added or removed which label. */
const labelEvents: { event: "labeled" | "unlabeled"; label: string; actor: string }[] = [];
let eventReads = 0;

/** `actor` adds or removes `name` on the PR: the label list and the issue events change together, as on GitHub. */
function relabel(event: "labeled" | "unlabeled", name: string, actor: string): void {
  const pull = gh.state.pulls.find((p) => p.number === PR)!;
  pull.labels = event === "labeled" ? [...pull.labels.filter((l) => l !== name), name] : pull.labels.filter((l) => l !== name);
  labelEvents.push({ event, label: name, actor });
}

/** GET /repos/{o}/{r}/issues/{PR}/events with the API's shape (the fake has no such endpoint of its own). */
function issueEventsRoute(ctx: Parameters<FakeRoute>[0]): boolean {
  const { req, res, url } = ctx;
  if (req.method !== "GET" || url.pathname !== `/repos/acme/inferencex/issues/${PR}/events`) return false;
  eventReads++;
  const ok = req.headers.authorization === `token ${gh.token}`;
  res.writeHead(ok ? 200 : 401, { "content-type": "application/json" });
  const body = labelEvents.map((e, i) => ({
    id: i + 1,
    node_id: `LE_${i + 1}`,
    url: `${gh.url}/repos/acme/inferencex/issues/events/${i + 1}`,
    actor: { login: e.actor, id: 100 + i, type: "User" },
    event: e.event,
    commit_id: null,
    commit_url: null,
    created_at: new Date(Date.UTC(2026, 0, 21, 10, i)).toISOString(),
    label: { name: e.label, color: "d73a4a" },
    performed_via_github_app: null,
  }));
  res.end(JSON.stringify(ok ? body : { message: "Bad credentials" }));
  return true;
}

/** Uploads rows as `results_bmk` from the collect job of run `backend`, mapped to REST run `id`. */
async function uploadRows(backend: string, id: number, rows: unknown[]): Promise<void> {
  runIds[backend] = id;
  const dir = mkdtempSync(join(tmpdir(), "rows-"));
  writeFileSync(join(dir, "agg_bmk.json"), JSON.stringify(rows));
  await asArtifactJob(svc, backend, "collect", dir, () => new mod.Client().uploadArtifact("results_bmk", [join(dir, "agg_bmk.json")], dir));
}

/** Runs an action's run() as job `job` of run `backend` (REST id runIds[backend]). */
async function runAs<T>(backend: string, job: string, inputs: Record<string, string>, fn: (d: ActionDeps) => Promise<T>) {
  const rec = recordingCore({ "github-token": gh.token, ...inputs });
  const ws = mkdtempSync(join(tmpdir(), "ws-"));
  const event = join(ws, "event.json");
  writeFileSync(event, JSON.stringify({ action: "synchronize", number: PR, pull_request: { number: PR, base: { ref: "main" } } }));
  const env = {
    GITHUB_API_URL: gh.url,
    GITHUB_REPOSITORY: "acme/inferencex",
    GITHUB_RUN_ID: String(runIds[backend]),
    GITHUB_SERVER_URL: "https://github.com",
    GITHUB_WORKFLOW_REF: `acme/inferencex/.github/workflows/run-sweep.yml@refs/pull/${PR}/merge`,
    GITHUB_EVENT_PATH: event,
    GITHUB_STEP_SUMMARY: join(ws, "summary.md"),
    RUNNER_TEMP: ws,
  };
  const deps: ActionDeps = {
    core: rec.core,
    env,
    cwd: ws,
    artifacts: mod.artifactStore(new mod.Client()),
    octokit: (token) => mod.createOctokit({ token, env }),
  };
  const result = asArtifactJob(svc, backend, job, ws, () => fn(deps));
  return { ...rec, result };
}

beforeAll(async () => {
  gh = await startFakeGitHub();
  process.env.GITHUB_API_URL = gh.url;
  svc = await startFakeArtifacts({ gh, runIds });
  const [c, m, a, k, art] = await Promise.all([
    import("../src/actions/lib/compare.js"),
    import("../src/actions/lib/comment.js"),
    import("../src/github/artifact.js"),
    import("../src/github/octokit.js"),
    import("@actions/artifact"),
  ]);
  mod = {
    runCompare: c.runCompare,
    runComment: m.runComment,
    artifactStore: a.artifactStore,
    createOctokit: k.createOctokit,
    Client: art.DefaultArtifactClient,
  };
  gh.addPull({ number: PR, labels: ["sweep-enabled"] });
  gh.state.collaborators = { maint: "maintain", writer: "write", triager: "triage" };
  gh.route(issueEventsRoute);
  relabel("labeled", "sweep-enabled", "maint");

  // Oldest first: three history runs and the baseline on main (push, success, with results_bmk) ...
  for (let k = 0; k < 3; k++) await uploadRows(`hist-${k}`, gh.addRun({ workflow: "run-sweep.yml" }).id, simulatedSweep(z, o));
  const base = gh.addRun({ workflow: "run-sweep.yml", head_sha: "b".repeat(40) });
  await uploadRows("base", base.id, simulatedSweep(z, o));
  // ... then, newer, runs that must be skipped: 120 successful pushes that swept nothing (no
  // results_bmk, pushing the baseline to page 2), a failed run, another branch, a PR run.
  for (let k = 0; k < 120; k++) gh.addRun({ workflow: "run-sweep.yml" });
  await uploadRows("failed", gh.addRun({ workflow: "run-sweep.yml", conclusion: "failure" }).id, simulatedSweep(z, o));
  await uploadRows("other", gh.addRun({ workflow: "run-sweep.yml", head_branch: "feature" }).id, simulatedSweep(z, o));
  await uploadRows("other-wf", gh.addRun({ workflow: "e2e-tests.yml" }).id, simulatedSweep(z, o));
  // This PR's run: curve 0 is 15% slower.
  const pr = gh.addRun({ workflow: "run-sweep.yml", head_branch: `feature-${PR}`, event: "pull_request", status: "in_progress", conclusion: null });
  await uploadRows(
    "pr",
    pr.id,
    simulatedSweep(z, o, (c) => (c === 0 ? 0.85 : 1)),
  );
}, 120_000);

afterAll(async () => {
  await svc.close();
  await gh.close();
});

describe("compare action", () => {
  it("finds the baseline on page 2, downloads it and the history from their runs, compares, publishes", async () => {
    const t = await runAs("pr", "compare", { history: "3" }, mod.runCompare);
    await t.result;
    const baseId = runIds.base!;
    expect(t.outputs).toMatchObject({ verdict: "regression", "baseline-run-id": String(baseId), "baseline-sha": "b".repeat(40), "base-branch": "main" });
    expect(Number(t.outputs.regressions)).toBeGreaterThan(0);
    expect(Number(t.outputs["curve-regressions"])).toBe(1);
    const lists = gh.requests.filter((r) => r.path === "/repos/acme/inferencex/actions/workflows/run-sweep.yml/runs");
    expect(lists.map((r) => r.query.page ?? "1")).toEqual(["1", "2"]);
    expect(lists[0]!.query).toMatchObject({ branch: "main", status: "success", event: "push", per_page: "100" });
    // Baseline and 3 history runs downloaded through the REST redirect (findBy), none of the skipped runs.
    const zips = svc.requests.filter((r) => r.op === "rest:artifact-zip");
    expect(zips).toHaveLength(4);
    expect(zips.every((r) => r.status === 302)).toBe(true);
    const downloaded = zips.map((r) => Number(/artifacts\/(\d+)\/zip/.exec(r.path)![1]));
    const idOf = (b: string) => svc.byName(b, "results_bmk")!.id;
    expect(downloaded.sort()).toEqual(["base", "hist-0", "hist-1", "hist-2"].map(idOf).sort());
    expect(t.summary.join("")).toMatch(/## Comparison with `main` @ `bbbbbbb`/);
    expect(t.summary.join("")).toMatch(/noise from the baseline and 3 history runs/);
    expect(svc.byName("pr", "comparison")).toBeDefined();
  });

  it("the sticky comment gets the section, with a link to the comparison artifact", async () => {
    const t = await runAs("pr", "comment", { "pr-number": String(PR) }, mod.runComment);
    await t.result;
    const body = gh.state.comments.find((c) => c.issue_number === PR)!.body;
    expect(body).toMatch(/#### 🔴 vs `main` @ `bbbbbbb`: \d+ regressions?, \d+ improvements?, \d+ unchanged/);
    expect(body).toMatch(/\[Full comparison\]\(https:\/\/github\.com\/acme\/inferencex\/actions\/runs\/\d+\/artifacts\/\d+\)/);
    expect(body).toMatch(/Curves: 🔴 m0 b200 vllm fp8 1k1k −\d+\.\d%/);
  });

  it("the gate is red on the regression, green after the label accept-regression", async () => {
    const red = await runAs("pr", "gate", { mode: "gate" }, mod.runCompare);
    await expect(red.result).rejects.toThrow(
      /regression gate: \d+ point\(s\) and 1 curve\(s\) regressed against the baseline; add the label 'accept-regression'/,
    );
    expect(red.outputs.pass).toBe("false");
    expect(eventReads).toBe(0); // no label: nobody to ask about
    relabel("labeled", "accept-regression", "maint");
    const green = await runAs("pr", "gate-rerun", { mode: "gate" }, mod.runCompare);
    await green.result;
    expect(green.outputs).toMatchObject({ pass: "true" });
    expect(green.outputs.reason).toMatch(/accepted by the 'accept-regression' label \(added by @maint, maintain\)$/);
    expect(eventReads).toBe(1);
    relabel("unlabeled", "accept-regression", "maint");
  });

  it("the label added by a triager: still red, and the gate says why", async () => {
    const before = eventReads;
    relabel("labeled", "accept-regression", "triager");
    const t = await runAs("pr", "gate-triage", { mode: "gate" }, mod.runCompare);
    const why = "label 'accept-regression' was added by @triager (triage): it counts only from people with write permission";
    await expect(t.result).rejects.toThrow(`regression gate: `);
    await expect(t.result).rejects.toThrow(why);
    expect(t.outputs.pass).toBe("false");
    expect(t.outputs.reason).toContain(`${why}; to accept them, someone with write permission must remove the label 'accept-regression' and add it again`);
    expect(t.summary.join("")).toMatch(/## Regression gate: ❌ fail[\s\S]*was added by @triager \(triage\)/);
    expect(eventReads).toBe(before + 1);
    expect(gh.requests.some((r) => r.path === "/repos/acme/inferencex/collaborators/triager/permission" && r.status === 200)).toBe(true);
  });

  it("removed and re-added by someone else: the last adder counts, either way", async () => {
    const cases: [string, boolean, RegExp][] = [
      ["writer", true, /accepted by the 'accept-regression' label \(added by @writer, write\)$/],
      ["triager", false, /was added by @triager \(triage\): it counts only from people with write permission/],
      ["maint", true, /\(added by @maint, maintain\)$/],
    ];
    for (const [who, pass, reason] of cases) {
      relabel("unlabeled", "accept-regression", who);
      relabel("labeled", "accept-regression", who);
      const t = await runAs("pr", `gate-${who}`, { mode: "gate" }, mod.runCompare);
      if (pass) await t.result;
      else await expect(t.result).rejects.toThrow(reason);
      expect(t.outputs.pass, who).toBe(String(pass));
      expect(t.outputs.reason, who).toMatch(reason);
    }
  });

  it("baseline-run-id pins the baseline; the history is runs before it", async () => {
    runIds.pinned = gh.addRun({ workflow: "run-sweep.yml", event: "workflow_dispatch", status: "in_progress", conclusion: null }).id;
    await uploadRows("pinned", runIds.pinned!, simulatedSweep(z, o));
    const t = await runAs("pinned", "compare", { "baseline-run-id": String(runIds["hist-2"]), history: "5" }, mod.runCompare);
    await t.result;
    expect(t.outputs["baseline-run-id"]).toBe(String(runIds["hist-2"]));
    expect(t.summary.join("")).toMatch(/noise from the baseline and 2 history runs/);
  });

  it("no baseline: says so in the summary, the artifact and the comment; the gate passes", async () => {
    runIds.lonely = gh.addRun({ workflow: "run-sweep.yml", head_branch: "x", event: "pull_request", status: "in_progress", conclusion: null }).id;
    await uploadRows("lonely", runIds.lonely!, simulatedSweep(z, o));
    const t = await runAs("lonely", "compare", { "base-branch": "release-1" }, mod.runCompare);
    await t.result;
    expect(t.outputs.verdict).toBe("no-baseline");
    expect(t.summary.join("")).toMatch(/No comparison: no successful run-sweep\.yml run on 'release-1' \(event push\) has a results_bmk artifact/);
    gh.addPull({ number: 43 });
    const c = await runAs("lonely", "comment", { "pr-number": "43" }, mod.runComment);
    await c.result;
    expect(gh.state.comments.find((x) => x.issue_number === 43)!.body).toContain(
      "_No comparison: no successful run-sweep.yml run on 'release-1' (event push) has a results_bmk artifact._",
    );
    const reads = eventReads;
    const gate = await runAs("lonely", "gate", { mode: "gate", "pr-number": String(PR) }, mod.runCompare);
    await gate.result;
    expect(gate.outputs.reason).toMatch(/no baseline/);
    expect(gh.state.pulls.find((p) => p.number === PR)!.labels).toContain("accept-regression");
    expect(eventReads).toBe(reads); // nothing to accept: who added the label is not asked
    const bad = await runAs("lonely", "compare2", { "baseline-run-id": "abc" }, mod.runCompare);
    await expect(bad.result).rejects.toThrow(/input 'baseline-run-id': expected a run id/);
  });
});
