// Algorithm negotiation, RFC 4253 §7.1: for each slot the first algorithm on the client's list that
// is also on the server's. Pseudo-algorithms that only signal features are never chosen.
import { NegotiationError } from '@sshts/wire';
import type { KexInit } from './kexinit.js';

export const EXT_INFO_CLIENT = 'ext-info-c'; // RFC 8308 §2.1
export const EXT_INFO_SERVER = 'ext-info-s';
export const STRICT_KEX_CLIENT = 'kex-strict-c-v00@openssh.com'; // OpenSSH PROTOCOL §1.10
export const STRICT_KEX_SERVER = 'kex-strict-s-v00@openssh.com';

/** Names that appear in kex lists to signal a feature and must never be negotiated. */
export const PSEUDO_KEX_ALGORITHMS: ReadonlySet<string> = new Set([
  EXT_INFO_CLIENT,
  EXT_INFO_SERVER,
  STRICT_KEX_CLIENT,
  STRICT_KEX_SERVER,
  'kexguess2@matt.ucc.asn.au', // Dropbear's looser guess rule, which we do not implement
]);

/** What MAC an AEAD cipher uses: none is negotiated (OpenSSH PROTOCOL §1.6). */
export const IMPLICIT_MAC = '<implicit>';

export interface Negotiated {
  kex: string;
  hostKey: string;
  cipher: [clientToServer: string, serverToClient: string];
  mac: [clientToServer: string, serverToClient: string];
  compression: [clientToServer: string, serverToClient: string];
  /** Strict kex (Terrapin countermeasure): both sides signalled it in their first KEXINIT. */
  strictKex: boolean;
  /** The peer accepts SSH_MSG_EXT_INFO (it listed ext-info-c or ext-info-s). */
  peerExtInfo: boolean;
  /** The peer sent a guessed kex packet that must be ignored (RFC 4253 §7.1). */
  ignoreGuessedPacket: boolean;
}

export interface NegotiationInput {
  client: KexInit;
  server: KexInit;
  /** Which side we are, to tell "ours" from "theirs" in errors and to read the peer's signals. */
  role: 'client' | 'server';
  /** True for the first key exchange, where the pseudo-algorithms count. */
  initial: boolean;
  isAead(cipher: string): boolean;
}

function choose(slot: string, client: readonly string[], server: readonly string[], role: string): string {
  const offered = new Set(server);
  for (const name of client) {
    if (!PSEUDO_KEX_ALGORITHMS.has(name) && offered.has(name)) return name;
  }
  const [ours, theirs] = role === 'client' ? [client, server] : [server, client];
  throw new NegotiationError(slot, ours, theirs);
}

export function negotiate({ client, server, role, initial, isAead }: NegotiationInput): Negotiated {
  const kex = choose('kex', client.kex, server.kex, role);
  const hostKey = choose('hostKey', client.hostKey, server.hostKey, role);
  const cipherCs = choose(
    'cipher client→server',
    client.cipherClientToServer,
    server.cipherClientToServer,
    role,
  );
  const cipherSc = choose(
    'cipher server→client',
    client.cipherServerToClient,
    server.cipherServerToClient,
    role,
  );
  const macCs = isAead(cipherCs)
    ? IMPLICIT_MAC
    : choose('mac client→server', client.macClientToServer, server.macClientToServer, role);
  const macSc = isAead(cipherSc)
    ? IMPLICIT_MAC
    : choose('mac server→client', client.macServerToClient, server.macServerToClient, role);
  const compCs = choose(
    'compression client→server',
    client.compressionClientToServer,
    server.compressionClientToServer,
    role,
  );
  const compSc = choose(
    'compression server→client',
    client.compressionServerToClient,
    server.compressionServerToClient,
    role,
  );

  const peer = role === 'client' ? server : client;
  const ours = role === 'client' ? client : server;
  const [ourStrict, peerStrict, peerExtInfo] =
    role === 'client'
      ? [STRICT_KEX_CLIENT, STRICT_KEX_SERVER, EXT_INFO_SERVER]
      : [STRICT_KEX_SERVER, STRICT_KEX_CLIENT, EXT_INFO_CLIENT];
  // OpenSSH proposals_match(): a guess is right when both first kex and first host-key names agree.
  const guessRight = client.kex[0] === server.kex[0] && client.hostKey[0] === server.hostKey[0];
  return {
    kex,
    hostKey,
    cipher: [cipherCs, cipherSc],
    mac: [macCs, macSc],
    compression: [compCs, compSc],
    strictKex: initial && ours.kex.includes(ourStrict) && peer.kex.includes(peerStrict),
    peerExtInfo: initial && peer.kex.includes(peerExtInfo),
    ignoreGuessedPacket: peer.firstKexPacketFollows && !guessRight,
  };
}
