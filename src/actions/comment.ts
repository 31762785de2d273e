// Entry of actions/comment (bundled by scripts/build.mjs): the real runner dependencies around runComment.
import { main } from "./lib/main.js";
import { runComment } from "./lib/comment.js";

await main(runComment);
