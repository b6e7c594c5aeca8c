// The SSH signature encoding (RFC 4253 §6.6): `string signature-format-identifier, string blob`.
// The identifier is the signature algorithm name (e.g. `rsa-sha2-512`, RFC 8332 §3), which need not
// equal the key blob's type name.
import { SSHReader } from '@sshts/wire';
import { MAX_ALGORITHM_NAME_BYTES } from './limits.js';

export interface SignatureBlob {
  /** The signature algorithm named in the blob. */
  readonly algorithm: string;
  /** The algorithm-specific signature bytes (a view into the input). */
  readonly signature: Uint8Array;
}

/** Splits a signature blob. Throws MalformedMessageError on truncation or trailing data. */
export function parseSignatureBlob(blob: Uint8Array): SignatureBlob {
  const reader = new SSHReader(blob);
  const algorithm = reader.utf8('signature algorithm', MAX_ALGORITHM_NAME_BYTES);
  const signature = reader.string('signature');
  reader.end('signature blob');
  return { algorithm, signature };
}
