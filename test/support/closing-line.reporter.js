/**
 * Closes every jest run with the plain line `tests: N passed, N failed, N skipped`.
 *
 * Why: jest's own summary (`Tests:  2 failed, 198 passed, 200 total`) is not a format CI's result
 * reader knows, and an earlier summary in the same CI log (Schemathesis prints a pytest-style
 * `== 1 warning in 78s ==`) was read as a run that executed no test. When JEST_TALLY_FILE is set,
 * the counts are also appended to it as one JSON line, so `.ci/run` can add up every jest run it made.
 */
const { appendFileSync } = require('node:fs');

class ClosingLineReporter {
  onRunComplete(_contexts, results) {
    const counts = {
      passed: results.numPassedTests,
      failed: results.numFailedTests,
      skipped: results.numPendingTests + results.numTodoTests,
      suitesFailed: results.numFailedTestSuites,
    };
    // A suite that fails to load counts no failed test; it is still a failure.
    const failed = counts.failed + (counts.failed === 0 ? counts.suitesFailed : 0);
    process.stdout.write(`tests: ${counts.passed} passed, ${failed} failed, ${counts.skipped} skipped\n`);
    if (process.env.JEST_TALLY_FILE) appendFileSync(process.env.JEST_TALLY_FILE, `${JSON.stringify(counts)}\n`);
  }
}

module.exports = ClosingLineReporter;
