// Entry of actions/bench (bundled by scripts/build.mjs): the real runner dependencies around runBench.
import { main } from "./lib/main.js";
import { runBench } from "./lib/bench.js";

await main(runBench);
