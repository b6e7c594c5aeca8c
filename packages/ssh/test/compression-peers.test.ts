// zlib@openssh.com end to end (opt-in: `compression: [zlibOpenSSH]` from sshts/zlib):
// - our client ↔ our server over an in-memory pipe: 8 MiB of zeros through `cat` both ways with
//   a rekey in the middle, and the pipe carries a small fraction of that;
// - our client → OpenSSH sshd (`Compression yes`, and `RekeyLimit` so sshd rekeys many times while
//   compressible text flows both ways, plus rekeys of ours): negotiated, intact, fewer socket bytes;
// - OpenSSH `ssh -C` → our server: negotiated (the server's log and ssh -v), ssh's own compression
//   statistics, and `RekeyLimit` rekeys in both directions with the data checked;
// - our client → Dropbear and AsyncSSH servers (both offer zlib@openssh.com by default), and
//   paramiko / AsyncSSH clients (asked to compress) → our server.
// Every stream starts afresh after each NEWKEYS (RFC 4253 §6.2, OpenSSH packet.c ssh_set_newkeys),
// which only the rekeys against real OpenSSH can prove. Under CI=true a missing peer fails.
import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';
import { generatePrivateKey } from '@sshts/keys';
import { type Peer, peerAvailability, startPeer, toolAvailability } from '@sshts/test-peers';
import { nodeStreamsToByteStream } from '@sshts/transport/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AutoAddPolicy, type ByteStream, SSHClient, SSHServer, Transport } from '../src/node/index.js';
import { zlib, zlibOpenSSH } from '../src/zlib.js';
import { noneAuthMethods } from './peer-client.js';
import {
  describeRun,
  missingReason,
  opensshOptions,
  pythonWith,
  runClient,
  type ServerFixture,
  startPythonClient,
  startServer,
} from './server-helpers.js';
import { execWithInput } from './test-channel.js';

const MiB = 1024 * 1024;

/** A ByteStream whose bytes are counted in each direction. */
function counted(stream: ByteStream, counts: { in: number; out: number }): ByteStream {
  const inCount = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, c) {
      counts.in += chunk.length;
      c.enqueue(chunk);
    },
  });
  const outCount = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, c) {
      counts.out += chunk.length;
      c.enqueue(chunk);
    },
  });
  void stream.readable.pipeTo(inCount.writable).catch(() => {});
  void outCount.readable.pipeTo(stream.writable).catch(() => {});
  return { readable: inCount.readable, writable: outCount.writable };
}

/** Text that compresses well but not absurdly (about 5:1 with zlib): numbered lines. */
function textAt(offset: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    const at = offset + i;
    const line = Math.floor(at / 32);
    const col = at % 32;
    const s = `line ${String(line).padStart(10, '0')} of the log\n`; // 32 bytes
    out[i] = s.charCodeAt(col);
  }
  return out;
}

function sha256(chunks: Uint8Array[] | Uint8Array): string {
  const h = createHash('sha256');
  for (const c of Array.isArray(chunks) ? chunks : [chunks]) h.update(c);
  return h.digest('hex');
}

describe('our client ↔ our server with zlib@openssh.com', () => {
  const USER = 'zlib-user';
  const PASSWORD = 'zlib-password';
  let server: SSHServer;
  beforeAll(async () => {
    server = new SSHServer({
      hostKeys: [await generatePrivateKey('ed25519')],
      auth: { password: (user, password) => user === USER && password === PASSWORD },
      compression: [zlibOpenSSH],
      exec: async (_command, session) => {
        for await (const chunk of session.stdin) await session.write(chunk);
        await session.exit(0);
      },
    });
  });
  afterAll(() => server.close());

  async function connect(compression = [zlibOpenSSH]) {
    const a = new TransformStream<Uint8Array, Uint8Array>();
    const b = new TransformStream<Uint8Array, Uint8Array>();
    void server.accept({ readable: b.readable, writable: a.writable }).catch(() => {});
    const counts = { in: 0, out: 0 };
    const client = new SSHClient({ policy: new AutoAddPolicy() });
    await client.connect({
      host: 'memory',
      username: USER,
      password: PASSWORD,
      lookForKeys: false,
      agent: false,
      compression,
      stream: counted({ readable: a.readable, writable: b.writable }, counts),
    });
    return { client, counts };
  }

  it('8 MiB of zeros through cat, rekeyed halfway: intact, and a small fraction on the wire', async () => {
    const { client, counts } = await connect();
    try {
      expect(client.transport.negotiated.compression).toEqual(['zlib@openssh.com', 'zlib@openssh.com']);
      const cat = await client.execCommand('cat');
      const zeros = new Uint8Array(256 * 1024);
      const [stdout] = await Promise.all([
        cat.stdout.bytes(),
        (async () => {
          for (let sent = 0; sent < 8 * MiB; sent += zeros.length) {
            if (sent === 4 * MiB) await client.transport.rekey();
            await cat.stdin.write(zeros);
          }
          await cat.stdin.end();
        })(),
      ]);
      expect(stdout.length).toBe(8 * MiB);
      expect(stdout.every((b) => b === 0)).toBe(true);
      expect((await cat.wait()).exitCode).toBe(0);
      expect(client.transport.connection.kexCount).toBe(2);
      // Both directions carried 8 MiB of payload; the pipe saw well under 1% of that each way.
      expect(counts.out).toBeLessThan(MiB / 8);
      expect(counts.in).toBeLessThan(MiB / 8);
    } finally {
      await client.close();
    }
  }, 60_000);

  it('a client without compression negotiates none with the same server', async () => {
    const { client } = await connect([]);
    try {
      expect(client.transport.negotiated.compression).toEqual(['none', 'none']);
      expect((await client.exec('x', { stdin: 'hello' })).stdout).toBe('hello');
    } finally {
      await client.close();
    }
  });

  it('plain zlib, asked for by the client alone, is refused by a server offering zlib@openssh.com only', async () => {
    const { client } = await connect([zlib]);
    try {
      expect(client.transport.negotiated.compression).toEqual(['none', 'none']);
    } finally {
      await client.close();
    }
  });
});

/** Our Transport to a real peer's server over its stdio, counting the bytes each way. */
async function countedTransport(peer: Peer) {
  const connection = await peer.connect();
  const counts = { in: 0, out: 0 };
  const counter = (key: 'in' | 'out') =>
    new Transform({
      transform(chunk: Buffer, _enc, done) {
        counts[key] += chunk.length;
        done(null, chunk);
      },
    });
  const input = connection.input.pipe(counter('in'));
  const output = counter('out');
  output.pipe(connection.output);
  const known = new Set(peer.hostKeys.map((k) => k.fingerprint));
  const transport = new Transport(nodeStreamsToByteStream(input, output), {
    timeout: 60_000,
    compression: [zlibOpenSSH],
    algorithms: { kex: ['curve25519-sha256'] }, // quick rekeys
  });
  await transport.startClient({ verifyHostKey: (k) => known.has(k.fingerprint()) });
  return {
    transport,
    counts,
    close: async () => {
      await transport.close().catch(() => {});
      await connection.close();
    },
  };
}

describe('our client → OpenSSH sshd (Compression yes)', async () => {
  const availability = await peerAvailability('openssh');
  if (!availability.available) {
    // Only outside CI (under CI=true peerAvailability throws instead); the title says why.
    it.skip(`openssh: ${availability.reason}`, () => {});
    return;
  }
  const key = await generatePrivateKey('ed25519');
  let peer: Peer;
  beforeAll(async () => {
    peer = await startPeer('openssh', {
      authorizedKeys: [key.publicKey.toString()],
      sshdConfig: ['Compression yes'],
      rekeyLimit: '256K',
    });
  }, 120_000);
  afterAll(() => peer?.close());

  it('negotiates zlib@openssh.com; 4 MiB of text through cat across sshd’s and our rekeys, intact, ~5× fewer bytes', async () => {
    const { transport, counts, close } = await countedTransport(peer);
    try {
      await noneAuthMethods(transport, peer.user).catch(() => []);
      await transport.authPublicKey(peer.user, key);
      expect(transport.negotiated.compression).toEqual(['zlib@openssh.com', 'zlib@openssh.com']);
      const total = 4 * MiB;
      const conn = transport.connection;
      const result = await execWithInput(transport, 'cat', total, textAt, async (sent) => {
        if (sent % MiB === 0) await transport.rekey(); // ours, besides sshd's RekeyLimit ones
      });
      expect(result.exitStatus).toBe(0);
      expect(sha256(result.stdout)).toBe(sha256(textAt(0, total)));
      // sshd's RekeyLimit (wire bytes since NEWKEYS + the next packet's raw size) and our four.
      expect(conn.kexCount).toBeGreaterThanOrEqual(6);
      expect(conn.peerInitiatedKexCount).toBeGreaterThanOrEqual(1);
      expect(counts.out).toBeLessThan(total / 3);
      expect(counts.in).toBeLessThan(total / 3);
      expect(peer.log()).toMatch(/zlib@openssh\.com/);
    } catch (error) {
      throw new Error(`${(error as Error).message}\n--- sshd log ---\n${peer.log().slice(-3000)}`, {
        cause: error,
      });
    } finally {
      await close();
    }
  }, 120_000);
});

for (const name of ['dropbear', 'asyncssh'] as const) {
  describe(`our client → ${name} server`, async () => {
    const availability = await peerAvailability(name);
    if (!availability.available) {
      it.skip(`${name}: ${availability.reason}`, () => {});
      return;
    }
    const key = await generatePrivateKey('ed25519');
    let peer: Peer;
    beforeAll(async () => {
      peer = await startPeer(name, { authorizedKeys: [key.publicKey.toString()] });
    }, 120_000);
    afterAll(() => peer?.close());

    it('negotiates zlib@openssh.com; 2 MiB of text through cat across a rekey, intact, fewer bytes', async () => {
      const { transport, counts, close } = await countedTransport(peer);
      try {
        await transport.authPublicKey(peer.user, key);
        expect(transport.negotiated.compression).toEqual(['zlib@openssh.com', 'zlib@openssh.com']);
        const total = 2 * MiB;
        const result = await execWithInput(transport, 'cat', total, textAt, async (sent) => {
          if (sent === MiB) await transport.rekey();
        });
        expect(sha256(result.stdout)).toBe(sha256(textAt(0, total)));
        expect(transport.connection.kexCount).toBe(2);
        expect(counts.out).toBeLessThan(total / 3);
        expect(counts.in).toBeLessThan(total / 3);
      } catch (error) {
        throw new Error(`${(error as Error).message}\n--- ${name} log ---\n${peer.log().slice(-3000)}`, {
          cause: error,
        });
      } finally {
        await close();
      }
    }, 60_000);
  });
}

describe('OpenSSH ssh -C → our server (zlib@openssh.com, and plain zlib)', async () => {
  const ssh = await toolAvailability('ssh');
  if (!ssh.available) {
    it.skip(`ssh: ${ssh.reason}`, () => {});
    return;
  }
  let fx: ServerFixture;
  let plain: ServerFixture;
  beforeAll(async () => {
    fx = await startServer({ server: { compression: [zlibOpenSSH] } });
    plain = await startServer({ server: { compression: [zlib] } });
  }, 60_000);
  afterAll(async () => {
    await fx?.close();
    await plain?.close();
  });

  /** ssh -C -v, rekeying every `rekey` bytes; returns the run. */
  const sshRun = (f: ServerFixture, command: string, input?: Uint8Array, rekey = '1M') =>
    runClient(
      ssh.path,
      // curve25519 for quick rekeys. ssh rekeys when the bytes on the wire since the last NEWKEYS
      // plus the next packet's uncompressed size pass the limit (packet.c ssh_packet_need_rekeying).
      [
        '-C',
        '-v',
        ...opensshOptions(f),
        '-o',
        'KexAlgorithms=curve25519-sha256',
        '-o',
        `RekeyLimit=${rekey}`,
        '127.0.0.1',
        command,
      ],
      { env: f.env(), input, timeoutMs: 60_000 },
    );

  /**
   * ssh -v's closing statistics: "compress outgoing: raw data N, compressed M, factor F" — of the
   * last stream only, as ssh restarts its zlib streams with every NEWKEYS (packet.c).
   */
  const stats = (stderr: string, way: 'outgoing' | 'incoming') => {
    const m = new RegExp(`compress ${way}: raw data (\\d+), compressed (\\d+)`).exec(stderr);
    return m ? { raw: Number(m[1]), compressed: Number(m[2]) } : undefined;
  };

  it('server → client: 4 MB of `seq` output across ssh’s RekeyLimit rekeys, intact and compressed', async () => {
    const r = await sshRun(fx, 'seq 1 600000');
    expect(r.code, describeRun(r)).toBe(0);
    let expected = '';
    for (let i = 1; i <= 600000; i++) expected += `${i}\n`;
    expect(r.stdout === expected, 'seq output intact').toBe(true);
    const record = fx.lastConnection();
    expect(record.negotiated[0]!.compression).toEqual(['zlib@openssh.com', 'zlib@openssh.com']);
    expect(record.negotiated.length, 'rekeys').toBeGreaterThan(1);
    expect(r.stderr).toMatch(/compression: zlib@openssh\.com/);
    const incoming = stats(r.stderr, 'incoming');
    expect(incoming, r.stderr.slice(-2000)).toBeDefined();
    expect(incoming!.raw).toBeGreaterThan(10_000);
    expect(incoming!.compressed).toBeLessThan(incoming!.raw / 2);
  }, 60_000);

  it('client → server: 4 MiB of text on stdin across rekeys, hashed on our side, intact and compressed', async () => {
    const data = textAt(0, 4 * MiB);
    const r = await sshRun(fx, 'sha256sum', data, '256K');
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout.split(/\s/)[0]).toBe(sha256(data));
    expect(fx.lastConnection().negotiated.length, 'rekeys').toBeGreaterThan(2);
    expect(fx.lastConnection().negotiated.every((n) => n.compression[0] === 'zlib@openssh.com')).toBe(true);
    const outgoing = stats(r.stderr, 'outgoing');
    expect(outgoing, r.stderr.slice(-2000)).toBeDefined();
    expect(outgoing!.raw).toBeGreaterThan(10_000);
    expect(outgoing!.compressed).toBeLessThan(outgoing!.raw / 3);
  }, 60_000);

  it('plain zlib (RFC 4253 §6.2, from the first NEWKEYS) with ssh -C, which offers it second', async () => {
    const r = await sshRun(plain, 'seq 1 20000', undefined, 'default none');
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout.endsWith('19999\n20000\n')).toBe(true);
    expect(plain.lastConnection().negotiated[0]!.compression).toEqual(['zlib', 'zlib']);
    expect(stats(r.stderr, 'incoming')!.compressed).toBeLessThan(stats(r.stderr, 'incoming')!.raw);
  }, 60_000);
});

for (const lib of ['paramiko', 'asyncssh'] as const) {
  describe(`${lib} client (compressing) → our server`, async () => {
    const python = await pythonWith(lib);
    if (!python) {
      it.skip(`${lib}: ${await missingReason(lib)}`, () => {});
      return;
    }
    let fx: ServerFixture;
    beforeAll(async () => {
      fx = await startServer({ server: { compression: [zlibOpenSSH] } });
    }, 60_000);
    afterAll(() => fx?.close());

    it('negotiates zlib@openssh.com; stdin and stdout intact', async () => {
      const client = await startPythonClient(python, lib, fx);
      try {
        const input = 'compressible line of input\n'.repeat(20_000);
        const reply = await client.request({
          op: 'exec',
          command: 'wc -c; seq 1 50000 | tail -n 1',
          stdin: input,
          compress: true,
        });
        expect(reply.ok, `${reply.error}\n${reply.trace ?? ''}\n${client.stderr.slice(-1500)}`).toBe(true);
        expect(reply.stdout.split(/\s+/).filter(Boolean)).toEqual([String(input.length), '50000']);
        expect(fx.lastConnection().negotiated[0]!.compression).toEqual([
          'zlib@openssh.com',
          'zlib@openssh.com',
        ]);
      } finally {
        await client.close();
      }
    }, 60_000);
  });
}
