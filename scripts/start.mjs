#!/usr/bin/env node
// The main job (README Quick start): installs and builds, then runs the packet-layer demo.
import { pnpm } from './pnpm.mjs';

for (const args of [
  ['install', '--frozen-lockfile'],
  ['exec', 'turbo', 'run', 'build', '--output-logs=errors-only'],
  ['--filter', '@sshts/transport', 'run', 'demo'],
]) {
  const status = pnpm(args);
  if (status !== 0) process.exit(status);
}
