// actions/collect: built by scripts/build.mjs from src/actions/collect.ts; the code is in actions/dist/.
import "../../dist/collect.js";
