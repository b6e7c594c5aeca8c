// The key-exchange side of a connection (RFC 4253 §7–§9), as Go's handshake.go is to its
// transport: our KEXINIT, the peer's, the method's messages, host-key acceptance, NEWKEYS in each
// direction, strict kex's sequence resets, and who started which exchange. The connection
// (transport-connection.ts) routes messages here and holds its own traffic while `holding`.
import type { PublicKey, Signer } from '@sshts/keys';
import { HostKeyError, MessageType, messageName, ProtocolError } from '@sshts/wire';
import type { Direction } from './compression.js';
import type { CryptoProvider } from './crypto-provider.js';
import type { HostKeySupport } from './host-key-support.js';
import type { KexMethod } from './kex-method.js';
import { type KexOutcome, KexRound } from './kex-round.js';
import { decodeKexInit, encodeKexInit, type KexInit } from './kexinit.js';
import { EXT_INFO_CLIENT, type Negotiated, STRICT_KEX_CLIENT, STRICT_KEX_SERVER } from './negotiate.js';
import type { PacketDecoder } from './packet-decoder.js';
import type { PacketEncoder } from './packet-encoder.js';
import type { AlgorithmPreferences } from './preferences.js';
import type { TransportLogEvent } from './transport-events.js';

/** What the handshake needs from its connection. */
export interface HandshakeHost {
  readonly role: 'client' | 'server';
  readonly provider: CryptoProvider;
  readonly kexMethods: readonly KexMethod[];
  readonly hostKeys: HostKeySupport;
  readonly preferences: AlgorithmPreferences;
  readonly localIdentification: string;
  readonly remoteIdentification: string;
  readonly encoder: PacketEncoder;
  readonly decoder: PacketDecoder;
  readonly verifyHostKey?: (key: PublicKey, algorithm: string) => boolean | Promise<boolean>;
  /** Server: our host key for a host-key algorithm we offered. */
  hostKeyFor?(algorithm: string): Signer | undefined;
  /**
   * Server: right after our first NEWKEYS, when the client's KEXINIT asked for it with
   * `ext-info-c` (RFC 8308 §2.4), its EXT_INFO payload; undefined sends none.
   */
  serverExtInfo?(): Uint8Array | undefined;
  randomBytes(length: number): Uint8Array;
  /** Sends a message now, under the keys in force. */
  sendPacket(payload: Uint8Array): void;
  /** Our NEWKEYS is out: messages held back may follow under the new keys. */
  releaseHeld(): void;
  /**
   * New keys are in force for one direction (0 after our NEWKEYS, 1 after the peer's), with the
   * compression negotiated for it: its stream starts afresh (RFC 4253 §6.2).
   */
  keysChanged(direction: Direction, compression: string): void;
  log(event: TransportLogEvent): void;
  /** A key exchange finished (count includes the first). */
  kexDone(count: number): void;
}

interface Exchange {
  ours: KexInit;
  /** The sequence number our KEXINIT went out with, to recognise an UNIMPLEMENTED for it. */
  kexInitSeq: number;
  round?: KexRound;
  outcome?: KexOutcome;
  sentNewKeys: boolean;
  ignoreNextKexPacket: boolean;
  waiters: { resolve(): void; reject(e: unknown): void }[];
}

export class Handshake {
  sessionId: Uint8Array | undefined;
  negotiated: Negotiated | undefined;
  hostKey: PublicKey | undefined;
  /** The server's signature over the first exchange hash (the session id). */
  hostKeySignature: Uint8Array | undefined;
  strictKex = false;
  /** Completed key exchanges, the first included. */
  kexCount = 0;
  /** Key exchanges the peer started (its KEXINIT came before ours). */
  peerInitiatedKexCount = 0;
  /** Set once the peer's first NEWKEYS has arrived: the initial exchange is over. */
  initialDone = false;
  private current: Exchange | undefined;

  constructor(private readonly host: HandshakeHost) {}

  /** An exchange is under way (we sent KEXINIT and not yet both NEWKEYS). */
  get inProgress(): boolean {
    return this.current !== undefined;
  }

  /** The peer's KEXINIT has arrived for the exchange under way. */
  get peerInKex(): boolean {
    return this.current?.round !== undefined;
  }

  /** Upper-layer messages must wait: no keys yet, or our KEXINIT is out and our NEWKEYS is not. */
  get holding(): boolean {
    return this.kexCount === 0 || (this.current !== undefined && !this.current.sentNewKeys);
  }

  /** Strict kex (checklist §3.11): during the initial exchange nothing but the exchange itself. */
  get strictNow(): boolean {
    return !this.initialDone && (this.strictKex || (this.current?.round?.negotiated.strictKex ?? false));
  }

  /** Sends our KEXINIT: feature signals only in the first (checklist §3.3). */
  start(): void {
    const p = this.host.preferences;
    const kex = [...p.kex];
    if (this.kexCount === 0) {
      // ext-info-c last for paramiko ≤ 3.3, which only looks there (checklist §1).
      if (this.host.role === 'client') kex.push(STRICT_KEX_CLIENT, EXT_INFO_CLIENT);
      else kex.push(STRICT_KEX_SERVER);
    }
    const ours = encodeKexInit(
      {
        kex,
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
      this.host.randomBytes(16),
    );
    this.current = {
      ours,
      kexInitSeq: this.host.encoder.sequenceNumber,
      sentNewKeys: false,
      ignoreNextKexPacket: false,
      waiters: [],
    };
    this.host.sendPacket(ours.payload);
  }

  /** Resolves when the exchange under way (if any) completes. */
  whenDone(): Promise<void> {
    const current = this.current;
    if (!current) return Promise.resolve();
    return new Promise((resolve, reject) => current.waiters.push({ resolve, reject }));
  }

  async onKexInit(payload: Uint8Array, seq: number): Promise<void> {
    if (this.current?.round) throw new ProtocolError('second KEXINIT during a key exchange');
    if (!this.current) {
      // The peer starts a rekey: answer with our KEXINIT (RFC 4253 §7.1).
      this.peerInitiatedKexCount++;
      this.start();
    }
    const current = this.current!;
    const initial = this.kexCount === 0;
    const round = new KexRound({
      role: this.host.role,
      initial,
      provider: this.host.provider,
      kexMethods: this.host.kexMethods,
      hostKeys: this.host.hostKeys,
      localIdentification: this.host.localIdentification,
      remoteIdentification: this.host.remoteIdentification,
      ours: current.ours,
      theirs: decodeKexInit(payload),
      randomBytes: (n) => this.host.randomBytes(n),
      hostKeyFor: this.host.hostKeyFor ? (algorithm) => this.host.hostKeyFor!(algorithm) : undefined,
    });
    current.round = round;
    current.ignoreNextKexPacket = round.negotiated.ignoreGuessedPacket;
    this.host.log({ kind: 'negotiated', negotiated: round.negotiated, initial });
    if (initial) {
      this.strictKex = round.negotiated.strictKex;
      // The peer's KEXINIT must be the first packet it sent (OpenSSH: "not the first packet").
      if (this.strictKex && seq !== 0)
        throw new ProtocolError('strict kex: KEXINIT was not the first packet');
    }
    for (const message of await round.start()) this.host.sendPacket(message);
  }

  async onKexMessage(payload: Uint8Array): Promise<void> {
    const current = this.current!;
    if (current.ignoreNextKexPacket) {
      current.ignoreNextKexPacket = false; // the peer's wrong guess (RFC 4253 §7.1)
      return;
    }
    if (current.outcome) {
      throw new ProtocolError(`unexpected ${messageName(payload[0]!)} after the key exchange reply`);
    }
    const { send, outcome } = await current.round!.receive(payload.slice(), this.sessionId);
    for (const message of send) this.host.sendPacket(message);
    if (!outcome) return;
    await this.acceptHostKey(outcome);
    current.outcome = outcome;
    this.sessionId ??= outcome.exchangeHash;
    this.negotiated = outcome.negotiated;
    // NEWKEYS goes out under the old keys; everything after it under the new ones (RFC 4253 §7.3).
    this.host.sendPacket(new Uint8Array([MessageType.NEWKEYS]));
    const client = this.host.role === 'client';
    this.host.encoder.setKeys(client ? outcome.keys.clientToServer : outcome.keys.serverToClient);
    if (this.strictKex) this.host.encoder.resetSequence();
    this.host.keysChanged(0, outcome.negotiated.compression[client ? 0 : 1]);
    current.sentNewKeys = true;
    // RFC 8308 §2.4: the server's EXT_INFO may follow its first NEWKEYS at once (OpenSSH sends
    // server-sig-algs there), before anything the upper layers held back.
    if (!client && this.kexCount === 0 && outcome.negotiated.peerExtInfo) {
      const extInfo = this.host.serverExtInfo?.();
      if (extInfo) this.host.sendPacket(extInfo);
    }
    this.host.releaseHeld();
  }

  onNewKeys(): void {
    const current = this.current;
    if (!current?.outcome) throw new ProtocolError('NEWKEYS before the key exchange completed');
    const client = this.host.role === 'client';
    this.host.decoder.setKeys(
      client ? current.outcome.keys.serverToClient : current.outcome.keys.clientToServer,
    );
    if (this.strictKex) this.host.decoder.resetSequence();
    this.host.keysChanged(1, current.outcome.negotiated.compression[client ? 1 : 0]);
    this.initialDone = true;
    this.current = undefined;
    this.kexCount++;
    this.host.log({ kind: 'kex-done', count: this.kexCount });
    this.host.kexDone(this.kexCount);
    for (const w of current.waiters) w.resolve();
    this.host.releaseHeld();
  }

  /**
   * OpenSSH's server, for one, refuses KEXINIT while user authentication runs and answers
   * UNIMPLEMENTED: the exchange would never finish, so end it with a clear error instead.
   */
  onUnimplemented(seq: number): void {
    if (this.current && seq === this.current.kexInitSeq) {
      throw new ProtocolError('the peer refused the key re-exchange (UNIMPLEMENTED for our KEXINIT)', {
        code: 'ERR_REKEY_REFUSED',
      });
    }
  }

  failAll(error: unknown): void {
    for (const w of this.current?.waiters ?? []) w.reject(error);
  }

  private async acceptHostKey(outcome: KexOutcome): Promise<void> {
    const key = outcome.hostKey;
    if (this.host.role === 'server') {
      // Our own key, which signed H: nothing to verify. A rekey may use another of our keys.
      this.hostKey ??= key;
      this.hostKeySignature ??= outcome.signature;
      return;
    }
    if (this.hostKey) {
      // A rekey must present the key the first exchange verified.
      if (!this.hostKey.equals(key)) throw new HostKeyError('', 'host key changed during a rekey');
      return;
    }
    const verify = this.host.verifyHostKey;
    const accepted = verify ? await verify(key, outcome.negotiated.hostKey) : false;
    if (!accepted) throw new HostKeyError('', `host key ${key.fingerprint()} (${key.type}) was not accepted`);
    this.hostKey = key;
    this.hostKeySignature = outcome.signature;
  }
}
