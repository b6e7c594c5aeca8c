#!/usr/bin/env node
// The one test command (README Quick start, and what .ci/run calls): installs what it needs, then
// builds, lints, checks the layer rule and runs every package's tests.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pnpm } from './pnpm.mjs';

// The real peers the tests run against (TARGETS.md), as Debian packages and a file or module that
// shows each is there. Missing ones are installed up front when running as root with apt; the
// test harness (@sshts/test-peers) fails under CI=true if one is still missing.
const PEERS = [
  ['openssh-server', () => existsSync('/usr/sbin/sshd')],
  ['openssh-client', () => existsSync('/usr/bin/ssh-keygen')],
  ['dropbear-bin', () => existsSync('/usr/sbin/dropbear')],
  ['tinysshd', () => existsSync('/usr/sbin/tinysshd')],
  ['putty-tools', () => existsSync('/usr/bin/plink')],
  ['python3-paramiko', () => pythonHas('paramiko')],
  ['python3-asyncssh', () => pythonHas('asyncssh')],
  // The headless browser examples/web-terminal's end-to-end tests drive (playwright-core).
  ['chromium', () => existsSync('/usr/bin/chromium')],
];

function pythonHas(module) {
  return spawnSync('/usr/bin/python3', ['-c', `import ${module}`], { stdio: 'ignore' }).status === 0;
}

function installPeers() {
  const missing = PEERS.filter(([, present]) => !present()).map(([name]) => name);
  if (missing.length === 0) return;
  const canInstall = process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
  if (!canInstall) {
    console.log(`peers not installed (not root with apt): ${missing.join(' ')}`);
    return;
  }
  console.log(`\n$ apt-get install ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update', '-q'], { stdio: 'inherit', env });
  spawnSync('apt-get', ['install', '-y', '-q', ...missing], { stdio: 'inherit', env });
}

// Every workspace package's report: packages/* and examples/* (pnpm-workspace.yaml).
const reports = ['packages', 'examples'].flatMap((folder) => {
  const dir = join(import.meta.dirname, '..', folder);
  return existsSync(dir) ? readdirSync(dir).map((p) => join(dir, p, '.vitest-report.json')) : [];
});
for (const report of reports) rmSync(report, { force: true });

const steps = [
  ['install', '--frozen-lockfile'],
  ['exec', 'biome', 'check', '.'],
  ['exec', 'depcruise', 'packages', '--config', '.dependency-cruiser.cjs'],
  ['exec', 'turbo', 'run', 'build', 'typecheck', 'test', '--concurrency=1', '--output-logs=new-only'],
];
installPeers();
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
