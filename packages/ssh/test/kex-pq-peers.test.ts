// Issue 10: the hybrid post-quantum key exchanges with real peers. Our client completes
// sntrup761x25519-sha512@openssh.com with OpenSSH 9.2's sshd and tinysshd 20230101 (handshake,
// publickey, exec, 1 MiB through cat with a rekey under the same method); OpenSSH's ssh and PuTTY's
// plink 0.78 complete it against our server (restricted to that one method, so nothing can fall
// back), with a rekey for ssh; mlkem768x25519-sha256 (which neither Debian 12 peer has) between our
// client and our server over TCP, with exec and a rekey. Debian 12's OpenSSH 9.2 knows both names
// of sntrup761x25519 (`ssh -Q kex`), tinysshd and PuTTY only the @openssh.com one; every name a
// peer lists is run.
import { createHash, randomBytes } from 'node:crypto';
import { generatePrivateKey, type PrivateKey } from '@sshts/keys';
import { type Peer, type PeerName, peerAvailability, startPeer, toolAvailability } from '@sshts/test-peers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KnownHosts, SSHClient } from '../src/node/index.js';
import { sessionChecks } from './conformance-session.js';
import { handshakeWith } from './peer-client.js';
import {
  describeRun,
  opensshOptions,
  PASSWORD,
  runClient,
  type ServerFixture,
  startServer,
  tool,
  USER,
} from './server-helpers.js';

const SNTRUP = 'sntrup761x25519-sha512@openssh.com';
const SNTRUP_RFC = 'sntrup761x25519-sha512';
const MLKEM = 'mlkem768x25519-sha256';

const user = { key: undefined as PrivateKey | undefined };
beforeAll(async () => {
  user.key = await generatePrivateKey('ed25519');
});

for (const name of ['openssh', 'tinysshd'] as PeerName[]) {
  describe(`our client × ${name}: sntrup761x25519`, async () => {
    const availability = await peerAvailability(name);
    if (!availability.available) {
      it.skip(`${name}: ${availability.reason}`, () => {});
      return;
    }
    let peer: Peer;
    beforeAll(async () => {
      // tinysshd cannot drop curve25519 (test-peers tinysshd.ts); our client pins the method anyway.
      peer = await startPeer(name, {
        algorithms: { kex: name === 'openssh' ? [SNTRUP, SNTRUP_RFC] : [SNTRUP] },
        authorizedKeys: [user.key!.publicKey.toString()],
      });
    }, 120_000);
    afterAll(async () => {
      await peer?.close();
    });

    it('handshake, exec and cat with a rekey, all under sntrup761x25519 (each name the peer lists)', async () => {
      expect(peer.supported.kex).toContain(SNTRUP);
      const names = [SNTRUP, SNTRUP_RFC].filter((k) => peer.supported.kex.includes(k));
      if (name === 'openssh') expect(names).toEqual([SNTRUP, SNTRUP_RFC]);
      for (const kex of names) {
        const report = await handshakeWith(peer, { algorithms: { kex: [kex] } });
        try {
          expect(report.transport.negotiated.kex).toBe(kex);
          const result = await sessionChecks(report.transport, peer.user, user.key!);
          expect(result.exitCode).toBe(3);
          expect(result.stderr).toBe('err\n');
          expect(result.rekeys).toBeGreaterThanOrEqual(1);
          expect(report.transport.negotiated.kex).toBe(kex);
        } catch (error) {
          throw new Error(
            `${kex}: ${(error as Error).message}\n--- ${name} log ---\n${peer.log().slice(-3000)}`,
            {
              cause: error,
            },
          );
        } finally {
          await report.close();
        }
      }
    }, 120_000);

    if (name === 'openssh') {
      it('our default kex list negotiates sntrup761x25519-sha512 with OpenSSH 9.2 (no ML-KEM there)', async () => {
        const report = await handshakeWith(peer);
        expect(report.transport.negotiated.kex).toBe(SNTRUP_RFC);
        await report.close();
      });
    }
  });
}

describe('real clients × our server: sntrup761x25519', async () => {
  const ssh = await toolAvailability('ssh');
  const plink = await tool('plink');
  let fx: ServerFixture;
  beforeAll(async () => {
    fx = await startServer({ server: { algorithms: { kex: [SNTRUP, SNTRUP_RFC] } } });
  }, 60_000);
  afterAll(async () => {
    await fx?.close();
  });

  it.skipIf(!ssh.available)(
    `OpenSSH ssh: ${SNTRUP}, exec with 1 MiB of stdin and rekeys every 256 KiB`,
    async () => {
      if (!ssh.available) return;
      const data = randomBytes(1 << 20);
      const r = await runClient(
        ssh.path,
        [
          ...opensshOptions(fx),
          '-o',
          `KexAlgorithms=${SNTRUP}`,
          '-o',
          'RekeyLimit=256K',
          '127.0.0.1',
          'sha256sum; exit 5',
        ],
        { env: fx.env(), input: data },
      );
      expect(r.code, describeRun(r)).toBe(5);
      expect(r.stdout.split(/\s+/)[0]).toBe(sha256Hex(data));
      const kexes = fx.lastConnection().negotiated.map((n) => n.kex);
      expect(kexes[0]).toBe(SNTRUP);
      expect(kexes.length, 'ssh rekeyed').toBeGreaterThan(1);
      expect(new Set(kexes)).toEqual(new Set([SNTRUP]));
    },
    120_000,
  );

  it.skipIf(!ssh.available)(
    `OpenSSH ssh: the RFC 9941 name ${SNTRUP_RFC}, exec`,
    async () => {
      if (!ssh.available) return;
      const r = await runClient(
        ssh.path,
        [...opensshOptions(fx), '-o', `KexAlgorithms=${SNTRUP_RFC}`, '127.0.0.1', 'echo rfc; exit 6'],
        { env: fx.env() },
      );
      expect(r.code, describeRun(r)).toBe(6);
      expect(r.stdout).toBe('rfc\n');
      expect(fx.lastConnection().negotiated[0]?.kex).toBe(SNTRUP_RFC);
    },
    60_000,
  );

  it.skipIf(!plink)(
    `PuTTY plink 0.78: ${SNTRUP}, exec`,
    async () => {
      if (!plink) return;
      const hostKeys = Object.values(fx.hostKeys).flatMap((k) => ['-hostkey', k.publicKey.fingerprint()]);
      const r = await runClient(
        plink,
        [
          '-batch',
          '-ssh',
          '-noagent',
          '-P',
          String(fx.port),
          ...hostKeys,
          '-i',
          fx.userKeyPpk,
          `${USER}@127.0.0.1`,
          'echo plink-pq; exit 4',
        ],
        { env: fx.env() },
      );
      expect(r.code, describeRun(r)).toBe(4);
      expect(r.stdout).toBe('plink-pq\n');
      expect(fx.lastConnection().remote).toBe('SSH-2.0-PuTTY_Release_0.78');
      expect(fx.lastConnection().negotiated[0]?.kex).toBe(SNTRUP);
    },
    120_000,
  );

  it('our client: the RFC 9941 name sntrup761x25519-sha512, exec and a rekey', async () => {
    const c = new SSHClient({ knownHosts: knownHostsOf(fx) });
    try {
      await c.connect({ ...loginTo(fx), algorithms: { kex: [SNTRUP_RFC] } });
      expect(c.transport.negotiated.kex).toBe(SNTRUP_RFC);
      expect(await c.exec('echo rfc-name')).toMatchObject({ stdout: 'rfc-name\n', exitCode: 0 });
      await c.transport.rekey();
      expect(await c.exec('echo after-rekey')).toMatchObject({ stdout: 'after-rekey\n', exitCode: 0 });
      expect(fx.lastConnection().negotiated.map((n) => n.kex)).toEqual([SNTRUP_RFC, SNTRUP_RFC]);
    } finally {
      await c.close();
    }
  }, 60_000);
});

describe(`our client × our server: ${MLKEM}`, () => {
  let fx: ServerFixture;
  beforeAll(async () => {
    fx = await startServer({ server: { algorithms: { kex: [MLKEM] } } });
  }, 60_000);
  afterAll(async () => {
    await fx?.close();
  });

  it('handshake over TCP, exec, a rekey, exec again', async () => {
    const c = new SSHClient({ knownHosts: knownHostsOf(fx) });
    try {
      await c.connect({ ...loginTo(fx), algorithms: { kex: [MLKEM] } });
      expect(c.transport.negotiated.kex).toBe(MLKEM);
      expect(await c.exec('echo mlkem; exit 2')).toMatchObject({ stdout: 'mlkem\n', exitCode: 2 });
      await c.transport.rekey();
      expect(await c.exec('echo again')).toMatchObject({ stdout: 'again\n', exitCode: 0 });
      expect(fx.lastConnection().negotiated.map((n) => n.kex)).toEqual([MLKEM, MLKEM]);
    } finally {
      await c.close();
    }
  }, 60_000);

  it('with both defaults, our client and our server pick mlkem768x25519-sha256', async () => {
    const open = await startServer();
    const c = new SSHClient({ knownHosts: knownHostsOf(open) });
    try {
      await c.connect(loginTo(open));
      expect(c.transport.negotiated.kex).toBe(MLKEM);
    } finally {
      await c.close();
      await open.close();
    }
  }, 60_000);
});

function knownHostsOf(fx: ServerFixture): KnownHosts {
  return KnownHosts.parse(
    Object.values(fx.hostKeys)
      .map((k) => `[127.0.0.1]:${fx.port} ${k.publicKey.toString()}\n`)
      .join(''),
  );
}

function loginTo(fx: ServerFixture) {
  return {
    host: '127.0.0.1',
    port: fx.port,
    username: USER,
    password: PASSWORD,
    lookForKeys: false,
    agent: false as const,
  };
}

function sha256Hex(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
