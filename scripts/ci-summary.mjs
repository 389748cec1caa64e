#!/usr/bin/env node
// Prints the plain "N passed, N failed" line CI reads, from Vitest's JSON report. When `npm test`
// failed before the tests ran (types, lint, boundaries), that failed step counts as one failure.
// usage: node scripts/ci-summary.mjs <vitest json> <npm test exit status> <start epoch seconds>
import { existsSync, readFileSync, statSync } from 'node:fs';

const [file = 'artifacts/vitest-results.json', statusArg = '0', startedArg = '0'] = process.argv.slice(2);
const status = Number(statusArg);
const started = Number(startedArg) * 1000;
let passed = 0;
let failed = 0;
let skipped = 0;
const fresh = existsSync(file) && statSync(file).mtimeMs >= started;
if (fresh) {
  const report = JSON.parse(readFileSync(file, 'utf8'));
  passed = report.numPassedTests ?? 0;
  failed = report.numFailedTests ?? 0;
  skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  for (const suite of report.testResults ?? []) {
    if (suite.status === 'failed' && (suite.assertionResults ?? []).every((a) => a.status !== 'failed')) {
      failed += 1; // a test file that failed to load or run
      console.log(`failed to run: ${suite.name}: ${(suite.message ?? '').split('\n')[0]}`);
    }
  }
}
if (status !== 0 && failed === 0) failed = 1;
if (skipped > 0) console.log(`${skipped} skipped`);
console.log(`${passed} passed, ${failed} failed`);
