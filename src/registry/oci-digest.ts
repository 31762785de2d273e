/**
 * The HTTP side of digest resolution (src/plan/image-digests.ts): the OCI
 * distribution API. `HEAD /v2/<repository>/manifests/<tag>` with the index /
 * manifest-list media types in Accept; the digest is the
 * `Docker-Content-Digest` header (a registry that omits it on HEAD is asked
 * with GET and the body is hashed). A `401` with `WWW-Authenticate: Bearer
 * realm=...,service=...,scope=...` is answered as an anonymous client: GET the
 * realm with service and scope, take `token` (or `access_token`) from the
 * JSON, retry with `Authorization: Bearer` (Docker Hub, ghcr.io, nvcr.io).
 * Credentials are never sent: private images must be pinned in the config.
 * `localhost` and 127.0.0.0/8 registries are spoken to over http, as Docker does.
 */
import { createHash } from "node:crypto";
import {
  addImageDigests,
  MANIFEST_ACCEPT,
  parseBearerChallenge,
  resolveImageDigests,
  tokenUrl,
  type DigestResolver,
  type ImageRef,
  type ResolveOptions,
} from "../plan/image-digests.js";

export interface OciResolverOptions {
  /** Per image, the whole exchange (token + manifest), in milliseconds (default 30 000). */
  timeoutMs?: number;
}

function baseUrl(host: string): string {
  const name = host.replace(/:\d+$/, "");
  const plain = name === "localhost" || /^127\.\d+\.\d+\.\d+$/.test(name) || name === "[::1]";
  return `${plain ? "http" : "https"}://${host}`;
}

async function bearerToken(challenge: string | null, ref: ImageRef, signal: AbortSignal): Promise<string> {
  const ch = parseBearerChallenge(challenge);
  if (!ch)
    throw new Error(
      `the registry asks for credentials (401, ${challenge ? `challenge '${challenge}'` : "no challenge"}); the image is private or its name is wrong`,
    );
  const res = await fetch(tokenUrl(ch, ref.repository), { signal });
  if (!res.ok)
    throw new Error(`the token service ${new URL(ch.realm).host} refused an anonymous pull token (${res.status}); the image is private or its name is wrong`);
  const body = (await res.json().catch(() => ({}))) as { token?: unknown; access_token?: unknown };
  const token = typeof body.token === "string" ? body.token : typeof body.access_token === "string" ? body.access_token : "";
  if (!token) throw new Error(`the token service ${new URL(ch.realm).host} answered without a token`);
  return token;
}

function statusError(status: number, ref: ImageRef): Error {
  if (status === 404) return new Error(`no tag '${ref.tag}' of ${ref.repository} (404)`);
  if (status === 401 || status === 403) return new Error(`anonymous pull refused (${status}); the image is private or its name is wrong`);
  return new Error(`the registry answered ${status}`);
}

async function manifestDigest(url: string, headers: Record<string, string>, ref: ImageRef, signal: AbortSignal): Promise<Response | string> {
  const head = await fetch(url, { method: "HEAD", headers, signal });
  if (head.status === 401) return head;
  if (!head.ok) throw statusError(head.status, ref);
  const d = head.headers.get("docker-content-digest");
  if (d) return d;
  const get = await fetch(url, { headers, signal });
  if (!get.ok) throw statusError(get.status, ref);
  return `sha256:${createHash("sha256")
    .update(Buffer.from(await get.arrayBuffer()))
    .digest("hex")}`;
}

async function resolveOnce(ref: ImageRef, signal: AbortSignal): Promise<string> {
  const url = `${baseUrl(ref.apiHost)}/v2/${ref.repository}/manifests/${ref.tag}`;
  const first = await manifestDigest(url, { Accept: MANIFEST_ACCEPT }, ref, signal);
  if (typeof first === "string") return first;
  const token = await bearerToken(first.headers.get("www-authenticate"), ref, signal);
  const second = await manifestDigest(url, { Accept: MANIFEST_ACCEPT, Authorization: `Bearer ${token}` }, ref, signal);
  if (typeof second === "string") return second;
  throw statusError(401, ref);
}

/** A resolver that asks the image's registry over HTTP(S). */
export function ociDigestResolver(o: OciResolverOptions = {}): DigestResolver {
  const timeoutMs = o.timeoutMs ?? 30_000;
  return async (ref) => {
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      return await resolveOnce(ref, signal);
    } catch (e) {
      if (signal.aborted) throw new Error(`no answer within ${timeoutMs / 1000}s`);
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      if (e instanceof TypeError && cause) throw new Error(`cannot reach ${ref.apiHost}: ${cause.code ?? cause.message}`);
      throw e;
    }
  };
}

/** Resolves the distinct images of `entries` over HTTP and adds `image-digest` to each entry (in place). */
export async function resolvePlanDigests<E extends { image: string }>(entries: E[], o: OciResolverOptions & ResolveOptions = {}): Promise<E[]> {
  const digests = await resolveImageDigests(
    entries.map((e) => e.image),
    ociDigestResolver(o),
    o,
  );
  return addImageDigests(entries, digests);
}
