// actions/comment: built by scripts/build.mjs from src/actions/comment.ts; the code is in actions/dist/.
import "../../dist/comment.js";
