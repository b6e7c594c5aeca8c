#!/usr/bin/env node
// The one test command (README Quick start, and what .ci/run calls): installs what it needs, then
// builds, lints, checks the layer rule and runs every package's tests.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pnpm } from './pnpm.mjs';

const packagesDir = join(import.meta.dirname, '..', 'packages');
const reports = readdirSync(packagesDir).map((p) => join(packagesDir, p, '.vitest-report.json'));
for (const report of reports) rmSync(report, { force: true });

const steps = [
  ['install', '--frozen-lockfile'],
  ['exec', 'biome', 'check', '.'],
  ['exec', 'depcruise', 'packages', '--config', '.dependency-cruiser.cjs'],
  ['exec', 'turbo', 'run', 'build', 'typecheck', 'test', '--concurrency=1', '--output-logs=new-only'],
];
let failedStep;
for (const args of steps) {
  console.log(`\n$ pnpm ${args.join(' ')}`);
  const status = pnpm(args);
  if (status !== 0) {
    failedStep = { args, status };
    break;
  }
}

// One total over every package's vitest JSON report, as the last line.
let passed = 0;
let failed = 0;
let skipped = 0;
for (const report of reports.filter(existsSync)) {
  const r = JSON.parse(readFileSync(report, 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  skipped += r.numPendingTests + r.numTodoTests;
}
if (failedStep) console.error(`\nstep failed (exit ${failedStep.status}): pnpm ${failedStep.args.join(' ')}`);
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failedStep ? failedStep.status || 1 : failed > 0 ? 1 : 0);
