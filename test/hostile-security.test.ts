// Security rules as data against the fake GitHub: /sweep runs the commit the
// maintainer saw; sweep labels count only from people with write permission;
// the repository settings that keep fork PRs off self-hosted runners.
import { infx } from "./support/cli.js";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ActionCore, ActionDeps } from "../src/actions/lib/runtime.js";
import { headMovedReason, runSweepCommand, splitPinnedSha } from "../src/actions/lib/sweep-command.js";
import { labelGrants } from "../src/github/label-grants.js";
import { checkRepoSecurity, formatSecurityChecks } from "../src/github/repo-security.js";
import { createOctokit } from "../src/github/octokit.js";
import { decideSweep, trustedSweepLabels } from "../src/plan/labels.js";
import { startFakeGitHub, type FakeGitHub } from "./support/fake-github.js";

function recordingDeps(inputs: Record<string, string>, env: NodeJS.ProcessEnv) {
  const outputs: Record<string, string> = {};
  const core: ActionCore = {
    getInput: (n) => inputs[n] ?? "",
    setOutput: (n, v) => void (outputs[n] = String(v)),
    info: () => {},
    warning: () => {},
    error: () => {},
    setFailed: () => {},
    summary: { addRaw: () => {}, write: async () => {} },
  };
  const deps: ActionDeps = {
    core,
    env: { GITHUB_STEP_SUMMARY: "", ...env },
    cwd: tmpdir(),
    artifacts: { upload: async () => ({ id: 0, name: "", size: 0 }), list: async () => [], download: async () => {} },
    octokit: (token) => createOctokit({ token, env }),
  };
  return { deps, outputs };
}

function eventFile(payload: object): string {
  const p = join(mkdtempSync(join(tmpdir(), "ev-")), "event.json");
  writeFileSync(p, JSON.stringify(payload));
  return p;
}

describe("/sweep runs the commit the maintainer saw", () => {
  it("splitPinnedSha reads an optional leading SHA", () => {
    expect(splitPinnedSha("c0ffee1 full-sweep --single-node")).toEqual({ sha: "c0ffee1", rest: "full-sweep --single-node" });
    expect(splitPinnedSha("full-sweep --single-node")).toEqual({ rest: "full-sweep --single-node" });
    expect(splitPinnedSha("abc full-sweep")).toEqual({ rest: "abc full-sweep" }); // too short for a SHA
  });
  it.each([
    [{ pinned: "cccccccc", headSha: "c".repeat(40) }, undefined],
    [{ pinned: "dddddddd", headSha: "c".repeat(40) }, /head of this PR is now cccccccccccc, not the dddddddd you named/],
    [{ headSha: "c".repeat(40), headCommittedAt: "2026-01-01T10:00:00Z", commentedAt: "2026-01-01T10:05:00Z" }, undefined],
    [{ headSha: "c".repeat(40), headCommittedAt: "2026-01-01T10:06:00Z", commentedAt: "2026-01-01T10:05:00Z" }, /committed after your comment/],
    [{ headSha: "c".repeat(40) }, /cannot tell whether the head/],
  ])("headMovedReason(%j)", (w, want) => {
    const got = headMovedReason(w);
    if (want === undefined) expect(got).toBeUndefined();
    else expect(got).toMatch(want);
  });

  let gh: FakeGitHub;
  const commitDates: Record<string, string> = {};
  beforeAll(async () => {
    gh = await startFakeGitHub();
    gh.state.collaborators = { admin1: "admin" };
    gh.addPull({ number: 5, head_sha: "c".repeat(40), head_repo: "acme/inferencex" });
    gh.route(({ req, res, url }) => {
      const m = /^\/repos\/acme\/inferencex\/git\/commits\/([0-9a-f]{40})$/.exec(url.pathname);
      if (req.method !== "GET" || !m || !commitDates[m[1]!]) return false;
      const date = commitDates[m[1]!]!;
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          sha: m[1],
          committer: { name: "a", email: "a@x", date },
          author: { name: "a", email: "a@x", date },
          message: "m",
          tree: { sha: "t", url: "" },
          parents: [],
          url: "",
          html_url: "",
          node_id: "",
          verification: null,
        }),
      );
      return true;
    });
  });
  afterAll(() => gh.close());
  const env = (body: string, createdAt: string) => ({
    GITHUB_API_URL: gh.url,
    GITHUB_REPOSITORY: "acme/inferencex",
    GITHUB_RUN_ID: "77",
    GITHUB_EVENT_PATH: eventFile({ comment: { body, user: { login: "admin1" }, created_at: createdAt }, issue: { number: 5, pull_request: {} } }),
  });
  it("a head pushed after the comment is refused with a reply naming the SHA to use", async () => {
    commitDates["c".repeat(40)] = "2026-01-01T10:06:00Z";
    const t = recordingDeps({ "github-token": gh.token }, env("/sweep full-sweep --single-node", "2026-01-01T10:05:00Z"));
    await runSweepCommand(t.deps);
    expect(t.outputs.allowed).toBe("false");
    expect(gh.state.comments.at(-1)!.body).toMatch(/not started: the head cccccccccccc was committed after your comment/);
  });
  it("the head as of the comment runs, pinned to its SHA", async () => {
    commitDates["c".repeat(40)] = "2026-01-01T10:00:00Z";
    const t = recordingDeps({ "github-token": gh.token }, env("/sweep full-sweep --single-node", "2026-01-01T10:05:00Z"));
    await runSweepCommand(t.deps);
    expect(t.outputs).toMatchObject({ allowed: "true", sha: "c".repeat(40), "generate-cli-command": "full-sweep --single-node" });
  });
  it("/sweep <sha> runs only when the head is that commit", async () => {
    const ok = recordingDeps({ "github-token": gh.token }, env("/sweep cccccccc full-sweep --single-node", "2026-01-01T09:00:00Z"));
    await runSweepCommand(ok.deps);
    expect(ok.outputs).toMatchObject({ allowed: "true", sha: "c".repeat(40), "generate-cli-command": "full-sweep --single-node" });
    const moved = recordingDeps({ "github-token": gh.token }, env("/sweep dddddddd full-sweep --single-node", "2026-01-01T09:00:00Z"));
    await runSweepCommand(moved.deps);
    expect(moved.outputs.allowed).toBe("false");
    expect(gh.state.comments.at(-1)!.body).toMatch(/not the dddddddd you named/);
  });
});

describe("sweep labels count only from people with write permission", () => {
  let gh: FakeGitHub;
  beforeAll(async () => {
    gh = await startFakeGitHub();
    gh.state.collaborators = { maint: "maintain", triager: "triage", writer: "write" };
    const events = [
      { event: "labeled", label: { name: "full-sweep-enabled" }, actor: { login: "maint" } },
      { event: "labeled", label: { name: "sweep-enabled" }, actor: { login: "writer" } },
      { event: "labeled", label: { name: "sweep-enabled" }, actor: { login: "triager" } }, // the last adder counts
      { event: "labeled", label: { name: "evals-only" }, actor: { login: "stranger" } },
      { event: "labeled", label: { name: "docs" }, actor: { login: "triager" } },
      { event: "unlabeled", label: { name: "full-sweep-enabled" }, actor: { login: "triager" } },
    ];
    gh.route(({ req, res, url }) => {
      if (req.method !== "GET" || url.pathname !== "/repos/acme/inferencex/issues/9/events") return false;
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify(
          events.map((e, i) => ({
            id: i + 1,
            node_id: "n",
            url: "",
            commit_id: null,
            commit_url: null,
            created_at: "2026-01-01T00:00:00Z",
            performed_via_github_app: null,
            ...e,
          })),
        ),
      );
      return true;
    });
  });
  afterAll(() => gh.close());

  it("labelGrants reads the last adder of each label and their role", async () => {
    const octokit = createOctokit({ token: gh.token, env: { GITHUB_API_URL: gh.url } });
    const grants = await labelGrants(octokit, { owner: "acme", repo: "inferencex", issueNumber: 9 }, ["full-sweep-enabled", "sweep-enabled", "evals-only"]);
    expect(grants).toEqual([
      { label: "full-sweep-enabled", actor: "maint", role: "maintain" },
      { label: "sweep-enabled", actor: "triager", role: "triage" },
      { label: "evals-only", actor: "stranger", role: "none" },
    ]);
    const trusted = trustedSweepLabels(["full-sweep-enabled", "sweep-enabled", "evals-only", "docs", "all-evals"], grants);
    expect(trusted.labels).toEqual(["full-sweep-enabled", "docs"]);
    expect(trusted.ignored).toEqual([
      "label 'sweep-enabled' was added by @triager (triage): sweep labels count only from people with write permission",
      "label 'evals-only' was added by @stranger (none): sweep labels count only from people with write permission",
      "label 'all-evals': who added it is unknown, so it does not count",
    ]);
  });
  it("a triager's sweep label alone starts nothing", () => {
    const grants = [{ label: "full-sweep-enabled", actor: "triager", role: "triage" }];
    const { labels } = trustedSweepLabels(["full-sweep-enabled"], grants);
    expect(decideSweep({ eventName: "pull_request", action: "synchronize", labels }).run).toBe(false);
    const ok = trustedSweepLabels(["full-sweep-enabled"], [{ ...grants[0]!, actor: "maint", role: "maintain" }]);
    expect(decideSweep({ eventName: "pull_request", action: "synchronize", labels: ok.labels })).toMatchObject({ run: true, mode: "full" });
  });
});

describe("checkRepoSecurity reads the settings that keep forks off the GPU runners", () => {
  let gh: FakeGitHub;
  const settings: Record<string, unknown> = {};
  beforeAll(async () => {
    gh = await startFakeGitHub();
    gh.route(({ req, res, url }) => {
      const body = settings[url.pathname];
      if (req.method !== "GET" || body === undefined) return false;
      if (typeof body === "number") {
        res.writeHead(body, { "content-type": "application/json" });
        res.end(JSON.stringify({ message: "Resource not accessible by integration", documentation_url: "" }));
      } else {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify(body));
      }
      return true;
    });
  });
  afterAll(() => gh.close());
  const octokit = () => createOctokit({ token: gh.token, env: { GITHUB_API_URL: gh.url } });
  const R = "/repos/acme/inferencex";

  it("a hardened public org repository passes every check", async () => {
    Object.assign(settings, {
      [R]: { private: false, owner: { login: "acme", type: "Organization" } },
      [`${R}/actions/permissions/fork-pr-contributor-approval`]: { approval_policy: "all_external_contributors" },
      [`${R}/actions/permissions/workflow`]: { default_workflow_permissions: "read", can_approve_pull_request_reviews: false },
      "/orgs/acme/actions/runner-groups": {
        total_count: 1,
        runner_groups: [
          {
            id: 2,
            name: "gpu",
            visibility: "selected",
            allows_public_repositories: false,
            restricted_to_workflows: true,
            selected_workflows: ["acme/inferencex/.github/workflows/run-sweep.yml@refs/heads/main"],
          },
        ],
      },
      [`${R}/actions/runners`]: {
        total_count: 1,
        runners: [{ id: 1, name: "b200-nv_0", os: "linux", status: "online", busy: false, ephemeral: true, labels: [] }],
      },
    });
    const checks = await checkRepoSecurity(octokit(), { owner: "acme", repo: "inferencex" });
    expect(checks.map((c) => [c.id, c.status])).toEqual([
      ["fork-pr-approval", "ok"],
      ["workflow-token", "ok"],
      ["runner-group", "ok"],
      ["ephemeral-runners", "ok"],
    ]);
  });
  it("infx doctor --repo prints the same checks and exits 0 when none is missing", async () => {
    const r = await infx(["doctor", "--repo", "acme/inferencex"], { env: { GITHUB_TOKEN: gh.token, GITHUB_API_URL: gh.url } });
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/^acme\/inferencex: settings for self-hosted GPU runners/);
    expect(
      r.stdout
        .trim()
        .split("\n")
        .slice(1)
        .map((l) => l.split(" ")[0]),
    ).toEqual(["ok", "ok", "ok", "ok"]);
    expect(r.code).toBe(0);
  });

  it("each missing setting is named with what to set; an unreadable one is unknown, never ok", async () => {
    Object.assign(settings, {
      [`${R}/actions/permissions/fork-pr-contributor-approval`]: { approval_policy: "first_time_contributors" },
      [`${R}/actions/permissions/workflow`]: { default_workflow_permissions: "write", can_approve_pull_request_reviews: true },
      "/orgs/acme/actions/runner-groups": 403,
      [`${R}/actions/runners`]: {
        total_count: 2,
        runners: [
          { id: 1, name: "b200-nv_0", ephemeral: false },
          { id: 2, name: "h200-x_0", ephemeral: true },
        ],
      },
    });
    const checks = await checkRepoSecurity(octokit(), { owner: "acme", repo: "inferencex" });
    const cli = await infx(["doctor", "--repo", "acme/inferencex"], { env: { GITHUB_TOKEN: gh.token, GITHUB_API_URL: gh.url } });
    expect(cli.code).toBe(1);
    expect(cli.stdout).toMatch(/\nMISSING /);
    expect(checks.map((c) => [c.id, c.status])).toEqual([
      ["fork-pr-approval", "missing"],
      ["workflow-token", "missing"],
      ["runner-group", "unknown"],
      ["ephemeral-runners", "missing"],
    ]);
    const text = formatSecurityChecks(checks);
    expect(text).toMatch(/^MISSING fork-pr-approval: fork PR approval is 'first_time_contributors': set .*Require approval for all external contributors/m);
    expect(text).toMatch(/^unknown runner-group: cannot read \/orgs\/\{org\}\/actions\/runner-groups \(HTTP 403/m);
    expect(text).toMatch(/1 of 2 runner\(s\) are not ephemeral \(b200-nv_0\)/);
  });
  it("a private repository is checked for private-fork workflow settings", async () => {
    Object.assign(settings, {
      [R]: { private: true, owner: { login: "acme", type: "Organization" } },
      [`${R}/actions/permissions/fork-pr-workflows-private-repos`]: {
        run_workflows_from_fork_pull_requests: true,
        send_write_tokens_to_workflows: true,
        send_secrets_and_variables: false,
        require_approval_for_fork_pr_workflows: true,
      },
    });
    const checks = await checkRepoSecurity(octokit(), { owner: "acme", repo: "inferencex" });
    expect(checks[0]).toMatchObject({ id: "fork-pr-private", status: "missing" });
  });
});

describe("run-sweep.yml", () => {
  const wf = readFileSync(join(import.meta.dirname, "../.github/workflows/run-sweep.yml"), "utf8");
  it("the PR-comment job (pull-requests: write) runs action code from the base branch", () => {
    const job = wf.slice(wf.indexOf("\n  comment:"));
    expect(job).toMatch(/pull-requests: write/);
    expect(job).toMatch(/actions\/checkout@[0-9a-f]{40}[^\n]*\n\s+with:\n\s+ref: \$\{\{ github\.event\.pull_request\.base\.sha \}\}/);
    expect(job.slice(0, job.indexOf("uses: ./actions/comment"))).not.toMatch(/needs\.plan\.outputs\.sha \}\}\n/);
  });
  it("the regression gate runs its code from the base branch (a PR cannot change the check that judges it)", () => {
    const job = wf.slice(wf.indexOf("\n  regression-gate:"), wf.indexOf("\n  comment:"));
    expect(job).toMatch(/actions\/checkout@[0-9a-f]{40}[^\n]*\n\s+with:\n\s+ref: \$\{\{ github\.event\.pull_request\.base\.sha \}\}/);
    expect(job).not.toMatch(/needs\.plan\.outputs\.sha/);
  });
  it("the plan job passes a read-only token so sweep labels are checked against the labeler's permission", () => {
    const job = wf.slice(wf.indexOf("\n  plan:"), wf.indexOf("\n  canary:"));
    expect(job).toMatch(/issues: read/);
    expect(job).toMatch(/uses: \.\/actions\/plan\n\s+with:[\s\S]*github-token: \$\{\{ github\.token \}\}/);
  });
  it("the regression gate reads who added accept-regression with read-only scopes: contents, pull requests, issues", () => {
    const job = wf.slice(wf.indexOf("\n  regression-gate:"), wf.indexOf("\n  comment:"));
    const block = /\n {4}permissions:\n((?: {6}[^\n]*\n)+)/.exec(job)![1]!;
    const scopes = block
      .split("\n")
      .filter(Boolean)
      .map((l) => l.replace(/#.*$/, "").trim());
    expect(scopes.sort()).toEqual(["contents: read", "issues: read", "pull-requests: read"]);
  });
});
