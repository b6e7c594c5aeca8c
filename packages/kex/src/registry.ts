// The key-exchange methods, in our default order of preference (RFC 9142 §4 requirement levels;
// ARCHITECTURE.md principle 4: algorithms are a registry of values). Legacy (SHA-1) methods come
// last and carry `legacy: true`, so the transport does not offer them unless asked.
import type { KexMethod } from '@sshts/transport';
import { curve25519Sha256, curve25519Sha256Libssh } from './curve25519.js';
import { dhGroup14Sha1, dhGroup14Sha256, dhGroup16Sha512, dhGroup18Sha512 } from './dh-group.js';
import { ecdhSha2Nistp256, ecdhSha2Nistp384, ecdhSha2Nistp521 } from './ecdh-nistp.js';
import { dhGexSha1, dhGexSha256 } from './group-exchange.js';

export const kexMethods: readonly KexMethod[] = Object.freeze([
  curve25519Sha256,
  curve25519Sha256Libssh,
  ecdhSha2Nistp256,
  ecdhSha2Nistp384,
  ecdhSha2Nistp521,
  dhGexSha256,
  dhGroup16Sha512,
  dhGroup18Sha512,
  dhGroup14Sha256,
  dhGroup14Sha1,
  dhGexSha1,
]);

/** The method with this KEXINIT name, or undefined. */
export function findKexMethod(name: string): KexMethod | undefined {
  return kexMethods.find((m) => m.name === name);
}
