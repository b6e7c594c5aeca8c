// TARGETS.md item 6: every browser-safe package bundles for the browser with no Node built-in and
// no polyfill, and a web app's bundle stays small — esbuild, minified, gzip level 9:
//   full    SSHClient (default algorithms) + SFTP + WebSocket   ≤ 120 KB
//   minimal SSHClientCore with curve25519-sha256, ssh-ed25519 and chacha20-poly1305@openssh.com
//           only, + WebSocket                                    ≤  60 KB
// (KB = 1000 bytes.) The bundles are built from the TypeScript sources (the `sshts-source` export
// condition), so no build is needed first; the table of sizes and what weighs most in the two app
// bundles is printed on every run.
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const FULL_LIMIT = 120_000;
const MINIMAL_LIMIT = 60_000;

/** Resolved from packages/ssh, whose dependencies are every package bundled here. */
const RESOLVE_DIR = join(import.meta.dirname, '..');

const PACKAGES = [
  '@sshts/wire',
  '@sshts/keys',
  '@sshts/transport',
  '@sshts/kex',
  '@sshts/auth',
  '@sshts/channel',
  '@sshts/sftp',
  '@sshts/websocket',
  'sshts',
  // The opt-in zlib compression (pako): bundles for the browser too, and stays out of the apps.
  'sshts/zlib',
] as const;

/** A web app: SSH over the WebSocket proxy with every default algorithm, a shell, exec and SFTP. */
const FULL_APP = `
import { AutoAddPolicy, SSHClient } from 'sshts';
import { connectWebSocket } from '@sshts/websocket';
export async function run(url, username, password, onData) {
  const client = new SSHClient({ policy: new AutoAddPolicy() });
  await client.connect({ host: 'server', username, password, stream: await connectWebSocket(url) });
  const shell = await client.invokeShell({ cols: 120, rows: 40 });
  void (async () => { for await (const chunk of shell) onData(chunk); })();
  const uname = await client.exec('uname -a');
  const sftp = await client.openSftp();
  const names = await sftp.readdir('.');
  await sftp.writeFile('hello.txt', uname.stdout);
  const text = await sftp.readFile('hello.txt');
  const reader = sftp.createReadStream('hello.txt').getReader();
  await reader.read();
  await sftp.close();
  return { shell, names, text, close: () => client.close() };
}
`;

/** The same kind of app with one algorithm of each kind, as README "A minimal client" shows. */
const MINIMAL_APP = `
import { curve25519Sha256, ed25519KeyType, nobleChaChaProvider, SSHClientCore } from 'sshts';
import { connectWebSocket } from '@sshts/websocket';
export async function run(url, username, password, fingerprint, onData) {
  const client = new SSHClientCore({
    policy: {
      missingHostKey(_client, host, key) {
        if (key.fingerprint() !== fingerprint) throw new Error('unexpected host key for ' + host);
      },
    },
  });
  await client.connect({
    host: 'server', username, password, stream: await connectWebSocket(url),
    crypto: nobleChaChaProvider, kexMethods: [curve25519Sha256], hostKeyTypes: [ed25519KeyType],
  });
  const shell = await client.invokeShell({ cols: 120, rows: 40 });
  void (async () => { for await (const chunk of shell) onData(chunk); })();
  const uname = await client.exec('uname -a');
  return { shell, uname, close: () => client.close() };
}
`;

interface Bundle {
  name: string;
  minified: number;
  gzip: number;
  metafile: Metafile;
  text: string;
  /** Bytes in the output per input file. */
  inputs: [path: string, bytes: number][];
}

const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

function isNodeBuiltin(path: string): boolean {
  return path.startsWith('node:') || NODE_BUILTINS.has(path) || NODE_BUILTINS.has(path.split('/')[0]!);
}

async function bundle(name: string, contents: string): Promise<Bundle> {
  const result = await build({
    stdin: { contents, resolveDir: RESOLVE_DIR, sourcefile: `${name}.entry.js`, loader: 'js' },
    bundle: true,
    write: false,
    minify: true,
    format: 'esm',
    platform: 'browser',
    // The browser conditions (browser, import, default) plus the sources of the workspace packages.
    conditions: ['sshts-source'],
    // Nothing left outside the bundle, nothing polyfilled: a Node built-in fails to resolve.
    external: [],
    metafile: true,
    logLevel: 'silent',
  });
  expect(result.errors).toEqual([]);
  expect(result.warnings.map((w) => w.text)).toEqual([]);
  const [output] = result.outputFiles;
  const metafile = result.metafile;
  const [meta] = Object.values(metafile.outputs);
  return {
    name,
    minified: output!.contents.length,
    gzip: gzipSync(output!.contents, { level: 9 }).length,
    metafile,
    text: output!.text,
    inputs: Object.entries(meta!.inputs)
      .map(([path, input]): [string, number] => [path, input.bytesInOutput])
      .sort((a, b) => b[1] - a[1]),
  };
}

/** `packages/keys/src/x.ts` and `@noble/curves/abstract/x.js`, short enough for a table. */
function shortPath(path: string): string {
  const noble = /node_modules\/(@[^/]+\/[^/]+)\/(.*)$/.exec(path);
  if (noble) return `${noble[1]}/${noble[2]}`;
  return path.replace(/^(\.\.\/)+/, 'packages/').replace(/^src\//, 'packages/ssh/src/');
}

function kb(bytes: number): string {
  return (bytes / 1000).toFixed(1).padStart(7);
}

const bundles = new Map<string, Bundle>();

beforeAll(async () => {
  const built = await Promise.all([
    ...PACKAGES.map((p) => bundle(p, `export * from '${p}';`)),
    bundle('full app', FULL_APP),
    bundle('minimal app', MINIMAL_APP),
  ]);
  for (const b of built) bundles.set(b.name, b);
}, 120_000);

afterAll(() => {
  if (bundles.size === 0) return;
  const rows = [...bundles.values()].map(
    (b) => `  ${b.name.padEnd(18)} ${kb(b.minified)} KB ${kb(b.gzip)} KB`,
  );
  const heaviest = (name: string) =>
    bundles
      .get(name)
      ?.inputs.slice(0, 12)
      .map(([path, bytes]) => `    ${kb(bytes)} KB  ${shortPath(path)}`) ?? [];
  console.log(
    [
      'Browser bundles (esbuild --minify, platform browser, ESM; gzip -9; KB = 1000 bytes):',
      `  ${'bundle'.padEnd(18)}  minified       gzip`,
      ...rows,
      `  limits: full app ≤ ${FULL_LIMIT / 1000} KB, minimal app ≤ ${MINIMAL_LIMIT / 1000} KB (gzip)`,
      '  full app, heaviest inputs (minified bytes in the bundle):',
      ...heaviest('full app'),
      '  minimal app, heaviest inputs:',
      ...heaviest('minimal app'),
    ].join('\n'),
  );
});

function get(name: string): Bundle {
  const b = bundles.get(name);
  if (!b) throw new Error(`bundle ${name} was not built`);
  return b;
}

describe('browser bundles (esbuild, platform browser, no Node polyfills)', () => {
  const all = [...PACKAGES, 'full app', 'minimal app'];

  it.each(all)('%s bundles with no Node built-in, external or disabled module', (name) => {
    const { metafile, text } = get(name);
    for (const [path, input] of Object.entries(metafile.inputs)) {
      // A package.json "browser" field mapping a module to false would leave an empty stub.
      expect(path, 'an input stubbed out for the browser').not.toMatch(/^\(disabled\)/);
      expect(isNodeBuiltin(path), `input ${path}`).toBe(false);
      for (const imported of input.imports) {
        expect(imported.external ?? false, `${path} imports ${imported.path} as external`).toBe(false);
        expect(isNodeBuiltin(imported.path), `${path} imports ${imported.path}`).toBe(false);
      }
    }
    // No CommonJS `require` shim and no Node globals in the output either.
    expect(text).not.toContain('Dynamic require of');
    expect(text).not.toMatch(/\bBuffer\.(from|alloc|isBuffer|concat)\b/);
    expect(text).not.toMatch(/\bprocess\.(env|nextTick|platform|versions)\b/);
  });

  it('sshts resolves to its browser entry (src/index.ts), not the Node one', () => {
    const inputs = Object.keys(get('sshts').metafile.inputs);
    expect(inputs.some((p) => p.endsWith('ssh/src/index.ts') || p === 'src/index.ts')).toBe(true);
    expect(inputs.filter((p) => p.includes('/node/'))).toEqual([]);
  });

  it(`the full app (SSHClient + SFTP + WebSocket, default algorithms) is ≤ ${FULL_LIMIT / 1000} KB gzip`, () => {
    const full = get('full app');
    const inputs = full.inputs.map(([p]) => p);
    // It really is the full client: every algorithm family and the key formats are inside.
    for (const expected of [
      'keys/src/rsa.ts',
      'keys/src/ecdsa.ts',
      'kex/src/dh-group.ts',
      'sftp/src/client.ts',
    ]) {
      expect(
        inputs.some((p) => p.endsWith(expected)),
        expected,
      ).toBe(true);
    }
    // Compression is opt-in (sshts/zlib): no zlib in an app that does not import it.
    expect(inputs.filter((p) => /pako|\/zlib\//.test(p))).toEqual([]);
    expect(full.gzip).toBeLessThanOrEqual(FULL_LIMIT);
  });

  it(`the minimal app (curve25519, ed25519, chacha20-poly1305) is ≤ ${MINIMAL_LIMIT / 1000} KB gzip`, () => {
    const minimal = get('minimal app');
    const inputs = minimal.inputs.map(([p]) => shortPath(p));
    // What the minimal client must leave out: every other algorithm, key files, SFTP, forwarding.
    const forbidden = [
      /keys\/src\/(rsa|ecdsa|bcrypt-pbkdf|blowfish|ppk|pem|pkcs8|openssh-private-key|certificate-key)/,
      /kex\/src\/(dh|ecdh|group-exchange|modp|sntrup|mlkem|registry)/,
      /transport\/src\/(ciphers\/aes|macs\/hmac|noble-provider)/,
      /@noble\/curves\/(nist|abstract\/weierstrass)/,
      /@noble\/ciphers\/aes/,
      /@noble\/hashes\/(argon2|blake2|pbkdf2|hmac)/,
      /@noble\/post-quantum/,
      /packages\/(sftp|websocket\/src\/node)\//,
      /ssh\/src\/(forwarding|ssh-config|proxy-jump|key-sources|client\.ts|transport\.ts)/,
    ];
    for (const pattern of forbidden) expect(inputs.filter((p) => pattern.test(p))).toEqual([]);
    expect(minimal.gzip).toBeLessThanOrEqual(MINIMAL_LIMIT);
  });
});
