// actions/compare: built by scripts/build.mjs from src/actions/compare.ts; the code is in actions/dist/.
import "../../dist/compare.js";
