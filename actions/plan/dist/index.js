// actions/plan: built by scripts/build.mjs from src/actions/plan.ts; the code is in actions/dist/.
import "../../dist/plan.js";
