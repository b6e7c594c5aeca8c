// SSHClientCore, the minimal client of TARGETS.md item 6 (README "A minimal client"): imported from
// the browser entry, given only curve25519-sha256, ssh-ed25519 and chacha20-poly1305@openssh.com,
// it connects, checks the host key, authenticates and runs sessions — against our server over an
// in-memory stream (as in a browser: no socket) and against OpenSSH's sshd. Its refusals name what
// is missing, and SSHClient takes the same algorithm values.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generatePrivateKey, type PrivateKey, parsePrivateKey } from '@sshts/keys';
import { MemoryFileSystem, SFTPClient } from '@sshts/sftp';
import { type Peer, peerAvailability, startPeer, toolAvailability } from '@sshts/test-peers';
import { type ByteStream, decodeKexInit, type KexInit } from '@sshts/transport';
import { HostKeyError, NegotiationError } from '@sshts/wire';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  AutoAddPolicy,
  type CoreConnectOptions,
  curve25519Sha256,
  ed25519KeyType,
  KnownHosts,
  nobleChaChaProvider,
  SSHClientCore,
} from '../src/index.js';
import { SSHClient, SSHServer } from '../src/node/index.js';
import { peerStream, run, tempDir } from './client-helpers.js';

const USER = 'tester';
const PASSWORD = 'pw';

const MINIMAL = {
  crypto: nobleChaChaProvider,
  kexMethods: [curve25519Sha256],
  hostKeyTypes: [ed25519KeyType],
} satisfies Partial<CoreConnectOptions>;

const EXPECTED_NEGOTIATION = {
  kex: 'curve25519-sha256',
  hostKey: 'ssh-ed25519',
  cipher: ['chacha20-poly1305@openssh.com', 'chacha20-poly1305@openssh.com'],
};

/** Two ByteStreams joined back to back, as a socket's two ends. */
function streamPair(): [ByteStream, ByteStream] {
  const aToB = new TransformStream<Uint8Array, Uint8Array>();
  const bToA = new TransformStream<Uint8Array, Uint8Array>();
  return [
    { readable: bToA.readable, writable: aToB.writable },
    { readable: aToB.readable, writable: bToA.writable },
  ];
}

/** Our first KEXINIT, from the bytes we sent: the identification line, then an unencrypted packet. */
function firstKexInit(chunks: Uint8Array[]): KexInit {
  const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.length;
  }
  const start = bytes.indexOf(0x0a) + 1; // after "SSH-2.0-…\r\n"
  const view = new DataView(bytes.buffer, start);
  const packetLength = view.getUint32(0);
  const padding = bytes[start + 4]!;
  return decodeKexInit(bytes.subarray(start + 5, start + 4 + packetLength - padding));
}

let ed25519Host: PrivateKey;
let rsaHost: PrivateKey;
let userKey: PrivateKey;
beforeAll(async () => {
  [ed25519Host, rsaHost, userKey] = await Promise.all([
    generatePrivateKey('ed25519'),
    generatePrivateKey('rsa', { bits: 2048 }),
    generatePrivateKey('ed25519'),
  ]);
}, 60_000);

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close().catch(() => {})));
});

/** Our server on one end of a stream pair; returns the other end. */
function serve(hostKeys: PrivateKey[] = [ed25519Host]): ByteStream {
  const server = new SSHServer({
    hostKeys,
    auth: {
      password: (user, password) => user === USER && password === PASSWORD,
      publicKey: (user, key) => user === USER && key.equals(userKey.publicKey),
    },
    exec: async (command, session) => {
      await session.write(`ran ${command}\n`);
      await session.exit(0);
    },
  });
  closers.push(() => server.close());
  const [ours, theirs] = streamPair();
  void server.accept(theirs).catch(() => {});
  return ours;
}

function trusting(key: PrivateKey): SSHClientCore {
  const client = new SSHClientCore({ knownHosts: KnownHosts.parse(`memory ${key.publicKey.toString()}\n`) });
  closers.push(() => client.close());
  return client;
}

describe('SSHClientCore with curve25519, ed25519 and chacha20-poly1305 only', () => {
  it('connects over a stream, checks the host key, logs in with a password and runs a command', async () => {
    const client = trusting(ed25519Host);
    await client.connect({ host: 'memory', username: USER, password: PASSWORD, stream: serve(), ...MINIMAL });
    expect(client.transport.negotiated).toMatchObject(EXPECTED_NEGOTIATION);
    expect(await client.exec('it')).toMatchObject({ stdout: 'ran it\n', exitCode: 0 });
  });

  it('logs in with a parsed ed25519 key', async () => {
    const client = trusting(ed25519Host);
    await client.connect({
      host: 'memory',
      username: USER,
      privateKey: userKey,
      stream: serve(),
      ...MINIMAL,
    });
    expect((await client.exec('keyed')).stdout).toBe('ran keyed\n');
  });

  it('offers only those algorithms in its KEXINIT', async () => {
    const sent: Uint8Array[] = [];
    const stream = serve();
    const tap = new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        sent.push(chunk.slice());
        controller.enqueue(chunk);
      },
    });
    void tap.readable.pipeTo(stream.writable).catch(() => {});
    const client = trusting(ed25519Host);
    await client.connect({
      host: 'memory',
      username: USER,
      password: PASSWORD,
      stream: { readable: stream.readable, writable: tap.writable },
      ...MINIMAL,
    });
    const ours = firstKexInit(sent);
    expect(ours.kex.filter((k) => !k.includes('@openssh.com') && k !== 'ext-info-c')).toEqual([
      'curve25519-sha256',
    ]);
    expect(ours.hostKey).toEqual(['ssh-ed25519']);
    expect(ours.cipherClientToServer).toEqual(['chacha20-poly1305@openssh.com']);
    expect(ours.cipherServerToClient).toEqual(['chacha20-poly1305@openssh.com']);
  });

  it('a policy decides on an unknown host; AutoAddPolicy adds to the knownHosts given', async () => {
    const seen: string[] = [];
    const pinned = new SSHClientCore({
      policy: {
        missingHostKey(_client, host, key) {
          seen.push(`${host} ${key.fingerprint()}`);
        },
      },
    });
    closers.push(() => pinned.close());
    await pinned.connect({ host: 'memory', username: USER, password: PASSWORD, stream: serve(), ...MINIMAL });
    expect(seen).toEqual([`memory ${ed25519Host.publicKey.fingerprint()}`]);

    const knownHosts = KnownHosts.parse('');
    const adding = new SSHClientCore({ knownHosts, policy: new AutoAddPolicy() });
    closers.push(() => adding.close());
    await adding.connect({ host: 'memory', username: USER, password: PASSWORD, stream: serve(), ...MINIMAL });
    expect(knownHosts.lookup('memory').map((k) => k.fingerprint())).toEqual([
      ed25519Host.publicKey.fingerprint(),
    ]);
  });

  it('refuses an unknown host by default, and AutoAddPolicy with no knownHosts to add to', async () => {
    const rejecting = new SSHClientCore();
    closers.push(() => rejecting.close());
    await expect(
      rejecting.connect({ host: 'memory', username: USER, password: PASSWORD, stream: serve(), ...MINIMAL }),
    ).rejects.toMatchObject({ code: 'ERR_UNKNOWN_HOST_KEY' });

    const nowhere = new SSHClientCore({ policy: new AutoAddPolicy() });
    closers.push(() => nowhere.close());
    await expect(
      nowhere.connect({ host: 'memory', username: USER, password: PASSWORD, stream: serve(), ...MINIMAL }),
    ).rejects.toMatchObject({ code: 'ERR_NO_HOST_KEYS' });
  });

  it('a server with no ed25519 host key fails negotiation, naming both lists', async () => {
    const client = trusting(ed25519Host);
    const error = await client
      .connect({ host: 'memory', username: USER, password: PASSWORD, stream: serve([rsaHost]), ...MINIMAL })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NegotiationError);
    expect((error as NegotiationError).message).toContain('ssh-ed25519');
  });

  it('names what is missing: algorithms, a key given as text, X11 and agent forwarding', async () => {
    const client = trusting(ed25519Host);
    const login = { host: 'memory', username: USER, password: PASSWORD };
    // Each fails before anything is sent, so the stream goes nowhere.
    const idle = () => streamPair()[0];
    await expect(client.connect({ ...login, stream: idle() })).rejects.toMatchObject({
      code: 'ERR_NO_ALGORITHMS',
    });
    await expect(
      client.connect({ ...login, stream: idle(), ...MINIMAL, kexMethods: undefined }),
    ).rejects.toThrow(/kexMethods/);
    await expect(
      client.connect({ ...login, stream: idle(), ...MINIMAL, hostKeyTypes: undefined }),
    ).rejects.toThrow(/hostKeyTypes/);
    await expect(client.connect({ ...login, stream: idle(), ...MINIMAL, crypto: undefined })).rejects.toThrow(
      /crypto/,
    );
    await expect(
      // @ts-expect-error SSHClientCore takes parsed keys only
      client.connect({ ...login, privateKey: 'key text', stream: idle(), ...MINIMAL }),
    ).rejects.toMatchObject({ code: 'ERR_KEY_FORMAT' });

    await client.connect({ ...login, stream: serve(), ...MINIMAL });
    await expect(client.exec('x', { x11: true })).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED' });
    await expect(client.invokeShell({ agentForwarding: true })).rejects.toMatchObject({
      code: 'ERR_UNSUPPORTED',
    });
    expect((await client.exec('still fine')).stdout).toBe('ran still fine\n');
  });

  it('a host key of a type it was not given is a HostKeyError, not a crash', async () => {
    // The server may only send an ed25519 key here, so offer rsa-sha2-256 by name without the type.
    const client = trusting(ed25519Host);
    const error = await client
      .connect({
        host: 'memory',
        username: USER,
        password: PASSWORD,
        stream: serve([rsaHost]),
        ...MINIMAL,
        algorithms: { hostKey: ['rsa-sha2-256'] },
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HostKeyError);
  });
});

describe('SFTP on SSHClientCore', () => {
  it('SFTPClient.fromTransport(client.transport) works as on SSHClient', async () => {
    const files = new MemoryFileSystem();
    files.writeFile('/hello.txt', 'from memory\n');
    const server = new SSHServer({
      hostKeys: [ed25519Host],
      auth: { password: (user, password) => user === USER && password === PASSWORD },
      sftp: files,
    });
    closers.push(() => server.close());
    const [ours, theirs] = streamPair();
    void server.accept(theirs).catch(() => {});
    const client = trusting(ed25519Host);
    await client.connect({ host: 'memory', username: USER, password: PASSWORD, stream: ours, ...MINIMAL });
    const sftp = await SFTPClient.fromTransport(client.transport);
    expect(new TextDecoder().decode(await sftp.readFile('/hello.txt'))).toBe('from memory\n');
    await sftp.close();
  });
});

describe('SSHClient takes the same algorithm values', () => {
  it('kexMethods, hostKeyTypes and crypto narrow what SSHClient offers', async () => {
    const client = new SSHClient({
      knownHosts: KnownHosts.parse(`memory ${ed25519Host.publicKey.toString()}\n`),
    });
    closers.push(() => client.close());
    await client.connect({
      host: 'memory',
      username: USER,
      password: PASSWORD,
      stream: serve([rsaHost, ed25519Host]),
      lookForKeys: false,
      agent: false,
      ...MINIMAL,
    });
    expect(client.transport.negotiated).toMatchObject(EXPECTED_NEGOTIATION);
  });
});

const openssh = await peerAvailability('openssh');
const keygen = await toolAvailability('ssh-keygen');

describe.skipIf(!openssh.available || !keygen.available)('SSHClientCore against OpenSSH sshd', () => {
  let peer: Peer;
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let key: PrivateKey;

  beforeAll(async () => {
    tmp = await tempDir('client-core');
    const path = join(tmp.dir, 'id_ed25519');
    await run(keygen.available ? keygen.path : '', ['-q', '-t', 'ed25519', '-N', '', '-f', path]);
    key = parsePrivateKey(await readFile(path, 'utf8'));
    peer = await startPeer('openssh', { authorizedKeys: [key.publicKey.toString()] });
  }, 120_000);
  afterAll(async () => {
    await peer?.close();
    await tmp?.remove();
  });

  it('connects with only curve25519, ed25519 and chacha20-poly1305 and runs a command', async () => {
    const ed25519 = peer.hostKeys.find((k) => k.type === 'ssh-ed25519');
    expect(ed25519).toBeDefined();
    const client = new SSHClientCore({ knownHosts: KnownHosts.parse(`127.0.0.1 ${ed25519!.publicKey}\n`) });
    closers.push(() => client.close());
    const stream = await peerStream(peer);
    closers.push(() => stream.close());
    await client.connect({ host: '127.0.0.1', username: peer.user, privateKey: key, stream, ...MINIMAL });
    expect(client.transport.negotiated).toMatchObject(EXPECTED_NEGOTIATION);
    expect(await client.exec('echo minimal')).toMatchObject({ stdout: 'minimal\n', exitCode: 0 });
  });
});
