// A local fake of the GitHub REST API: a real node:http server on 127.0.0.1
// (random port) that answers the endpoints the project's actions and CLI call,
// with the API's real response shapes (validated against schemas extracted from
// @octokit/openapi in test/fake-github.test.ts), real pagination (`Link`
// headers, `per_page`/`page`), and real auth failures (401 without or with a
// wrong token). Tests seed and inspect `state`, and read `requests`.
//
//   const gh = await startFakeGitHub();            // gh.url -> GITHUB_API_URL, gh.token -> GITHUB_TOKEN
//   gh.addJob({ run_id: 7, run_attempt: 1, name: "bmk [b200-nv_0] x", conclusion: "success" });
//   ...run the code under test against gh.url...
//   expect(gh.state.comments).toHaveLength(1); await gh.close();
//
// Composition: `routes` are tried before the built-in ones (return true when
// handled), and `server` is the underlying http.Server; the artifact-service
// fake uses this to share one server.
//
// Endpoints (owner/repo must equal `state.owner`/`state.repo`, else 404):
//   GET   /repos/{o}/{r}/actions/runs/{run_id}/jobs?filter=latest|all&per_page&page
//   GET   /repos/{o}/{r}/actions/runs/{run_id}/attempts/{n}/jobs?per_page&page
//   GET   /repos/{o}/{r}/actions/runs/{run_id}/artifacts?name&per_page&page
//   GET   /repos/{o}/{r}/issues/{n}/comments?per_page&page
//   POST  /repos/{o}/{r}/issues/{n}/comments              {body}
//   PATCH /repos/{o}/{r}/issues/comments/{id}             {body}
//   GET   /repos/{o}/{r}/collaborators/{user}/permission
//   GET   /repos/{o}/{r}/pulls/{n}
//   POST  /repos/{o}/{r}/actions/workflows/{id}/dispatches {ref, inputs?, return_run_details?}
//   GET   /repos/{o}/{r}/actions/workflows/{id}/runs?branch&status&event&head_sha&per_page&page (newest first)
//   GET   /repos/{o}/{r}/actions/runs/{run_id}
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type JobConclusion = "success" | "failure" | "neutral" | "cancelled" | "skipped" | "timed_out" | "action_required";
export type JobStatus = "queued" | "in_progress" | "completed" | "waiting" | "requested" | "pending";
/** Repository roles as the collaborators API reports them in `role_name`. */
export type RepoRole = "admin" | "maintain" | "write" | "triage" | "read" | "none";

export interface FakeJob {
  id: number;
  run_id: number;
  run_attempt: number;
  name: string;
  status: JobStatus;
  conclusion: JobConclusion | null;
  labels: string[];
  runner_name: string | null;
  head_sha: string;
  workflow_name: string;
  head_branch: string;
  created_at: string;
  started_at: string;
  completed_at: string | null;
}
export type FakeJobSeed = Partial<FakeJob> & { name: string; run_id: number };

export interface FakeComment {
  id: number;
  issue_number: number;
  body: string;
  /** Login of the author. */
  user: string;
  created_at: string;
  updated_at: string;
}

export interface FakePull {
  number: number;
  title: string;
  body: string | null;
  /** Login of the PR author. */
  user: string;
  state: "open" | "closed";
  draft: boolean;
  labels: string[];
  head_sha: string;
  head_ref: string;
  /** `owner/name` of the head repository; differs from the base repository for fork PRs. */
  head_repo: string;
  base_ref: string;
  base_sha: string;
}
export type FakePullSeed = Partial<FakePull> & { number: number };

export interface FakeArtifact {
  id: number;
  run_id: number;
  name: string;
  size_in_bytes: number;
  created_at: string;
  expires_at: string;
  expired: boolean;
  digest?: string | null;
}

export interface FakeRun {
  id: number;
  /** Workflow file name, e.g. `run-sweep.yml`. */
  workflow: string;
  name: string;
  head_branch: string;
  head_sha: string;
  event: string;
  status: JobStatus;
  conclusion: JobConclusion | null;
  run_number: number;
  created_at: string;
}
export type FakeRunSeed = Partial<FakeRun> & { workflow: string };

export interface FakeDispatch {
  workflow_id: string;
  ref: string;
  inputs: Record<string, unknown>;
  /** Run id the fake assigned (reported only when `return_run_details` was true). */
  run_id: number;
}

export interface FakeUser {
  login: string;
  type: "User" | "Bot";
}

export interface FakeState {
  owner: string;
  repo: string;
  /** Accepted tokens and who they authenticate as. */
  tokens: Record<string, FakeUser>;
  jobs: FakeJob[];
  comments: FakeComment[];
  /** Collaborator roles by login; a user not listed has no access (`none`). */
  collaborators: Record<string, RepoRole>;
  pulls: FakePull[];
  /** Issue numbers (besides pull requests) that exist. */
  issues: number[];
  artifacts: FakeArtifact[];
  dispatches: FakeDispatch[];
  /** Workflow runs (for the runs list of a workflow). */
  runs: FakeRun[];
  /** Workflow file names / ids that exist; `null` accepts any. */
  workflows: string[] | null;
}

export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string>;
  /** The token the request carried, if any. */
  token: string | null;
  body: unknown;
  status: number;
}

export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  /** The raw request body. */
  body: Buffer;
}
/** An extra route handler: return true when it answered the request. */
export type FakeRoute = (ctx: RouteContext) => boolean | Promise<boolean>;

export interface FakeGitHubOptions {
  owner?: string;
  repo?: string;
  /** Token accepted as `github-actions[bot]` (default `fake-github-token`). */
  token?: string;
  /** Web host used in `html_url` fields (default `https://github.com`). */
  serverUrl?: string;
  /** Handlers tried before the built-in routes. */
  routes?: FakeRoute[];
}

export interface FakeGitHub {
  /** Base URL of the API (use as GITHUB_API_URL). */
  url: string;
  /** The default accepted token (use as GITHUB_TOKEN). */
  token: string;
  server: Server;
  state: FakeState;
  requests: RecordedRequest[];
  /** Adds a job execution (ids, timestamps and runner fields are filled in). */
  addJob(seed: FakeJobSeed): FakeJob;
  /** Adds a comment as `user` (default: a human, `octocat`). */
  addComment(issue_number: number, body: string, user?: string): FakeComment;
  addPull(seed: FakePullSeed): FakePull;
  addArtifact(seed: Partial<FakeArtifact> & { run_id: number; name: string }): FakeArtifact;
  /** Adds a completed, successful workflow run unless the seed says otherwise. */
  addRun(seed: FakeRunSeed): FakeRun;
  /** Makes the next `times` requests matching method and path pattern fail with `status`. */
  failNext(method: string, path: RegExp, status: number, times?: number): void;
  /** Adds a route at runtime (tried before the built-in ones). */
  route(handler: FakeRoute): void;
  close(): Promise<void>;
}

const T0 = Date.parse("2026-01-20T10:00:00Z");
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export async function startFakeGitHub(opts: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const token = opts.token ?? "fake-github-token";
  const web = (opts.serverUrl ?? "https://github.com").replace(/\/$/, "");
  const state: FakeState = {
    owner: opts.owner ?? "acme",
    repo: opts.repo ?? "inferencex",
    tokens: { [token]: { login: "github-actions[bot]", type: "Bot" } },
    jobs: [],
    comments: [],
    collaborators: {},
    pulls: [],
    issues: [],
    artifacts: [],
    dispatches: [],
    runs: [],
    workflows: null,
  };
  const requests: RecordedRequest[] = [];
  const routes: FakeRoute[] = [...(opts.routes ?? [])];
  const failures: { method: string; path: RegExp; status: number; times: number }[] = [];
  let nextId = 1000;
  let clock = T0;
  const tick = () => iso((clock += 1000));
  let base = "";

  const userIds = new Map<string, number>();
  const userId = (login: string) => {
    if (!userIds.has(login)) userIds.set(login, 500 + userIds.size);
    return userIds.get(login)!;
  };
  const userObject = (login: string, type?: "User" | "Bot") => {
    const t = type ?? Object.values(state.tokens).find((u) => u.login === login)?.type ?? (login.endsWith("[bot]") ? "Bot" : "User");
    const u = `${base}/users/${encodeURIComponent(login)}`;
    return {
      login,
      id: userId(login),
      node_id: `U_${Buffer.from(login).toString("base64url")}`,
      avatar_url: `https://avatars.githubusercontent.com/u/${userId(login)}?v=4`,
      gravatar_id: "",
      url: u,
      html_url: `${web}/${login}`,
      followers_url: `${u}/followers`,
      following_url: `${u}/following{/other_user}`,
      gists_url: `${u}/gists{/gist_id}`,
      starred_url: `${u}/starred{/owner}{/repo}`,
      subscriptions_url: `${u}/subscriptions`,
      organizations_url: `${u}/orgs`,
      repos_url: `${u}/repos`,
      events_url: `${u}/events{/privacy}`,
      received_events_url: `${u}/received_events`,
      type: t,
      user_view_type: "public",
      site_admin: false,
    };
  };
  const repoApi = () => `${base}/repos/${state.owner}/${state.repo}`;
  const repoWeb = () => `${web}/${state.owner}/${state.repo}`;

  const jobObject = (j: FakeJob) => ({
    id: j.id,
    run_id: j.run_id,
    workflow_name: j.workflow_name,
    head_branch: j.head_branch,
    run_url: `${repoApi()}/actions/runs/${j.run_id}`,
    run_attempt: j.run_attempt,
    node_id: `CR_${j.id}`,
    head_sha: j.head_sha,
    url: `${repoApi()}/actions/jobs/${j.id}`,
    html_url: `${repoWeb()}/actions/runs/${j.run_id}/job/${j.id}`,
    status: j.status,
    conclusion: j.conclusion,
    created_at: j.created_at,
    started_at: j.started_at,
    completed_at: j.completed_at,
    name: j.name,
    steps: [],
    check_run_url: `${repoApi()}/check-runs/${j.id}`,
    labels: j.labels,
    runner_id: j.runner_name ? 1 : null,
    runner_name: j.runner_name,
    runner_group_id: j.runner_name ? 1 : null,
    runner_group_name: j.runner_name ? "Default" : null,
  });

  const reactions = (url: string) => ({ url, total_count: 0, "+1": 0, "-1": 0, laugh: 0, hooray: 0, confused: 0, heart: 0, rocket: 0, eyes: 0 });
  const commentObject = (c: FakeComment) => ({
    id: c.id,
    node_id: `IC_${c.id}`,
    url: `${repoApi()}/issues/comments/${c.id}`,
    html_url: `${repoWeb()}/pull/${c.issue_number}#issuecomment-${c.id}`,
    body: c.body,
    user: userObject(c.user),
    created_at: c.created_at,
    updated_at: c.updated_at,
    issue_url: `${repoApi()}/issues/${c.issue_number}`,
    author_association: c.user.endsWith("[bot]") ? "NONE" : state.collaborators[c.user] ? "COLLABORATOR" : "NONE",
    performed_via_github_app: null,
    reactions: reactions(`${repoApi()}/issues/comments/${c.id}/reactions`),
  });

  const repositoryObject = (fullName: string, id: number) => {
    const [owner, name] = fullName.split("/") as [string, string];
    const api = `${base}/repos/${fullName}`;
    return {
      id,
      node_id: `R_${id}`,
      name,
      full_name: fullName,
      owner: userObject(owner, "User"),
      private: false,
      html_url: `${web}/${fullName}`,
      description: null,
      fork: fullName !== `${state.owner}/${state.repo}`,
      url: api,
      archive_url: `${api}/{archive_format}{/ref}`,
      assignees_url: `${api}/assignees{/user}`,
      blobs_url: `${api}/git/blobs{/sha}`,
      branches_url: `${api}/branches{/branch}`,
      collaborators_url: `${api}/collaborators{/collaborator}`,
      comments_url: `${api}/comments{/number}`,
      commits_url: `${api}/commits{/sha}`,
      compare_url: `${api}/compare/{base}...{head}`,
      contents_url: `${api}/contents/{+path}`,
      contributors_url: `${api}/contributors`,
      deployments_url: `${api}/deployments`,
      downloads_url: `${api}/downloads`,
      events_url: `${api}/events`,
      forks_url: `${api}/forks`,
      git_commits_url: `${api}/git/commits{/sha}`,
      git_refs_url: `${api}/git/refs{/sha}`,
      git_tags_url: `${api}/git/tags{/sha}`,
      git_url: `git://github.com/${fullName}.git`,
      issue_comment_url: `${api}/issues/comments{/number}`,
      issue_events_url: `${api}/issues/events{/number}`,
      issues_url: `${api}/issues{/number}`,
      keys_url: `${api}/keys{/key_id}`,
      labels_url: `${api}/labels{/name}`,
      languages_url: `${api}/languages`,
      merges_url: `${api}/merges`,
      milestones_url: `${api}/milestones{/number}`,
      notifications_url: `${api}/notifications{?since,all,participating}`,
      pulls_url: `${api}/pulls{/number}`,
      releases_url: `${api}/releases{/id}`,
      ssh_url: `git@github.com:${fullName}.git`,
      stargazers_url: `${api}/stargazers`,
      statuses_url: `${api}/statuses/{sha}`,
      subscribers_url: `${api}/subscribers`,
      subscription_url: `${api}/subscription`,
      tags_url: `${api}/tags`,
      teams_url: `${api}/teams`,
      trees_url: `${api}/git/trees{/sha}`,
      clone_url: `${web}/${fullName}.git`,
      mirror_url: null,
      hooks_url: `${api}/hooks`,
      svn_url: `${web}/${fullName}`,
      homepage: null,
      language: "TypeScript",
      forks_count: 0,
      stargazers_count: 0,
      watchers_count: 0,
      size: 1024,
      default_branch: "main",
      open_issues_count: 0,
      topics: [],
      has_issues: true,
      has_projects: false,
      has_wiki: false,
      has_pages: false,
      has_downloads: true,
      archived: false,
      disabled: false,
      visibility: "public",
      pushed_at: iso(T0),
      created_at: iso(T0 - 86_400_000 * 365),
      updated_at: iso(T0),
      forks: 0,
      open_issues: 0,
      watchers: 0,
      license: null,
    };
  };

  const pullObject = (p: FakePull) => {
    const api = `${repoApi()}/pulls/${p.number}`;
    const issue = `${repoApi()}/issues/${p.number}`;
    const html = `${repoWeb()}/pull/${p.number}`;
    const link = (href: string) => ({ href });
    const labels = p.labels.map((name, i) => ({
      id: 9000 + i,
      node_id: `LA_${i}`,
      url: `${repoApi()}/labels/${encodeURIComponent(name)}`,
      name,
      description: null,
      color: "ededed",
      default: false,
    }));
    const [headOwner] = p.head_repo.split("/") as [string];
    return {
      url: api,
      id: 70_000 + p.number,
      node_id: `PR_${p.number}`,
      html_url: html,
      diff_url: `${html}.diff`,
      patch_url: `${html}.patch`,
      issue_url: issue,
      commits_url: `${api}/commits`,
      review_comments_url: `${api}/comments`,
      review_comment_url: `${repoApi()}/pulls/comments{/number}`,
      comments_url: `${issue}/comments`,
      statuses_url: `${repoApi()}/statuses/${p.head_sha}`,
      number: p.number,
      state: p.state,
      locked: false,
      title: p.title,
      user: userObject(p.user),
      body: p.body,
      labels,
      milestone: null,
      active_lock_reason: null,
      created_at: iso(T0),
      updated_at: iso(T0),
      closed_at: null,
      merged_at: null,
      merge_commit_sha: null,
      assignee: null,
      assignees: [],
      requested_reviewers: [],
      requested_teams: [],
      head: {
        label: `${headOwner}:${p.head_ref}`,
        ref: p.head_ref,
        sha: p.head_sha,
        user: userObject(headOwner, "User"),
        repo: repositoryObject(p.head_repo, p.head_repo === `${state.owner}/${state.repo}` ? 1 : 2),
      },
      base: {
        label: `${state.owner}:${p.base_ref}`,
        ref: p.base_ref,
        sha: p.base_sha,
        user: userObject(state.owner, "User"),
        repo: repositoryObject(`${state.owner}/${state.repo}`, 1),
      },
      _links: {
        self: link(api),
        html: link(html),
        issue: link(issue),
        comments: link(`${issue}/comments`),
        review_comments: link(`${api}/comments`),
        review_comment: link(`${repoApi()}/pulls/comments{/number}`),
        commits: link(`${api}/commits`),
        statuses: link(`${repoApi()}/statuses/${p.head_sha}`),
      },
      author_association: state.collaborators[p.user] ? "COLLABORATOR" : "CONTRIBUTOR",
      auto_merge: null,
      draft: p.draft,
      merged: false,
      mergeable: true,
      rebaseable: true,
      mergeable_state: "clean",
      merged_by: null,
      comments: state.comments.filter((c) => c.issue_number === p.number).length,
      review_comments: 0,
      maintainer_can_modify: false,
      commits: 1,
      additions: 1,
      deletions: 0,
      changed_files: 1,
    };
  };

  const artifactObject = (a: FakeArtifact) => ({
    id: a.id,
    node_id: `MDg6QXJ0aWZhY3Q${a.id}`,
    name: a.name,
    size_in_bytes: a.size_in_bytes,
    url: `${repoApi()}/actions/artifacts/${a.id}`,
    archive_download_url: `${repoApi()}/actions/artifacts/${a.id}/zip`,
    expired: a.expired,
    created_at: a.created_at,
    expires_at: a.expires_at,
    updated_at: a.created_at,
    digest: a.digest ?? null,
    workflow_run: { id: a.run_id, repository_id: 1, head_repository_id: 1, head_branch: "main", head_sha: "0".repeat(40) },
  });

  const runObject = (r: FakeRun) => ({
    id: r.id,
    name: r.name,
    node_id: `WFR_${r.id}`,
    head_branch: r.head_branch,
    head_sha: r.head_sha,
    path: `.github/workflows/${r.workflow}`,
    display_title: r.name,
    run_number: r.run_number,
    event: r.event,
    status: r.status,
    conclusion: r.conclusion,
    workflow_id: 4242,
    check_suite_id: 5000 + r.id,
    url: `${repoApi()}/actions/runs/${r.id}`,
    html_url: `${repoWeb()}/actions/runs/${r.id}`,
    pull_requests: [],
    created_at: r.created_at,
    updated_at: r.created_at,
    run_attempt: 1,
    run_started_at: r.created_at,
    jobs_url: `${repoApi()}/actions/runs/${r.id}/jobs`,
    logs_url: `${repoApi()}/actions/runs/${r.id}/logs`,
    artifacts_url: `${repoApi()}/actions/runs/${r.id}/artifacts`,
    cancel_url: `${repoApi()}/actions/runs/${r.id}/cancel`,
    rerun_url: `${repoApi()}/actions/runs/${r.id}/rerun`,
    workflow_url: `${repoApi()}/actions/workflows/4242`,
    head_commit: null,
    repository: repositoryObject(`${state.owner}/${state.repo}`, 1),
    head_repository: repositoryObject(`${state.owner}/${state.repo}`, 1),
  });

  // --- request handling -------------------------------------------------------

  /** Slices `items` by per_page/page and sets GitHub's Link header. */
  function paginate<T>(res: ServerResponse, url: URL, items: T[]): T[] {
    const perPageRaw = url.searchParams.get("per_page");
    const pageRaw = url.searchParams.get("page");
    const perPage = Math.min(100, Math.max(1, perPageRaw ? Number.parseInt(perPageRaw, 10) || 30 : 30));
    const page = Math.max(1, pageRaw ? Number.parseInt(pageRaw, 10) || 1 : 1);
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const link = (p: number) => {
      const u = new URL(url.toString());
      u.searchParams.set("per_page", String(perPage));
      u.searchParams.set("page", String(p));
      return `${base}${u.pathname}${u.search}`;
    };
    const rels: string[] = [];
    if (page > 1) rels.push(`<${link(page - 1)}>; rel="prev"`);
    if (page < last) rels.push(`<${link(page + 1)}>; rel="next"`, `<${link(last)}>; rel="last"`);
    if (page > 1) rels.push(`<${link(1)}>; rel="first"`);
    if (rels.length) res.setHeader("Link", rels.join(", "));
    return items.slice((page - 1) * perPage, page * perPage);
  }

  function parseJsonBody(raw: Buffer): Record<string, unknown> {
    if (raw.length === 0) throw new HttpError(400, "Problems parsing JSON");
    let v: unknown;
    try {
      v = JSON.parse(raw.toString("utf8"));
    } catch {
      throw new HttpError(400, "Problems parsing JSON");
    }
    if (typeof v !== "object" || v === null || Array.isArray(v)) throw new HttpError(400, "Problems parsing JSON");
    return v as Record<string, unknown>;
  }

  function requireBody(body: Record<string, unknown>, resource: string): string {
    if (typeof body.body !== "string") throw new HttpError(422, "Invalid request.", { errors: [{ resource, code: "missing_field", field: "body" }] });
    if (body.body.length > 65536)
      throw new HttpError(422, "Validation Failed", {
        errors: [{ resource, code: "custom", field: "body", message: "Body is too long (maximum is 65536 characters)" }],
      });
    return body.body;
  }

  function issueExists(n: number) {
    return state.issues.includes(n) || state.pulls.some((p) => p.number === n);
  }

  type Handler = (m: RegExpExecArray, url: URL, raw: Buffer, res: ServerResponse, caller: FakeUser) => { status: number; body?: unknown };
  const R = "/repos/([^/]+)/([^/]+)";
  const table: [string, RegExp, Handler][] = [
    [
      "GET",
      new RegExp(`^${R}/actions/runs/(\\d+)/jobs$`),
      (m, url, _raw, res) => {
        const runId = Number(m[3]);
        const all = state.jobs.filter((j) => j.run_id === runId);
        if (all.length === 0) throw new HttpError(404, "Not Found");
        const filter = url.searchParams.get("filter") ?? "latest";
        if (filter !== "latest" && filter !== "all")
          throw new HttpError(422, "Validation Failed", { errors: [{ resource: "Job", field: "filter", code: "invalid" }] });
        let jobs = all;
        if (filter === "latest") {
          const latest = Math.max(...all.map((j) => j.run_attempt));
          jobs = all.filter((j) => j.run_attempt === latest);
        }
        jobs = [...jobs].sort((a, b) => a.id - b.id);
        return { status: 200, body: { total_count: jobs.length, jobs: paginate(res, url, jobs).map(jobObject) } };
      },
    ],
    [
      "GET",
      new RegExp(`^${R}/actions/runs/(\\d+)/attempts/(\\d+)/jobs$`),
      (m, url, _raw, res) => {
        const runId = Number(m[3]);
        const attempt = Number(m[4]);
        const jobs = state.jobs.filter((j) => j.run_id === runId && j.run_attempt === attempt).sort((a, b) => a.id - b.id);
        if (jobs.length === 0) throw new HttpError(404, "Not Found");
        return { status: 200, body: { total_count: jobs.length, jobs: paginate(res, url, jobs).map(jobObject) } };
      },
    ],
    [
      "GET",
      new RegExp(`^${R}/actions/runs/(\\d+)/artifacts$`),
      (m, url, _raw, res) => {
        const runId = Number(m[3]);
        const name = url.searchParams.get("name");
        const arts = state.artifacts.filter((a) => a.run_id === runId && (name === null || a.name === name)).sort((a, b) => a.id - b.id);
        return { status: 200, body: { total_count: arts.length, artifacts: paginate(res, url, arts).map(artifactObject) } };
      },
    ],
    [
      "GET",
      new RegExp(`^${R}/issues/(\\d+)/comments$`),
      (m, url, _raw, res) => {
        const n = Number(m[3]);
        if (!issueExists(n)) throw new HttpError(404, "Not Found");
        const list = state.comments.filter((c) => c.issue_number === n).sort((a, b) => a.id - b.id);
        return { status: 200, body: paginate(res, url, list).map(commentObject) };
      },
    ],
    [
      "POST",
      new RegExp(`^${R}/issues/(\\d+)/comments$`),
      (m, _url, raw, _res, caller) => {
        const n = Number(m[3]);
        if (!issueExists(n)) throw new HttpError(404, "Not Found");
        const text = requireBody(parseJsonBody(raw), "IssueComment");
        const now = tick();
        const c: FakeComment = { id: ++nextId, issue_number: n, body: text, user: caller.login, created_at: now, updated_at: now };
        state.comments.push(c);
        return { status: 201, body: commentObject(c) };
      },
    ],
    [
      "PATCH",
      new RegExp(`^${R}/issues/comments/(\\d+)$`),
      (m, _url, raw) => {
        const c = state.comments.find((x) => x.id === Number(m[3]));
        if (!c) throw new HttpError(404, "Not Found");
        c.body = requireBody(parseJsonBody(raw), "IssueComment");
        c.updated_at = tick();
        return { status: 200, body: commentObject(c) };
      },
    ],
    [
      "GET",
      new RegExp(`^${R}/collaborators/([^/]+)/permission$`),
      (m) => {
        const login = decodeURIComponent(m[3]!);
        const role = state.collaborators[login] ?? "none";
        // The legacy `permission` field folds maintain into write and triage into read.
        const permission = role === "maintain" ? "write" : role === "triage" ? "read" : role;
        const user = {
          ...userObject(login),
          permissions: {
            admin: role === "admin",
            maintain: ["admin", "maintain"].includes(role),
            push: ["admin", "maintain", "write"].includes(role),
            triage: ["admin", "maintain", "write", "triage"].includes(role),
            pull: role !== "none",
          },
          role_name: role,
        };
        return { status: 200, body: { permission, role_name: role, user } };
      },
    ],
    [
      "GET",
      new RegExp(`^${R}/pulls/(\\d+)$`),
      (m) => {
        const p = state.pulls.find((x) => x.number === Number(m[3]));
        if (!p) throw new HttpError(404, "Not Found");
        return { status: 200, body: pullObject(p) };
      },
    ],
    [
      "POST",
      new RegExp(`^${R}/actions/workflows/([^/]+)/dispatches$`),
      (m, _url, raw) => {
        const workflowId = decodeURIComponent(m[3]!);
        if (state.workflows && !state.workflows.includes(workflowId)) throw new HttpError(404, "Not Found");
        const body = parseJsonBody(raw);
        if (typeof body.ref !== "string" || body.ref === "") throw new HttpError(422, 'Invalid request.\n\n"ref" wasn\'t supplied.');
        const inputs = (body.inputs ?? {}) as Record<string, unknown>;
        if (typeof inputs !== "object" || Array.isArray(inputs)) throw new HttpError(422, "Invalid request.\n\nFor 'properties/inputs', not an object.");
        if (Object.keys(inputs).length > 25) throw new HttpError(422, "Invalid request.\n\nFor 'properties/inputs', too many properties (maximum 25).");
        const runId = 900_000 + state.dispatches.length + 1;
        state.dispatches.push({ workflow_id: workflowId, ref: body.ref, inputs, run_id: runId });
        if (body.return_run_details === true)
          return {
            status: 200,
            body: { workflow_run_id: runId, run_url: `${repoApi()}/actions/runs/${runId}`, html_url: `${repoWeb()}/actions/runs/${runId}` },
          };
        return { status: 204 };
      },
    ],
    [
      "GET",
      new RegExp(`^${R}/actions/workflows/([^/]+)/runs$`),
      (m, url, _raw, res) => {
        const workflow = decodeURIComponent(m[3]!);
        if (state.workflows && !state.workflows.includes(workflow)) throw new HttpError(404, "Not Found");
        const q = (k: string) => url.searchParams.get(k);
        const status = q("status");
        const runs = state.runs
          .filter((r) => r.workflow === workflow)
          .filter((r) => !q("branch") || r.head_branch === q("branch"))
          .filter((r) => !q("event") || r.event === q("event"))
          .filter((r) => !q("head_sha") || r.head_sha === q("head_sha"))
          .filter((r) => !status || r.status === status || r.conclusion === status)
          .sort((a, b) => (a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : b.id - a.id));
        return { status: 200, body: { total_count: runs.length, workflow_runs: paginate(res, url, runs).map(runObject) } };
      },
    ],
    [
      "GET",
      new RegExp(`^${R}/actions/runs/(\\d+)$`),
      (m) => {
        const r = state.runs.find((x) => x.id === Number(m[3]));
        if (!r) throw new HttpError(404, "Not Found");
        return { status: 200, body: runObject(r) };
      },
    ],
  ];

  function send(res: ServerResponse, status: number, body?: unknown) {
    res.setHeader("X-GitHub-Media-Type", "github.v3; format=json");
    res.setHeader("X-RateLimit-Limit", "5000");
    res.setHeader("X-RateLimit-Remaining", "4999");
    res.setHeader("X-RateLimit-Resource", "core");
    if (body === undefined) {
      res.writeHead(status).end();
      return;
    }
    const text = JSON.stringify(body);
    res.writeHead(status, { "Content-Type": "application/json; charset=utf-8", "Content-Length": Buffer.byteLength(text) });
    res.end(text);
  }
  const errorBody = (status: number, message: string, extra: Record<string, unknown> = {}) => ({
    message,
    ...extra,
    documentation_url: "https://docs.github.com/rest",
    status: String(status),
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const url = new URL(req.url ?? "/", base);
    const method = (req.method ?? "GET").toUpperCase();
    for (const r of routes) if (await r({ req, res, url, body: raw })) return;

    const auth = req.headers.authorization ?? "";
    const tokenMatch = /^(?:token|bearer)\s+(\S+)$/i.exec(auth);
    const tok = tokenMatch ? tokenMatch[1]! : null;
    const record: RecordedRequest = { method, path: url.pathname, query: Object.fromEntries(url.searchParams), token: tok, body: undefined, status: 0 };
    try {
      record.body = raw.length ? JSON.parse(raw.toString("utf8")) : undefined;
    } catch {
      record.body = raw.toString("utf8");
    }
    requests.push(record);
    const reply = (status: number, body?: unknown) => {
      record.status = status;
      send(res, status, body);
    };
    try {
      if (!tok) throw new HttpError(401, "Requires authentication");
      const caller = state.tokens[tok];
      if (!caller) throw new HttpError(401, "Bad credentials");
      const failure = failures.find((f) => f.times > 0 && f.method === method && f.path.test(url.pathname));
      if (failure) {
        failure.times--;
        throw new HttpError(failure.status, failure.status >= 500 ? "Server Error" : "Injected failure");
      }
      for (const [m, re, h] of table) {
        if (m !== method) continue;
        const match = re.exec(url.pathname);
        if (!match) continue;
        if (match[1] !== state.owner || match[2] !== state.repo) throw new HttpError(404, "Not Found");
        const out = h(match, url, raw, res, caller);
        reply(out.status, out.body);
        return;
      }
      throw new HttpError(404, "Not Found");
    } catch (e) {
      if (e instanceof HttpError) reply(e.status, errorBody(e.status, e.message, e.extra));
      else reply(500, errorBody(500, `fake-github: ${(e as Error).message}`));
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e) => {
      if (!res.headersSent) send(res, 500, errorBody(500, `fake-github: ${(e as Error).message}`));
      else res.end();
    });
  });
  // Never time out an idle keep-alive socket: the client closes its own idle sockets, and a
  // server-side close racing the client's reuse of the socket is an ECONNRESET on a loaded machine.
  server.keepAliveTimeout = 0;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: base,
    token,
    server,
    state,
    requests,
    addJob(seed) {
      const started = clock;
      const status = seed.status ?? (seed.conclusion === null ? "in_progress" : "completed");
      const job: FakeJob = {
        id: seed.id ?? ++nextId,
        run_attempt: 1,
        status,
        conclusion: status === "completed" ? "success" : null,
        labels: [],
        runner_name: null,
        head_sha: "a".repeat(40),
        workflow_name: "Run Sweep",
        head_branch: "main",
        created_at: iso(started),
        started_at: iso(started + 5000),
        completed_at: status === "completed" ? iso(started + 60_000) : null,
        ...seed,
      };
      if (job.runner_name === null && job.conclusion !== "skipped" && job.labels.length) job.runner_name = `${job.labels[0]}-runner`;
      clock += 1000;
      state.jobs.push(job);
      return job;
    },
    addComment(issue_number, body, user = "octocat") {
      const now = tick();
      const c: FakeComment = { id: ++nextId, issue_number, body, user, created_at: now, updated_at: now };
      state.comments.push(c);
      return c;
    },
    addPull(seed) {
      const p: FakePull = {
        title: `PR ${seed.number}`,
        body: null,
        user: "octocat",
        state: "open",
        draft: false,
        labels: [],
        head_sha: "b".repeat(40),
        head_ref: `feature-${seed.number}`,
        head_repo: `${state.owner}/${state.repo}`,
        base_ref: "main",
        base_sha: "c".repeat(40),
        ...seed,
      };
      state.pulls.push(p);
      return p;
    },
    addArtifact(seed) {
      const a: FakeArtifact = {
        id: seed.id ?? ++nextId,
        size_in_bytes: 1024,
        created_at: tick(),
        expires_at: iso(clock + 90 * 86_400_000),
        expired: false,
        ...seed,
      };
      state.artifacts.push(a);
      return a;
    },
    addRun(seed) {
      const r: FakeRun = {
        id: seed.id ?? ++nextId,
        name: "Run Sweep",
        head_branch: "main",
        head_sha: "d".repeat(40),
        event: "push",
        status: "completed",
        conclusion: "success",
        run_number: state.runs.length + 1,
        created_at: tick(),
        ...seed,
      };
      state.runs.push(r);
      return r;
    },
    failNext(method, path, status, times = 1) {
      failures.push({ method: method.toUpperCase(), path, status, times });
    },
    route(handler) {
      routes.push(handler);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        server.closeAllConnections();
      }),
  };
}
