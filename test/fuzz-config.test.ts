// 10,000 mutations of the project's own configs must give a valid matrix or
// located errors, never a crash (test/support/fuzz-configs.ts).
import { CONFIGS } from "./support/cli.js";
import { fuzzConfigSuite } from "./support/fuzz-configs.js";

fuzzConfigSuite({ label: "the project's configs", dir: CONFIGS, minEntries: 15, minMultiNode: 3 });
