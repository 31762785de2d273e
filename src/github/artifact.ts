/**
 * Artifacts of the current workflow run, over @actions/artifact's
 * DefaultArtifactClient (which talks to ACTIONS_RESULTS_URL with the job's
 * ACTIONS_RUNTIME_TOKEN: no GITHUB_TOKEN and no `permissions:` needed).
 * The actions take an `ArtifactStore` as a parameter, so tests can point the
 * real client at a local artifact service.
 */
import { mkdirSync, readdirSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import type { ArtifactClient } from "@actions/artifact";

export interface StoredArtifact {
  id: number;
  name: string;
  size: number;
}

export interface ArtifactStore {
  /** Uploads `files` (paths under `rootDir`) as artifact `name`; resolves to its id. */
  upload(name: string, files: string[], rootDir: string): Promise<StoredArtifact>;
  /** Every artifact of this run (latest upload per name). */
  list(): Promise<StoredArtifact[]>;
  /** Downloads and unpacks one artifact into `dir`. */
  download(artifact: StoredArtifact, dir: string): Promise<void>;
  /** Downloads an artifact of another workflow run (REST, with a token that can read actions). */
  downloadFromRun?(artifactId: number, dir: string, from: OtherRun): Promise<void>;
}

/** Where another run's artifact lives, for @actions/artifact's `findBy`. */
export interface OtherRun {
  token: string;
  runId: number;
  owner: string;
  repo: string;
}

/** The structural subset of @actions/artifact's client the store uses. */
export type ArtifactClientLike = Pick<ArtifactClient, "uploadArtifact" | "listArtifacts" | "downloadArtifact">;

export function artifactStore(client: ArtifactClientLike): ArtifactStore {
  return {
    async upload(name, files, rootDir) {
      const res = await client.uploadArtifact(name, files, rootDir);
      return { id: res.id ?? 0, name, size: res.size ?? 0 };
    },
    async list() {
      const res = await client.listArtifacts({ latest: true });
      return res.artifacts.map((a) => ({ id: a.id, name: a.name, size: a.size })).sort((a, b) => a.name.localeCompare(b.name));
    },
    async download(artifact, dir) {
      mkdirSync(dir, { recursive: true });
      await client.downloadArtifact(artifact.id, { path: dir });
    },
    async downloadFromRun(artifactId, dir, from) {
      mkdirSync(dir, { recursive: true });
      await client.downloadArtifact(artifactId, {
        path: dir,
        findBy: { token: from.token, workflowRunId: from.runId, repositoryOwner: from.owner, repositoryName: from.repo },
      });
    },
  };
}

/** Every regular file under `dir` (recursive), for uploading a directory. */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(p);
    }
  };
  walk(resolve(dir));
  return out;
}

/**
 * Downloads every artifact whose name matches `accept` into `<dir>/<artifact name>/`,
 * so that files of two artifacts can never overwrite each other.
 */
export async function downloadMatching(store: ArtifactStore, accept: (name: string) => boolean, dir: string): Promise<StoredArtifact[]> {
  const wanted = (await store.list()).filter((a) => accept(a.name));
  for (const a of wanted) {
    const target = join(dir, a.name);
    if (relative(dir, target).startsWith("..")) throw new Error(`artifact name '${a.name}' escapes ${dir}`);
    await store.download(a, target);
  }
  return wanted;
}

/** An artifact that could not be downloaded, and why. */
export interface FailedDownload {
  name: string;
  reason: string;
}

/**
 * Like {@link downloadMatching}, but one artifact that cannot be downloaded
 * (a network error, a name that escapes `dir`, a corrupt archive) does not
 * stop the others: it is returned in `failed` with the reason.
 */
export async function downloadEach(
  store: ArtifactStore,
  accept: (name: string) => boolean,
  dir: string,
): Promise<{ downloaded: StoredArtifact[]; failed: FailedDownload[] }> {
  const downloaded: StoredArtifact[] = [];
  const failed: FailedDownload[] = [];
  for (const a of (await store.list()).filter((x) => accept(x.name))) {
    const target = join(dir, a.name);
    const rel = relative(dir, target);
    if (rel === "" || rel.startsWith("..") || rel.includes("/") || rel.includes("\\")) {
      failed.push({ name: a.name, reason: `the name escapes or nests inside ${dir}` });
      continue;
    }
    try {
      await store.download(a, target);
      downloaded.push(a);
    } catch (e) {
      failed.push({ name: a.name, reason: (e as Error).message ?? String(e) });
    }
  }
  return { downloaded, failed };
}
