// The client conformance matrix (TARGETS.md): our client against real servers, for every kex,
// host-key, cipher and MAC algorithm both sides support — one slot narrowed to one algorithm at a
// time, the rest default — with both crypto providers. Each cell verifies the host key, reads the
// method list from a `none` attempt, logs in with an ed25519 key and streams 1 MiB through
// `cat; echo err >&2; exit 3` with a rekey forced halfway: stdout byte-exact, stderr and the exit
// status checked (conformance-session.ts).
// The matrix is printed at the end.
import { kexMethods } from '@sshts/kex';
import { generatePrivateKey, keyTypeForAlgorithm, type PrivateKey, publicKeyAlgorithms } from '@sshts/keys';
import { type HostKeyType, type Peer, type PeerName, peerAvailability, startPeer } from '@sshts/test-peers';
import { nobleProvider } from '@sshts/transport';
import { nodeProvider } from '@sshts/transport/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SessionReport, sessionChecks } from './conformance-session.js';
import { type HandshakeReport, handshakeWith } from './peer-client.js';

const PEERS: PeerName[] = ['openssh', 'dropbear', 'tinysshd', 'paramiko', 'asyncssh'];
type Slot = 'kex' | 'hostKey' | 'cipher' | 'mac';

const ours: Record<Slot, string[]> = {
  kex: kexMethods.map((m) => m.name),
  hostKey: [...publicKeyAlgorithms, 'ssh-rsa'],
  cipher: nobleProvider.ciphers.map((c) => c.name),
  mac: nobleProvider.macs.map((m) => m.name),
};

/** The harness's key type for a host-key algorithm. */
const KEY_TYPE: Record<string, HostKeyType> = {
  'ssh-ed25519': 'ed25519',
  'ecdsa-sha2-nistp256': 'ecdsa256',
  'ecdsa-sha2-nistp384': 'ecdsa384',
  'ecdsa-sha2-nistp521': 'ecdsa521',
  'rsa-sha2-512': 'rsa',
  'rsa-sha2-256': 'rsa',
  'ssh-rsa': 'rsa',
};

const matrix: string[] = [];
afterAll(() => {
  if (matrix.length > 0)
    console.log(
      `\nconformance matrix (our client × peer; handshake, auth, exec, cat + rekey):\n${matrix.join('\n')}\n`,
    );
});

const user = { key: undefined as PrivateKey | undefined };
beforeAll(async () => {
  user.key = await generatePrivateKey('ed25519');
});

/** The session part of a cell; a failure names the peer and carries its log. */
async function checkSession(peer: Peer, report: HandshakeReport): Promise<SessionReport> {
  try {
    const result = await sessionChecks(report.transport, peer.user, user.key!);
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toBe('err\n');
    expect(result.rekeys).toBeGreaterThanOrEqual(1);
    return result;
  } catch (error) {
    throw new Error(`${(error as Error).message}\n--- ${peer.name} log ---\n${peer.log().slice(-3000)}`, {
      cause: error,
    });
  }
}

for (const name of PEERS) {
  describe(`our client × ${name}`, async () => {
    const availability = await peerAvailability(name);
    if (!availability.available) {
      // Only when the peer is missing outside CI (under CI=true peerAvailability throws instead); the title says why.
      it.skip(`${name}: ${availability.reason}`, () => {});
      return;
    }
    let peer: Peer;
    beforeAll(async () => {
      // Enable everything the peer can do (OpenSSH 9.2 disables ssh-rsa, group14-sha1… by default).
      const probe = await startPeer(name);
      const supported = probe.supported;
      await probe.close();
      peer = await startPeer(name, {
        algorithms: supported,
        authorizedKeys: [user.key!.publicKey.toString()],
      });
    }, 120_000);
    afterAll(async () => {
      await peer?.close();
    });

    it('completes the default handshake, lists auth methods, logs in, runs exec and cat with a rekey', async () => {
      const report = await handshakeWith(peer);
      expect(report.transport.remoteVersion).toMatch(/^SSH-2\.0-/);
      expect(report.authMethods.length).toBeGreaterThan(0);
      expect(report.authMethods).not.toContain('none');
      await checkSession(peer, report);
      matrix.push(
        `${name.padEnd(9)} default   ${JSON.stringify(report.transport.negotiated)} strict=${report.transport.connection.strictKex} methods=${report.authMethods.join(',')}`,
      );
      await report.close();
    });

    for (const slot of ['kex', 'hostKey', 'cipher', 'mac'] as Slot[]) {
      it(`every ${slot} algorithm both sides support`, async () => {
        const keyTypes = new Set(peer.hostKeys.map((k) => k.type));
        const common = ours[slot].filter((a) => peer.supported[slot].includes(a));
        const streamCiphers = ours.cipher.filter(
          (c) => c.endsWith('-ctr') && peer.supported.cipher.includes(c),
        );
        if (slot === 'mac' && streamCiphers.length === 0) {
          // AEAD ciphers only (tinysshd): no MAC is ever negotiated with this peer.
          matrix.push(`${name.padEnd(9)} mac       n/a: the peer has AEAD ciphers only`);
          return;
        }
        expect(common.length, `no common ${slot}`).toBeGreaterThan(0);
        const done: string[] = [];
        for (const algorithm of common) {
          // An ETM/non-ETM MAC only matters with a non-AEAD cipher: pin one for MAC runs.
          const algorithms =
            slot === 'mac'
              ? {
                  mac: [algorithm],
                  cipher: ours.cipher.filter((c) => c.endsWith('-ctr') && peer.supported.cipher.includes(c)),
                }
              : { [slot]: [algorithm] };
          // A host-key algorithm needs a key of its type: Dropbear holds at most four host keys, so
          // a type its default instance lacks (ecdsa-sha2-nistp384) gets an instance of its own.
          const needsOwnInstance = slot === 'hostKey' && !keyTypes.has(keyTypeForAlgorithm(algorithm) ?? '');
          const target = needsOwnInstance
            ? await startPeer(name, {
                algorithms: peer.supported,
                hostKeyTypes: [KEY_TYPE[algorithm]!],
                authorizedKeys: [user.key!.publicKey.toString()],
              })
            : peer;
          for (const provider of [nobleProvider, nodeProvider]) {
            const report = await handshakeWith(target, { algorithms, crypto: provider });
            const n = report.transport.negotiated;
            const got = slot === 'cipher' ? n.cipher[0] : slot === 'mac' ? n.mac[0] : n[slot];
            expect(got).toBe(algorithm);
            expect(report.authMethods.length).toBeGreaterThan(0);
            await checkSession(target, report);
            await report.close();
          }
          if (target !== peer) await target.close();
          done.push(algorithm);
        }
        matrix.push(`${name.padEnd(9)} ${slot.padEnd(9)} ${done.join(', ')}`);
      }, 600_000);
    }
  });
}
