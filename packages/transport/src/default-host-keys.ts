// The default host-key support: every key type of @sshts/keys and OpenSSH certificates of them
// (PROTOCOL.certkeys), offered in publicKeyAlgorithms order. Kept apart from host-key-support.ts
// and the connection core, so that only a connection built without its own HostKeySupport pulls
// in the whole key-type registry.
import {
  certificateKeyTypeForAlgorithm,
  keyTypeForAlgorithm,
  parsePublicKeyBlob,
  publicKeyAlgorithms,
} from '@sshts/keys';
import type { HostKeySupport } from './host-key-support.js';

export const defaultHostKeySupport: HostKeySupport = {
  algorithms: publicKeyAlgorithms,
  parse: parsePublicKeyBlob,
  // A certificate algorithm names the certificate blob type; the signature is the certified key's.
  blobType: (algorithm) => certificateKeyTypeForAlgorithm(algorithm) ?? keyTypeForAlgorithm(algorithm),
};
