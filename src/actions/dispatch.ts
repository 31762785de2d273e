// Entry of the root action.yml (bundled by scripts/build.mjs): runs the action named by input `command`.
import { main } from "./lib/main.js";
import { runDispatch } from "./lib/dispatch.js";

await main(runDispatch);
