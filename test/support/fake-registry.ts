// A local fake OCI registry over real HTTP (node:http): the distribution
// API's manifest HEAD/GET with Docker-Content-Digest, behind the bearer-token
// challenge (401 + WWW-Authenticate -> GET /token -> retry), as Docker Hub,
// ghcr.io and nvcr.io answer an anonymous pull. Used by the digest tests and
// by the end-to-end sweep (whose configs name images on it).
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeRegistry {
  host: string;
  /** Requests seen: "METHOD path". */
  log: string[];
  accepts: string[];
  maxInFlight: number;
  close(): Promise<void>;
}

export const INDEX = (name: string) => JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests: [], name });
export const sha = (s: string) => `sha256:${createHash("sha256").update(s).digest("hex")}`;

/**
 * `manifests`: repo -> tag -> manifest body; undefined: every repo and tag
 * exists (its body names it). Repos `slow/*` never answer, `private/*` get no
 * token, `nodigest/*` omit Docker-Content-Digest on HEAD.
 */
export async function startFakeRegistry(manifests?: Record<string, Record<string, string>>): Promise<FakeRegistry> {
  let inFlight = 0;
  const reg: FakeRegistry = { host: "", log: [], accepts: [], maxInFlight: 0, close: async () => {} };
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url!, `http://${reg.host}`);
    reg.log.push(`${req.method} ${url.pathname}`);
    if (url.pathname === "/token") {
      const scope = url.searchParams.get("scope") ?? "";
      const repo = /^repository:(.+):pull$/.exec(scope)?.[1];
      if (!repo || repo.startsWith("private/") || url.searchParams.get("service") !== "fake-registry") return void res.writeHead(401).end();
      return void res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ token: `t-${repo}` }));
    }
    const m = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(url.pathname);
    if (!m) return void res.writeHead(404).end();
    const [, repo, tag] = m as unknown as [string, string, string];
    if (req.headers.authorization !== `Bearer t-${repo}`) {
      const challenge = `Bearer realm="http://${reg.host}/token",service="fake-registry",scope="repository:${repo}:pull"`;
      return void res.writeHead(401, { "www-authenticate": challenge }).end();
    }
    if (repo.startsWith("slow/")) return; // never answers
    reg.accepts.push(String(req.headers.accept));
    const body = manifests ? manifests[repo]?.[tag] : INDEX(`${repo}:${tag}`);
    if (!body) return void res.writeHead(404, { "content-type": "application/json" }).end('{"errors":[{"code":"MANIFEST_UNKNOWN"}]}');
    const headers: Record<string, string> = { "content-type": "application/vnd.oci.image.index.v1+json" };
    if (!(repo.startsWith("nodigest/") && req.method === "HEAD")) headers["docker-content-digest"] = sha(body);
    inFlight++;
    reg.maxInFlight = Math.max(reg.maxInFlight, inFlight);
    // Answer on the next turn, so concurrent requests overlap.
    setImmediate(() => {
      inFlight--;
      res.writeHead(200, headers).end(req.method === "HEAD" ? undefined : body);
    });
  };
  const server = createServer(handle);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  reg.host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  reg.close = () =>
    new Promise((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return reg;
}
