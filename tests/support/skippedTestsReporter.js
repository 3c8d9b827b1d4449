// Jest reporter: one line per skipped test at the end of a run, so a skip is never silent.
// (A reporter is loaded without the TypeScript transform, hence plain CommonJS.)
const path = require("node:path");

/*
 * jest's default reporter only counts skipped tests ("Tests: 1 skipped"). This prints each one
 * with its title, which by this repository's convention ends with the reason:
 *   test.skip(`renders with skia-canvas (skipped: ${reason})`, …)
 * A skipped test whose title gives no "skipped:" reason is printed with a note saying so.
 */
class SkippedTestsReporter {
  /** @param {{ rootDir: string, testNamePattern?: string }} globalConfig */
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
    // With -t, the tests it leaves out are reported as skipped too: those are not listed.
    this.namePattern = globalConfig.testNamePattern
      ? new RegExp(globalConfig.testNamePattern, "i")
      : undefined;
  }

  /**
   * @param {unknown} _contexts
   * @param {{ testResults: { testFilePath: string, testResults: { status: string, fullName: string }[] }[] }} results
   */
  onRunComplete(_contexts, results) {
    const lines = [];
    for (const file of results.testResults) {
      for (const test of file.testResults) {
        if (test.status !== "pending" && test.status !== "todo") continue;
        if (this.namePattern && !this.namePattern.test(test.fullName)) continue;
        const where = path.relative(this.rootDir, file.testFilePath);
        const note = /skipped: /.test(test.fullName) ? "" : " — no reason given in the title";
        lines.push(`  ○ ${where} › ${test.fullName}${note}`);
      }
    }
    if (lines.length === 0) return;
    process.stderr.write(`Skipped tests (${lines.length}):\n${lines.join("\n")}\n`);
  }
}

module.exports = SkippedTestsReporter;
