// ARCHITECTURE.md: keys is browser-safe — no `node:` imports and no Buffer in src.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as keys from '../src/index.js';

const srcDir = fileURLToPath(new URL('../src/', import.meta.url));

describe('browser safety and exports', () => {
  it('src has no node: imports and no Buffer', () => {
    const files = readdirSync(srcDir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const text = readFileSync(srcDir + f, 'utf8');
      expect(text, f).not.toMatch(/from\s+['"]node:|import\(\s*['"]node:|require\(/);
      expect(text, f).not.toMatch(/\bBuffer\b/);
    }
  });

  it('index exports the public API', () => {
    for (const name of [
      'parsePublicKey',
      'parsePublicKeyBlob',
      'keyTypeForAlgorithm',
      'publicKeyAlgorithms',
      'legacyPublicKeyAlgorithms',
      'UnsupportedKeyTypeError',
      'MIN_RSA_MODULUS_BITS',
      'fingerprintBlob',
      'parseSignatureBlob',
      'base64Encode',
      'base64Decode',
    ]) {
      expect(keys, name).toHaveProperty(name);
    }
  });
});
