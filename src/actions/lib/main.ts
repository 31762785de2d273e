/**
 * Binds an action's `run(deps)` to the real runner: @actions/core, the run's
 * artifact service through @actions/artifact, and Octokit via createOctokit.
 * Entry files (src/actions/<name>.ts) are one line: `await main(run)`.
 * The artifact client (the Azure blob SDK) and Octokit are imported on first
 * use, so an action that needs neither starts in about the time of a bare
 * `node` (bench/actions.mjs measures it).
 */
// (named imports, not the namespace: the bundle leaves out the parts of @actions/core no action uses; see scripts/build.mjs)
import { error, getInput, info, setFailed, setOutput, summary, warning } from "@actions/core";
import type { ArtifactStore } from "../../github/artifact.js";
import { failureMessage, type ActionCore, type ActionDeps, type ActionRun } from "./runtime.js";

const core: ActionCore = { getInput, setOutput, info, warning, error, setFailed, summary };

/** The artifact store over @actions/artifact, which is loaded by the first call. */
export function lazyArtifactStore(): ArtifactStore {
  let store: Promise<ArtifactStore> | undefined;
  const real = () =>
    (store ??= Promise.all([import("@actions/artifact"), import("../../github/artifact.js")]).then(([{ DefaultArtifactClient }, { artifactStore }]) =>
      artifactStore(new DefaultArtifactClient()),
    ));
  return {
    upload: async (name, files, rootDir) => (await real()).upload(name, files, rootDir),
    list: async () => (await real()).list(),
    download: async (artifact, dir) => (await real()).download(artifact, dir),
  };
}

export function realDeps(): ActionDeps {
  return {
    core,
    env: process.env,
    cwd: process.cwd(),
    artifacts: lazyArtifactStore(),
    octokit: async (token) => (await import("../../github/octokit.js")).createOctokit({ token, env: process.env }),
  };
}

export async function main(run: ActionRun): Promise<void> {
  try {
    await run(realDeps());
  } catch (e) {
    core.setFailed(failureMessage(e, process.env));
  }
}
