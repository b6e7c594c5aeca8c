#!/usr/bin/env node
// The main job (README Quick start): installs and builds, then runs the demo: `sshts demo` starts an
// sshts server on a loopback port and drives the sshts client against it (packages/cli).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pnpm } from './pnpm.mjs';

for (const args of [
  ['install', '--frozen-lockfile'],
  ['exec', 'turbo', 'run', 'build', '--output-logs=errors-only'],
]) {
  const status = pnpm(args);
  if (status !== 0) process.exit(status);
}
const demo = spawnSync(
  process.execPath,
  [join(import.meta.dirname, '..', 'packages', 'cli', 'dist', 'index.js'), 'demo'],
  {
    stdio: 'inherit',
  },
);
process.exit(demo.status ?? 1);
