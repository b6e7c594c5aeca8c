// Fault injection, cuts (TARGETS.md "Reliability and bad input": "fault injection cuts the
// connection at every phase"): a FaultRelay between our client and a real OpenSSH sshd, and between
// our client (or OpenSSH ssh) and our SSHServer in-process, destroys both directions at each phase —
// the banner exchange, KEXINIT, the kex reply, right after NEWKEYS, user auth, after auth before a
// channel open, mid channel data (a 1 MiB cat) and a rekey. The client must reject with
// ConnectionLostError (a cut is a transport close without DISCONNECT) within a deadline, `closed`
// must resolve and no channel remain; our server must drop the connection (connectionCount back to
// 0) and serve a fresh connection afterwards.
import { type Peer, peerAvailability, startPeer, toolAvailability } from '@sshts/test-peers';
import type { TransportLogEvent } from '@sshts/transport';
import { ConnectionLostError } from '@sshts/wire';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SSHClient as Client,
  type ConnectOptions,
  KnownHosts,
  type SSHClient,
  type TransportCore,
} from '../src/node/index.js';
import type { Transport } from '../src/transport.js';
import {
  describeError,
  failure,
  type Outcome,
  opensshClientFiles,
  PASSWORD,
  prefixCheck,
  pump,
  serverHostKey,
  startOurServer,
  testData,
  USER,
  until,
  userKey,
  viaRelay,
  within,
} from './fault-helpers.js';
import { FaultRelay, peerUpstream, type RelayLink, tcpUpstream } from './fault-relay.js';
import { spawnClient } from './server-helpers.js';

const openssh = await peerAvailability('openssh');
const sshTool = await toolAvailability('ssh');

/** Deadline from the cut to the client's rejection: a cut is seen at once, so this is generous. */
const REJECT_WITHIN_MS = 2000;
const MiB = 1024 * 1024;

/** SSHClient that remembers its transports, so a failed connect() can still be inspected. */
class InspectableClient extends Client {
  readonly transports: TransportCore[] = [];
  protected override transportClass(): typeof Transport {
    const Base = super.transportClass();
    const transports = this.transports;
    return class extends Base {
      constructor(...args: ConstructorParameters<typeof TransportCore>) {
        super(...args);
        transports.push(this);
      }
    };
  }
}

interface Target {
  relay: FaultRelay;
  /** Connect options for our client (host keys trusted, credentials). */
  options: Partial<ConnectOptions>;
  hostKeyLines: string[];
  /** Extra checks on the server side after each cut (our server: dropped, still serving). */
  afterCut?(): Promise<void>;
}

type Step = 'connect' | 'operation';

interface CutScenario {
  name: string;
  /** Faults placed on the link before any byte is forwarded. */
  arm?(link: RelayLink): void;
  /** A logger hook that cuts from inside the protocol (after NEWKEYS the relay sees only bytes). */
  onEvent?(event: TransportLogEvent, link: RelayLink, counts: Map<string, number>): void;
  /** After a successful connect(): what to do; returns the operation that must fail. */
  after?(client: SSHClient, link: RelayLink): Promise<{ operation: Promise<unknown> }>;
}

const phases: CutScenario[] = [
  { name: 'during the banner exchange', arm: (l) => l.cutAtPhase('s2c', 'banner', 5) },
  { name: 'in the server KEXINIT', arm: (l) => l.cutAtPhase('s2c', 'kexinit', 40) },
  { name: 'in the client KEXINIT', arm: (l) => l.cutAtPhase('c2s', 'kexinit', 40) },
  { name: 'in the kex reply', arm: (l) => l.cutAtPhase('s2c', 'kex-reply', 20) },
  { name: 'right after the server NEWKEYS', arm: (l) => l.cutAtPhase('s2c', 'newkeys') },
  {
    name: 'during user auth (at the first USERAUTH_FAILURE)',
    onEvent: (e, link, counts) => {
      if (
        e.kind === 'receive' &&
        e.message === 'USERAUTH_FAILURE' &&
        counts.get('receive USERAUTH_FAILURE') === 1
      )
        link.cut('during auth');
    },
  },
  {
    name: 'after auth, before a channel open',
    after: async (client, link) => {
      link.cut('after auth');
      return { operation: client.exec('echo never') };
    },
  },
  {
    name: 'mid channel data (a 1 MiB cat)',
    after: async (client, link) => {
      const cat = await client.execCommand('cat');
      const data = testData(MiB);
      const received: Uint8Array[] = [];
      // Cut once 256 KiB more have come back from the server.
      link.cutAfterBytes('s2c', link.forwarded('s2c') + 256 * 1024);
      const operation = pump(cat.channel, cat.stdout, data, received).finally(() => {
        // Whatever arrived before the cut is exactly what was sent.
        const check = prefixCheck(received, data);
        expect(check.ok, `received ${check.bytes} bytes, first difference at ${check.at}`).toBe(true);
        expect(check.bytes).toBeLessThan(MiB);
      });
      return { operation };
    },
  },
  {
    name: 'during a rekey (at the peer KEXINIT of the second key exchange)',
    onEvent: (e, link, counts) => {
      if (e.kind === 'receive' && e.message === 'KEXINIT' && counts.get('receive KEXINIT') === 2)
        link.cut('in rekey');
    },
    after: async (client) => ({ operation: client.transport.rekey() }),
  },
];

/** Runs one cut scenario against `target` and checks our client's side of it. */
async function runCut(target: Target, scenario: CutScenario): Promise<void> {
  const { relay } = target;
  const linkReady = relay.link();
  relay.onLink = (link) => scenario.arm?.(link);
  const counts = new Map<string, number>();
  let link: RelayLink | undefined;
  const client = new InspectableClient({
    knownHosts: KnownHosts.parse(target.hostKeyLines.map((k) => `* ${k}\n`).join('')),
  });
  const logger = (e: TransportLogEvent) => {
    if (e.kind === 'receive' || e.kind === 'send')
      counts.set(`${e.kind} ${e.message}`, (counts.get(`${e.kind} ${e.message}`) ?? 0) + 1);
    if (link) scenario.onEvent?.(e, link, counts);
  };
  void linkReady.then((l) => {
    link = l;
  });
  let step: Step = 'connect';
  let since = Date.now();
  let outcome: Outcome<unknown> = await within(
    client.connect(viaRelay(relay, { ...target.options, logger })),
    10_000,
    `connect (${scenario.name})`,
    since,
  );
  link = await linkReady;
  if (outcome.ok) {
    expect(
      scenario.after,
      `connect() succeeded although the link was cut ${link.cutInfo?.why}`,
    ).toBeDefined();
    step = 'operation';
    since = Date.now();
    const { operation } = await scenario.after!(client, link);
    outcome = await within(operation, 10_000, `operation (${scenario.name})`, since);
  }
  relay.onLink = undefined;
  const cut = link.cutInfo;
  expect(
    cut,
    `the relay never cut (${step} ${outcome.ok ? 'succeeded' : describeError(failure(outcome, step))})`,
  ).toBeDefined();
  const error = failure(outcome, `${step} after a cut ${scenario.name}`);
  const latency = since + outcome.ms - cut!.at;
  console.log(
    `cut ${scenario.name} [${cut!.why}]: ${step} rejected after ${latency} ms: ${describeError(error)}`,
  );
  expect(error, describeError(error)).toBeInstanceOf(ConnectionLostError);
  expect(latency).toBeLessThan(REJECT_WITHIN_MS);
  const transport = client.transports.at(-1);
  expect(transport).toBeDefined();
  const closed = await within(transport!.closed, REJECT_WITHIN_MS, '`closed`');
  expect(closed.ok).toBe(true);
  expect(transport!.channels.size).toBe(0);
  await client.close();
  await target.afterCut?.();
}

// Only when the peer is missing outside CI (under CI=true peerAvailability throws instead).
describe.skipIf(!openssh.available)('cuts: our client → relay → OpenSSH sshd', () => {
  let peer: Peer;
  let relay: FaultRelay;
  let target: Target;
  beforeAll(async () => {
    const key = await userKey();
    peer = await startPeer('openssh', { authorizedKeys: [key.publicKey.toString()] });
    relay = await FaultRelay.start(peerUpstream(peer));
    target = {
      relay,
      options: { username: peer.user, privateKey: key },
      hostKeyLines: peer.hostKeys.map((k) => k.publicKey),
    };
  }, 60_000);
  afterAll(async () => {
    await relay?.close();
    await peer?.close();
  });

  for (const scenario of phases) {
    it(`cut ${scenario.name}: ConnectionLostError, closed, no channels`, () => runCut(target, scenario));
  }
});

describe('cuts: our client → relay → our SSHServer', () => {
  let ours: Awaited<ReturnType<typeof startOurServer>>;
  let relay: FaultRelay;
  let target: Target;
  beforeAll(async () => {
    ours = await startOurServer();
    relay = await FaultRelay.start(tcpUpstream(ours.port));
    const hostKey = await serverHostKey();
    target = {
      relay,
      options: { username: USER, password: PASSWORD },
      hostKeyLines: [hostKey.publicKey.toString()],
      afterCut: async () => {
        // The server noticed: the connection is gone (nothing leaked) …
        await until(() => ours.server.connectionCount === 0, 3000, 'server connectionCount back to 0');
        // … and it still serves a fresh connection.
        const fresh = new Client({
          knownHosts: KnownHosts.parse(`* ${hostKey.publicKey}\n`),
        });
        await fresh.connect(viaRelay(relay, target.options));
        expect(ours.server.connectionCount).toBe(1);
        expect((await fresh.exec('echo alive')).stdout).toBe('alive\n');
        await fresh.close();
        await until(() => ours.server.connectionCount === 0, 3000, 'fresh connection closed');
      },
    };
  }, 60_000);
  afterAll(async () => {
    await relay?.close();
    await ours?.close();
  });

  for (const scenario of phases) {
    it(`cut ${scenario.name}: ConnectionLostError; the server drops it and keeps serving`, () =>
      runCut(target, scenario));
  }
});

describe.skipIf(!sshTool.available)('cuts: OpenSSH ssh → relay → our SSHServer', () => {
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

  for (const [name, arm] of [
    ['in the client KEXINIT', (l: RelayLink) => l.cutAtPhase('c2s', 'kexinit', 40)],
    ['right after the client NEWKEYS', (l: RelayLink) => l.cutAtPhase('c2s', 'newkeys')],
    ['mid channel data (1 MiB through cat)', (l: RelayLink) => l.cutAfterBytes('s2c', 300 * 1024)],
  ] as const) {
    it(`cut ${name}: ssh fails, the server drops the connection and keeps serving`, async () => {
      const linkReady = relay.link();
      relay.onLink = arm;
      const run = spawnClient(ssh, [...files.args(), 'cat'], {
        env: files.env(),
        input: testData(MiB, 11),
        timeoutMs: 15_000,
      });
      const linked = await within(linkReady, 5000, 'ssh connecting to the relay');
      relay.onLink = undefined;
      if (!linked.ok) throw linked.error;
      const link = linked.value;
      const ran = await within(run.done, 10_000, 'ssh');
      if (!ran.ok) throw ran.error;
      const r = ran.value;
      console.log(
        `ssh after cut ${link.cutInfo?.why}: exit ${r.code}; ${r.stderr.trim().split('\n').at(-1)}`,
      );
      expect(link.cutInfo).toBeDefined();
      expect(r.code).toBe(255);
      await until(() => ours.server.connectionCount === 0, 3000, 'server connectionCount back to 0');
      // Still serving: the same ssh, no fault.
      const again = await spawnClient(ssh, [...files.args(), 'echo alive'], {
        env: files.env(),
        timeoutMs: 15_000,
      }).done;
      expect(again.stdout, again.stderr).toBe('alive\n');
      await until(() => ours.server.connectionCount === 0, 3000, 'second connection closed');
    });
  }
});
