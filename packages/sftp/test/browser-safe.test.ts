// ARCHITECTURE.md: @sshts/sftp is browser-safe outside src/node — no `node:` imports, Buffer,
// process or require — and imports only @sshts/wire and @sshts/channel.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const srcDir = fileURLToPath(new URL('../src/', import.meta.url));

describe('browser safety', () => {
  it('src outside node/ uses no Node.js APIs and depends only on wire and channel', () => {
    const files = readdirSync(srcDir, { recursive: true, encoding: 'utf8' }).filter(
      (f) => f.endsWith('.ts') && !f.startsWith('node/'),
    );
    expect(files.length).toBeGreaterThan(15);
    for (const f of files) {
      const text = readFileSync(srcDir + f, 'utf8');
      expect(text, f).not.toMatch(/from\s+['"]node:|import\(\s*['"]node:|\brequire\(\s*['"]/);
      expect(text, f).not.toMatch(/\bBuffer\b|\bprocess\./);
      for (const [, spec] of text.matchAll(/from\s+['"]([^'"]+)['"]/g)) {
        // Relative imports stay in browser-safe src: up from a subfolder (server/), never into node/.
        expect(spec, f).toMatch(/^(\.\/|\.\.\/(?!node\/)).*\.js$|^@sshts\/(wire|channel)$/);
      }
    }
  });
});
