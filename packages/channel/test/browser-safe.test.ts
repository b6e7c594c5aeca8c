// ARCHITECTURE.md: @sshts/channel is browser-safe — no `node:` imports, Buffer, process or
// require in src — and imports only @sshts/wire and @sshts/transport.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const srcDir = fileURLToPath(new URL('../src/', import.meta.url));

describe('browser safety', () => {
  it('src uses no Node.js APIs and depends only on wire and transport', () => {
    const files = readdirSync(srcDir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(10);
    for (const f of files) {
      const text = readFileSync(srcDir + f, 'utf8');
      expect(text, f).not.toMatch(/from\s+['"]node:|import\(\s*['"]node:|require\(/);
      expect(text, f).not.toMatch(/\bBuffer\b|\bprocess\./);
      for (const [, spec] of text.matchAll(/from\s+['"]([^'"]+)['"]/g)) {
        expect(spec, f).toMatch(/^(\.\/.*\.js|@sshts\/(wire|transport))$/);
      }
    }
  });
});
