// When to start a new key exchange (RFC 4253 §9, RFC 4344 §3).

export interface RekeyLimits {
  /** Bytes sent or received under one set of keys (default: by cipher block size, below). */
  bytes?: number;
  /** Packets sent or received under one set of keys (default 2^31, OpenSSH's MAX_PACKETS). */
  packets?: number;
  /** Seconds between key exchanges (default: none, as OpenSSH). */
  seconds?: number;
}

/**
 * OpenSSH packet.c ssh_set_newkeys: 2^(2·block size) blocks for 16-byte blocks (64 GiB for AES),
 * 1 GiB for smaller blocks (chacha20-poly1305 counts as 8). RFC 4344 §3.2 asks for at most 2^(L/4)
 * blocks.
 */
export function rekeyBytesLimit(blockSize: number): number {
  return blockSize >= 16 ? 2 ** (2 * blockSize) * blockSize : 2 ** 30;
}
