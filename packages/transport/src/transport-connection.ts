// The transport layer of one SSH connection (RFC 4253), sans-I/O: bytes in with receive(), bytes
// out through takeOutput()/onOutput, upper-layer messages out through onMessage. It runs the
// identification exchange, key exchanges (initial, rekeys from either side), strict kex, EXT_INFO,
// the service request, and the transport-generic messages. No sockets, timers or clocks inside:
// the driver calls tick() and injects time.
import type { PublicKey } from '@sshts/keys';
import {
  ConnectionLostError,
  DisconnectError,
  DisconnectReason,
  HostKeyError,
  MessageType,
  messageName,
  ProtocolError,
  SSHError,
  TimeoutError,
} from '@sshts/wire';
import type { CryptoProvider } from './crypto-provider.js';
import { type GlobalReply, GlobalRequests } from './global-requests.js';
import { formatIdentification, IdentificationReader } from './identification.js';
import { KeepaliveMonitor, type KeepaliveOptions } from './keepalive.js';
import type { KexMethod } from './kex-method.js';
import { type KexOutcome, KexRound } from './kex-round.js';
import { decodeKexInit, encodeKexInit, type KexInit } from './kexinit.js';
import { EXT_INFO_CLIENT, type Negotiated, STRICT_KEX_CLIENT, STRICT_KEX_SERVER } from './negotiate.js';
import { PacketDecoder } from './packet-decoder.js';
import { PacketEncoder } from './packet-encoder.js';
import { type AlgorithmPreferences, defaultAlgorithmPreferences } from './preferences.js';
import { type RekeyLimits, rekeyBytesLimit } from './rekey.js';
import {
  decodeDisconnect,
  decodeExtInfo,
  decodeServiceAccept,
  decodeUnimplemented,
  encodeDisconnect,
  encodeIgnore,
  encodeServiceRequest,
  encodeUnimplemented,
} from './transport-messages.js';

export type TransportLogEvent =
  | { kind: 'send' | 'receive'; message: string; size: number }
  | { kind: 'identification'; local: string; remote: string }
  | { kind: 'negotiated'; negotiated: Negotiated; initial: boolean }
  | { kind: 'kex-done'; count: number }
  | { kind: 'disconnect'; reason: number; description: string; fromPeer: boolean };

export interface TransportConnectionOptions {
  role: 'client' | 'server';
  provider: CryptoProvider;
  /** Key-exchange methods (from @sshts/kex), in no particular order: `algorithms.kex` orders them. */
  kexMethods: readonly KexMethod[];
  algorithms?: Partial<AlgorithmPreferences>;
  softwareVersion?: string;
  /**
   * Client: decides whether to trust the server's host key, after its signature over the exchange
   * hash has verified. Without it every host key is rejected (secure by default).
   */
  verifyHostKey?: (key: PublicKey, algorithm: string) => boolean | Promise<boolean>;
  rekeyLimits?: RekeyLimits;
  /** Probe a silent peer (after authentication) and declare it dead after `countMax` probes. */
  keepalive?: KeepaliveOptions;
  maxIncomingPacketLength?: number;
  /** Bound on messages held while a key exchange is in progress (checklist §3.3). */
  maxQueuedBytes?: number;
  randomBytes?: (length: number) => Uint8Array;
  logger?: (event: TransportLogEvent) => void;
}

interface KexState {
  ours: KexInit;
  /** The sequence number our KEXINIT went out with, to recognise an UNIMPLEMENTED for it. */
  kexInitSeq: number;
  round?: KexRound;
  outcome?: KexOutcome;
  sentNewKeys: boolean;
  ignoreNextKexPacket: boolean;
  waiters: { resolve(): void; reject(e: unknown): void }[];
}

export interface CloseInfo {
  reason: string;
  code?: number;
  error?: SSHError;
}

const MAX_EXT_INFO_MESSAGES = 2; // RFC 8308 §2.4: after NEWKEYS and before USERAUTH_SUCCESS

export class TransportConnection {
  /** Called when output is queued; the driver then calls takeOutput(). */
  onOutput: () => void = () => {};
  /** Upper-layer messages (numbers ≥ 50). Return false to have UNIMPLEMENTED sent back. */
  onMessage: (payload: Uint8Array) => boolean = () => false;

  readonly localIdentification: string;
  remoteIdentification = '';
  remoteSoftware = '';
  sessionId: Uint8Array | undefined;
  negotiated: Negotiated | undefined;
  hostKey: PublicKey | undefined;
  /** Set by the server's EXT_INFO (RFC 8308 §3.1). */
  serverSigAlgs: string[] | undefined;
  readonly extensions = new Map<string, Uint8Array>();
  strictKex = false;
  /** Completed key exchanges, the first included. */
  kexCount = 0;
  /** Key exchanges the peer started (its KEXINIT came before ours). */
  peerInitiatedKexCount = 0;
  readonly closed: Promise<CloseInfo>;

  private readonly options: TransportConnectionOptions;
  private readonly preferences: AlgorithmPreferences;
  private readonly encoder: PacketEncoder;
  private readonly decoder: PacketDecoder;
  private readonly identReader: IdentificationReader;
  private readonly randomBytes: (length: number) => Uint8Array;
  private output: Uint8Array[] = [];
  private queued: Uint8Array[] = [];
  private queuedBytes = 0;
  private kex: KexState | undefined;
  private versionDone = false;
  private firstNewKeysReceived = false;
  private extInfoCount = 0;
  private pumping = false;
  private isClosed = false;
  private resolveClosed!: (info: CloseInfo) => void;
  private readonly ready: Promise<void>;
  private readyResolve!: () => void;
  private readyReject!: (e: unknown) => void;
  private serviceWaiters: { name: string; resolve(): void; reject(e: unknown): void }[] = [];
  private readonly globals = new GlobalRequests();
  private readonly keepalive: KeepaliveMonitor | undefined;
  private authenticated = false;
  /** The time of the last tick(), for the keepalive's notion of "recently received". */
  private now: number | undefined;
  /** When a time-based rekey is due (ms), armed by the first tick() after each key exchange. */
  private rekeyDueAt: number | undefined;

  constructor(options: TransportConnectionOptions) {
    this.options = options;
    this.preferences = {
      ...defaultAlgorithmPreferences(options.provider, options.kexMethods),
      ...options.algorithms,
    };
    const primitives = options.provider.primitives;
    this.encoder = new PacketEncoder(primitives);
    this.decoder = new PacketDecoder(primitives, { maxPacketLength: options.maxIncomingPacketLength });
    this.identReader = new IdentificationReader(options.role === 'client');
    this.randomBytes =
      options.randomBytes ??
      ((n) => {
        const out = new Uint8Array(n);
        primitives.randomFill(out);
        return out;
      });
    this.localIdentification = formatIdentification(options.softwareVersion ?? 'sshts_0.1');
    this.keepalive = options.keepalive ? new KeepaliveMonitor(options.keepalive) : undefined;
    this.closed = new Promise((resolve) => {
      this.resolveClosed = resolve;
    });
    this.ready = new Promise((resolve, reject) => {
      this.readyResolve = resolve;
      this.readyReject = reject;
    });
    this.ready.catch(() => {}); // observed through handshake(); never an unhandled rejection
  }

  /** Sends our identification and first KEXINIT; resolves when the first key exchange is done. */
  handshake(): Promise<void> {
    if (this.output.length === 0 && !this.kex && this.kexCount === 0) {
      this.output.push(new TextEncoder().encode(`${this.localIdentification}\r\n`));
      this.startKex();
    }
    return this.ready;
  }

  /** Bytes received from the peer. */
  receive(bytes: Uint8Array): void {
    if (this.isClosed) return;
    if (!this.versionDone) {
      try {
        const done = this.identReader.push(bytes);
        if (!done) return;
        this.versionDone = true;
        this.remoteIdentification = done.identification.line;
        this.remoteSoftware = done.identification.software;
        this.log({
          kind: 'identification',
          local: this.localIdentification,
          remote: this.remoteIdentification,
        });
        bytes = done.rest;
      } catch (error) {
        this.fail(error);
        return;
      }
    }
    this.decoder.push(bytes);
    void this.pump();
  }

  /** The connection's byte stream ended. */
  receiveEnd(error?: unknown): void {
    if (this.isClosed) return;
    const lost =
      error instanceof SSHError
        ? error
        : new ConnectionLostError('connection closed by peer', { cause: error });
    this.close({ reason: lost.message, code: DisconnectReason.CONNECTION_LOST, error: lost });
  }

  /** Chunks to write to the peer, in order. */
  takeOutput(): Uint8Array[] {
    const out = this.output;
    this.output = [];
    return out;
  }

  /** Sends an upper-layer message (≥ 50), held back while a key exchange is in progress. */
  send(payload: Uint8Array): void {
    if (this.isClosed) throw new SSHError('ERR_CLOSED', 'the connection is closed');
    const type = payload[0] ?? 0;
    if (type < MessageType.USERAUTH_REQUEST)
      throw new RangeError(`message ${type} is internal to the transport`);
    // OpenSSH 9.2 disconnects on any message ≥ 192 (checklist §1); we send none unless advertised.
    if (type >= 192 && !this.extensions.has('ping@openssh.com')) {
      throw new RangeError(`message ${type} was not advertised by the peer`);
    }
    this.sendOrQueue(payload.slice());
  }

  /** Client: SERVICE_REQUEST (RFC 4253 §10); resolves on the matching SERVICE_ACCEPT. */
  requestService(name: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.serviceWaiters.push({ name, resolve, reject });
      this.sendOrQueue(encodeServiceRequest(name));
    });
  }

  /** Starts a key exchange now (RFC 4253 §9); resolves when it is complete. */
  rekey(): Promise<void> {
    if (this.isClosed) return Promise.reject(new SSHError('ERR_CLOSED', 'the connection is closed'));
    if (this.kexCount === 0) return this.ready;
    return new Promise((resolve, reject) => {
      if (!this.kex) this.startKex();
      this.kex!.waiters.push({ resolve, reject });
    });
  }

  /**
   * Sends SSH_MSG_GLOBAL_REQUEST (RFC 4254 §4); with `wantReply`, resolves with the reply, matched
   * in order with every other global request on this connection.
   */
  globalRequest(name: string, wantReply: boolean, data?: Uint8Array): Promise<GlobalReply> | undefined {
    const { payload, reply } = this.globals.request(name, wantReply, data);
    this.sendOrQueue(payload);
    return reply;
  }

  /** Called by the authentication layer on USERAUTH_SUCCESS: keepalive probes may start. */
  setAuthenticated(): void {
    this.authenticated = true;
  }

  /** Resolves when no key exchange is in progress (at once if none is). */
  whenKexDone(): Promise<void> {
    if (this.isClosed) return Promise.reject(new SSHError('ERR_CLOSED', 'the connection is closed'));
    if (!this.kex) return this.kexCount > 0 ? Promise.resolve() : this.ready;
    return new Promise((resolve, reject) => this.kex!.waiters.push({ resolve, reject }));
  }

  /** Sends SSH_MSG_IGNORE (RFC 4253 §11.2), e.g. as traffic or a keepalive. */
  sendIgnore(data: Uint8Array = new Uint8Array(0)): void {
    this.sendOrQueue(encodeIgnore(data));
  }

  /** Time passes: starts a time-based rekey when due. `now` in milliseconds, any epoch. */
  tick(now: number): void {
    if (this.isClosed) return;
    this.now = now;
    this.tickKeepalive(now);
    const seconds = this.options.rekeyLimits?.seconds;
    if (!seconds || this.kexCount === 0 || this.kex) return;
    if (this.rekeyDueAt === undefined) this.rekeyDueAt = now + seconds * 1000;
    else if (now >= this.rekeyDueAt) this.startKex();
  }

  private tickKeepalive(now: number): void {
    // Before USERAUTH_SUCCESS a server may answer a global request with UNIMPLEMENTED instead of
    // a reply (OpenSSH's auth loop does), which would break the reply order: probe only after.
    if (!this.keepalive || !this.authenticated) return;
    const action = this.keepalive.tick(now);
    if (action === 'probe') void this.globalRequest('keepalive@openssh.com', true)?.catch(() => {});
    if (action === 'dead') {
      const error = new TimeoutError(
        `keepalive: no answer to ${this.options.keepalive?.countMax ?? 3} probes`,
      );
      this.writeDisconnect(DisconnectReason.CONNECTION_LOST, error.message);
      this.close({ reason: error.message, code: DisconnectReason.CONNECTION_LOST, error });
    }
  }

  /** Sends DISCONNECT and closes (RFC 4253 §11.1). */
  disconnect(
    reason: number = DisconnectReason.BY_APPLICATION,
    description = 'disconnected by application',
  ): void {
    if (this.isClosed) return;
    this.writeDisconnect(reason, description);
    this.close({ reason: description, code: reason, error: new DisconnectError(reason, description, false) });
  }

  // --- receiving ---

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (!this.isClosed) {
        const payload = this.decoder.next();
        if (!payload) break;
        this.log({ kind: 'receive', message: messageName(payload[0] ?? 0), size: payload.length });
        this.keepalive?.received(this.now);
        await this.dispatch(payload, this.decoder.lastSequenceNumber);
      }
    } catch (error) {
      this.fail(error);
    } finally {
      this.pumping = false;
    }
  }

  private async dispatch(payload: Uint8Array, seq: number): Promise<void> {
    const type = payload[0]!;
    const initialKex = !this.firstNewKeysReceived;
    if (type === MessageType.DISCONNECT) return this.onDisconnect(payload); // always processed
    if (initialKex && this.decoder.sequenceWrapped)
      throw new ProtocolError('sequence number wrapped during the initial key exchange');
    if (type === MessageType.KEXINIT) return this.onKexInit(payload, seq);

    const peerInKex = this.kex?.round !== undefined;
    // Strict kex (checklist §3.11): during the initial exchange nothing but the exchange itself.
    const strictNow = initialKex && (this.strictKex || (this.kex?.round?.negotiated.strictKex ?? false));
    if (type === MessageType.IGNORE || type === MessageType.DEBUG || type === MessageType.UNIMPLEMENTED) {
      if (strictNow) throw new ProtocolError(`${messageName(type)} during strict key exchange`);
      if (type === MessageType.UNIMPLEMENTED) this.onUnimplemented(payload);
      return;
    }
    if (type === MessageType.NEWKEYS) return this.onNewKeys();
    if (type >= 30 && type <= 49 && peerInKex) return this.onKexMessage(payload);
    if (initialKex || (peerInKex && type < MessageType.USERAUTH_REQUEST)) {
      throw new ProtocolError(`unexpected ${messageName(type)} during key exchange`);
    }
    // During a rekey, upper-layer messages that the peer sent after its KEXINIT still arrive under
    // the old, verified keys. OpenSSH processes them (its kex dispatch covers only 1–49), and
    // AsyncSSH 2.10 sends the packet that triggered its rekey right after its KEXINIT.
    if (type === MessageType.EXT_INFO) return this.onExtInfo(payload);
    if (type === MessageType.REQUEST_SUCCESS || type === MessageType.REQUEST_FAILURE) {
      return this.globals.receive(payload);
    }
    if (type === MessageType.SERVICE_ACCEPT && this.options.role === 'client')
      return this.onServiceAccept(payload);
    if (type >= MessageType.USERAUTH_REQUEST) {
      if (this.onMessage(payload)) return;
    }
    this.sendPacket(encodeUnimplemented(seq));
  }

  private onUnimplemented(payload: Uint8Array): void {
    const seq = decodeUnimplemented(payload);
    // OpenSSH's server, for one, refuses KEXINIT while user authentication runs: the exchange
    // would never finish, so end it with a clear error instead of waiting.
    if (this.kex && seq === this.kex.kexInitSeq) {
      throw new ProtocolError('the peer refused the key re-exchange (UNIMPLEMENTED for our KEXINIT)', {
        code: 'ERR_REKEY_REFUSED',
      });
    }
  }

  private onDisconnect(payload: Uint8Array): void {
    const { reason, description } = decodeDisconnect(payload);
    this.log({ kind: 'disconnect', reason, description, fromPeer: true });
    this.close({ reason: description, code: reason, error: new DisconnectError(reason, description, true) });
  }

  private async onKexInit(payload: Uint8Array, seq: number): Promise<void> {
    if (this.kex?.round) throw new ProtocolError('second KEXINIT during a key exchange');
    if (!this.kex) {
      // The peer starts a rekey: answer with our KEXINIT (RFC 4253 §7.1).
      this.peerInitiatedKexCount++;
      this.startKex();
    }
    const kex = this.kex!;
    const theirs = decodeKexInit(payload);
    const initial = this.kexCount === 0;
    const round = new KexRound({
      role: this.options.role,
      initial,
      provider: this.options.provider,
      kexMethods: this.options.kexMethods,
      localIdentification: this.localIdentification,
      remoteIdentification: this.remoteIdentification,
      ours: kex.ours,
      theirs,
      randomBytes: this.randomBytes,
    });
    kex.round = round;
    kex.ignoreNextKexPacket = round.negotiated.ignoreGuessedPacket;
    this.log({ kind: 'negotiated', negotiated: round.negotiated, initial });
    if (initial) {
      this.strictKex = round.negotiated.strictKex;
      // The peer's KEXINIT must be the first packet it sent (OpenSSH: "not the first packet").
      if (this.strictKex && seq !== 0)
        throw new ProtocolError('strict kex: KEXINIT was not the first packet');
    }
    for (const message of await round.start()) this.sendPacket(message);
  }

  private async onKexMessage(payload: Uint8Array): Promise<void> {
    const kex = this.kex!;
    if (kex.ignoreNextKexPacket) {
      kex.ignoreNextKexPacket = false; // the peer's wrong guess (RFC 4253 §7.1)
      return;
    }
    if (kex.outcome)
      throw new ProtocolError(`unexpected ${messageName(payload[0]!)} after the key exchange reply`);
    const { send, outcome } = await kex.round!.receive(payload.slice(), this.sessionId);
    for (const message of send) this.sendPacket(message);
    if (!outcome) return;
    await this.acceptHostKey(outcome);
    kex.outcome = outcome;
    this.sessionId ??= outcome.exchangeHash;
    this.negotiated = outcome.negotiated;
    // NEWKEYS goes out under the old keys; everything after it under the new ones (RFC 4253 §7.3).
    this.sendPacket(new Uint8Array([MessageType.NEWKEYS]));
    const ourKeys =
      this.options.role === 'client' ? outcome.keys.clientToServer : outcome.keys.serverToClient;
    this.encoder.setKeys(ourKeys);
    if (this.strictKex) this.encoder.resetSequence();
    kex.sentNewKeys = true;
    this.flushQueue();
  }

  private async acceptHostKey(outcome: KexOutcome): Promise<void> {
    const key = outcome.hostKey;
    if (this.hostKey) {
      // A rekey must present the key the first exchange verified.
      if (!this.hostKey.equals(key)) throw new HostKeyError('', 'host key changed during a rekey');
      return;
    }
    const verify = this.options.verifyHostKey;
    const accepted = verify ? await verify(key, outcome.negotiated.hostKey) : false;
    if (!accepted) {
      throw new HostKeyError('', `host key ${key.fingerprint()} (${key.type}) was not accepted`);
    }
    this.hostKey = key;
  }

  private onNewKeys(): void {
    const kex = this.kex;
    if (!kex?.outcome) throw new ProtocolError('NEWKEYS before the key exchange completed');
    const theirKeys =
      this.options.role === 'client' ? kex.outcome.keys.serverToClient : kex.outcome.keys.clientToServer;
    this.decoder.setKeys(theirKeys);
    if (this.strictKex) this.decoder.resetSequence();
    this.firstNewKeysReceived = true;
    this.kex = undefined;
    this.kexCount++;
    this.rekeyDueAt = undefined;
    this.log({ kind: 'kex-done', count: this.kexCount });
    if (this.kexCount === 1) this.readyResolve();
    for (const w of kex.waiters) w.resolve();
    this.flushQueue();
  }

  private onExtInfo(payload: Uint8Array): void {
    // RFC 8308 §2.4: only a client receives it here; at most twice; never before the first NEWKEYS.
    if (this.options.role !== 'client' || ++this.extInfoCount > MAX_EXT_INFO_MESSAGES) {
      throw new ProtocolError('unexpected EXT_INFO');
    }
    for (const [name, value] of decodeExtInfo(payload)) {
      this.extensions.set(name, value);
      if (name === 'server-sig-algs') this.serverSigAlgs = new TextDecoder().decode(value).split(',');
    }
  }

  private onServiceAccept(payload: Uint8Array): void {
    const name = decodeServiceAccept(payload);
    const waiter = this.serviceWaiters.shift();
    if (!waiter || waiter.name !== name) throw new ProtocolError(`unexpected SERVICE_ACCEPT for ${name}`);
    waiter.resolve();
  }

  // --- sending ---

  private startKex(): void {
    const p = this.preferences;
    const initial = this.kexCount === 0;
    // Feature signals only in the first KEXINIT; ext-info-c last for paramiko ≤ 3.3 (checklist §1).
    const kexNames = [...p.kex];
    if (initial) {
      if (this.options.role === 'client') kexNames.push(STRICT_KEX_CLIENT, EXT_INFO_CLIENT);
      else kexNames.push(STRICT_KEX_SERVER);
    }
    const ours = encodeKexInit(
      {
        kex: kexNames,
        hostKey: p.hostKey,
        cipherClientToServer: p.cipher,
        cipherServerToClient: p.cipher,
        macClientToServer: p.mac,
        macServerToClient: p.mac,
        compressionClientToServer: p.compression,
        compressionServerToClient: p.compression,
        languageClientToServer: [],
        languageServerToClient: [],
      },
      this.randomBytes(16),
    );
    this.kex = {
      ours,
      kexInitSeq: this.encoder.sequenceNumber,
      sentNewKeys: false,
      ignoreNextKexPacket: false,
      waiters: [],
    };
    this.sendPacket(ours.payload);
  }

  private sendOrQueue(payload: Uint8Array): void {
    if (this.kexCount === 0 || (this.kex && !this.kex.sentNewKeys)) {
      this.queuedBytes += payload.length;
      if (this.queuedBytes > (this.options.maxQueuedBytes ?? 64 * 1024 * 1024)) {
        throw new SSHError('ERR_QUEUE_FULL', 'too much data queued during key exchange');
      }
      this.queued.push(payload);
      return;
    }
    this.sendPacket(payload);
  }

  private flushQueue(): void {
    if (this.kex && !this.kex.sentNewKeys) return;
    const queued = this.queued;
    this.queued = [];
    this.queuedBytes = 0;
    for (const payload of queued) this.sendPacket(payload);
  }

  private sendPacket(payload: Uint8Array): void {
    this.log({ kind: 'send', message: messageName(payload[0] ?? 0), size: payload.length });
    this.encoder.encodeChunks(payload, this.output);
    this.onOutput();
    this.maybeRekey();
  }

  private maybeRekey(): void {
    if (this.kex || this.kexCount === 0 || this.isClosed) return;
    const limits = this.options.rekeyLimits;
    const cipher = this.negotiated
      ? this.options.provider.ciphers.find((c) => c.name === this.negotiated!.cipher[0])
      : undefined;
    const bytes = limits?.bytes ?? rekeyBytesLimit(cipher?.blockSize ?? 16);
    const packets = limits?.packets ?? 2 ** 31;
    const e = this.encoder;
    const d = this.decoder;
    if (
      e.bytesSinceKeys >= bytes ||
      d.bytesSinceKeys >= bytes ||
      e.packetsSinceKeys >= packets ||
      d.packetsSinceKeys >= packets
    ) {
      this.startKex();
    }
  }

  private writeDisconnect(reason: number, description: string): void {
    try {
      const payload = encodeDisconnect(reason, description);
      this.log({ kind: 'disconnect', reason, description, fromPeer: false });
      this.encoder.encodeChunks(payload, this.output);
      this.onOutput();
    } catch {
      // Nothing more can be said on a broken connection.
    }
  }

  // --- failure and close ---

  private fail(error: unknown): void {
    if (this.isClosed) return;
    const err =
      error instanceof SSHError
        ? error
        : new ProtocolError(String((error as Error)?.message ?? error), { cause: error });
    const reason = (err as { reason?: number }).reason ?? DisconnectReason.PROTOCOL_ERROR;
    this.writeDisconnect(reason, err.message);
    this.close({ reason: err.message, code: reason, error: err });
  }

  private close(info: CloseInfo): void {
    if (this.isClosed) return;
    this.isClosed = true;
    const error = info.error ?? new SSHError('ERR_CLOSED', info.reason);
    this.readyReject(error);
    for (const w of this.serviceWaiters) w.reject(error);
    this.serviceWaiters = [];
    for (const w of this.kex?.waiters ?? []) w.reject(error);
    this.globals.failAll(error);
    this.resolveClosed(info);
  }

  private log(event: TransportLogEvent): void {
    this.options.logger?.(event);
  }
}
