// Prints one plain closing line, "tests: N passed, N failed[, N skipped]",
// after vitest's own report, so CI logs end with a count any tool can read;
// then the `note` vitest.config.ts passes (the parity suites not run), if any.
import type { Reporter, TestModule } from "vitest/node";

export default class SummaryReporter implements Reporter {
  private readonly note: string | undefined;

  constructor(options: { note?: string } = {}) {
    this.note = options.note;
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const mod of testModules) {
      if (mod.state() === "failed" && [...mod.children.allTests()].length === 0) failed++;
      for (const t of mod.children.allTests()) {
        const s = t.result().state;
        if (s === "passed") passed++;
        else if (s === "failed") failed++;
        else skipped++;
      }
    }
    process.stdout.write(`\ntests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}\n`);
    if (this.note) process.stdout.write(`${this.note}\n`);
  }
}
