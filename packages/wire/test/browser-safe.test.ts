// ARCHITECTURE.md: wire is browser-safe — no `node:` imports and no Buffer in src.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as wire from '../src/index.js';

const srcDir = fileURLToPath(new URL('../src/', import.meta.url));

describe('browser safety and exports', () => {
  it('src has no node: imports and no Buffer', () => {
    const files = readdirSync(srcDir).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const text = readFileSync(srcDir + f, 'utf8');
      expect(text, f).not.toMatch(/from\s+['"]node:|import\(\s*['"]node:|require\(/);
      expect(text, f).not.toMatch(/\bBuffer\b/);
    }
  });

  it('index re-exports the public API', () => {
    for (const name of [
      'SSHReader',
      'SSHWriter',
      'encodeMpint',
      'decodeMpint',
      'MessageType',
      'messageName',
      'DisconnectReason',
      'ChannelOpenFailureReason',
      'ExtendedDataType',
      'SSHError',
      'MalformedMessageError',
    ]) {
      expect(wire, name).toHaveProperty(name);
    }
  });
});
