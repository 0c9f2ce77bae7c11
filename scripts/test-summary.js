#!/usr/bin/env node
// Reads vitest's JSON report and prints CI's closing line: `N passed, N failed[, N skipped]`.
import { readFileSync } from 'node:fs';

const file = process.argv[2] ?? 'test-results/vitest.json';
const report = JSON.parse(readFileSync(file, 'utf8'));
const passed = report.numPassedTests ?? 0;
// A test file that fails to load has no failed *tests*; count it so it cannot pass silently.
const failed =
  (report.numFailedTests ?? 0) +
  (report.testResults ?? []).filter((f) => f.status === 'failed' && (f.assertionResults ?? []).length === 0)
    .length;
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
process.stdout.write(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
