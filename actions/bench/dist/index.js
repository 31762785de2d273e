// actions/bench: built by scripts/build.mjs from src/actions/bench.ts; the code is in actions/dist/.
import "../../dist/bench.js";
