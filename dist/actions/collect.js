// Entry of actions/collect (bundled by scripts/build.mjs): the real runner dependencies around runCollect.
import { main } from "./lib/main.js";
import { runCollect } from "./lib/collect.js";
await main(runCollect);
