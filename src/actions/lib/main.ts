/**
 * Binds an action's `run(deps)` to the real runner: @actions/core, the run's
 * artifact service through @actions/artifact, and Octokit via createOctokit.
 * Entry files (src/actions/<name>.ts) are one line: `await main(run)`.
 */
import * as core from "@actions/core";
import { DefaultArtifactClient } from "@actions/artifact";
import { artifactStore } from "../../github/artifact.js";
import { createOctokit } from "../../github/octokit.js";
import { failureMessage, type ActionDeps, type ActionRun } from "./runtime.js";

export function realDeps(): ActionDeps {
  return {
    core,
    env: process.env,
    cwd: process.cwd(),
    artifacts: artifactStore(new DefaultArtifactClient()),
    octokit: (token) => createOctokit({ token, env: process.env }),
  };
}

export async function main(run: ActionRun): Promise<void> {
  try {
    await run(realDeps());
  } catch (e) {
    core.setFailed(failureMessage(e, process.env));
  }
}
