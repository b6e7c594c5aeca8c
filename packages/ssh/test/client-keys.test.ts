// Issue 4, "every key that ssh-keygen makes logs in": SSHClient.connect with privateKey text made by
// the real tools — ssh-keygen (openssh-key-v1 plain and with passphrase, PEM, PKCS#8), openssl
// (Ed25519 PKCS#8) and puttygen (PPK v2 and v3) — against OpenSSH sshd, whose authorized_keys
// holds the public halves the tools printed.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Peer, peerAvailability, startPeer, toolAvailability } from '@sshts/test-peers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AutoAddPolicy, KnownHosts, SSHClient, WrongPassphraseError } from '../src/node/index.js';
import { knownHostsFor, peerStream, run, tempDir } from './client-helpers.js';

const openssh = await peerAvailability('openssh');
const keygen = await toolAvailability('ssh-keygen');
const puttygen = await toolAvailability('puttygen');
const openssl = await toolAvailability('openssl');
const ready = openssh.available && keygen.available && puttygen.available && openssl.available;

const PASSPHRASE = 'correct horse battery';
const TYPES: [name: string, args: string[]][] = [
  ['ed25519', ['-t', 'ed25519']],
  ['ecdsa256', ['-t', 'ecdsa', '-b', '256']],
  ['ecdsa384', ['-t', 'ecdsa', '-b', '384']],
  ['ecdsa521', ['-t', 'ecdsa', '-b', '521']],
  ['rsa2048', ['-t', 'rsa', '-b', '2048']],
  ['rsa3072', ['-t', 'rsa', '-b', '3072']],
  ['rsa4096', ['-t', 'rsa', '-b', '4096']],
];
/** ssh-keygen -m values; Ed25519 is always written as openssh-key-v1 by OpenSSH 9.2. */
const FORMATS = ['RFC4716', 'PEM', 'PKCS8'] as const;
const ARMOUR: Record<(typeof FORMATS)[number], RegExp> = {
  RFC4716: /^-----BEGIN OPENSSH PRIVATE KEY-----/,
  PEM: /^-----BEGIN (RSA|EC) PRIVATE KEY-----/,
  PKCS8: /^-----BEGIN (ENCRYPTED )?PRIVATE KEY-----/,
};

interface KeyCase {
  label: string;
  text: string;
  passphrase?: string;
}

// Only when a peer or tool is missing outside CI (CI=true throws instead); the title says why.
describe.skipIf(!ready)('SSHClient logs in to OpenSSH with every key the real tools make', () => {
  const cases: KeyCase[] = [];
  const authorized: string[] = [];
  let peer: Peer;
  let tmp: Awaited<ReturnType<typeof tempDir>>;

  beforeAll(async () => {
    if (!keygen.available || !puttygen.available || !openssl.available) return;
    tmp = await tempDir('client-keys');
    const dir = tmp.dir;
    await Promise.all(
      TYPES.map(async ([name, args]) => {
        const base = join(dir, name);
        await run(keygen.path, ['-q', ...args, '-N', '', '-C', `sshts-${name}`, '-f', base]);
        authorized.push((await readFile(`${base}.pub`, 'utf8')).trim());
        for (const format of FORMATS) {
          if (name === 'ed25519' && format !== 'RFC4716') continue;
          for (const passphrase of ['', PASSPHRASE]) {
            const file = `${base}.${format}${passphrase ? '.enc' : ''}`;
            await writeFile(file, await readFile(base), { mode: 0o600 });
            await run(keygen.path, ['-q', '-p', '-f', file, '-m', format, '-P', '', '-N', passphrase]);
            const text = await readFile(file, 'utf8');
            expect(text).toMatch(ARMOUR[format]);
            cases.push({ label: `${name} ${format}${passphrase ? ' encrypted' : ''}`, text, passphrase });
          }
        }
      }),
    );
    // Ed25519 in PKCS#8 (RFC 8410) from openssl; its public half from openssl's SubjectPublicKeyInfo
    // (the last 32 bytes), encoded as an OpenSSH line here (RFC 8709 §4).
    const edPem = join(dir, 'ed25519-openssl.pem');
    await run(openssl.path, ['genpkey', '-algorithm', 'ed25519', '-out', edPem]);
    const spki = (
      await run(openssl.path, ['pkey', '-in', edPem, '-pubout', '-outform', 'DER'], { encoding: 'buffer' })
    ).stdout as Buffer;
    const raw = spki.subarray(spki.length - 32);
    const blob = Buffer.concat([u32(11), Buffer.from('ssh-ed25519'), u32(32), raw]);
    authorized.push(`ssh-ed25519 ${blob.toString('base64')} openssl-ed25519`);
    cases.push({ label: 'ed25519 PKCS8 (openssl)', text: await readFile(edPem, 'utf8') });
    const edEnc = join(dir, 'ed25519-openssl.enc.pem');
    await run(openssl.path, [
      'pkcs8',
      '-topk8',
      '-in',
      edPem,
      '-out',
      edEnc,
      '-v2',
      'aes-256-cbc',
      '-passout',
      `pass:${PASSPHRASE}`,
    ]);
    cases.push({
      label: 'ed25519 PKCS8 encrypted (openssl)',
      text: await readFile(edEnc, 'utf8'),
      passphrase: PASSPHRASE,
    });

    // PuTTY keys: v3 (puttygen 0.78's default) and v2, plain and with a passphrase.
    const passFile = join(dir, 'pass.txt');
    await writeFile(passFile, PASSPHRASE);
    // puttygen asks on the terminal unless given a passphrase file; an empty file means none.
    const emptyFile = join(dir, 'empty.txt');
    await writeFile(emptyFile, '');
    const putty: [string, string[]][] = [
      ['ed25519', ['-t', 'ed25519']],
      ['ecdsa256', ['-t', 'ecdsa', '-b', '256']],
      ['ecdsa384', ['-t', 'ecdsa', '-b', '384']],
      ['ecdsa521', ['-t', 'ecdsa', '-b', '521']],
      ['rsa2048', ['-t', 'rsa', '-b', '2048']],
    ];
    for (const [name, args] of putty) {
      for (const version of [3, 2]) {
        for (const passphrase of ['', PASSPHRASE]) {
          const file = join(dir, `putty-${name}-v${version}${passphrase ? '-enc' : ''}.ppk`);
          await run(puttygen.path, [
            ...args,
            '--random-device',
            '/dev/urandom',
            '-q',
            '-C',
            `putty-${name}`,
            ...(version === 2 ? ['--ppk-param', 'version=2'] : []),
            '--new-passphrase',
            passphrase ? passFile : emptyFile,
            '-o',
            file,
          ]);
          const pub = await run(puttygen.path, [
            file,
            '-L',
            ...(passphrase ? ['--old-passphrase', passFile] : []),
          ]);
          authorized.push(pub.stdout.trim());
          cases.push({
            label: `puttygen ${name} PPK v${version}${passphrase ? ' encrypted' : ''}`,
            text: await readFile(file, 'utf8'),
            passphrase: passphrase || undefined,
          });
        }
      }
    }
    peer = await startPeer('openssh', { authorizedKeys: authorized });
  }, 300_000);

  afterAll(async () => {
    await peer?.close();
    await tmp?.remove();
  });

  it('has a case for every type and format', () => {
    expect(cases.length).toBe(6 * 6 + 2 + 2 + 5 * 4);
  });

  it('logs in with each key', async () => {
    const failures: string[] = [];
    for (const c of cases) {
      const stream = await peerStream(peer);
      const client = new SSHClient({ knownHosts: KnownHosts.parse(knownHostsFor(peer)) });
      try {
        await client.connect({
          host: '127.0.0.1',
          username: peer.user,
          stream,
          privateKey: c.text,
          passphrase: c.passphrase,
          lookForKeys: false,
          agent: false,
          timeout: 30_000,
        });
        expect(client.transport.authenticated).toBe(true);
      } catch (error) {
        failures.push(`${c.label}: ${(error as Error).message}`);
      } finally {
        await client.close();
        await stream.close();
      }
    }
    expect(failures).toEqual([]);
  }, 300_000);

  it('a wrong passphrase is WrongPassphraseError, before any connection', async () => {
    for (const c of cases.filter((k) => k.passphrase)) {
      const client = new SSHClient({ policy: new AutoAddPolicy() });
      const stream = await peerStream(peer);
      await expect(
        client.connect({
          host: '127.0.0.1',
          username: peer.user,
          stream,
          privateKey: c.text,
          passphrase: 'not the passphrase',
          lookForKeys: false,
          agent: false,
          timeout: 30_000,
        }),
        c.label,
      ).rejects.toBeInstanceOf(WrongPassphraseError);
      await stream.close();
    }
  }, 300_000);
});

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}
