// Diffie-Hellman over a fixed group (RFC 4253 §8; RFC 8268 §3 for the SHA-2 variants): messages
// KEXDH_INIT (30) `mpint e` and KEXDH_REPLY (31) `string K_S, mpint f, string signature`.
import type { HashName, KexMethod } from '@sshts/transport';
import { dhAgreement } from './dh.js';
import { type DhGroup, MODP_GROUP14, MODP_GROUP16, MODP_GROUP18 } from './modp-groups.js';
import { oneRoundMethod } from './one-round-method.js';

function dhGroupMethod(name: string, hash: HashName, group: DhGroup, legacy = false): KexMethod {
  return oneRoundMethod({
    name,
    hash,
    legacy,
    agreement: (peer) => dhAgreement(group, peer === 'client' ? 'e' : 'f'),
    messages: { init: 'KEXDH_INIT', reply: 'KEXDH_REPLY' },
    fields: { client: 'e', server: 'f' },
  });
}

export const dhGroup14Sha256 = dhGroupMethod('diffie-hellman-group14-sha256', 'sha256', MODP_GROUP14);
export const dhGroup16Sha512 = dhGroupMethod('diffie-hellman-group16-sha512', 'sha512', MODP_GROUP16);
export const dhGroup18Sha512 = dhGroupMethod('diffie-hellman-group18-sha512', 'sha512', MODP_GROUP18);
/** RFC 9142 §4: MAY; SHA-1, so not offered unless asked for. */
export const dhGroup14Sha1 = dhGroupMethod('diffie-hellman-group14-sha1', 'sha1', MODP_GROUP14, true);
