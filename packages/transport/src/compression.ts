// Payload compression (RFC 4253 §6.2), as a small interface the transport knows and algorithms the
// user opts into. The core names no compression algorithm and carries no zlib: `zlibOpenSSH` and
// `zlib` live in the `@sshts/transport/zlib` entry (src/zlib/), passed in `compression: [...]`.
//
// The rules the connection applies (transport-connection-core.ts, PacketCompression below):
// - the payload is compressed before padding, MAC and encryption, and inflated after decryption;
// - each direction has its own stream, which starts afresh with every NEWKEYS of that direction
//   (RFC 4253 §6.2 "initialized after each key exchange"; OpenSSH packet.c ssh_set_newkeys
//   re-inits deflate/inflate, and paramiko makes a new compressor per key change);
// - a `delayed` algorithm (zlib@openssh.com, OpenSSH PROTOCOL §1.2) starts only after
//   SSH_MSG_USERAUTH_SUCCESS: a server after sending it, a client after receiving it; from then
//   on every later key exchange starts it at once;
// - an inflated payload is bounded by the largest packet we accept: more is an error, never an
//   allocation.

/** Compresses one direction's payloads: one stream for the packets under one set of keys. */
export interface Compressor {
  /**
   * Compresses one payload, given as one or more consecutive parts, and flushes so the peer can
   * inflate it whole (zlib: Z_PARTIAL_FLUSH, as OpenSSH). The result may be a view into a buffer
   * the next call reuses.
   */
  compress(parts: readonly Uint8Array[]): Uint8Array;
}

/** Inflates one direction's payloads. */
export interface Decompressor {
  /**
   * Inflates one packet's payload into fresh memory the caller may keep. Throws a ProtocolError
   * (reason COMPRESSION_ERROR) for corrupt input, and PacketLengthError when the result would pass
   * `maxPayloadLength`.
   */
  decompress(data: Uint8Array): Uint8Array;
}

/** A compression algorithm of KEXINIT's compression name-lists (other than `none`). */
export interface CompressionAlgorithm {
  readonly name: string;
  /** Starts only after USERAUTH_SUCCESS (zlib@openssh.com) instead of at the first NEWKEYS. */
  readonly delayed: boolean;
  createCompressor(): Compressor;
  createDecompressor(options: { maxPayloadLength: number }): Decompressor;
}

/** A direction: 0 for what we send, 1 for what we receive. */
export type Direction = 0 | 1;

/**
 * The compression in force for each direction of one connection. The connection calls
 * `keys(0, name)` right after its NEWKEYS went out, `keys(1, name)` right after the peer's
 * arrived, and `start(direction)` at USERAUTH_SUCCESS; it compresses with `compressor` and
 * inflates with `decompressor` whenever they are set.
 */
export class PacketCompression {
  compressor: Compressor | undefined;
  decompressor: Decompressor | undefined;
  /** Per direction: past USERAUTH_SUCCESS, so a delayed algorithm runs at once. */
  private readonly started = [false, false];
  /** Per direction: a delayed algorithm negotiated and waiting for USERAUTH_SUCCESS. */
  private readonly waiting: (CompressionAlgorithm | undefined)[] = [undefined, undefined];

  constructor(
    private readonly algorithms: readonly CompressionAlgorithm[],
    private readonly maxPayloadLength: number,
  ) {}

  /** New keys for `direction`: the negotiated algorithm starts afresh (or waits, if delayed). */
  keys(direction: Direction, name: string): void {
    // Negotiation picks only names we offered, and compressionPreferences checked those.
    const algorithm = this.algorithms.find((a) => a.name === name);
    this.waiting[direction] = undefined;
    if (algorithm?.delayed && !this.started[direction]) {
      this.waiting[direction] = algorithm;
      this.run(direction, undefined);
    } else this.run(direction, algorithm);
  }

  /** USERAUTH_SUCCESS for `direction`: a waiting delayed algorithm starts now, later ones at once. */
  start(direction: Direction): void {
    this.started[direction] = true;
    const algorithm = this.waiting[direction];
    this.waiting[direction] = undefined;
    if (algorithm) this.run(direction, algorithm);
  }

  private run(direction: Direction, algorithm: CompressionAlgorithm | undefined): void {
    if (direction === 0) this.compressor = algorithm?.createCompressor();
    else this.decompressor = algorithm?.createDecompressor({ maxPayloadLength: this.maxPayloadLength });
  }
}

/**
 * Our compression name-list: `algorithms.compression` when given (each name must be `none` or one
 * of `algorithms`), else the algorithms' names then `none`; just `none` without any.
 */
export function compressionPreferences(
  algorithms: readonly CompressionAlgorithm[],
  explicit: readonly string[] | undefined,
): string[] {
  const names = algorithms.map((a) => a.name);
  for (const name of explicit ?? []) {
    if (name !== 'none' && !names.includes(name)) {
      throw new TypeError(`compression ${name} needs its algorithm in options.compression`);
    }
  }
  return explicit ? [...explicit] : [...names, 'none'];
}
