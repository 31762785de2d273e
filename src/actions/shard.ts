// Entry of actions/shard (bundled by scripts/build.mjs): the real runner dependencies around runShard.
import { main } from "./lib/main.js";
import { runShard } from "./lib/shard.js";

await main(runShard);
