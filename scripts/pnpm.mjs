#!/usr/bin/env node
// Runs the pnpm version pinned in package.json's "packageManager" field without a global install.
// Corepack would do the same, but its registry-signature check fails behind some npm mirrors, so
// we ask npx for the exact pinned version instead (npm caches it after the first run).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export function pinnedPnpm() {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const match = /^pnpm@(\d+\.\d+\.\d+)$/.exec(pkg.packageManager ?? '');
  if (!match) throw new Error('package.json "packageManager" must pin pnpm@x.y.z');
  return match[1];
}

/** Runs pnpm with the given arguments in the repository root; returns the exit status. */
export function pnpm(args, options = {}) {
  const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
  const result = spawnSync(npx, ['--yes', `pnpm@${pinnedPnpm()}`, ...args], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1', ...options.env },
  });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exit(pnpm(process.argv.slice(2)));
}
