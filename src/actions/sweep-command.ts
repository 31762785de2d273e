// Entry of actions/sweep-command (bundled by scripts/build.mjs): the real runner dependencies around runSweepCommand.
import { main } from "./lib/main.js";
import { runSweepCommand } from "./lib/sweep-command.js";

await main(runSweepCommand);
