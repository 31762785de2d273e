import { existsSync } from "node:fs";
import { defineConfig } from "vitest/config";
import { referenceDir } from "./test/support/reference.js";

// Two groups: the project's own suites (test/*.test.ts, fixtures inside the
// repository) and the parity suites (test/parity/), which compare with the
// reference data (test/support/reference.ts: ../shared/reference, or
// INFX_REFERENCE_DIR). Without the reference data the parity suites are left
// out with one line saying so; under CI that is a failure, so CI never skips
// parity silently.
const REFERENCE = referenceDir();
const present = existsSync(REFERENCE);
const ci = !!process.env.CI && !["0", "false"].includes(process.env.CI.toLowerCase());
const notRun = `parity suites not run: reference data not found at ${REFERENCE} (set INFX_REFERENCE_DIR)`;

if (!present && ci) {
  process.stderr.write(`error: ${notRun}; CI=${process.env.CI} requires them\n`);
  process.exit(1);
}

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["**/node_modules/**", ...(present ? [] : ["test/parity/**"])],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ["default", ["./test/support/summary-reporter.ts", { note: present ? undefined : notRun }]],
  },
});
