/**
 * Image digests for a plan (issue #15): every entry's `image` (`repo:tag`)
 * is resolved once, in the plan, to the registry's content digest, recorded
 * as `image-digest: "sha256:<64 hex>"` beside the unchanged `image`. The
 * benchmark job then runs `<name>@<digest>` (runners/lib/common.sh,
 * infx_image_ref), so a tag moved on the registry or re-tagged on the runner
 * after planning is never what runs.
 *
 * Pure: reference parsing (Docker's rules: `docker.io` is served by
 * `registry-1.docker.io`, a bare name is `library/<name>`), the bearer
 * challenge of the distribution spec's token authentication, and the
 * bounded-concurrency resolution of the distinct images through a resolver
 * the caller gives (the HTTP one is src/registry/oci-digest.ts).
 */
import { UserError } from "../errors.js";

/** An image reference split the way a registry client needs it. */
export interface ImageRef {
  /** The reference as written in the config. */
  image: string;
  /** The registry as written (or `docker.io`), e.g. `nvcr.io`, `ghcr.io`, `localhost:5000`. */
  registry: string;
  /** The host that serves the distribution API (`registry-1.docker.io` for docker.io). */
  apiHost: string;
  /** The repository inside the registry, e.g. `library/ubuntu`, `lmsysorg/sglang`. */
  repository: string;
  /** The tag (`latest` when none is written); absent when the reference is by digest. */
  tag?: string;
  /** `sha256:<hex>` when the reference already names a digest. */
  digest?: string;
}

/** The field a resolved plan entry gains. */
export const IMAGE_DIGEST_FIELD = "image-digest";

const DIGEST_RE = /^sha256:[0-9a-f]{64}$/;
const COMPONENT_RE = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG_RE = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

export function isDigest(s: string): boolean {
  return DIGEST_RE.test(s);
}

/** Media types a manifest HEAD/GET accepts: OCI index and Docker manifest list first, so a multi-arch image resolves to its index. */
export const MANIFEST_ACCEPT = [
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.v2+json",
].join(", ");

function badRef(image: string, why: string): UserError {
  return new UserError(`image '${image}' is not a valid image reference: ${why}`);
}

/** Splits `[registry/]repository[:tag][@sha256:hex]` (Docker's rules for what is a registry host). */
export function parseImageRef(image: string): ImageRef {
  let rest = image.trim();
  if (!rest || /\s/.test(rest)) throw badRef(image, "empty or has whitespace");
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!isDigest(digest)) throw badRef(image, `'${digest}' is not sha256:<64 lowercase hex>`);
  }
  const slash = rest.indexOf("/");
  const first = slash >= 0 ? rest.slice(0, slash) : "";
  const hasHost = slash >= 0 && (first.includes(".") || first.includes(":") || first === "localhost");
  const registry = hasHost ? first : "docker.io";
  let path = hasHost ? rest.slice(slash + 1) : rest;
  let tag: string | undefined;
  const colon = path.lastIndexOf(":");
  if (colon > path.lastIndexOf("/")) {
    tag = path.slice(colon + 1);
    path = path.slice(0, colon);
    if (!TAG_RE.test(tag)) throw badRef(image, `tag '${tag}' is not a valid tag`);
  }
  if (!path.split("/").every((c) => COMPONENT_RE.test(c))) throw badRef(image, `repository '${path}' must be lowercase path components`);
  const dockerHub = registry === "docker.io" || registry === "index.docker.io";
  const repository = dockerHub && !path.includes("/") ? `library/${path}` : path;
  return {
    image,
    registry,
    apiHost: dockerHub ? "registry-1.docker.io" : registry,
    repository,
    ...(digest ? { digest } : { tag: tag ?? "latest" }),
  };
}

/** The reference the job runs: `<name>@<digest>` (the tag dropped: Enroot does not read `tag@digest`). */
export function pinnedRef(image: string, digest: string): string {
  const at = image.indexOf("@");
  const name = at >= 0 ? image.slice(0, at) : image;
  const slash = name.lastIndexOf("/");
  const colon = name.lastIndexOf(":");
  return `${colon > slash ? name.slice(0, colon) : name}@${digest}`;
}

/** A `WWW-Authenticate: Bearer realm="...",service="...",scope="..."` challenge; undefined for another scheme. */
export interface BearerChallenge {
  realm: string;
  service?: string;
  scope?: string;
}

export function parseBearerChallenge(header: string | null | undefined): BearerChallenge | undefined {
  const m = /^\s*Bearer\s+(.*)$/i.exec(header ?? "");
  if (!m) return undefined;
  const params: Record<string, string> = {};
  for (const p of m[1]!.matchAll(/([A-Za-z]+)="([^"]*)"/g)) params[p[1]!.toLowerCase()] = p[2]!;
  if (!params.realm) return undefined;
  return { realm: params.realm, ...(params.service ? { service: params.service } : {}), ...(params.scope ? { scope: params.scope } : {}) };
}

/** The token request of a challenge for anonymous pull of `repository`. */
export function tokenUrl(ch: BearerChallenge, repository: string): string {
  const u = new URL(ch.realm);
  if (ch.service) u.searchParams.set("service", ch.service);
  u.searchParams.set("scope", ch.scope ?? `repository:${repository}:pull`);
  return u.toString();
}

/** Resolves one reference (by tag) to its `sha256:` digest; throws an Error whose message says why. */
export type DigestResolver = (ref: ImageRef) => Promise<string>;

export interface ResolveOptions {
  /** Most registry requests in flight at once (default 4). */
  concurrency?: number;
}

/** What the user can do when resolution fails. */
export const DIGEST_FIX = "pin the digest in the config (image: name@sha256:...), or plan without --resolve-digests (plan action input resolve-digests: false)";

/**
 * The digest of each distinct image, each resolved once (an image already
 * `@sha256:` is its own digest, no request). Every failure is collected and
 * reported together, naming the image and the registry.
 */
export async function resolveImageDigests(images: Iterable<string>, resolve: DigestResolver, o: ResolveOptions = {}): Promise<Map<string, string>> {
  const refs = [...new Set(images)].map(parseImageRef);
  const out = new Map<string, string>();
  const failures: string[] = [];
  const queue = refs.filter((r) => {
    if (r.digest) out.set(r.image, r.digest);
    return !r.digest;
  });
  const worker = async () => {
    for (let r = queue.shift(); r; r = queue.shift()) {
      try {
        const d = await resolve(r);
        if (!isDigest(d)) throw new Error(`the registry answered '${d}', not a sha256 digest`);
        out.set(r.image, d);
      } catch (e) {
        failures.push(`${r.image} (registry ${r.apiHost}): ${(e as Error).message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(o.concurrency ?? 4, queue.length)) }, worker));
  if (failures.length) {
    failures.sort();
    throw new UserError(`cannot resolve the digest of ${failures.length} image${failures.length === 1 ? "" : "s"}; ${DIGEST_FIX}`, failures);
  }
  return out;
}

/** Adds `image-digest` to every entry (in place: a plan's buckets share the entry objects). */
export function addImageDigests<E extends { image: string }>(entries: E[], digests: ReadonlyMap<string, string>): E[] {
  for (const e of entries) {
    const d = digests.get(e.image);
    if (!d) throw new Error(`no digest resolved for image ${e.image}`);
    (e as E & { [IMAGE_DIGEST_FIELD]?: string })[IMAGE_DIGEST_FIELD] = d;
  }
  return entries;
}
