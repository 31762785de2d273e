// Entry of actions/process-result (bundled by scripts/build.mjs): the real runner dependencies around runProcessResult.
import { main } from "./lib/main.js";
import { runProcessResult } from "./lib/process-result.js";

await main(runProcessResult);
