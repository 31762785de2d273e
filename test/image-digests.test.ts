// Image digests in the plan (issue #15): reference parsing, and resolution
// over real HTTP against a local fake OCI registry with the distribution
// spec's bearer-token challenge (401 -> token -> retry), its failures (404,
// private, timeout), and the CLI flag (off: the matrix is unchanged).
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runPlan } from "../src/actions/lib/plan.js";
import { runProcessResult } from "../src/actions/lib/process-result.js";
import type { ActionDeps } from "../src/actions/lib/runtime.js";
import { UserError } from "../src/errors.js";
import { addImageDigests, parseBearerChallenge, parseImageRef, pinnedRef, resolveImageDigests } from "../src/plan/image-digests.js";
import { ociDigestResolver, resolvePlanDigests } from "../src/registry/oci-digest.js";
import { processResult } from "../src/results/process.js";
import { infx, ROOT } from "./support/cli.js";
import { INDEX, sha, startFakeRegistry, type FakeRegistry } from "./support/fake-registry.js";

const MANIFESTS: Record<string, Record<string, string>> = {
  "lmsysorg/sglang": { "v0.5.5": INDEX("sglang"), latest: INDEX("sglang-latest") },
  "vllm/vllm-openai": { "v0.11.0": INDEX("vllm") },
  "nodigest/img": { "1": INDEX("nodigest") },
  "private/img": { "1": INDEX("private") },
};

let reg: FakeRegistry;
beforeAll(async () => {
  reg = await startFakeRegistry(MANIFESTS);
});
afterAll(() => reg.close());

describe("parseImageRef", () => {
  it("follows Docker's rules for the registry, library/ and the default tag", () => {
    expect(parseImageRef("ubuntu")).toMatchObject({ registry: "docker.io", apiHost: "registry-1.docker.io", repository: "library/ubuntu", tag: "latest" });
    expect(parseImageRef("lmsysorg/sglang:v0.5.5")).toMatchObject({ apiHost: "registry-1.docker.io", repository: "lmsysorg/sglang", tag: "v0.5.5" });
    expect(parseImageRef("docker.io/rocm/atom:rocm7.1.1-ubuntu24.04")).toMatchObject({ apiHost: "registry-1.docker.io", repository: "rocm/atom" });
    expect(parseImageRef("nvcr.io/nvidia/tensorrt-llm/release:1.1.0rc2")).toMatchObject({
      registry: "nvcr.io",
      apiHost: "nvcr.io",
      repository: "nvidia/tensorrt-llm/release",
      tag: "1.1.0rc2",
    });
    expect(parseImageRef("localhost:5000/team/img")).toMatchObject({ apiHost: "localhost:5000", repository: "team/img", tag: "latest" });
    const d = `sha256:${"a".repeat(64)}`;
    expect(parseImageRef(`ghcr.io/o/i:1@${d}`)).toEqual({ image: `ghcr.io/o/i:1@${d}`, registry: "ghcr.io", apiHost: "ghcr.io", repository: "o/i", digest: d });
  });

  it("refuses what is not a reference, naming the image", () => {
    expect(() => parseImageRef("Upper/Case:1")).toThrow(/image 'Upper\/Case:1' is not a valid image reference/);
    expect(() => parseImageRef("img@sha256:abc")).toThrow(/not sha256:<64 lowercase hex>/);
    expect(() => parseImageRef("img: 1")).toThrow(UserError);
  });

  it("pins a reference to name@digest without the tag (Enroot does not read tag@digest)", () => {
    const d = `sha256:${"b".repeat(64)}`;
    expect(pinnedRef("lmsysorg/sglang:v0.5.5", d)).toBe(`lmsysorg/sglang@${d}`);
    expect(pinnedRef("localhost:5000/img", d)).toBe(`localhost:5000/img@${d}`);
    expect(pinnedRef(`nvcr.io/n/i:1@sha256:${"c".repeat(64)}`, d)).toBe(`nvcr.io/n/i@${d}`);
  });

  it("reads a bearer challenge; other schemes are not one", () => {
    expect(parseBearerChallenge('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/ubuntu:pull"')).toEqual({
      realm: "https://auth.docker.io/token",
      service: "registry.docker.io",
      scope: "repository:library/ubuntu:pull",
    });
    expect(parseBearerChallenge('Basic realm="x"')).toBeUndefined();
    expect(parseBearerChallenge(null)).toBeUndefined();
  });
});

describe("resolution over HTTP (fake registry with a token challenge)", () => {
  it("resolves each distinct image once, through the token challenge, with the index media types accepted", async () => {
    reg.log.length = 0;
    const a = `${reg.host}/lmsysorg/sglang:v0.5.5`;
    const b = `${reg.host}/vllm/vllm-openai:v0.11.0`;
    const digests = await resolveImageDigests([a, b, a, a], ociDigestResolver({ timeoutMs: 10_000 }));
    expect(digests).toEqual(
      new Map([
        [a, sha(INDEX("sglang"))],
        [b, sha(INDEX("vllm"))],
      ]),
    );
    // 401, token, retry: three requests per distinct image.
    expect(reg.log.filter((l) => l === "HEAD /v2/lmsysorg/sglang/manifests/v0.5.5")).toHaveLength(2);
    expect(reg.log.filter((l) => l === "GET /token")).toHaveLength(2);
    expect(reg.accepts.at(-1)).toContain("application/vnd.oci.image.index.v1+json");
    expect(reg.accepts.at(-1)).toContain("application/vnd.docker.distribution.manifest.list.v2+json");
  });

  it("bounds the requests in flight", async () => {
    reg.maxInFlight = 0;
    const images = ["v0.5.5", "latest"].map((t) => `${reg.host}/lmsysorg/sglang:${t}`).concat(`${reg.host}/vllm/vllm-openai:v0.11.0`);
    await resolveImageDigests(images, ociDigestResolver(), { concurrency: 1 });
    expect(reg.maxInFlight).toBe(1);
    reg.maxInFlight = 0;
    await resolveImageDigests(images, ociDigestResolver(), { concurrency: 3 });
    expect(reg.maxInFlight).toBeGreaterThan(1);
  });

  it("hashes the manifest when HEAD has no Docker-Content-Digest", async () => {
    const img = `${reg.host}/nodigest/img:1`;
    expect((await resolveImageDigests([img], ociDigestResolver())).get(img)).toBe(sha(INDEX("nodigest")));
  });

  it("keeps an image already pinned by digest, asking nobody", async () => {
    reg.log.length = 0;
    const img = `${reg.host}/any/img:1@${sha("x")}`;
    expect((await resolveImageDigests([img], ociDigestResolver())).get(img)).toBe(sha("x"));
    expect(reg.log).toEqual([]);
  });

  it("names every image and registry that failed, and what to do (404, private, timeout)", async () => {
    const missing = `${reg.host}/vllm/vllm-openai:v9`;
    const priv = `${reg.host}/private/img:1`;
    const slow = `${reg.host}/slow/img:1`;
    const err = await resolveImageDigests([missing, priv, slow], ociDigestResolver({ timeoutMs: 300 })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    const e = err as UserError;
    expect(e.message).toMatch(/cannot resolve the digest of 3 images; pin the digest in the config .* or plan without --resolve-digests/);
    // Sorted, so the message does not depend on which answer came first.
    expect(e.details).toEqual([
      expect.stringMatching(new RegExp(`^${priv} \\(registry ${reg.host}\\): the token service .* refused an anonymous pull token \\(401\\)`)),
      `${slow} (registry ${reg.host}): no answer within 0.3s`,
      `${missing} (registry ${reg.host}): no tag 'v9' of vllm/vllm-openai (404)`,
    ]);
  });

  it("says when the registry cannot be reached", async () => {
    const closed = await startFakeRegistry({});
    await closed.close();
    const img = `${closed.host}/x/y:1`;
    await expect(resolveImageDigests([img], ociDigestResolver())).rejects.toMatchObject({
      details: [expect.stringMatching(/cannot reach 127\.0\.0\.1:\d+: ECONNREFUSED/)],
    });
  });

  it("adds image-digest to every entry and nothing else", async () => {
    const entries = [{ image: `${reg.host}/lmsysorg/sglang:v0.5.5`, conc: 4 }];
    await resolvePlanDigests(entries);
    expect(entries).toEqual([{ image: `${reg.host}/lmsysorg/sglang:v0.5.5`, conc: 4, "image-digest": sha(INDEX("sglang")) }]);
    expect(() => addImageDigests([{ image: "other" }], new Map())).toThrow(/no digest resolved for image other/);
  });
});

/** One single-node config (key k1, runner b200, two concurrencies) with `image`. */
const configText = (image: string) =>
  `k1:\n  image: ${image}\n  model: org/m\n  model-prefix: dsr1\n  runner: b200\n  precision: fp8\n  framework: sglang\n  multinode: false\n` +
  `  seq-len-configs:\n  - isl: 1024\n    osl: 1024\n    search-space:\n    - { tp: 8, conc-list: [4, 8] }\n`;

describe("infx test-config --resolve-digests", () => {
  const dir = mkdtempSync(join(tmpdir(), "digests-"));
  const config = configText;
  const args = (file: string) => ["test-config", "--config-keys", "k1", "--config-files", file, "--runner-config", join(dir, "runners.yaml")];
  writeFileSync(join(dir, "runners.yaml"), "b200:\n  - b200_0\n");

  it("adds image-digest to every entry when on, and changes nothing when off", async () => {
    const file = join(dir, "ok.yaml");
    writeFileSync(file, config(`${reg.host}/lmsysorg/sglang:v0.5.5`));
    const off = await infx(args(file));
    expect(off.code).toBe(0);
    expect(off.stdout).not.toContain("image-digest");
    const on = await infx([...args(file), "--resolve-digests"]);
    expect(on.stderr).toBe("");
    const offEntries = JSON.parse(off.stdout) as Record<string, unknown>[];
    const onEntries = JSON.parse(on.stdout) as Record<string, unknown>[];
    expect(onEntries).toEqual(offEntries.map((e) => ({ ...e, "image-digest": sha(INDEX("sglang")) })));
  });

  it("fails with the image, the registry and the fix, no stack trace", async () => {
    const file = join(dir, "missing.yaml");
    writeFileSync(file, config(`${reg.host}/vllm/vllm-openai:nope`));
    const r = await infx([...args(file), "--resolve-digests", "--digest-timeout", "5"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(`${reg.host}/vllm/vllm-openai:nope (registry ${reg.host}): no tag 'nope' of vllm/vllm-openai (404)`);
    expect(r.stderr).toContain("pin the digest in the config");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe("the row records the digest the job ran (process-result)", () => {
  const RAW = join(ROOT, "test/fixtures/raw");
  const env = JSON.parse(readFileSync(join(RAW, "env-single.json"), "utf8")) as Record<string, string>;
  const raw = JSON.parse(readFileSync(join(RAW, readdirSync(RAW).find((f) => /^sim_conc\d+\.json$/.test(f))!), "utf8")) as unknown;

  it("adds image_digest only when IMAGE_DIGEST is set, and refuses a malformed one", () => {
    const plain = processResult(raw, env);
    expect(plain).not.toHaveProperty("image_digest");
    expect(processResult(raw, { ...env, IMAGE_DIGEST: "" })).toEqual(plain);
    const d = sha("image");
    expect(processResult(raw, { ...env, IMAGE_DIGEST: d })).toEqual({ ...plain, image_digest: d });
    expect(() => processResult(raw, { ...env, IMAGE_DIGEST: "latest" })).toThrow(/IMAGE_DIGEST='latest' is not sha256:<64 lowercase hex>/);
  });

  it("the process-result action records it in the row and names it in the step summary", async () => {
    const dir = mkdtempSync(join(tmpdir(), "digest-action-row-"));
    writeFileSync(join(dir, "r.json"), JSON.stringify(raw));
    const summary: string[] = [];
    const core = {
      getInput: () => "",
      setOutput: () => {},
      info: () => {},
      summary: { addRaw: (t: string) => void summary.push(t), write: async () => {} },
    } as unknown as ActionDeps["core"];
    const d = sha("action");
    const deps = { core, env: { ...env, RESULT_FILENAME: "r", IMAGE_DIGEST: d, GITHUB_STEP_SUMMARY: "x" }, cwd: dir } as unknown as ActionDeps;
    await runProcessResult(deps);
    expect(JSON.parse(readFileSync(join(dir, "agg_r.json"), "utf8"))).toMatchObject({ image_digest: d });
    expect(summary.join("")).toContain(`Image \`${env.IMAGE}\` ran by digest \`${d}\`.`);
  });

  it("the CLI takes it from --image-digest too", async () => {
    const dir = mkdtempSync(join(tmpdir(), "digest-row-"));
    writeFileSync(join(dir, "r.json"), JSON.stringify(raw));
    const r = await infx(["process-result", "--result-filename", "r", "--image-digest", sha("cli"), "--print"], { cwd: dir, env });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, "agg_r.json"), "utf8"))).toMatchObject({ image: env.IMAGE, image_digest: sha("cli") });
  });
});

describe("plan action input resolve-digests", () => {
  /** Runs the plan action in generator mode with a recording core and an in-memory artifact store; returns the uploaded shard entries. */
  async function plan(image: string, inputs: Record<string, string>) {
    const dir = mkdtempSync(join(tmpdir(), "digest-action-"));
    writeFileSync(join(dir, "c.yaml"), configText(image));
    writeFileSync(join(dir, "r.yaml"), "b200:\n  - b200_0\n");
    const uploaded = new Map<string, string>();
    const log: string[] = [];
    const all: Record<string, string> = { "generate-cli-command": "test-config --config-keys k1 --config-files c.yaml --runner-config r.yaml", ...inputs };
    const deps: ActionDeps = {
      core: {
        getInput: (n: string) => all[n] ?? "",
        setOutput: () => {},
        info: (m: string) => void log.push(m),
        warning: (m: string) => void log.push(m),
        error: (m: string) => void log.push(m),
        setFailed: (m: string) => void log.push(m),
        summary: { addRaw: () => {}, write: async () => {} },
      } as unknown as ActionDeps["core"],
      env: { GITHUB_SHA: "f".repeat(40), RUNNER_TEMP: dir },
      cwd: dir,
      artifacts: {
        upload: async (name: string, paths: string[], root: string) => {
          for (const p of paths) uploaded.set(`${name}/${p.slice(root.length + 1)}`, readFileSync(p, "utf8"));
          return { id: 1, name, size: 0 };
        },
      } as unknown as ActionDeps["artifacts"],
      octokit: async () => {
        throw new Error("no GitHub in this test");
      },
    };
    await runPlan(deps);
    return { shard: JSON.parse(uploaded.get("sweep-plan/shards/single-001.json")!) as Record<string, unknown>[], log };
  }

  it("on: every uploaded entry carries the digest; off: the entries are as before", async () => {
    const image = `${reg.host}/lmsysorg/sglang:v0.5.5`;
    const on = await plan(image, { "resolve-digests": "true" });
    expect(on.shard.length).toBe(2);
    for (const e of on.shard) expect(e).toMatchObject({ image, "image-digest": sha(INDEX("sglang")) });
    expect(on.log).toContain(`image digests: ${image} -> ${sha(INDEX("sglang"))}`);
    const off = await plan(image, { "resolve-digests": "false" });
    expect(off.shard).toEqual(on.shard.map(({ "image-digest": _d, ...e }) => e));
  });

  it("fails the step naming the image and registry; a value other than true/false is refused", async () => {
    await expect(plan(`${reg.host}/vllm/vllm-openai:gone`, { "resolve-digests": "true", "digest-timeout": "5" })).rejects.toThrow(
      new RegExp(`resolve-digests: cannot resolve the digest of 1 image;[\\s\\S]*${reg.host}/vllm/vllm-openai:gone \\(registry ${reg.host}\\): no tag 'gone'`),
    );
    await expect(plan("img:1", { "resolve-digests": "yes" })).rejects.toThrow(/input 'resolve-digests': expected true or false, got 'yes'/);
    await expect(plan("img:1", { "resolve-digests": "true", "digest-timeout": "0" })).rejects.toThrow(/input 'digest-timeout': at least 1 second, got 0/);
  });
});
