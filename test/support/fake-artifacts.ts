// A local fake of the Actions artifact service that the real @actions/artifact
// (v6) client talks to: the twirp JSON API under ACTIONS_RESULTS_URL
// (CreateArtifact, FinalizeArtifact, ListArtifacts, GetSignedArtifactURL,
// DeleteArtifact) and the blob storage behind the signed URLs (the Azure SDK's
// Put Block / Put Block List uploads, plain GET downloads).
//
// Auth is as on a runner: ACTIONS_RUNTIME_TOKEN is a JWT whose `scp` claim
// carries `Actions.Results:<run backend id>:<job backend id>`; the fake issues
// unsigned ones (`runtimeToken(run, job)`), refuses requests without one, and
// refuses bodies whose backend ids do not match the token. Artifacts are
// run-scoped (any job of the run lists and downloads them), a name can be
// finalized once per run (409 already_exists, like the real service), and
// finalized artifacts also appear in the REST fake's artifact list when one is
// given, with the same id. With the REST fake it also answers
// GET /repos/{o}/{r}/actions/artifacts/{id}/zip (302 to the blob, as GitHub does),
// which @actions/artifact uses to download another run's artifact (`findBy`).
import { createHash, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { FakeGitHub, FakeRoute, RouteContext } from "./fake-github.js";

export const TWIRP_PREFIX = "/twirp/github.actions.results.api.v1.ArtifactService/";

export interface FakeArtifactRecord {
  id: number;
  runBackendId: string;
  jobBackendId: string;
  name: string;
  /** The blob key in the fake storage. */
  blob: string;
  size: number;
  digest: string | null;
  createdAt: string;
  finalized: boolean;
}

export interface FakeArtifactService {
  /** Use as ACTIONS_RESULTS_URL. */
  url: string;
  /** An unsigned runtime token for one job of one run (ACTIONS_RUNTIME_TOKEN). */
  runtimeToken(runBackendId: string, jobBackendId: string): string;
  artifacts: FakeArtifactRecord[];
  /** Finalized artifacts of a run, by name. */
  byName(runBackendId: string, name: string): FakeArtifactRecord | undefined;
  /** The stored bytes of an artifact (a zip for normal uploads). */
  content(a: FakeArtifactRecord): Buffer;
  /** Every request: method, path, twirp method or blob operation, status. */
  requests: { method: string; path: string; op: string; status: number }[];
  close(): Promise<void>;
}

const b64url = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");

class TwirpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/**
 * Starts the fake. With `gh`, it shares the REST fake's server (one origin, like
 * a test runner would see two services) and mirrors finalized artifacts into
 * `gh.state.artifacts`; `runIds` maps a run backend id to the REST run id.
 */
export async function startFakeArtifacts(opts: { gh?: FakeGitHub; runIds?: Record<string, number> } = {}): Promise<FakeArtifactService> {
  const artifacts: FakeArtifactRecord[] = [];
  const blobs = new Map<string, Buffer>();
  const staged = new Map<string, Map<string, Buffer>>();
  const issued = new Map<string, { run: string; job: string }>();
  const requests: FakeArtifactService["requests"] = [];
  let nextId = 9_000_001;
  let base = "";

  function auth(req: IncomingMessage): { run: string; job: string } {
    const m = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ""));
    const who = m ? issued.get(m[1]!) : undefined;
    if (!who) throw new TwirpError(401, "unauthenticated", "missing or unknown runtime token");
    return who;
  }

  /** The body's ids must be the token's (downloads name the uploading job, so only the run must match). */
  function checkIds(who: { run: string; job: string }, body: Record<string, any>, runOnly: boolean): void {
    if (body.workflow_run_backend_id !== who.run || (!runOnly && body.workflow_job_run_backend_id !== who.job))
      throw new TwirpError(403, "permission_denied", "backend ids do not match the runtime token");
  }

  const blobUrl = (key: string) => `${base}/blob/devstoreaccount1/actions-results/${key.split("/").map(encodeURIComponent).join("/")}`;

  const wire = (a: FakeArtifactRecord) => ({
    workflow_run_backend_id: a.runBackendId,
    workflow_job_run_backend_id: a.jobBackendId,
    database_id: String(a.id),
    name: a.name,
    size: String(a.size),
    created_at: a.createdAt,
    ...(a.digest ? { digest: a.digest } : {}),
  });

  function twirp(method: string, body: Record<string, any>, req: IncomingMessage): unknown {
    const who = auth(req);
    checkIds(who, body, method === "GetSignedArtifactURL");
    switch (method) {
      case "CreateArtifact": {
        if (typeof body.name !== "string" || !body.name) throw new TwirpError(400, "invalid_argument", "name is required");
        if (body.version !== 7) throw new TwirpError(400, "invalid_argument", `unsupported artifact version ${body.version}`);
        if (artifacts.some((a) => a.runBackendId === who.run && a.name === body.name && a.finalized))
          throw new TwirpError(409, "already_exists", `an artifact with this name already exists on the workflow run: ${body.name}`);
        const blob = `${who.run}/${randomUUID()}/${body.name}.zip`;
        artifacts.push({
          id: 0,
          runBackendId: who.run,
          jobBackendId: who.job,
          name: body.name,
          blob,
          size: 0,
          digest: null,
          createdAt: new Date().toISOString(),
          finalized: false,
        });
        return { ok: true, signed_upload_url: `${blobUrl(blob)}?sig=fake-upload&sv=2023-11-03` };
      }
      case "FinalizeArtifact": {
        const a = artifacts.find((x) => x.runBackendId === who.run && x.jobBackendId === who.job && x.name === body.name && !x.finalized);
        if (!a) throw new TwirpError(404, "not_found", `no artifact '${body.name}' being uploaded by this job`);
        const bytes = blobs.get(a.blob);
        if (!bytes) throw new TwirpError(400, "failed_precondition", "nothing was uploaded to the signed URL");
        if (String(bytes.length) !== String(body.size))
          throw new TwirpError(400, "invalid_argument", `size ${body.size} does not match the ${bytes.length} bytes uploaded`);
        const digest = `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
        if (body.hash !== undefined && body.hash !== digest) throw new TwirpError(400, "invalid_argument", `hash ${body.hash} does not match ${digest}`);
        a.size = bytes.length;
        a.digest = digest;
        a.finalized = true;
        if (opts.gh) {
          const rest = opts.gh.addArtifact({ run_id: opts.runIds?.[who.run] ?? Number(who.run), name: a.name, size_in_bytes: a.size, digest });
          a.id = rest.id;
        } else a.id = nextId++;
        return { ok: true, artifact_id: String(a.id) };
      }
      case "ListArtifacts": {
        let list = artifacts.filter((a) => a.finalized && a.runBackendId === who.run);
        if (body.name_filter !== undefined) list = list.filter((a) => a.name === body.name_filter);
        if (body.id_filter !== undefined) list = list.filter((a) => String(a.id) === String(body.id_filter));
        return { artifacts: list.map(wire) };
      }
      case "GetSignedArtifactURL": {
        const a = artifacts.find((x) => x.finalized && x.runBackendId === body.workflow_run_backend_id && x.name === body.name);
        if (!a) throw new TwirpError(404, "not_found", `no artifact '${body.name}'`);
        return { signed_url: `${blobUrl(a.blob)}?sig=fake-download&sv=2023-11-03` };
      }
      case "DeleteArtifact": {
        const i = artifacts.findIndex((x) => x.finalized && x.runBackendId === who.run && x.name === body.name);
        if (i < 0) throw new TwirpError(404, "not_found", `no artifact '${body.name}'`);
        const [a] = artifacts.splice(i, 1);
        return { ok: true, artifact_id: String(a!.id) };
      }
      default:
        throw new TwirpError(404, "bad_route", `no such method ${method}`);
    }
  }

  const azureHeaders = (res: ServerResponse) => {
    res.setHeader("x-ms-request-id", randomUUID());
    res.setHeader("x-ms-version", "2023-11-03");
    res.setHeader("date", new Date().toUTCString());
  };

  function blob(ctx: RouteContext, key: string): void {
    const { req, res, url, body } = ctx;
    if (url.searchParams.get("sig") === null) {
      res.writeHead(403, { "content-type": "application/xml" }).end("<Error><Code>AuthenticationFailed</Code></Error>");
      return;
    }
    azureHeaders(res);
    const comp = url.searchParams.get("comp");
    if (req.method === "PUT" && comp === "block") {
      const id = url.searchParams.get("blockid") ?? "";
      const m = staged.get(key) ?? new Map<string, Buffer>();
      m.set(id, body);
      staged.set(key, m);
      res.writeHead(201, { "content-length": "0", "x-ms-request-server-encrypted": "true" }).end();
      return;
    }
    if (req.method === "PUT" && comp === "blocklist") {
      const ids = [...body.toString("utf8").matchAll(/<(?:Latest|Uncommitted|Committed)>([^<]*)<\//g)].map((m) => m[1]!);
      const m = staged.get(key) ?? new Map<string, Buffer>();
      const missing = ids.filter((id) => !m.has(id));
      if (missing.length) {
        res.writeHead(400, { "content-type": "application/xml" }).end("<Error><Code>InvalidBlockList</Code></Error>");
        return;
      }
      blobs.set(key, Buffer.concat(ids.map((id) => m.get(id)!)));
      staged.delete(key);
      res
        .writeHead(201, {
          etag: `"0x${Date.now().toString(16)}"`,
          "last-modified": new Date().toUTCString(),
          "content-length": "0",
          "x-ms-request-server-encrypted": "true",
        })
        .end();
      return;
    }
    if (req.method === "PUT" && !comp) {
      blobs.set(key, body);
      res.writeHead(201, { etag: `"0x${Date.now().toString(16)}"`, "last-modified": new Date().toUTCString(), "content-length": "0" }).end();
      return;
    }
    if (req.method === "GET" && !comp) {
      const bytes = blobs.get(key);
      if (!bytes) {
        res.writeHead(404, { "content-type": "application/xml" }).end("<Error><Code>BlobNotFound</Code></Error>");
        return;
      }
      res.writeHead(200, { "content-type": "application/zip", "content-length": String(bytes.length) }).end(bytes);
      return;
    }
    res.writeHead(400, { "content-type": "application/xml" }).end("<Error><Code>UnsupportedOperation</Code></Error>");
  }

  const route: FakeRoute = async (ctx) => {
    const { req, res, url } = ctx;
    if (url.pathname.startsWith(TWIRP_PREFIX)) {
      const method = url.pathname.slice(TWIRP_PREFIX.length);
      let status = 200;
      try {
        if (req.method !== "POST") throw new TwirpError(404, "bad_route", "twirp methods are POST");
        if (!String(req.headers["content-type"] ?? "").startsWith("application/json")) throw new TwirpError(400, "malformed", "expected application/json");
        const out = twirp(method, JSON.parse(ctx.body.toString("utf8") || "{}") as Record<string, any>, req);
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(out));
      } catch (e) {
        if (!(e instanceof TwirpError)) throw e;
        status = e.status;
        res.writeHead(e.status, { "content-type": "application/json" }).end(JSON.stringify({ code: e.code, msg: e.message }));
      }
      requests.push({ method: req.method ?? "", path: url.pathname, op: method, status });
      return true;
    }
    const zm = /^\/repos\/[^/]+\/[^/]+\/actions\/artifacts\/(\d+)\/zip$/.exec(url.pathname);
    if (zm && opts.gh && req.method === "GET") {
      const token = /^(?:token|bearer)\s+(\S+)$/i.exec(String(req.headers.authorization ?? ""))?.[1];
      const a = artifacts.find((x) => x.finalized && String(x.id) === zm[1]);
      const status = !token || !opts.gh.state.tokens[token] ? 401 : !a ? 404 : 302;
      if (status === 302) res.writeHead(302, { location: `${blobUrl(a!.blob)}?sig=fake-download&sv=2023-11-03`, "content-length": "0" }).end();
      else res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify({ message: status === 401 ? "Bad credentials" : "Not Found" }));
      requests.push({ method: "GET", path: url.pathname, op: "rest:artifact-zip", status });
      return true;
    }
    const bm = /^\/blob\/devstoreaccount1\/actions-results\/(.+)$/.exec(url.pathname);
    if (bm) {
      blob(ctx, bm[1]!.split("/").map(decodeURIComponent).join("/"));
      requests.push({ method: req.method ?? "", path: url.pathname, op: `blob:${url.searchParams.get("comp") ?? req.method}`, status: res.statusCode });
      return true;
    }
    return false;
  };

  let server: Server | undefined;
  if (opts.gh) {
    opts.gh.route(route);
    base = new URL(opts.gh.url).origin;
  } else {
    server = createServer(async (req, res) => {
      const body = await readBody(req);
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      if (!(await route({ req, res, url, body }))) res.writeHead(404).end();
    });
    server.keepAliveTimeout = 0; // no server-side idle close racing the client's reuse (as in fake-github.ts)
    await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  return {
    url: base,
    runtimeToken(run, job) {
      const token = `${b64url({ alg: "none", typ: "JWT" })}.${b64url({ scp: `Actions.GenericRead:${run} Actions.Results:${run}:${job}`, iss: "fake-artifacts" })}.`;
      issued.set(token, { run, job });
      return token;
    },
    artifacts,
    byName: (run, name) => artifacts.find((a) => a.finalized && a.runBackendId === run && a.name === name),
    content: (a) => blobs.get(a.blob) ?? Buffer.alloc(0),
    requests,
    close: () =>
      server
        ? new Promise<void>((r) => {
            server!.close(() => r());
            server!.closeAllConnections();
          })
        : Promise.resolve(),
  };
}

/**
 * Runs `fn` with the real artifact client pointed at `svc` as job `job` of run
 * `run` (the client reads the environment per call), with @actions/core's
 * `::debug::` lines kept out of the test output.
 */
export async function asArtifactJob<T>(svc: FakeArtifactService, run: string, job: string, workspace: string, fn: () => Promise<T>): Promise<T> {
  const saved = { ...process.env };
  const write = process.stdout.write;
  process.stdout.write = ((chunk: unknown, ...rest: unknown[]) =>
    String(chunk).startsWith("::") ? true : (write as (...a: unknown[]) => boolean).call(process.stdout, chunk, ...rest)) as typeof write;
  Object.assign(process.env, {
    ACTIONS_RESULTS_URL: `${svc.url}/`,
    ACTIONS_RUNTIME_TOKEN: svc.runtimeToken(run, job),
    GITHUB_SERVER_URL: "https://github.com",
    GITHUB_WORKSPACE: workspace,
  });
  try {
    return await fn();
  } finally {
    process.env = saved;
    process.stdout.write = write;
  }
}
