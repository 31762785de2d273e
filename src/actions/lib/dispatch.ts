/**
 * The root action (`uses: <owner>/inferencex-ci@<sha>` with `command: plan`,
 * ...): one entry that runs any of the actions by name, with the same inputs.
 */
import { runBench } from "./bench.js";
import { runCollect } from "./collect.js";
import { runComment } from "./comment.js";
import { runCompare } from "./compare.js";
import { runPlan } from "./plan.js";
import { runProcessResult } from "./process-result.js";
import { ActionError, input, type ActionDeps, type ActionRun } from "./runtime.js";
import { runShard } from "./shard.js";
import { runSuccessRate } from "./success-rate.js";
import { runSweepCommand } from "./sweep-command.js";

export const ACTION_COMMANDS: Record<string, ActionRun> = {
  plan: runPlan,
  shard: runShard,
  "process-result": runProcessResult,
  collect: runCollect,
  "success-rate": runSuccessRate,
  comment: runComment,
  bench: runBench,
  "sweep-command": runSweepCommand,
  compare: runCompare,
};

export async function runDispatch(deps: ActionDeps): Promise<void> {
  const command = input(deps, "command", { required: true });
  const run = ACTION_COMMANDS[command];
  if (!run) throw new ActionError(`input 'command': unknown command '${command}' (one of ${Object.keys(ACTION_COMMANDS).join(", ")})`);
  await run(deps);
}
