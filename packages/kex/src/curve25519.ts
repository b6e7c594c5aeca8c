// curve25519-sha256 (RFC 8731) and curve25519-sha256@libssh.org, the same method under the name
// libssh and OpenSSH shipped it with before the RFC (protocol-checklist §3.4).
import type { KexMethod } from '@sshts/transport';
import { oneRoundMethod } from './one-round-method.js';
import { x25519Agreement } from './x25519.js';

function curve25519Method(name: string): KexMethod {
  return oneRoundMethod({
    name,
    hash: 'sha256',
    agreement: (_peer, context) => x25519Agreement(context),
    messages: { init: 'KEX_ECDH_INIT', reply: 'KEX_ECDH_REPLY' },
    fields: { client: 'Q_C', server: 'Q_S' },
  });
}

export const curve25519Sha256 = curve25519Method('curve25519-sha256');
export const curve25519Sha256Libssh = curve25519Method('curve25519-sha256@libssh.org');
