// The one-round key agreement behind every method whose messages are INIT(our public value) and
// REPLY(K_S, their public value, signature): X25519, NIST ECDH and finite-field DH. A method pairs
// one of these with a hash and a name.

/** Random bytes, as KexContext.randomBytes supplies them. */
export type RandomBytes = (length: number) => Uint8Array;

/** Our ephemeral key for one exchange. */
export interface EphemeralKey {
  /**
   * Our public value as the content of its wire field: the octets of `string Q` (ECDH, X25519),
   * or the minimal content of `mpint e` / `mpint f` (finite-field DH). Sent and hashed as a string.
   */
  readonly publicValue: Uint8Array;
  /**
   * Validates the peer's public value (the content of its wire field) and computes K. Returns the
   * peer's value as it goes into H, and K in its wire encoding (an mpint, length included).
   * Throws ProtocolError (reason KEY_EXCHANGE_FAILED) for an unacceptable value.
   */
  agree(peerValue: Uint8Array): { peerValue: Uint8Array; sharedSecret: Uint8Array };
}

export interface KeyAgreement {
  /** Makes a fresh ephemeral key from `randomBytes` (the only source of its secret). */
  generate(randomBytes: RandomBytes): EphemeralKey;
}
