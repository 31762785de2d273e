// Entry of actions/success-rate (bundled by scripts/build.mjs): the real runner dependencies around runSuccessRate.
import { main } from "./lib/main.js";
import { runSuccessRate } from "./lib/success-rate.js";

await main(runSuccessRate);
