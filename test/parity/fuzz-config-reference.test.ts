// The config fuzzer (test/support/fuzz-configs.ts) over the reference's real
// 2026-02 configs (larger and more varied than the project's own; a quarter
// of the runs, since the default suite already runs all 10,000).
import { fuzzConfigSuite } from "../support/fuzz-configs.js";
import { REF_CONFIGS_2026_02 } from "../support/reference.js";

fuzzConfigSuite({ label: "the reference 2026-02 configs", dir: REF_CONFIGS_2026_02, minEntries: 28, minMultiNode: 3, scale: 0.25 });
