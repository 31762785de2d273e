// Entry of actions/compare (bundled by scripts/build.mjs): the real runner dependencies around runCompare.
import { main } from "./lib/main.js";
import { runCompare } from "./lib/compare.js";

await main(runCompare);
