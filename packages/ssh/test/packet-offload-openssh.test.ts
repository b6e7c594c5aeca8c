// Incoming packets opened on a worker thread (withPacketOffload, transport/src/packet-offload.ts)
// over a whole connection to OpenSSH sshd: 64 MiB through `cat` with rekeys every 1 MiB on both
// sides, so that the thread pauses at every NEWKEYS, takes the new keys and the strict-kex
// sequence reset, and the hash of what came back must equal what went out. A counting wrapper
// around the thread proves the stream really moved to it.
import { createHash } from 'node:crypto';
import { generatePrivateKey } from '@sshts/keys';
import { type Peer, peerAvailability, startPeer } from '@sshts/test-peers';
import type { CryptoProvider, PacketOffload } from '@sshts/transport';
import { nodePacketOffload, nodeProvider } from '@sshts/transport/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handshakeWith } from './peer-client.js';
import { repeatingData } from './repeating-data.js';
import { execWithInput } from './test-channel.js';

const MiB = 1024 * 1024;
const TOTAL = 64 * MiB;

const { chunkAt, sha256: expectedHash } = repeatingData(TOTAL, 7);

/** The node provider with the worker thread behind a wrapper that counts streams and batches. */
function countingProvider() {
  const thread = nodePacketOffload('node');
  const counts = { streams: 0, batches: 0, payloads: 0 };
  const packetOffload: PacketOffload = {
    open(onReply) {
      const stream = thread.open((reply) => {
        counts.batches++;
        counts.payloads += reply.ends.length;
        onReply(reply);
      });
      if (stream) counts.streams++;
      return stream;
    },
  };
  const provider: CryptoProvider = {
    ...nodeProvider,
    primitives: { ...nodeProvider.primitives, packetOffload },
  };
  return { provider, counts };
}

describe('packet offload × openssh', async () => {
  const availability = await peerAvailability('openssh');
  if (!availability.available) {
    // Only when sshd is missing outside CI (under CI=true peerAvailability throws instead); the title says why.
    it.skip(`openssh: ${availability.reason}`, () => {});
    return;
  }
  const key = await generatePrivateKey('ed25519');
  let peer: Peer;
  beforeAll(async () => {
    peer = await startPeer('openssh', { authorizedKeys: [key.publicKey.toString()], rekeyLimit: '1M' });
  }, 120_000);
  afterAll(async () => {
    await peer?.close();
  });

  for (const cipher of ['chacha20-poly1305@openssh.com', 'aes128-gcm@openssh.com']) {
    it(`${cipher}: 64 MiB through cat across rekeys on both sides, opened on the thread`, async () => {
      const { provider, counts } = countingProvider();
      const report = await handshakeWith(peer, {
        crypto: provider,
        rekeyLimits: { bytes: MiB },
        algorithms: { cipher: [cipher] },
      });
      await report.transport.authPublicKey(peer.user, key);
      const conn = report.transport.connection;
      const result = await execWithInput(report.transport, 'cat', TOTAL, chunkAt, async (sent) => {
        if (sent % MiB === 0) await conn.whenKexDone();
      });
      expect(createHash('sha256').update(result.stdout).digest('hex')).toBe(expectedHash);
      expect(counts.streams).toBe(1);
      // Nearly all of the 64 MiB came back as payloads from the thread (32 KiB channel packets).
      expect(counts.payloads).toBeGreaterThan((TOTAL - 2 * MiB) / (32 * 1024));
      expect(conn.kexCount).toBeGreaterThanOrEqual(32);
      await report.transport.rekey(); // one more on demand, still alive
      await report.close();
    }, 300_000);
  }
});
