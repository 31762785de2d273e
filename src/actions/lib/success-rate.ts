/**
 * success-rate job: `runSuccessRates`, as `infx success-rate` (the rule is
 * `computeSuccessRates`), over every job and attempt of this run; run_stats.json uploaded as artifact
 * `run-stats`, the table in the step summary, unattributed jobs as warnings.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { readRunnerMap } from "../../config/runner-map.js";
import { resolveRepo } from "../../github/repo-ref.js";
import { runSuccessRates } from "../../github/success-rate.js";
import { formatSuccessRateTable } from "../../results/success-rate.js";
import { ActionError, appendSummary, input, type ActionDeps } from "./runtime.js";

export async function runSuccessRate(deps: ActionDeps): Promise<void> {
  const token = input(deps, "github-token", { required: true });
  const runId = input(deps, "run-id") || deps.env.GITHUB_RUN_ID || "";
  if (!/^\d+$/.test(runId)) throw new ActionError(`no workflow run id: input 'run-id' or GITHUB_RUN_ID (got '${runId}')`);
  const runners = readRunnerMap(resolve(deps.cwd, input(deps, "runner-config") || "configs/runners.yaml"));
  const artifactName = input(deps, "artifact-name") || "run-stats";
  const repo = resolveRepo(undefined, deps.env);

  const { result } = await runSuccessRates(await deps.octokit(token), { ...repo, runId: Number(runId) }, runners);
  for (const u of result.unattributed) deps.core.warning(`job ${u.id} '${u.name}' (attempt ${u.run_attempt}) not attributed to a GPU type: ${u.reason}`);

  const dir = mkdtempSync(join(deps.env.RUNNER_TEMP || tmpdir(), "run-stats-"));
  const out = join(dir, "run_stats.json");
  const json = JSON.stringify(result.stats, null, 2) + "\n";
  writeFileSync(out, json);
  deps.core.setOutput("stats", JSON.stringify(result.stats));
  deps.core.setOutput("unattributed", String(result.unattributed.length));
  await deps.artifacts.upload(artifactName, [out], dir);
  deps.core.info(formatSuccessRateTable(result.stats));
  await appendSummary(
    deps,
    `### Success rate\n\n${formatSuccessRateTable(result.stats)}\n${result.counted} benchmark job(s) counted over all attempts, ${result.skipped} skipped` +
      (result.unattributed.length ? `, **${result.unattributed.length} not attributed** (see the warnings)` : "") +
      ".\n",
  );
}
