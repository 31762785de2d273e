// actions/shard: built by scripts/build.mjs from src/actions/shard.ts; the code is in actions/dist/.
import "../../dist/shard.js";
