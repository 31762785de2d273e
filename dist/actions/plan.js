// Entry of actions/plan (bundled by scripts/build.mjs): the real runner dependencies around runPlan.
import { main } from "./lib/main.js";
import { runPlan } from "./lib/plan.js";
await main(runPlan);
