// actions/process-result: built by scripts/build.mjs from src/actions/process-result.ts; the code is in actions/dist/.
import "../../dist/process-result.js";
