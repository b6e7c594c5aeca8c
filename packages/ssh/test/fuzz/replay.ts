// The replay fuzzer's engine (issue 11): one side of ours against a stand-in peer that runs a real
// key exchange (our own transport in the other role) and then plays a recorded peer's upper-layer
// messages back — mutated or not — paced by what our side sends. Each run ends when our side
// finishes its script, fails, or the stand-in has nothing more to say and the connection is closed;
// what our side did is returned for the caller's checks.

import { kexMethods } from '@sshts/kex';
import { generatePrivateKey, type PrivateKey, parsePrivateKey } from '@sshts/keys';
import { driveOverStream, TransportConnection } from '@sshts/transport';
import { nodeProvider } from '@sshts/transport/node';
import { KnownHosts, SSHClient, SSHServer } from '../../src/node/index.js';
import { bytePipe } from '../mux-fakes.js';
import { type ClientScriptResult, clientScript, fuzzServerOptions } from './scripts.js';
import type { TranscriptEvent } from './transcript.js';

/** Fast algorithms on both sides: the fuzz is about what comes after the key exchange. */
const ALGORITHMS = {
  kex: ['curve25519-sha256'],
  hostKey: ['ssh-ed25519'],
  cipher: ['aes128-gcm@openssh.com'],
  mac: ['hmac-sha2-256'],
};
/** A run whose stand-in has been silent this long is over: the stand-in then hangs up. */
const QUIET_MS = 60;
/** After the hang-up, everything of ours must have settled within this (no hang past a close). */
const SETTLE_MS = 3000;

export type Outcome =
  | { kind: 'completed'; result: unknown; sent: number }
  | { kind: 'failed'; error: unknown; sent: number }
  | { kind: 'hung'; sent: number; detail: string };

/**
 * Plays the peer's events in order. A message of ours of type T moves past the next recorded
 * message of ours of that type (looking a little ahead, as our side may send window adjustments
 * or requests in a slightly different order), sending the peer's messages recorded before it.
 */
class Pacer {
  private next = 0;
  sent = 0;
  lastActivity = Date.now();

  constructor(
    private readonly events: readonly TranscriptEvent[],
    private readonly send: (payload: Uint8Array) => void,
  ) {}

  flush(): void {
    while (this.next < this.events.length && this.events[this.next]!.from === 'peer') {
      this.emit(this.events[this.next]!.payload);
      this.next++;
    }
  }

  ours(type: number): void {
    this.lastActivity = Date.now();
    let looked = 0;
    for (let j = this.next; j < this.events.length && looked < 32; j++) {
      const e = this.events[j]!;
      if (e.from !== 'us') continue;
      looked++;
      if (e.payload[0] !== type) continue;
      for (let k = this.next; k < j; k++)
        if (this.events[k]!.from === 'peer') this.emit(this.events[k]!.payload);
      this.next = j + 1;
      this.flush();
      return;
    }
  }

  private emit(payload: Uint8Array): void {
    this.sent++;
    this.lastActivity = Date.now();
    this.send(payload);
  }
}

function sendOrIgnore(connection: TransportConnection): (payload: Uint8Array) => void {
  return (payload) => {
    try {
      connection.send(payload);
    } catch {
      // The stand-in's connection has closed (our side hung up): nothing more to play.
    }
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until `done` is settled or the pacer has been quiet for QUIET_MS. */
async function untilSettledOrQuiet(done: { settled: boolean }, pacer: Pacer): Promise<void> {
  while (!done.settled && Date.now() - pacer.lastActivity < QUIET_MS) await sleep(10);
}

/** Resolves with whether `promise` settled within `ms`. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<false>((r) => {
    timer = setTimeout(() => r(false), ms);
  });
  const settled = promise.then(
    () => true as const,
    () => true as const,
  );
  try {
    return await Promise.race([settled, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

let keys: Promise<{ host: PrivateKey; user: PrivateKey }> | undefined;
const fuzzKeys = () => {
  keys ??= Promise.all([generatePrivateKey('ed25519'), generatePrivateKey('ed25519')]).then(
    ([host, user]) => ({
      host,
      user,
    }),
  );
  return keys;
};

/** Our client runs clientScript against a stand-in server playing `events`' peer messages. */
export async function replayIntoClient(
  events: readonly TranscriptEvent[],
  userKey?: string,
): Promise<Outcome> {
  const keys = await fuzzKeys();
  const host = keys.host;
  // The recorded PK_OK names the recorded key: log in with that one (a throwaway).
  const user = userKey === undefined ? keys.user : parsePrivateKey(userKey);
  const { near: ours, far: theirs } = bytePipe();
  const standIn = new TransportConnection({
    role: 'server',
    provider: nodeProvider,
    kexMethods,
    hostKeys: [host],
    algorithms: ALGORITHMS,
    onServiceRequest: (name) => name === 'ssh-userauth',
    serverSigAlgs: ['ssh-ed25519'],
  });
  const pacer = new Pacer(events, sendOrIgnore(standIn));
  standIn.onMessage = (payload) => {
    pacer.ours(payload[0] ?? 0);
    return true;
  };
  const driver = driveOverStream(standIn, theirs);
  void standIn.handshake().then(
    () => pacer.flush(),
    () => {},
  );
  const client = new SSHClient({ knownHosts: KnownHosts.parse(`* ${host.publicKey}\n`) });
  const done = { settled: false };
  const run = (async () => {
    await client.connect({
      host: 'fuzz',
      username: 'fuzz',
      stream: ours,
      privateKey: user,
      agent: false,
      lookForKeys: false,
      crypto: 'node',
      algorithms: ALGORITHMS,
      timeout: 5000,
    });
    return clientScript(client);
  })().finally(() => {
    done.settled = true;
  });
  run.catch(() => {});
  await untilSettledOrQuiet(done, pacer);
  // The stand-in hangs up (a peer that stops talking and closes): everything must now settle.
  standIn.disconnect();
  void driver;
  const settled = await settlesWithin(run, SETTLE_MS);
  const closed = await settlesWithin(client.close(), SETTLE_MS);
  if (!settled || !closed) {
    return {
      kind: 'hung',
      sent: pacer.sent,
      detail: settled ? 'client.close() did not settle' : 'the script did not settle',
    };
  }
  try {
    return { kind: 'completed', result: (await run) as ClientScriptResult, sent: pacer.sent };
  } catch (error) {
    return { kind: 'failed', error, sent: pacer.sent };
  }
}

/** Our server (fuzzServerOptions) serves a stand-in client playing `events`' peer messages. */
export async function replayIntoServer(
  events: readonly TranscriptEvent[],
): Promise<Outcome & { connectionsLeft: number }> {
  const { host } = await fuzzKeys();
  const server = new SSHServer({
    hostKeys: [host],
    algorithms: ALGORITHMS,
    crypto: 'node',
    ...fuzzServerOptions(),
  });
  const { near: ours, far: theirs } = bytePipe();
  const served = server.accept(theirs);
  served.catch(() => {});
  const standIn = new TransportConnection({
    role: 'client',
    provider: nodeProvider,
    kexMethods,
    algorithms: ALGORITHMS,
    verifyHostKey: () => true,
  });
  const pacer = new Pacer(events, sendOrIgnore(standIn));
  standIn.onMessage = (payload) => {
    pacer.ours(payload[0] ?? 0);
    return true;
  };
  driveOverStream(standIn, ours);
  const done = { settled: false };
  const session = (async () => {
    await standIn.handshake();
    await standIn.requestService('ssh-userauth');
    pacer.flush();
    await standIn.closed;
  })().finally(() => {
    done.settled = true;
  });
  session.catch(() => {});
  await untilSettledOrQuiet(done, pacer);
  standIn.disconnect();
  const ended = await settlesWithin(served, SETTLE_MS);
  const closed = await settlesWithin(server.close(), SETTLE_MS);
  const connectionsLeft = server.connectionCount;
  if (!ended || !closed) {
    return {
      kind: 'hung',
      sent: pacer.sent,
      detail: ended ? 'server.close() did not settle' : 'the connection did not end after the hang-up',
      connectionsLeft,
    };
  }
  try {
    await served;
    return { kind: 'completed', result: undefined, sent: pacer.sent, connectionsLeft };
  } catch (error) {
    return { kind: 'failed', error, sent: pacer.sent, connectionsLeft };
  }
}
