// ecdh-sha2-nistp256/384/521 (RFC 5656 §4, §6.3): the hash follows the curve size (§6.2.1).
import type { HashName, KexMethod } from '@sshts/transport';
import type { KeyAgreement } from './key-agreement.js';
import { p256Agreement, p384Agreement, p521Agreement } from './nist-ecdh.js';
import { oneRoundMethod } from './one-round-method.js';

function ecdhMethod(curve: string, hash: HashName, agreement: KeyAgreement): KexMethod {
  return oneRoundMethod({
    name: `ecdh-sha2-${curve}`,
    hash,
    agreement: () => agreement,
    messages: { init: 'KEX_ECDH_INIT', reply: 'KEX_ECDH_REPLY' },
    fields: { client: 'Q_C', server: 'Q_S' },
  });
}

export const ecdhSha2Nistp256 = ecdhMethod('nistp256', 'sha256', p256Agreement);
export const ecdhSha2Nistp384 = ecdhMethod('nistp384', 'sha384', p384Agreement);
export const ecdhSha2Nistp521 = ecdhMethod('nistp521', 'sha512', p521Agreement);
