/**
 * The root action (`uses: <owner>/inferencex-ci@<sha>` with `command: plan`,
 * ...): one entry that runs any of the actions by name, with the same inputs.
 * Each action's module is imported when it is named, so the root action
 * starts as fast as the action it runs.
 */
import { ActionError, input, type ActionDeps, type ActionRun } from "./runtime.js";

export const ACTION_COMMANDS: Record<string, ActionRun> = {
  plan: async (deps) => (await import("./plan.js")).runPlan(deps),
  shard: async (deps) => (await import("./shard.js")).runShard(deps),
  "process-result": async (deps) => (await import("./process-result.js")).runProcessResult(deps),
  collect: async (deps) => (await import("./collect.js")).runCollect(deps),
  "success-rate": async (deps) => (await import("./success-rate.js")).runSuccessRate(deps),
  comment: async (deps) => (await import("./comment.js")).runComment(deps),
  bench: async (deps) => (await import("./bench.js")).runBench(deps),
  "sweep-command": async (deps) => (await import("./sweep-command.js")).runSweepCommand(deps),
  compare: async (deps) => (await import("./compare.js")).runCompare(deps),
};

export async function runDispatch(deps: ActionDeps): Promise<void> {
  const command = input(deps, "command", { required: true });
  const run = ACTION_COMMANDS[command];
  if (!run) throw new ActionError(`input 'command': unknown command '${command}' (one of ${Object.keys(ACTION_COMMANDS).join(", ")})`);
  await run(deps);
}
