// ARCHITECTURE.md: @sshts/kex is browser-safe — no `node:` imports, no Buffer, no process in src.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '../src');

describe('src is browser-safe', () => {
  const files = readdirSync(SRC, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  it.each(files)('%s', (file) => {
    const code = readFileSync(join(SRC, file), 'utf8').replace(/\/\/.*$/gm, '');
    expect(code).not.toMatch(/from\s+['"]node:/);
    expect(code).not.toMatch(/\bBuffer\b/);
    expect(code).not.toMatch(/\bprocess\./);
    expect(code).not.toMatch(/@sshts\/keys/); // keys is not a dependency of the kex methods
  });
});
