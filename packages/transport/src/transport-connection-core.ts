// The transport layer of one SSH connection (RFC 4253), sans-I/O: bytes in with receive(), bytes
// out through takeOutput()/onOutput, upper-layer messages out through onMessage. It runs the
// identification exchange, routes the key exchanges to the Handshake (handshake.ts), and handles
// the service request, EXT_INFO, global requests, keepalive and the transport-generic messages.
// No sockets, timers or clocks inside: the driver calls tick() and injects time.
// TransportConnectionCore takes its host-key algorithms as a value (HostKeySupport) and names no key
// type; TransportConnection (transport-connection.ts) is the same class defaulting to all of them.
import type { PublicKey, Signer } from '@sshts/keys';
import {
  ConnectionLostError,
  DisconnectError,
  DisconnectReason,
  MessageType,
  messageName,
  ProtocolError,
  SSHError,
  TimeoutError,
} from '@sshts/wire';
import { type CompressionAlgorithm, compressionPreferences, PacketCompression } from './compression.js';
import type { CryptoProvider } from './crypto-provider.js';
import { type GlobalReply, GlobalRequests } from './global-requests.js';
import { Handshake } from './handshake.js';
import type { HostKeySupport } from './host-key-support.js';
import { formatIdentification, IdentificationReader } from './identification.js';
import { KeepaliveMonitor, type KeepaliveOptions } from './keepalive.js';
import type { KexMethod } from './kex-method.js';
import { DEFAULT_MAX_INCOMING_PACKET_LENGTH } from './limits.js';
import type { Negotiated } from './negotiate.js';
import { OutputBacklog } from './output-backlog.js';
import { PacketDecoder } from './packet-decoder.js';
import { PacketEncoder } from './packet-encoder.js';
import { type AlgorithmPreferences, defaultAlgorithmPreferences } from './preferences.js';
import { type RekeyLimits, rekeyBytesLimit } from './rekey.js';
import type { CloseInfo, TransportLogEvent } from './transport-events.js';
import {
  decodeDisconnect,
  decodeExtInfo,
  decodeServiceAccept,
  decodeServiceRequest,
  decodeUnimplemented,
  encodeDisconnect,
  encodeExtInfo,
  encodeIgnore,
  encodeServiceAccept,
  encodeServiceRequest,
  encodeUnimplemented,
} from './transport-messages.js';

export type { CloseInfo, TransportLogEvent } from './transport-events.js';

export interface TransportConnectionOptions {
  role: 'client' | 'server';
  provider: CryptoProvider;
  /** Key-exchange methods (from @sshts/kex), in no particular order: `algorithms.kex` orders them. */
  kexMethods: readonly KexMethod[];
  /**
   * The host-key algorithms offered by default and, for a client, the key types it can read from
   * the server (`hostKeySupport([ed25519KeyType])`). Default (TransportConnection): every key type
   * of @sshts/keys and their certificates; TransportConnectionCore has no default.
   */
  hostKeySupport?: HostKeySupport;
  algorithms?: Partial<AlgorithmPreferences>;
  softwareVersion?: string;
  /**
   * Client: decides whether to trust the server's host key, after its signature over the exchange
   * hash has verified. Without it every host key is rejected (secure by default).
   */
  verifyHostKey?: (key: PublicKey, algorithm: string) => boolean | Promise<boolean>;
  /**
   * Server: the host keys (private keys or signers, certificates included). Only host-key
   * algorithms one of them can sign with are offered, in `algorithms.hostKey` order.
   */
  hostKeys?: readonly Signer[];
  /**
   * Server: a client's SERVICE_REQUEST (RFC 4253 §10). True accepts it; false (or no handler)
   * disconnects with SERVICE_NOT_AVAILABLE, as OpenSSH does for anything but ssh-userauth.
   */
  onServiceRequest?: (name: string) => boolean;
  /** Server: `server-sig-algs` for EXT_INFO (RFC 8308 §3.1); other extensions may join it. */
  serverSigAlgs?: readonly string[];
  rekeyLimits?: RekeyLimits;
  /**
   * Compression algorithms this connection may use, e.g. `[zlibOpenSSH]` from
   * `@sshts/transport/zlib`. Default none: only `none` is offered. With some, the compression
   * name-lists offer their names then `none`, unless `algorithms.compression` orders them.
   */
  compression?: readonly CompressionAlgorithm[];
  /** Probe a silent peer (after authentication) and declare it dead after `countMax` probes. */
  keepalive?: KeepaliveOptions;
  maxIncomingPacketLength?: number;
  /** Bound on messages held while a key exchange is in progress (checklist §3.3). */
  maxQueuedBytes?: number;
  randomBytes?: (length: number) => Uint8Array;
  logger?: (event: TransportLogEvent) => void;
}

const MAX_EXT_INFO_MESSAGES = 2; // RFC 8308 §2.4: after NEWKEYS and before USERAUTH_SUCCESS
const CLOSED = () => new SSHError('ERR_CLOSED', 'the connection is closed');

export class TransportConnectionCore {
  /** The HostKeySupport of a connection whose options give none; TransportConnection sets it. */
  static defaultHostKeySupport: HostKeySupport | undefined;

  /** Called when output is queued; the driver then calls takeOutput(). */
  onOutput: () => void = () => {};
  /** Upper-layer messages (numbers ≥ 50). Return false to have UNIMPLEMENTED sent back. */
  onMessage: (payload: Uint8Array) => boolean = () => false;

  readonly localIdentification: string;
  remoteIdentification = '';
  remoteSoftware = '';
  /** Set by the server's EXT_INFO (RFC 8308 §3.1). */
  serverSigAlgs: string[] | undefined;
  readonly extensions = new Map<string, Uint8Array>();
  readonly closed: Promise<CloseInfo>;

  private readonly encoder: PacketEncoder;
  private readonly decoder: PacketDecoder;
  private readonly options: TransportConnectionOptions;
  private readonly handshakeState: Handshake;
  private readonly compression: PacketCompression;
  /**
   * Server: USERAUTH_SUCCESS is held behind a key exchange. Compression out starts once it is
   * sent; in, from the client's NEWKEYS of that exchange (which the client sent before it could
   * have seen the success, so uncompressed).
   */
  private compressAfterHeldSuccess = false;
  private inflateAfterPeerNewKeys = false;
  /** The payload being dispatched was inflated into memory of its own (payloadShared). */
  private payloadInflated = false;
  private readonly identReader: IdentificationReader;
  private readonly randomBytes: (length: number) => Uint8Array;
  private readonly globals = new GlobalRequests();
  private readonly keepalive: KeepaliveMonitor | undefined;
  private output: Uint8Array[] = [];
  private readonly backlog = new OutputBacklog();
  private held: Uint8Array[] = [];
  /** True while a received payload is being dispatched (payloadShared). */
  private dispatching = false;
  private heldBytes = 0;
  private versionDone = false;
  private started = false;
  private extInfoCount = 0;
  private pumping = false;
  private isClosed = false;
  /** The error close() settled everything with. */
  private closeError: SSHError | undefined;
  private authenticated = false;
  /** The time of the last tick(), for the keepalive's notion of "recently received". */
  private now: number | undefined;
  /** When a time-based rekey is due (ms), armed by the first tick() after each key exchange. */
  private rekeyDueAt: number | undefined;
  private serviceWaiters: { name: string; resolve(): void; reject(e: unknown): void }[] = [];
  private resolveClosed!: (info: CloseInfo) => void;
  private readonly ready: Promise<void>;
  private readyResolve!: () => void;
  private readyReject!: (e: unknown) => void;

  constructor(options: TransportConnectionOptions) {
    this.options = options;
    const hostKeys =
      options.hostKeySupport ?? (this.constructor as typeof TransportConnectionCore).defaultHostKeySupport;
    if (!hostKeys) {
      throw new TypeError(
        'TransportConnectionCore needs options.hostKeySupport (TransportConnection has a default)',
      );
    }
    const primitives = options.provider.primitives;
    this.encoder = new PacketEncoder(primitives);
    this.decoder = new PacketDecoder(primitives, {
      maxPacketLength: options.maxIncomingPacketLength,
      // The thread finds NEWKEYS by its message type, which compression would hide.
      offload: options.compression?.length ? undefined : primitives.packetOffload,
    });
    this.decoder.onPackets = () => void this.pump();
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
    const connection = this;
    const preferences = {
      ...defaultAlgorithmPreferences(options.provider, options.kexMethods, hostKeys.algorithms),
      ...options.algorithms,
    };
    const compression = options.compression ?? [];
    preferences.compression = compressionPreferences(compression, options.algorithms?.compression);
    this.compression = new PacketCompression(
      compression,
      options.maxIncomingPacketLength ?? DEFAULT_MAX_INCOMING_PACKET_LENGTH,
    );
    if (options.role === 'server') {
      preferences.hostKey = serverHostKeyAlgorithms(
        preferences.hostKey,
        options.hostKeys,
        options.algorithms?.hostKey !== undefined,
      );
    }
    this.handshakeState = new Handshake({
      role: options.role,
      provider: options.provider,
      kexMethods: options.kexMethods,
      hostKeys,
      preferences,
      localIdentification: this.localIdentification,
      get remoteIdentification() {
        return connection.remoteIdentification;
      },
      encoder: this.encoder,
      decoder: this.decoder,
      verifyHostKey: options.verifyHostKey,
      hostKeyFor: (algorithm) => hostKeyFor(options.hostKeys, algorithm),
      // server-sig-algs (RFC 8308 §3.1), and publickey-hostbound@openssh.com "0" (OpenSSH
      // PROTOCOL §1.9): the auth layer accepts host-bound publickey requests for our host key.
      serverExtInfo: () =>
        options.serverSigAlgs?.length
          ? encodeExtInfo(
              new Map([
                ['server-sig-algs', options.serverSigAlgs.join(',')],
                ['publickey-hostbound@openssh.com', '0'],
              ]),
            )
          : undefined,
      randomBytes: this.randomBytes,
      sendPacket: (payload) => this.sendPacket(payload),
      releaseHeld: () => this.releaseHeld(),
      keysChanged: (direction, name) => {
        this.compression.keys(direction, name);
        if (direction === 1 && this.inflateAfterPeerNewKeys) {
          this.inflateAfterPeerNewKeys = false;
          this.compression.start(1);
        }
      },
      log: (event) => this.log(event),
      kexDone: (count) => {
        this.rekeyDueAt = undefined;
        if (count === 1) this.readyResolve();
      },
    });
    this.closed = new Promise((resolve) => {
      this.resolveClosed = resolve;
    });
    this.ready = new Promise((resolve, reject) => {
      this.readyResolve = resolve;
      this.readyReject = reject;
    });
    this.ready.catch(() => {}); // observed through handshake(); never an unhandled rejection
  }

  // The key-exchange state, as the Handshake keeps it.
  get sessionId(): Uint8Array | undefined {
    return this.handshakeState.sessionId;
  }
  get negotiated(): Negotiated | undefined {
    return this.handshakeState.negotiated;
  }
  get hostKey(): PublicKey | undefined {
    return this.handshakeState.hostKey;
  }
  /**
   * The server's signature blob over the session id from the first key exchange: with hostKey and
   * sessionId, what OpenSSH's agent `session-bind@openssh.com` extension carries (PROTOCOL.agent).
   */
  get hostKeySignature(): Uint8Array | undefined {
    return this.handshakeState.hostKeySignature;
  }
  get strictKex(): boolean {
    return this.handshakeState.strictKex;
  }
  /** Completed key exchanges, the first included. */
  get kexCount(): number {
    return this.handshakeState.kexCount;
  }
  /** Key exchanges the peer started (its KEXINIT came before ours). */
  get peerInitiatedKexCount(): number {
    return this.handshakeState.peerInitiatedKexCount;
  }

  /** Sends our identification and first KEXINIT; resolves when the first key exchange is done. */
  handshake(): Promise<void> {
    if (!this.started) {
      this.started = true;
      const line = new TextEncoder().encode(`${this.localIdentification}\r\n`);
      this.output.push(line);
      this.backlog.queued += line.length;
      this.handshakeState.start();
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
    this.backlog.queued = 0;
    this.backlog.check();
    return out;
  }

  /**
   * For drivers that track their writes: `+n` for bytes taken with takeOutput() and not yet
   * written, `-n` as the stream accepts them. Without it, taken output counts as written.
   */
  outputInFlight(delta: number): void {
    this.backlog.inFlight = Math.max(0, this.backlog.inFlight + delta);
    this.backlog.check();
  }

  /**
   * While onMessage runs: false when its payload may be kept without copying (see
   * PacketDecoder.lastPayloadShared); true otherwise, the safe answer.
   */
  get payloadShared(): boolean {
    return this.dispatching ? !this.payloadInflated && this.decoder.lastPayloadShared : true;
  }

  /** Encrypted bytes waiting for the stream (queued here or being written by the driver). */
  get outputBacklog(): number {
    return this.backlog.bytes;
  }

  /** True while so much output waits that producers (channels) should hold back. */
  get outputFull(): boolean {
    return this.backlog.full;
  }

  /** Resolves when the output backlog has fallen under the low-water mark. */
  whenOutputDrained(): Promise<void> {
    return this.backlog.drained();
  }

  /** Sends an upper-layer message (≥ 50), held back while a key exchange is in progress. */
  send(payload: Uint8Array): void {
    if (this.isClosed) throw CLOSED();
    const type = payload[0] ?? 0;
    if (type < MessageType.USERAUTH_REQUEST)
      throw new RangeError(`message ${type} is internal to the transport`);
    // OpenSSH 9.2 disconnects on any message ≥ 192 (checklist §1); we send none unless advertised.
    if (type >= 192 && !this.extensions.has('ping@openssh.com')) {
      throw new RangeError(`message ${type} was not advertised by the peer`);
    }
    this.sendOrHold(payload.slice());
  }

  /**
   * Sends one upper-layer message given as consecutive parts (e.g. a CHANNEL_DATA header and the
   * data), copied straight into the packet: no joined payload is made unless the message must be
   * held during a key exchange. The parts may be reused once this returns.
   */
  sendParts(parts: readonly Uint8Array[]): void {
    if (this.isClosed) throw CLOSED();
    const type = parts[0]?.[0] ?? 0;
    if (type < MessageType.USERAUTH_REQUEST || type >= 192) {
      throw new RangeError(`message ${type} cannot be sent in parts`);
    }
    let length = 0;
    for (const part of parts) length += part.length;
    if (this.handshakeState.holding) {
      const payload = new Uint8Array(length);
      let at = 0;
      for (const part of parts) {
        payload.set(part, at);
        at += part.length;
      }
      this.sendOrHold(payload);
      return;
    }
    this.log({ kind: 'send', message: messageName(type), size: length });
    const compressor = this.compression.compressor;
    if (compressor) {
      this.backlog.queued += this.encoder.encodeChunks(compressor.compress(parts), this.output);
    } else {
      const draft = this.encoder.draft(length);
      let at = 0;
      for (const part of parts) {
        draft.payload.set(part, at);
        at += part.length;
      }
      this.backlog.queued += this.encoder.seal(draft, this.output);
    }
    this.onOutput();
    this.maybeRekey();
  }

  /** Client: SERVICE_REQUEST (RFC 4253 §10); resolves on the matching SERVICE_ACCEPT. */
  requestService(name: string): Promise<void> {
    // A waiter added after close() would never be settled (close() rejected those it had): fail
    // now, with the error that closed the connection (a MacError, say), as the waiters got.
    if (this.isClosed) return Promise.reject(this.closeError ?? CLOSED());
    return new Promise((resolve, reject) => {
      this.serviceWaiters.push({ name, resolve, reject });
      this.sendOrHold(encodeServiceRequest(name));
    });
  }

  /**
   * Starts a key exchange now (RFC 4253 §9); resolves when it is complete. Called while one is
   * still in progress (on this side: until the peer's NEWKEYS arrives), it joins that one.
   */
  rekey(): Promise<void> {
    if (this.isClosed) return Promise.reject(CLOSED());
    if (this.kexCount === 0) return this.ready;
    if (!this.handshakeState.inProgress) this.handshakeState.start();
    return this.handshakeState.whenDone();
  }

  /** Resolves when no key exchange is in progress (at once if none is). */
  whenKexDone(): Promise<void> {
    if (this.isClosed) return Promise.reject(CLOSED());
    return this.kexCount === 0 ? this.ready : this.handshakeState.whenDone();
  }

  /**
   * Sends SSH_MSG_GLOBAL_REQUEST (RFC 4254 §4); with `wantReply`, resolves with the reply, matched
   * in order with every other global request on this connection.
   */
  globalRequest(name: string, wantReply: boolean, data?: Uint8Array): Promise<GlobalReply> | undefined {
    const { payload, reply } = this.globals.request(name, wantReply, data);
    this.sendOrHold(payload);
    return reply;
  }

  /**
   * Called by the authentication layer on USERAUTH_SUCCESS — a server right after sending it, a
   * client on receiving it: keepalive probes may start, and so does delayed compression.
   */
  setAuthenticated(): void {
    this.authenticated = true;
    this.startDelayedCompression();
  }

  /**
   * Starts a delayed compression (zlib@openssh.com, OpenSSH PROTOCOL §1.2) at USERAUTH_SUCCESS,
   * in both directions: a client's next packets, sent and received, are compressed; so are a
   * server's, from the packet after its USERAUTH_SUCCESS (which, if held behind a key exchange,
   * goes out uncompressed first). setAuthenticated() calls it; a no-op without delayed compression.
   */
  startDelayedCompression(): void {
    if (this.options.role === 'server' && this.held.some((p) => p[0] === MessageType.USERAUTH_SUCCESS)) {
      this.compressAfterHeldSuccess = true;
      return;
    }
    this.compression.start(0);
    this.compression.start(1);
  }

  /** Sends SSH_MSG_IGNORE (RFC 4253 §11.2), e.g. as traffic or a keepalive. */
  sendIgnore(data: Uint8Array = new Uint8Array(0)): void {
    this.sendOrHold(encodeIgnore(data));
  }

  /** Time passes: keepalive, and a time-based rekey when due. `now` in milliseconds, any epoch. */
  tick(now: number): void {
    if (this.isClosed) return;
    this.now = now;
    this.tickKeepalive(now);
    const seconds = this.options.rekeyLimits?.seconds;
    if (!seconds || this.kexCount === 0 || this.handshakeState.inProgress) return;
    if (this.rekeyDueAt === undefined) this.rekeyDueAt = now + seconds * 1000;
    else if (now >= this.rekeyDueAt) this.handshakeState.start();
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

  // --- receiving ---

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (!this.isClosed) {
        let payload = this.decoder.next();
        if (!payload) break;
        const decompressor = this.compression.decompressor;
        if (decompressor) {
          payload = decompressor.decompress(payload);
          this.payloadInflated = true;
        } else this.payloadInflated = false;
        this.log({ kind: 'receive', message: messageName(payload[0] ?? 0), size: payload.length });
        this.keepalive?.received(this.now);
        this.dispatching = true;
        try {
          await this.dispatch(payload, this.decoder.lastSequenceNumber);
        } finally {
          this.dispatching = false;
        }
      }
    } catch (error) {
      this.fail(error);
    } finally {
      this.pumping = false;
    }
  }

  private async dispatch(payload: Uint8Array, seq: number): Promise<void> {
    const type = payload[0]!;
    const hs = this.handshakeState;
    const initialKex = !hs.initialDone;
    if (type === MessageType.DISCONNECT) return this.onDisconnect(payload); // always processed
    if (initialKex && this.decoder.sequenceWrapped) {
      throw new ProtocolError('sequence number wrapped during the initial key exchange');
    }
    if (type === MessageType.KEXINIT) return hs.onKexInit(payload, seq);
    if (type === MessageType.IGNORE || type === MessageType.DEBUG || type === MessageType.UNIMPLEMENTED) {
      if (hs.strictNow) throw new ProtocolError(`${messageName(type)} during strict key exchange`);
      if (type === MessageType.UNIMPLEMENTED) hs.onUnimplemented(decodeUnimplemented(payload));
      return;
    }
    if (type === MessageType.NEWKEYS) return hs.onNewKeys();
    if (type >= 30 && type <= 49 && hs.peerInKex) return hs.onKexMessage(payload);
    if (initialKex || (hs.peerInKex && type < MessageType.USERAUTH_REQUEST)) {
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
    if (type === MessageType.SERVICE_REQUEST && this.options.role === 'server')
      return this.onServiceRequest(payload);
    if (type >= MessageType.USERAUTH_REQUEST && this.onMessage(payload)) return;
    this.sendPacket(encodeUnimplemented(seq));
  }

  private onDisconnect(payload: Uint8Array): void {
    const { reason, description } = decodeDisconnect(payload);
    this.log({ kind: 'disconnect', reason, description, fromPeer: true });
    this.close({ reason: description, code: reason, error: new DisconnectError(reason, description, true) });
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

  private onServiceRequest(payload: Uint8Array): void {
    const name = decodeServiceRequest(payload);
    if (this.options.onServiceRequest?.(name)) {
      this.sendPacket(encodeServiceAccept(name));
      return;
    }
    throw new ProtocolError(`service ${name} is not available`, {
      reason: DisconnectReason.SERVICE_NOT_AVAILABLE,
    });
  }

  private onServiceAccept(payload: Uint8Array): void {
    const name = decodeServiceAccept(payload);
    const waiter = this.serviceWaiters.shift();
    if (!waiter || waiter.name !== name) throw new ProtocolError(`unexpected SERVICE_ACCEPT for ${name}`);
    waiter.resolve();
  }

  // --- sending ---

  private sendOrHold(payload: Uint8Array): void {
    if (!this.handshakeState.holding) {
      this.sendPacket(payload);
      return;
    }
    this.heldBytes += payload.length;
    if (this.heldBytes > (this.options.maxQueuedBytes ?? 64 * 1024 * 1024)) {
      throw new SSHError('ERR_QUEUE_FULL', 'too much data queued during key exchange');
    }
    this.held.push(payload);
  }

  private releaseHeld(): void {
    if (this.handshakeState.holding) return;
    const held = this.held;
    this.held = [];
    this.heldBytes = 0;
    for (const payload of held) {
      this.sendPacket(payload);
      if (this.compressAfterHeldSuccess && payload[0] === MessageType.USERAUTH_SUCCESS) {
        this.compressAfterHeldSuccess = false;
        this.compression.start(0);
        this.inflateAfterPeerNewKeys = true;
      }
    }
  }

  private sendPacket(payload: Uint8Array): void {
    this.log({ kind: 'send', message: messageName(payload[0] ?? 0), size: payload.length });
    this.backlog.queued += this.encodePacket(payload);
    this.onOutput();
    this.maybeRekey();
  }

  /** Compresses (when on) and frames one payload into the output; returns the bytes queued. */
  private encodePacket(payload: Uint8Array): number {
    const compressor = this.compression.compressor;
    return this.encoder.encodeChunks(compressor ? compressor.compress([payload]) : payload, this.output);
  }

  private maybeRekey(): void {
    if (this.handshakeState.inProgress || this.kexCount === 0 || this.isClosed) return;
    const limits = this.options.rekeyLimits;
    const cipherName = this.negotiated?.cipher[0];
    const cipher = this.options.provider.ciphers.find((c) => c.name === cipherName);
    const bytes = limits?.bytes ?? rekeyBytesLimit(cipher?.blockSize ?? 16);
    const packets = limits?.packets ?? 2 ** 31;
    const { encoder: e, decoder: d } = this;
    if (
      e.bytesSinceKeys >= bytes ||
      d.bytesSinceKeys >= bytes ||
      e.packetsSinceKeys >= packets ||
      d.packetsSinceKeys >= packets
    ) {
      this.handshakeState.start();
    }
  }

  private writeDisconnect(reason: number, description: string): void {
    try {
      this.log({ kind: 'disconnect', reason, description, fromPeer: false });
      this.encodePacket(encodeDisconnect(reason, description));
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
    this.decoder.dispose();
    const error = info.error ?? new SSHError('ERR_CLOSED', info.reason);
    this.closeError = error;
    this.readyReject(error);
    for (const w of this.serviceWaiters) w.reject(error);
    this.serviceWaiters = [];
    this.handshakeState.failAll(error);
    this.globals.failAll(error);
    this.backlog.release();
    this.resolveClosed(info);
  }

  private log(event: TransportLogEvent): void {
    this.options.logger?.(event);
  }
}

/**
 * The host-key algorithms a server offers: those of `preferred` one of its keys signs with; by
 * default its certificates' algorithms first (as OpenSSH lists them, sshd.c list_hostkey_types).
 */
function serverHostKeyAlgorithms(
  preferred: readonly string[],
  keys: readonly Signer[] | undefined,
  explicit: boolean,
): string[] {
  const certificates = explicit
    ? []
    : (keys ?? []).flatMap((k) => (k.publicKey.certificate ? k.publicKey.signatureAlgorithms : []));
  return [...new Set([...certificates, ...preferred])].filter((a) => hostKeyFor(keys, a) !== undefined);
}

/** The first key that signs with `algorithm` (a certificate's name matches only its certificate). */
function hostKeyFor(keys: readonly Signer[] | undefined, algorithm: string): Signer | undefined {
  return keys?.find((k) => k.publicKey.signatureAlgorithms.includes(algorithm));
}
