// actions/dispatch: built by scripts/build.mjs from src/actions/dispatch.ts; the code is in actions/dist/.
import "../../dist/dispatch.js";
