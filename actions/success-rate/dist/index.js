// actions/success-rate: built by scripts/build.mjs from src/actions/success-rate.ts; the code is in actions/dist/.
import "../../dist/success-rate.js";
