// The artifact adapter (src/github/artifact.ts) over the real @actions/artifact
// client, against the local artifact-service fake: uploads, run-scoped lists,
// downloads, duplicate names, and the runtime token's scope.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DefaultArtifactClient } from "@actions/artifact";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { artifactStore, downloadMatching, filesUnder } from "../src/github/artifact.js";
import { asArtifactJob, startFakeArtifacts, type FakeArtifactService } from "./support/fake-artifacts.js";
import { startFakeGitHub, type FakeGitHub } from "./support/fake-github.js";

let gh: FakeGitHub;
let svc: FakeArtifactService;
/** Runs `fn` with the real client pointed at the fake as job `job` of run `run`. */
const asJob = <T>(run: string, job: string, fn: () => Promise<T>) => asArtifactJob(svc, run, job, mkdtempSync(join(tmpdir(), "ws-")), fn);

beforeAll(async () => {
  gh = await startFakeGitHub();
  svc = await startFakeArtifacts({ gh, runIds: { "run-1": 101, "run-2": 102 } });
});
afterAll(async () => {
  await svc.close();
  await gh.close();
});

describe("artifact store over @actions/artifact", () => {
  it("uploads a directory, lists it from another job of the run, downloads the same bytes", async () => {
    const src = mkdtempSync(join(tmpdir(), "art-src-"));
    mkdirSync(join(src, "sub"));
    writeFileSync(join(src, "agg_a.json"), '{"a":1}\n');
    writeFileSync(join(src, "sub", "b.txt"), "b".repeat(5000));
    const up = await asJob("run-1", "job-a", () => artifactStore(new DefaultArtifactClient()).upload("bmk_alpha", filesUnder(src), src));
    expect(up.id).toBeGreaterThan(0);
    expect(svc.requests.map((r) => r.op)).toEqual(expect.arrayContaining(["CreateArtifact", "blob:block", "blob:blocklist", "FinalizeArtifact"]));
    // The REST list (what comment links use) sees it with the same id.
    expect(gh.state.artifacts.find((a) => a.name === "bmk_alpha")).toMatchObject({ id: up.id, run_id: 101 });

    const dest = mkdtempSync(join(tmpdir(), "art-dst-"));
    const { listed, got } = await asJob("run-1", "job-b", async () => {
      const other = artifactStore(new DefaultArtifactClient());
      await other.upload("results_other", [join(src, "agg_a.json")], src);
      return { listed: await other.list(), got: await downloadMatching(other, (n) => n.startsWith("bmk_"), dest) };
    });
    expect(listed.map((a) => a.name)).toEqual(["bmk_alpha", "results_other"]);
    expect(got.map((a) => a.name)).toEqual(["bmk_alpha"]);
    expect(readFileSync(join(dest, "bmk_alpha", "agg_a.json"), "utf8")).toBe('{"a":1}\n');
    expect(readFileSync(join(dest, "bmk_alpha", "sub", "b.txt"), "utf8")).toHaveLength(5000);
  });

  it("another run sees none of them; a second upload of a name fails", async () => {
    expect(await asJob("run-2", "job-x", () => artifactStore(new DefaultArtifactClient()).list())).toEqual([]);
    const src = mkdtempSync(join(tmpdir(), "art-dup-"));
    writeFileSync(join(src, "x.json"), "{}");
    await expect(asJob("run-1", "job-c", () => artifactStore(new DefaultArtifactClient()).upload("bmk_alpha", [join(src, "x.json")], src))).rejects.toThrow(
      /already exists/,
    );
    expect(svc.requests.some((r) => r.op === "CreateArtifact" && r.status === 409)).toBe(true);
  });

  it("the service refuses a token it did not issue and ids that do not match the token", async () => {
    const post = (token: string, body: object) =>
      fetch(`${svc.url}/twirp/github.actions.results.api.v1.ArtifactService/ListArtifacts`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify(body),
      });
    const bad = await post("not-a-token", { workflow_run_backend_id: "run-1", workflow_job_run_backend_id: "job-a" });
    expect(bad.status).toBe(401);
    expect(await bad.json()).toMatchObject({ code: "unauthenticated" });
    const mismatch = await post(svc.runtimeToken("run-2", "j"), { workflow_run_backend_id: "run-1", workflow_job_run_backend_id: "j" });
    expect(mismatch.status).toBe(403);
  });
});
