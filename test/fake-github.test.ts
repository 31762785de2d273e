// The fake GitHub itself: its answers follow the REST schemas extracted from
// @octokit/openapi (test/support/github-schemas/), it paginates and refuses
// like GitHub, and the project's REST adapters work against it over real HTTP.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv, type ValidateFunction } from "ajv";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { findStickyComments, upsertStickyComment } from "../src/github/comments.js";
import { listAllRunJobs } from "../src/github/jobs.js";
import { apiBaseUrl, createOctokit } from "../src/github/octokit.js";
import { canWrite, dispatchWorkflow, getPullHead, getRepoRole, listRunArtifacts } from "../src/github/repo.js";
import { ROOT } from "./support/cli.js";
import { startFakeGitHub, type FakeGitHub } from "./support/fake-github.js";

const SCHEMA_DIR = join(ROOT, "test/support/github-schemas");
const ajv = new Ajv({ strict: true, allErrors: true });
ajv.addKeyword("x-github");
ajv.addFormat("date-time", (s: string) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(s) && !Number.isNaN(Date.parse(s)));
ajv.addFormat("uri", (s: string) => URL.canParse(s));
ajv.addFormat("int64", { type: "number", validate: (n: number) => Number.isSafeInteger(n) });
const schemas = new Map<string, { validate: ValidateFunction; raw: Record<string, any> }>();
for (const f of readdirSync(SCHEMA_DIR)) {
  const raw = JSON.parse(readFileSync(join(SCHEMA_DIR, f), "utf8"));
  schemas.set(f.replace(/\.json$/, ""), { validate: ajv.compile(raw), raw });
}

/** Asserts `body` matches schema `name`; and that `entity` uses no property the schema's `def` does not know. */
function expectSchema(name: string, body: unknown, known?: { def: string; entities: unknown[] }) {
  const s = schemas.get(name);
  expect(s, `schema ${name}`).toBeDefined();
  const ok = s!.validate(body);
  expect(ok ? [] : s!.validate.errors!.map((e) => `${e.instancePath} ${e.message}`), name).toEqual([]);
  if (known) {
    const props = Object.keys(s!.raw.$defs[known.def].properties);
    for (const e of known.entities)
      expect(
        Object.keys(e as object).filter((k) => !props.includes(k)),
        `${known.def} properties`,
      ).toEqual([]);
  }
}

let gh: FakeGitHub;
const auth = () => ({ authorization: `token ${gh.token}` });
const get = async (path: string, headers: Record<string, string> = auth()) => {
  const res = await fetch(gh.url + path, { headers });
  return { status: res.status, link: res.headers.get("link"), body: res.status === 204 ? undefined : await res.json() };
};
const send = async (method: string, path: string, body: unknown) => {
  const res = await fetch(gh.url + path, { method, headers: { ...auth(), "content-type": "application/json" }, body: JSON.stringify(body) });
  return { status: res.status, body: res.status === 204 ? undefined : await res.json() };
};
const R = "/repos/acme/inferencex";

beforeAll(async () => {
  gh = await startFakeGitHub();
});
afterAll(async () => {
  await gh.close();
});
beforeEach(() => {
  for (const k of ["jobs", "comments", "pulls", "artifacts", "dispatches"] as const) gh.state[k].length = 0;
  gh.state.collaborators = {};
  gh.state.workflows = null;
  gh.requests.length = 0;
});

describe("fake GitHub answers with the REST schemas", () => {
  it("has every schema the fake needs, compiled strictly", () => {
    expect([...schemas.keys()].sort()).toEqual(
      [
        "basic-error",
        "create-issue-comment",
        "create-issue-comment.request",
        "create-workflow-dispatch",
        "create-workflow-dispatch.request",
        "get-collaborator-permission-level",
        "get-pull-request",
        "list-issue-comments",
        "list-jobs-for-workflow-run",
        "list-jobs-for-workflow-run-attempt",
        "list-workflow-run-artifacts",
        "update-issue-comment",
        "update-issue-comment.request",
        "validation-error",
      ].sort(),
    );
    // the fixtures are what the script extracts from the installed @octokit/openapi
    expect(execFileSync(process.execPath, [join(ROOT, "scripts/extract-github-schemas.mjs"), "--check"], { encoding: "utf8" })).toMatch(/checked 14 schemas/);
    // the schemas are strict enough to catch a wrong answer
    expect(schemas.get("list-jobs-for-workflow-run")!.validate({ total_count: 1, jobs: [{ id: 1 }] })).toBe(false);
  });

  it("jobs of a run (latest, all, per attempt)", async () => {
    gh.addJob({ run_id: 9, run_attempt: 1, name: "bmk [h200] a", conclusion: "failure", labels: ["h200"] });
    gh.addJob({ run_id: 9, run_attempt: 1, name: "plan", conclusion: "success" });
    gh.addJob({ run_id: 9, run_attempt: 2, name: "bmk [h200] a", conclusion: null });
    for (const path of [`${R}/actions/runs/9/jobs`, `${R}/actions/runs/9/jobs?filter=all`]) {
      const r = await get(path);
      expect(r.status).toBe(200);
      expectSchema("list-jobs-for-workflow-run", r.body, { def: "job", entities: r.body.jobs });
    }
    const r = await get(`${R}/actions/runs/9/attempts/1/jobs`);
    expectSchema("list-jobs-for-workflow-run-attempt", r.body, { def: "job", entities: r.body.jobs });
    expect(r.body.jobs.map((j: { name: string }) => j.name)).toEqual(["bmk [h200] a", "plan"]);
    expect((await get(`${R}/actions/runs/9/jobs`)).body.total_count).toBe(1); // latest attempt only
    expect((await get(`${R}/actions/runs/9/jobs?filter=all`)).body.total_count).toBe(3);
    expect((await get(`${R}/actions/runs/9/jobs?filter=all`)).body.jobs[2]).toMatchObject({
      run_attempt: 2,
      status: "in_progress",
      conclusion: null,
      completed_at: null,
    });
  });

  it("issue comments (list, create, update)", async () => {
    gh.addPull({ number: 3 });
    gh.addComment(3, "hello", "octocat");
    const created = await send("POST", `${R}/issues/3/comments`, { body: "from the bot" });
    expect(created.status).toBe(201);
    expectSchema("create-issue-comment", created.body, { def: "issue-comment", entities: [created.body] });
    expect(created.body.user).toMatchObject({ login: "github-actions[bot]", type: "Bot" });
    const updated = await send("PATCH", `${R}/issues/comments/${created.body.id}`, { body: "edited" });
    expectSchema("update-issue-comment", updated.body, { def: "issue-comment", entities: [updated.body] });
    const list = await get(`${R}/issues/3/comments`);
    expectSchema("list-issue-comments", list.body, { def: "issue-comment", entities: list.body });
    expect(list.body.map((c: { body: string }) => c.body)).toEqual(["hello", "edited"]);
    for (const r of gh.requests.filter((q) => q.method !== "GET"))
      expectSchema(r.method === "POST" ? "create-issue-comment.request" : "update-issue-comment.request", r.body);
  });

  it("pull request, collaborator permission, artifacts, dispatch", async () => {
    gh.addPull({ number: 5, labels: ["sweep-enabled"], head_repo: "forker/inferencex", draft: true });
    const pr = await get(`${R}/pulls/5`);
    expectSchema("get-pull-request", pr.body, { def: "pull-request", entities: [pr.body] });
    expect(pr.body.head.repo.full_name).toBe("forker/inferencex");

    gh.state.collaborators.alice = "maintain";
    const perm = await get(`${R}/collaborators/alice/permission`);
    expectSchema("get-collaborator-permission-level", perm.body, { def: "repository-collaborator-permission", entities: [perm.body] });
    expect(perm.body).toMatchObject({ permission: "write", role_name: "maintain" });

    gh.addArtifact({ run_id: 9, name: "results_bmk" });
    const arts = await get(`${R}/actions/runs/9/artifacts`);
    expectSchema("list-workflow-run-artifacts", arts.body, { def: "artifact", entities: arts.body.artifacts });

    const d = await send("POST", `${R}/actions/workflows/e2e-tests.yml/dispatches`, {
      ref: "refs/pull/5/head",
      inputs: { "generate-cli-command": "full-sweep" },
      return_run_details: true,
    });
    expect(d.status).toBe(200);
    expectSchema("create-workflow-dispatch", d.body);
    expectSchema("create-workflow-dispatch.request", gh.requests.at(-1)!.body);
    expect((await send("POST", `${R}/actions/workflows/e2e-tests.yml/dispatches`, { ref: "main" })).status).toBe(204);
    expect(gh.state.dispatches.map((x) => x.ref)).toEqual(["refs/pull/5/head", "main"]);
  });

  it("errors: 401 without or with a bad token, 404, 422", async () => {
    gh.addJob({ run_id: 9, name: "x" });
    const none = await get(`${R}/actions/runs/9/jobs`, {});
    expect(none.status).toBe(401);
    expectSchema("basic-error", none.body);
    expect(none.body.message).toBe("Requires authentication");
    const bad = await get(`${R}/actions/runs/9/jobs`, { authorization: "token nope" });
    expect(bad.status).toBe(401);
    expect(bad.body.message).toBe("Bad credentials");
    const other = await get(`/repos/acme/other/actions/runs/9/jobs`);
    expect(other.status).toBe(404);
    expectSchema("basic-error", other.body);
    gh.addPull({ number: 1 });
    const tooLong = await send("POST", `${R}/issues/1/comments`, { body: "x".repeat(65_537) });
    expect(tooLong.status).toBe(422);
    expectSchema("validation-error", tooLong.body);
    expect((await send("POST", `${R}/issues/1/comments`, {})).status).toBe(422);
    expect((await send("POST", `${R}/issues/99/comments`, { body: "x" })).status).toBe(404);
    gh.state.workflows = ["e2e-tests.yml"];
    expect((await send("POST", `${R}/actions/workflows/typo.yml/dispatches`, { ref: "main" })).status).toBe(404);
    expect((await send("POST", `${R}/actions/workflows/e2e-tests.yml/dispatches`, {})).status).toBe(422);
  });
});

describe("fake GitHub paginates like GitHub", () => {
  it("sets Link headers with next/last/prev/first and total_count", async () => {
    for (let i = 0; i < 25; i++) gh.addJob({ run_id: 4, name: `j${i}` });
    const p1 = await get(`${R}/actions/runs/4/jobs?per_page=10`);
    expect(p1.body.total_count).toBe(25);
    expect(p1.body.jobs).toHaveLength(10);
    expect(p1.link).toBe(
      `<${gh.url}${R}/actions/runs/4/jobs?per_page=10&page=2>; rel="next", <${gh.url}${R}/actions/runs/4/jobs?per_page=10&page=3>; rel="last"`,
    );
    const p3 = await get(`${R}/actions/runs/4/jobs?per_page=10&page=3`);
    expect(p3.body.jobs.map((j: { name: string }) => j.name)).toEqual(["j20", "j21", "j22", "j23", "j24"]);
    expect(p3.link).toContain('rel="prev"');
    expect(p3.link).not.toContain('rel="next"');
    expect((await get(`${R}/actions/runs/4/jobs?per_page=500`)).body.jobs).toHaveLength(25); // per_page is capped at 100
  });
});

describe("REST adapters against the fake", () => {
  it("createOctokit reads GITHUB_API_URL at call time and uses the given fetch", async () => {
    expect(apiBaseUrl(undefined, {})).toBe("https://api.github.com");
    expect(apiBaseUrl(undefined, { GITHUB_API_URL: "https://ghe.example/api/v3/" })).toBe("https://ghe.example/api/v3");
    gh.addJob({ run_id: 3, name: "bmk [h200] x" });
    const seen: string[] = [];
    const counting: typeof fetch = (input, init) => {
      seen.push(String(input instanceof Request ? input.url : input));
      return fetch(input, init);
    };
    const octokit = createOctokit({ token: gh.token, env: { GITHUB_API_URL: gh.url }, fetch: counting });
    const jobs = await listAllRunJobs(octokit, { owner: "acme", repo: "inferencex", runId: 3 });
    expect(jobs).toEqual([expect.objectContaining({ name: "bmk [h200] x", run_attempt: 1, conclusion: "success" })]);
    expect(seen).toEqual([`${gh.url}${R}/actions/runs/3/jobs?filter=all&per_page=100`]);
    expect(gh.requests[0]!.token).toBe(gh.token);
  });

  it("reads all attempts across pages", async () => {
    for (let a = 1; a <= 3; a++) for (let i = 0; i < 90; i++) gh.addJob({ run_id: 8, run_attempt: a, name: `bmk [h200] e${i}` });
    const octokit = createOctokit({ token: gh.token, baseUrl: gh.url });
    const jobs = await listAllRunJobs(octokit, { owner: "acme", repo: "inferencex", runId: 8 });
    expect(jobs).toHaveLength(270);
    expect(new Set(jobs.map((j) => j.id)).size).toBe(270);
    expect(jobs.filter((j) => j.run_attempt === 3)).toHaveLength(90);
    expect(gh.requests).toHaveLength(3);
  });

  it("retries nothing silently: a server error names the call", async () => {
    gh.addJob({ run_id: 8, name: "x" });
    gh.failNext("GET", /\/jobs$/, 502);
    const octokit = createOctokit({ token: gh.token, baseUrl: gh.url });
    await expect(listAllRunJobs(octokit, { owner: "acme", repo: "inferencex", runId: 8 })).rejects.toThrow(
      /listing the jobs of run 8 in acme\/inferencex failed: HTTP 502/,
    );
    await expect(listAllRunJobs(octokit, { owner: "acme", repo: "inferencex", runId: 8 })).resolves.toHaveLength(1);
  });

  it("sticky comment: finds the marker on any page, updates the oldest, never duplicates", async () => {
    gh.addPull({ number: 2 });
    for (let i = 0; i < 105; i++) gh.addComment(2, `c${i}`);
    const octokit = createOctokit({ token: gh.token, baseUrl: gh.url });
    const where = { owner: "acme", repo: "inferencex", issueNumber: 2, marker: "<!-- m -->" };
    const a = await upsertStickyComment(octokit, { ...where, body: "<!-- m -->\none" });
    const b = await upsertStickyComment(octokit, { ...where, body: "<!-- m -->\ntwo" });
    expect([a.action, b.action]).toEqual(["created", "updated"]);
    expect(b.id).toBe(a.id);
    expect(await findStickyComments(octokit, where)).toEqual([expect.objectContaining({ id: a.id, body: "<!-- m -->\ntwo" })]);
    await expect(upsertStickyComment(octokit, { ...where, body: "no marker" })).rejects.toThrow(/must start with its marker/);
  });

  it("pull head, roles, artifacts and dispatch", async () => {
    gh.addPull({ number: 6, head_repo: "forker/inferencex", labels: ["full-sweep-enabled"], head_sha: "d".repeat(40) });
    gh.addPull({ number: 7 });
    const octokit = createOctokit({ token: gh.token, baseUrl: gh.url });
    const where = { owner: "acme", repo: "inferencex" };
    expect(await getPullHead(octokit, { ...where, pullNumber: 6 })).toMatchObject({ isFork: true, headSha: "d".repeat(40), labels: ["full-sweep-enabled"] });
    expect((await getPullHead(octokit, { ...where, pullNumber: 7 })).isFork).toBe(false);
    await expect(getPullHead(octokit, { ...where, pullNumber: 8 })).rejects.toThrow(/reading pull request #8 .*HTTP 404/);

    gh.state.collaborators = { admin1: "admin", m: "maintain", w: "write", t: "triage", r: "read" };
    const roles: Record<string, string> = {};
    for (const u of ["admin1", "m", "w", "t", "r", "stranger"]) roles[u] = await getRepoRole(octokit, { ...where, username: u });
    expect(roles).toEqual({ admin1: "admin", m: "maintain", w: "write", t: "triage", r: "read", stranger: "none" });
    expect(Object.values(roles).map(canWrite)).toEqual([true, true, true, false, false, false]);

    for (let i = 0; i < 120; i++) gh.addArtifact({ run_id: 11, name: `bmk_${i}` });
    expect(await listRunArtifacts(octokit, { ...where, runId: 11 })).toHaveLength(120);

    const d = await dispatchWorkflow(octokit, {
      ...where,
      workflow: "e2e-tests.yml",
      ref: "d".repeat(40),
      inputs: { "generate-cli-command": "full-sweep --single-node" },
    });
    expect(d.runId).toBe(gh.state.dispatches[0]!.run_id);
    expect(d.htmlUrl).toBe(`https://github.com/acme/inferencex/actions/runs/${d.runId}`);
    expect(gh.state.dispatches[0]).toMatchObject({ workflow_id: "e2e-tests.yml", inputs: { "generate-cli-command": "full-sweep --single-node" } });
  });

  it("composes with extra routes (e.g. the artifact service) on the same server", async () => {
    const extra = await startFakeGitHub({
      routes: [
        ({ url, res }) => {
          if (!url.pathname.startsWith("/twirp/")) return false;
          res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
          return true;
        },
      ],
    });
    try {
      expect(await (await fetch(`${extra.url}/twirp/github.actions.results.api.v1.ArtifactService/ListArtifacts`, { method: "POST" })).json()).toEqual({
        ok: true,
      });
      expect((await fetch(`${extra.url}${R}/pulls/1`)).status).toBe(401);
      expect(extra.server.listening).toBe(true);
    } finally {
      await extra.close();
    }
  });
});
