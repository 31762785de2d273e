/** bench step: `infx bench <args>` (the load generator) with the job's environment. */
import { splitCommandLine } from "./argv.js";
import { infx, input, type ActionDeps } from "./runtime.js";

export async function runBench(deps: ActionDeps): Promise<void> {
  const args = splitCommandLine(input(deps, "args", { required: true }), "input 'args'");
  // (imported here: the load generator brings undici, which the other actions do not load)
  const benchCommand = await import("../../commands/bench.js");
  const { code, stdout } = await infx(deps, benchCommand, args);
  if (stdout.trim()) for (const line of stdout.trimEnd().split("\n")) deps.core.info(line);
  deps.core.setOutput("exit-code", String(code));
}
