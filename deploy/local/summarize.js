// Prints the line CI reads, `N passed, N failed`, from jest's --json output. A suite that failed to
// run (syntax error, missing service) counts as a failure even when it reported no test, and so
// does a failed `pnpm check` (second argument 1).
'use strict';
const fs = require('node:fs');

const [file, checkFailed] = process.argv.slice(2);
let passed = 0;
let failed = checkFailed === '1' ? 1 : 0;
try {
  const report = JSON.parse(fs.readFileSync(file, 'utf8'));
  passed = report.numPassedTests;
  failed += report.numFailedTests;
  for (const suite of report.testResults) {
    if (suite.status === 'failed' && suite.assertionResults.every((a) => a.status !== 'failed'))
      failed += 1;
  }
} catch (err) {
  process.stderr.write(`cannot read jest results ${file}: ${err.message}\n`);
  failed += 1;
}
process.stdout.write(`${passed} passed, ${failed} failed\n`);
process.exit(failed === 0 ? 0 : 1);
