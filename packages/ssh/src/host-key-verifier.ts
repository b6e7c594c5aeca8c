// The client's host-key decision (RFC 4251 §4.1, OpenSSH sshconnect.c check_host_key, paramiko
// SSHClient._auth's host key check): a revoked key is refused, a known key is accepted, a key that
// differs from the recorded ones is BadHostKeyError whatever the policy, and only a host with no
// record at all goes to the MissingHostKeyPolicy.
import {
  certificateAlgorithms,
  isCertificateAlgorithm,
  type KnownHosts,
  knownHostsName,
  type PublicKey,
  plainSignatureAlgorithm,
} from '@sshts/keys';
import { BadHostKeyError, HostKeyError } from '@sshts/wire';
import type { HostKeyStore, MissingHostKeyPolicy } from './policies.js';

export interface HostKeyCheck {
  host: string;
  port: number;
  /** known_hosts files consulted, system ones first; the last is the one a policy may add to. */
  stores: readonly KnownHosts[];
  policy: MissingHostKeyPolicy;
  client: HostKeyStore;
}

/** Resolves when `key` may be trusted for host:port; throws HostKeyError / BadHostKeyError otherwise. */
export async function checkHostKey(check: HostKeyCheck, key: PublicKey): Promise<void> {
  const { host, port, stores } = check;
  const name = knownHostsName(host, port);
  // KnownHosts.check judges a certificate through @cert-authority lines and, when no CA vouches for
  // it, as its certified plain key (sshconnect.c falls back the same way).
  const results = stores.map((s) => s.check(host, port, key));
  const plain = key.certificate?.key ?? key;
  if (results.some((r) => r.status === 'revoked')) {
    throw new HostKeyError(name, `host key ${plain.fingerprint()} for ${name} is marked @revoked`, {
      code: 'ERR_REVOKED_HOST_KEY',
    });
  }
  if (results.some((r) => r.status === 'known')) return;
  // A CA we trust for this host signed the certificate, but it does not apply (expired, other
  // principals, user certificate): refused, as ssh does, rather than offered to the policy.
  const certificateError = results.find((r) => r.certificateError)?.certificateError;
  if (certificateError !== undefined) {
    throw new HostKeyError(name, `host certificate for ${name} rejected: ${certificateError.message}`, {
      code: 'ERR_HOST_CERTIFICATE',
      cause: certificateError,
    });
  }
  const changed = results.find((r) => r.status === 'changed');
  if (changed !== undefined) {
    const expected = changed.known.find((k) => k.type === plain.type) ?? changed.known[0];
    throw new BadHostKeyError(name, plain.fingerprint(), expected ? expected.fingerprint() : '(none)');
  }
  await check.policy.missingHostKey(check.client, name, plain);
}

/**
 * The host-key algorithms to offer for this host. Those whose key type known_hosts already holds for
 * it come first (OpenSSH sshconnect2.c order_hostkeyalgs): otherwise a server with several host keys
 * could present one we have not recorded and fail a check the recorded one would pass. Certificate
 * algorithms are offered, first, only when a @cert-authority line covers the host, so a client that
 * trusts plain keys never receives a certificate it has no use for. `blobType` maps an algorithm
 * to its key blob type (the connection's HostKeySupport).
 */
export function hostKeyAlgorithmsFor(
  offered: readonly string[],
  stores: readonly KnownHosts[],
  host: string,
  port: number,
  blobType: (algorithm: string) => string | undefined,
): string[] {
  const knownTypes = new Set<string>();
  let haveAuthority = false;
  for (const store of stores) {
    for (const key of store.lookup(host, port)) knownTypes.add(key.type);
    if (store.certificateAuthorities(host, port).length > 0) haveAuthority = true;
  }
  const certificates = haveAuthority
    ? certificateAlgorithms.filter((c) => {
        const plain = plainSignatureAlgorithm(c);
        return plain !== undefined && offered.includes(plain) && !offered.includes(c);
      })
    : [];
  const all = [...certificates, ...offered];
  if (knownTypes.size === 0) return all;
  const preferred = all.filter((alg) => isCertificateAlgorithm(alg) || knownTypes.has(blobType(alg) ?? alg));
  return [...preferred, ...all.filter((alg) => !preferred.includes(alg))];
}
