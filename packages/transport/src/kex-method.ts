// The contract between the transport and a key-exchange method (RFC 4253 §7–§8). The transport
// negotiates, frames messages and derives keys; a method runs its own messages (numbers 30–49),
// computes the shared secret K and the exchange hash H. Methods live in @sshts/kex and are handed
// to the transport (it may not import that package: ARCHITECTURE.md layers).
import type { HashName, X25519KeyPair } from './crypto-primitives.js';

/** What a method needs from the transport for one key exchange. */
export interface KexContext {
  /** Cryptographically secure random bytes. */
  randomBytes(length: number): Uint8Array;
  /**
   * The provider's X25519 key pairs (CryptoPrimitives.x25519KeyPair), when it has them; methods
   * using X25519 take their ephemeral key from here instead of from `randomBytes`.
   */
  readonly x25519KeyPair?: () => X25519KeyPair;
  /**
   * `string V_C || string V_S || string I_C || string I_S`, already SSH-encoded: the identification
   * strings without CR LF and the exact KEXINIT payloads. Every method's H starts with these.
   */
  readonly exchangeHashPrefix: Uint8Array;
  /**
   * Group-exchange only: the modulus sizes the client asks for (RFC 4419 §3; OpenSSH sends
   * min 2048, n from the cipher strength, max 8192).
   */
  readonly groupSizes?: { min: number; preferred: number; max: number };
}

/** What the server side needs in addition: its host key for the negotiated algorithm. */
export interface KexServerContext extends KexContext {
  /** K_S: the host public key blob (RFC 4253 §6.6). */
  readonly hostKeyBlob: Uint8Array;
  /** Signs H with the host key and the negotiated algorithm; returns the signature blob. */
  sign(exchangeHash: Uint8Array): Uint8Array | Promise<Uint8Array>;
  /** Group-exchange only: picks a group for the client's sizes (RFC 4419 §3). */
  chooseGroup?(sizes: { min: number; preferred: number; max: number }): { p: bigint; g: bigint } | undefined;
}

/** The outcome of a key exchange. */
export interface KexResult {
  /** K in its wire encoding (mpint, or string for the hybrid methods), as hashed into H. */
  readonly sharedSecret: Uint8Array;
  readonly exchangeHash: Uint8Array;
  /** Client side: K_S and the signature over H from the server's reply, for the transport to verify. */
  readonly hostKeyBlob: Uint8Array;
  readonly signature: Uint8Array;
}

/** One run of a method, driven by the transport. Every payload is a whole SSH message. */
export interface KexExchange {
  /** Messages to send first (client: e.g. KEX_ECDH_INIT; server: usually none). */
  start(): Uint8Array[] | Promise<Uint8Array[]>;
  /**
   * Handles one method message. Returns messages to send, and the result once the exchange is
   * complete. Throws ProtocolError (or a subclass) on a malformed or invalid peer value.
   */
  receive(payload: Uint8Array): KexStep | Promise<KexStep>;
}

export interface KexStep {
  readonly send: Uint8Array[];
  readonly result?: KexResult;
}

export interface KexMethod {
  /** The name in KEXINIT, e.g. `curve25519-sha256`. */
  readonly name: string;
  /** HASH for H and for the key derivation of RFC 4253 §7.2. */
  readonly hash: HashName;
  /** Implemented but not offered unless asked for (ARCHITECTURE.md principle 8). */
  readonly legacy?: boolean;
  client(context: KexContext): KexExchange;
  server(context: KexServerContext): KexExchange;
}
