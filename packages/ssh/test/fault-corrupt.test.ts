// Fault injection, single-byte corruption after NEWKEYS (TARGETS.md "Reliability and bad input":
// "corrupts single bytes (MAC error, not garbage)"), for chacha20-poly1305@openssh.com,
// aes128-gcm@openssh.com, and aes128-ctr with hmac-sha2-256 and with hmac-sha2-256-etm@openssh.com.
// A FaultRelay flips one bit of one byte at an offset counted from the first encrypted byte of one
// direction:
// - inside the body of the first encrypted packet (offset 6: every packet is ≥ 16 bytes, so this is
//   never the length field nor the MAC) — the receiver must fail with MacError naming the MAC or
//   tag and send DISCONNECT MAC_ERROR (our client vs OpenSSH sshd, both directions; OpenSSH ssh vs
//   our server, client to server);
// - somewhere in the middle of a channel data stream — the receiver must fail the same way and
//   nothing corrupted may reach the channel (what arrived is exactly a prefix of what was sent);
// - in the encrypted length field (chacha, ctr non-etm): a high bit gives PacketLengthError at once,
//   without allocating; a low bit that keeps the length plausible is caught by the MAC (OpenSSH
//   style: wait for the MAC, then fail), never a hang.

import { kexMethods } from '@sshts/kex';
import { type Peer, peerAvailability, startPeer, toolAvailability } from '@sshts/test-peers';
import { nobleProvider, TransportConnection, type TransportLogEvent } from '@sshts/transport';
import {
  ConnectionLostError,
  DisconnectError,
  DisconnectReason,
  MacError,
  PacketLengthError,
} from '@sshts/wire';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  describeError,
  failure,
  opensshClientFiles,
  prefixCheck,
  pump,
  startOurServer,
  testData,
  trustingClient,
  until,
  userKey,
  viaRelay,
  within,
} from './fault-helpers.js';
import { FaultRelay, peerUpstream, type RelayLink, tcpUpstream } from './fault-relay.js';
import { spawnClient } from './server-helpers.js';

const openssh = await peerAvailability('openssh');
const sshTool = await toolAvailability('ssh');

const KiB = 1024;
/** From the corrupted byte's arrival to the typed failure. */
const DETECT_WITHIN_MS = 2000;

interface CipherCase {
  name: string;
  cipher: string;
  mac: string;
  /** The length field is encrypted (chacha: its own key; ctr without etm: the first block). */
  encryptedLength: boolean;
}

const CASES: CipherCase[] = [
  {
    name: 'chacha20-poly1305',
    cipher: 'chacha20-poly1305@openssh.com',
    mac: 'hmac-sha2-256',
    encryptedLength: true,
  },
  { name: 'aes128-gcm', cipher: 'aes128-gcm@openssh.com', mac: 'hmac-sha2-256', encryptedLength: false },
  { name: 'aes128-ctr + hmac-sha2-256', cipher: 'aes128-ctr', mac: 'hmac-sha2-256', encryptedLength: true },
  {
    name: 'aes128-ctr + hmac-sha2-256-etm',
    cipher: 'aes128-ctr',
    mac: 'hmac-sha2-256-etm@openssh.com',
    encryptedLength: false,
  },
];

const MAC_MESSAGE = /MAC|tag|message authentication code/i;

/** The typed error a MAC failure must be: MacError (ERR_MAC), its message naming the MAC or tag. */
function expectMacError(error: unknown): void {
  expect(error, describeError(error)).toBeInstanceOf(MacError);
  expect((error as MacError).code).toBe('ERR_MAC');
  expect((error as Error).message).toMatch(MAC_MESSAGE);
}

/** Our DISCONNECT with `reason` was sent (logged as sent, not received). */
function sentDisconnect(events: TransportLogEvent[], reason: number): boolean {
  return events.some((e) => e.kind === 'disconnect' && !e.fromPeer && e.reason === reason);
}

describe.skipIf(!openssh.available)('corruption: our client → relay → OpenSSH sshd', () => {
  let peer: Peer;
  let relay: FaultRelay;
  beforeAll(async () => {
    const key = await userKey();
    peer = await startPeer('openssh', { authorizedKeys: [key.publicKey.toString()] });
    relay = await FaultRelay.start(peerUpstream(peer));
  }, 60_000);
  afterAll(async () => {
    await relay?.close();
    await peer?.close();
  });

  /** Our client through the relay with one cipher/MAC, `arm` placing the fault on the link. */
  async function connect(c: CipherCase, arm: (link: RelayLink) => void, timeout = 10_000) {
    const linkReady = relay.link();
    relay.onLink = arm;
    const events: TransportLogEvent[] = [];
    const client = trustingClient(peer.hostKeys.map((k) => k.publicKey));
    const since = Date.now();
    const outcome = await within(
      client.connect(
        viaRelay(relay, {
          username: peer.user,
          privateKey: await userKey(),
          algorithms: { cipher: [c.cipher], mac: [c.mac] },
          logger: (e) => events.push(e),
          timeout,
        }),
      ),
      timeout + 2000,
      `connect with ${c.name}`,
      since,
    );
    const link = await linkReady;
    relay.onLink = undefined;
    return { client, link, events, outcome, since };
  }

  for (const c of CASES) {
    describe(c.name, () => {
      it('a flipped byte in the first server packet after NEWKEYS: MacError, DISCONNECT MAC_ERROR', async () => {
        const { client, link, events, outcome } = await connect(c, (l) => l.flipAfterNewkeys('s2c', 6));
        expect(link.flipped('s2c')).toBe(true);
        const error = failure(outcome, 'connect over a corrupted stream');
        console.log(`${c.name} s2c flip: ${describeError(error)} after ${outcome.ms} ms`);
        expectMacError(error);
        // The whole connect, handshake included, ends within the deadline.
        expect(outcome.ms).toBeLessThan(DETECT_WITHIN_MS);
        expect(sentDisconnect(events, DisconnectReason.MAC_ERROR)).toBe(true);
        // Nothing after the bad packet was processed: no USERAUTH message ever arrived.
        expect(events.filter((e) => e.kind === 'receive' && /^USERAUTH/.test(e.message))).toEqual([]);
        await client.close();
      });

      it('a flipped byte in the first client packet after NEWKEYS: sshd rejects it, we fail typed and bounded', async () => {
        const logBefore = peer.log().length;
        const { client, link, outcome } = await connect(c, (l) => l.flipAfterNewkeys('c2s', 6), 3000);
        expect(link.flipped('c2s')).toBe(true);
        const error = failure(outcome, 'connect after sending a corrupted packet');
        console.log(`${c.name} c2s flip: ${describeError(error)} after ${outcome.ms} ms`);
        // sshd (9.2) logs "message authentication code incorrect" and exits without a DISCONNECT
        // (ssh_dispatch_run_fatal), so what we see is the connection closing.
        expect(error, describeError(error)).toBeInstanceOf(ConnectionLostError);
        expect(outcome.ms).toBeLessThan(DETECT_WITHIN_MS);
        await until(
          () => /message authentication code incorrect/.test(peer.log().slice(logBefore)),
          2000,
          'sshd logged the MAC failure',
        );
        await client.close();
      });

      it('a flipped byte mid channel data: MacError, and nothing corrupted reaches the channel', async () => {
        const { client, link, events, outcome } = await connect(c, () => {});
        if (!outcome.ok) throw outcome.error;
        const cat = await client.execCommand('cat');
        const data = testData(256 * KiB, 3);
        const received: Uint8Array[] = [];
        // Everything before the echoed data (auth, channel set-up) is a few KiB.
        link.flipAfterNewkeys('s2c', 100 * KiB + 333);
        const since = Date.now();
        const r = await within(
          pump(cat.channel, cat.stdout, data, received),
          5000,
          'cat over a corrupted stream',
        );
        expect(link.flipped('s2c')).toBe(true);
        const error = failure(r, 'cat over a corrupted stream');
        const check = prefixCheck(received, data);
        console.log(
          `${c.name} mid-data flip: ${describeError(error)} after ${r.ms} ms, ${check.bytes} good bytes`,
        );
        expect(check.ok, `garbage delivered at offset ${check.at}`).toBe(true);
        expect(check.bytes).toBeLessThan(data.length);
        // 32 KiB packets: the flip lands in a body or a MAC (a length field is 4 bytes in ~32 K).
        expectMacError(error);
        expect(Date.now() - since).toBeLessThan(5000);
        expect(sentDisconnect(events, DisconnectReason.MAC_ERROR)).toBe(true);
        expect(client.transport.channels.size).toBe(0);
        await client.close();
      });

      if (c.encryptedLength) {
        it('a high bit flipped in the encrypted length: PacketLengthError at once, no allocation', async () => {
          const before = process.memoryUsage().arrayBuffers;
          const { client, link, events, outcome } = await connect(c, (l) =>
            l.flipAfterNewkeys('s2c', 0, 0x80),
          );
          expect(link.flipped('s2c')).toBe(true);
          const error = failure(outcome, 'connect with a corrupted length');
          console.log(`${c.name} length flip 0x80: ${describeError(error)} after ${outcome.ms} ms`);
          expect(error, describeError(error)).toBeInstanceOf(PacketLengthError);
          expect((error as PacketLengthError).length).toBeGreaterThan(2 ** 31 - 1);
          expect(outcome.ms).toBeLessThan(DETECT_WITHIN_MS * 2);
          expect(sentDisconnect(events, DisconnectReason.PROTOCOL_ERROR)).toBe(true);
          // A 2 GiB length was never allocated (nor anything near it).
          expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * 1024 * 1024);
          await client.close();
        });

        it('a low bit flipped in the encrypted length (still a block multiple): caught by the MAC, bounded', async () => {
          // The length changes by ±16: plausible, so the decoder waits for that many bytes plus
          // the MAC (the server's next packets supply them) and the MAC then fails.
          const { client, link, outcome } = await connect(c, (l) => l.flipAfterNewkeys('s2c', 3, 0x10), 3000);
          expect(link.flipped('s2c')).toBe(true);
          const error = failure(outcome, 'connect with a slightly wrong length');
          console.log(`${c.name} length flip 0x10: ${describeError(error)} after ${outcome.ms} ms`);
          expectMacError(error);
          await client.close();
        });
      }
    });
  }
});

describe.skipIf(!sshTool.available)('corruption: OpenSSH ssh → relay → our SSHServer', () => {
  let ours: Awaited<ReturnType<typeof startOurServer>>;
  let relay: FaultRelay;
  let files: Awaited<ReturnType<typeof opensshClientFiles>>;
  const ssh = sshTool.available ? sshTool.path : 'ssh';
  beforeAll(async () => {
    ours = await startOurServer();
    relay = await FaultRelay.start(tcpUpstream(ours.port));
    files = await opensshClientFiles(relay.port);
  }, 60_000);
  afterAll(async () => {
    await relay?.close();
    await ours?.close();
    await files?.remove();
  });

  /** Runs `ssh -c cipher -m mac … command` through the relay with `arm`'s fault. */
  async function runSsh(c: CipherCase, arm: (link: RelayLink) => void, command: string, input?: Uint8Array) {
    const linkReady = relay.link();
    relay.onLink = arm;
    const firstConnection = ours.record.events.at(-1)?.connection ?? -1;
    const run = spawnClient(ssh, [...files.args(['-c', c.cipher, '-m', c.mac]), command], {
      env: files.env(),
      input,
      timeoutMs: 15_000,
    });
    const linked = await within(linkReady, 5000, 'ssh connecting to the relay');
    relay.onLink = undefined;
    if (!linked.ok) throw linked.error;
    const link = linked.value;
    const ran = await within(run.done, 8000, `ssh with ${c.name}`);
    if (!ran.ok) throw ran.error;
    // The server side: the connection is gone, and what it said about it.
    await until(() => ours.server.connectionCount === 0, 3000, 'server connectionCount back to 0');
    const disconnects = ours.record.disconnects.filter((d) => d.connection > firstConnection);
    return { link, r: ran.value, disconnects };
  }

  for (const c of CASES) {
    describe(c.name, () => {
      it('a flipped byte in the first client packet after NEWKEYS: our server sends DISCONNECT MAC_ERROR', async () => {
        const { link, r, disconnects } = await runSsh(c, (l) => l.flipAfterNewkeys('c2s', 6), 'echo hi');
        expect(link.flipped('c2s')).toBe(true);
        console.log(`${c.name} c2s flip: server ${JSON.stringify(disconnects)}; ssh: ${r.stderr.trim()}`);
        expect(r.code).toBe(255);
        expect(r.stdout).toBe('');
        expect(disconnects).toHaveLength(1);
        expect(disconnects[0]).toMatchObject({ reason: DisconnectReason.MAC_ERROR, fromPeer: false });
        expect(disconnects[0]!.description).toMatch(MAC_MESSAGE);
        // ssh prints the DISCONNECT it got.
        expect(r.stderr).toMatch(MAC_MESSAGE);
      });

      it('a flipped byte mid stdin: MAC_ERROR, and the command never sees corrupted bytes', async () => {
        const data = testData(512 * KiB, 5);
        const stdinBefore = ours.record.stdin.length;
        const { link, r, disconnects } = await runSsh(
          c,
          // Auth and the channel set-up take a few KiB: 200 KiB on is inside the stdin data.
          (l) => l.flipAfterNewkeys('c2s', 200 * KiB + 77),
          'sink',
          data,
        );
        expect(link.flipped('c2s')).toBe(true);
        expect(r.code).toBe(255);
        const seen = ours.record.stdin.slice(stdinBefore);
        expect(seen).toHaveLength(1);
        const check = prefixCheck(seen[0]!, data);
        console.log(
          `${c.name} mid-stdin flip: server ${JSON.stringify(disconnects)}; ${check.bytes} good bytes`,
        );
        expect(check.ok, `garbage delivered at offset ${check.at}`).toBe(true);
        expect(check.bytes).toBeLessThan(data.length);
        expect(disconnects).toHaveLength(1);
        expect(disconnects[0]).toMatchObject({ reason: DisconnectReason.MAC_ERROR, fromPeer: false });
        expect(disconnects[0]!.description).toMatch(MAC_MESSAGE);
      });

      if (c.encryptedLength) {
        it('a high bit flipped in the encrypted length: our server disconnects (PROTOCOL_ERROR), bounded', async () => {
          const { link, r, disconnects } = await runSsh(
            c,
            (l) => l.flipAfterNewkeys('c2s', 0, 0x80),
            'echo hi',
          );
          expect(link.flipped('c2s')).toBe(true);
          console.log(`${c.name} c2s length flip: server ${JSON.stringify(disconnects)}`);
          expect(r.code).toBe(255);
          expect(disconnects).toHaveLength(1);
          expect(disconnects[0]).toMatchObject({ reason: DisconnectReason.PROTOCOL_ERROR, fromPeer: false });
          expect(disconnects[0]!.description).toMatch(/packet_length/);
        });
      }
    });
  }
});

// The first corruption test above found this: a MAC failure on the packet right after NEWKEYS
// (EXT_INFO, processed in the same pump as NEWKEYS) closed the connection before connect() asked
// for the ssh-userauth service, and requestService() then queued a waiter that close() had
// already passed over: connect() hung until its timeout (forever without one).
describe('requestService on a closed connection (regression)', () => {
  it('rejects at once with the error that closed the connection', async () => {
    const connection = new TransportConnection({ role: 'client', provider: nobleProvider, kexMethods });
    connection.disconnect(DisconnectReason.BY_APPLICATION, 'closed first');
    const r = await within(connection.requestService('ssh-userauth'), 500, 'requestService after close');
    const error = failure(r, 'requestService after close');
    expect(error).toBeInstanceOf(DisconnectError);
    expect((await connection.closed).error).toBe(error);
  });
});
