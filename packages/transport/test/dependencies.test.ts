// The production dependency tree of @sshts/wire and @sshts/transport is @noble/* only — plus pako
// (pure-JS zlib, no dependencies of its own) for the opt-in `@sshts/transport/zlib` entry, which
// nothing else in src imports — and nothing in it runs an install script (ARCHITECTURE.md: no
// native addons, no install scripts). Walks the installed tree the way Node resolves it, so a
// transitive dependency cannot slip in unseen.
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  scripts?: Record<string, string>;
}

const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall', 'prepare'];

function resolvePackage(name: string, fromDir: string): string {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name, 'package.json');
    if (existsSync(candidate)) return realpathSync(dirname(candidate));
    if (dirname(dir) === dir) throw new Error(`cannot resolve ${name} from ${fromDir}`);
  }
}

function productionTree(packageDir: string): Map<string, Manifest> {
  const seen = new Map<string, Manifest>();
  const queue = [realpathSync(packageDir)];
  while (queue.length > 0) {
    const dir = queue.pop()!;
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
    if (seen.has(dir)) continue;
    seen.set(dir, manifest);
    const deps = { ...manifest.dependencies, ...manifest.optionalDependencies };
    for (const name of Object.keys(deps)) queue.push(resolvePackage(name, dir));
  }
  return seen;
}

describe.each(['wire', 'transport'])('@sshts/%s production dependencies', (pkg) => {
  const tree = productionTree(join(import.meta.dirname, '../..', pkg));
  const external = [...tree.values()].filter((m) => !m.name.startsWith('@sshts/'));

  it('are @noble/* only (and pako for the transport zlib entry)', () => {
    for (const m of external) expect(m.name).toMatch(pkg === 'transport' ? /^(@noble\/|pako$)/ : /^@noble\//);
    if (pkg === 'transport') expect(external.map((m) => m.name)).toContain('@noble/ciphers');
  });

  it('run no install scripts', () => {
    for (const m of tree.values()) {
      for (const script of INSTALL_SCRIPTS)
        expect(m.scripts?.[script], `${m.name} ${script}`).toBeUndefined();
    }
  });
});

describe('pako stays in the opt-in zlib entry', () => {
  it('no file of @sshts/transport/src outside src/zlib/ imports it', () => {
    const src = join(import.meta.dirname, '../src');
    const files = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    const importers = files.filter((f) => /from 'pako'/.test(readFileSync(join(src, f), 'utf8')));
    expect(importers).toEqual(['zlib/zlib.ts']);
  });
});
