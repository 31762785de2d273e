// actions/sweep-command: built by scripts/build.mjs from src/actions/sweep-command.ts; the code is in actions/dist/.
import "../../dist/sweep-command.js";
