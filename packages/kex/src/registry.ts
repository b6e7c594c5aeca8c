// The key-exchange methods, in our default order of preference (the hybrid post-quantum methods,
// then RFC 9142 §4 requirement levels;
// ARCHITECTURE.md principle 4: algorithms are a registry of values). Legacy (SHA-1) methods come
// last and carry `legacy: true`, so the transport does not offer them unless asked.
import type { KexMethod } from '@sshts/transport';
import { curve25519Sha256, curve25519Sha256Libssh } from './curve25519.js';
import { dhGroup14Sha1, dhGroup14Sha256, dhGroup16Sha512, dhGroup18Sha512 } from './dh-group.js';
import { ecdhSha2Nistp256, ecdhSha2Nistp384, ecdhSha2Nistp521 } from './ecdh-nistp.js';
import { dhGexSha1, dhGexSha256 } from './group-exchange.js';
import { mlkem768x25519Sha256 } from './mlkem768x25519.js';
import { sntrup761x25519Sha512, sntrup761x25519Sha512OpenSSH } from './sntrup761x25519.js';

export const kexMethods: readonly KexMethod[] = Object.freeze([
  // Hybrid post-quantum first, in OpenSSH 10's default order (myproposal.h KEX_SERVER_KEX).
  mlkem768x25519Sha256,
  sntrup761x25519Sha512,
  sntrup761x25519Sha512OpenSSH,
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
