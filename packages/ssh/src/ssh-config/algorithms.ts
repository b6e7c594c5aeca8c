// Algorithm lists: OpenSSH 9.2's defaults and the '+' (append), '-' (remove, wildcards allowed)
// and '^' (prepend) modifiers of Ciphers, MACs, KexAlgorithms, HostKeyAlgorithms,
// PubkeyAcceptedAlgorithms, HostbasedAcceptedAlgorithms and CASignatureAlgorithms
// (kex.c kex_assemble_names(), readconf.c fill_default_options()).
//
// The lists below were copied from OpenSSH_9.2p1 Debian-2+deb12u10 (OpenSSL 3.0):
//  - defaults: `ssh -G -F /dev/null example.com` (ciphers, macs, kexalgorithms, hostkeyalgorithms,
//    pubkeyacceptedalgorithms, hostbasedacceptedalgorithms, casignaturealgorithms lines);
//  - everything the binary knows: `ssh -Q cipher`, `ssh -Q mac`, `ssh -Q kex`, `ssh -Q key-sig`
//    (the "all" list of the key-type keywords) and `ssh -Q sig` (CASignatureAlgorithms).
// test/ssh-config-oracle.test.ts checks them against the ssh binary on the test machine.
import { filterAllow, filterDeny, matchPatternList } from './patterns.js';

export const OPENSSH_DEFAULT_CIPHERS: readonly string[] = [
  'chacha20-poly1305@openssh.com',
  'aes128-ctr',
  'aes192-ctr',
  'aes256-ctr',
  'aes128-gcm@openssh.com',
  'aes256-gcm@openssh.com',
];

export const OPENSSH_DEFAULT_MACS: readonly string[] = [
  'umac-64-etm@openssh.com',
  'umac-128-etm@openssh.com',
  'hmac-sha2-256-etm@openssh.com',
  'hmac-sha2-512-etm@openssh.com',
  'hmac-sha1-etm@openssh.com',
  'umac-64@openssh.com',
  'umac-128@openssh.com',
  'hmac-sha2-256',
  'hmac-sha2-512',
  'hmac-sha1',
];

export const OPENSSH_DEFAULT_KEX: readonly string[] = [
  'sntrup761x25519-sha512',
  'sntrup761x25519-sha512@openssh.com',
  'curve25519-sha256',
  'curve25519-sha256@libssh.org',
  'ecdh-sha2-nistp256',
  'ecdh-sha2-nistp384',
  'ecdh-sha2-nistp521',
  'diffie-hellman-group-exchange-sha256',
  'diffie-hellman-group16-sha512',
  'diffie-hellman-group18-sha512',
  'diffie-hellman-group14-sha256',
];

/** The default of HostKeyAlgorithms, PubkeyAcceptedAlgorithms and HostbasedAcceptedAlgorithms. */
export const OPENSSH_DEFAULT_KEY_ALGORITHMS: readonly string[] = [
  'ssh-ed25519-cert-v01@openssh.com',
  'ecdsa-sha2-nistp256-cert-v01@openssh.com',
  'ecdsa-sha2-nistp384-cert-v01@openssh.com',
  'ecdsa-sha2-nistp521-cert-v01@openssh.com',
  'sk-ssh-ed25519-cert-v01@openssh.com',
  'sk-ecdsa-sha2-nistp256-cert-v01@openssh.com',
  'rsa-sha2-512-cert-v01@openssh.com',
  'rsa-sha2-256-cert-v01@openssh.com',
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'sk-ssh-ed25519@openssh.com',
  'sk-ecdsa-sha2-nistp256@openssh.com',
  'rsa-sha2-512',
  'rsa-sha2-256',
];

export const OPENSSH_DEFAULT_CA_SIGNATURE_ALGORITHMS: readonly string[] = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'sk-ssh-ed25519@openssh.com',
  'sk-ecdsa-sha2-nistp256@openssh.com',
  'rsa-sha2-512',
  'rsa-sha2-256',
];

/** `ssh -Q cipher`. */
export const OPENSSH_ALL_CIPHERS: readonly string[] = [
  '3des-cbc',
  'aes128-cbc',
  'aes192-cbc',
  'aes256-cbc',
  'aes128-ctr',
  'aes192-ctr',
  'aes256-ctr',
  'aes128-gcm@openssh.com',
  'aes256-gcm@openssh.com',
  'chacha20-poly1305@openssh.com',
];

/** `ssh -Q mac`. */
export const OPENSSH_ALL_MACS: readonly string[] = [
  'hmac-sha1',
  'hmac-sha1-96',
  'hmac-sha2-256',
  'hmac-sha2-512',
  'hmac-md5',
  'hmac-md5-96',
  'umac-64@openssh.com',
  'umac-128@openssh.com',
  'hmac-sha1-etm@openssh.com',
  'hmac-sha1-96-etm@openssh.com',
  'hmac-sha2-256-etm@openssh.com',
  'hmac-sha2-512-etm@openssh.com',
  'hmac-md5-etm@openssh.com',
  'hmac-md5-96-etm@openssh.com',
  'umac-64-etm@openssh.com',
  'umac-128-etm@openssh.com',
];

/** `ssh -Q kex`. */
export const OPENSSH_ALL_KEX: readonly string[] = [
  'diffie-hellman-group1-sha1',
  'diffie-hellman-group14-sha1',
  'diffie-hellman-group14-sha256',
  'diffie-hellman-group16-sha512',
  'diffie-hellman-group18-sha512',
  'diffie-hellman-group-exchange-sha1',
  'diffie-hellman-group-exchange-sha256',
  'ecdh-sha2-nistp256',
  'ecdh-sha2-nistp384',
  'ecdh-sha2-nistp521',
  'curve25519-sha256',
  'curve25519-sha256@libssh.org',
  'sntrup761x25519-sha512',
  'sntrup761x25519-sha512@openssh.com',
];

/** `ssh -Q key-sig`: what the key-type keywords can name. */
export const OPENSSH_ALL_KEY_ALGORITHMS: readonly string[] = [
  'ssh-ed25519',
  'ssh-ed25519-cert-v01@openssh.com',
  'sk-ssh-ed25519@openssh.com',
  'sk-ssh-ed25519-cert-v01@openssh.com',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp256-cert-v01@openssh.com',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp384-cert-v01@openssh.com',
  'ecdsa-sha2-nistp521',
  'ecdsa-sha2-nistp521-cert-v01@openssh.com',
  'sk-ecdsa-sha2-nistp256@openssh.com',
  'sk-ecdsa-sha2-nistp256-cert-v01@openssh.com',
  'webauthn-sk-ecdsa-sha2-nistp256@openssh.com',
  'ssh-dss',
  'ssh-dss-cert-v01@openssh.com',
  'ssh-rsa',
  'ssh-rsa-cert-v01@openssh.com',
  'rsa-sha2-256',
  'rsa-sha2-256-cert-v01@openssh.com',
  'rsa-sha2-512',
  'rsa-sha2-512-cert-v01@openssh.com',
];

/** `ssh -Q sig`: what CASignatureAlgorithms can name. */
export const OPENSSH_ALL_SIGNATURE_ALGORITHMS: readonly string[] = [
  'ssh-ed25519',
  'sk-ssh-ed25519@openssh.com',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'sk-ecdsa-sha2-nistp256@openssh.com',
  'webauthn-sk-ecdsa-sha2-nistp256@openssh.com',
  'ssh-dss',
  'ssh-rsa',
  'rsa-sha2-256',
  'rsa-sha2-512',
];

export type AlgorithmListKind = 'cipher' | 'mac' | 'kex' | 'key' | 'sig';

interface ListTables {
  readonly defaults: readonly string[];
  readonly all: readonly string[];
  /** The names readconf.c accepts on the line (9.2 checks CASignatureAlgorithms against all key types). */
  readonly valid: readonly string[];
  /** sshkey_names_valid2(…, allow_wildcard=1): key-type lists may contain patterns. */
  readonly wildcards: boolean;
}

const TABLES: Record<AlgorithmListKind, ListTables> = {
  cipher: {
    defaults: OPENSSH_DEFAULT_CIPHERS,
    all: OPENSSH_ALL_CIPHERS,
    valid: OPENSSH_ALL_CIPHERS,
    wildcards: false,
  },
  mac: { defaults: OPENSSH_DEFAULT_MACS, all: OPENSSH_ALL_MACS, valid: OPENSSH_ALL_MACS, wildcards: false },
  kex: { defaults: OPENSSH_DEFAULT_KEX, all: OPENSSH_ALL_KEX, valid: OPENSSH_ALL_KEX, wildcards: false },
  key: {
    defaults: OPENSSH_DEFAULT_KEY_ALGORITHMS,
    all: OPENSSH_ALL_KEY_ALGORITHMS,
    valid: OPENSSH_ALL_KEY_ALGORITHMS,
    wildcards: true,
  },
  sig: {
    defaults: OPENSSH_DEFAULT_CA_SIGNATURE_ALGORITHMS,
    all: OPENSSH_ALL_SIGNATURE_ALGORITHMS,
    valid: OPENSSH_ALL_KEY_ALGORITHMS,
    wildcards: true,
  },
};

/**
 * The check readconf.c makes when it reads the line (ciphers_valid(), mac_valid(),
 * kex_names_valid(), sshkey_names_valid2()): a '-' list is not checked; otherwise every name (after
 * an optional '+' or '^') must be known, up to the first empty entry, where those functions stop.
 */
export function isValidAlgorithmSpec(kind: AlgorithmListKind, spec: string): boolean {
  if (spec.startsWith('-')) return true;
  const list = spec.startsWith('+') || spec.startsWith('^') ? spec.slice(1) : spec;
  if (list === '') return false;
  const { valid, wildcards } = TABLES[kind];
  for (const name of list.split(',')) {
    if (name === '') break;
    if (valid.includes(name)) continue;
    // A wildcard entry is accepted when it matches (or negatively matches) any known name.
    if (wildcards && valid.some((a) => matchPatternList(a, name, false) !== 0)) continue;
    return false;
  }
  return true;
}

/** kex_names_cat(): `a` followed by the names of `b` not already in it. */
function namesCat(a: readonly string[], b: readonly string[]): string[] {
  const out = [...a];
  for (const n of b) {
    if (n === '') break; // strsep loop stops at an empty name
    if (!out.includes(n)) out.push(n);
  }
  return out;
}

/**
 * kex_assemble_names(): the final list for a configured spec (or the default when none).
 * Returns `null` when the result would be empty or uses '!', which OpenSSH treats as an error.
 */
export function assembleAlgorithms(kind: AlgorithmListKind, spec: string | undefined): string[] | null {
  const { defaults, all } = TABLES[kind];
  if (spec === undefined || spec === '') return [...defaults];
  let list: string[];
  if (spec.startsWith('+')) list = namesCat(defaults, spec.slice(1).split(','));
  else if (spec.startsWith('-')) return filterDeny(defaults, spec.slice(1));
  else if (spec.startsWith('^')) list = namesCat(spec.slice(1).split(','), defaults);
  else list = spec.split(',');
  // Every entry is a pattern matched against everything the implementation knows.
  let out: string[] = [];
  for (const pattern of list) {
    if (pattern.startsWith('!')) return null;
    out = namesCat(out, filterAllow(all, pattern));
  }
  return out.length === 0 ? null : out;
}

/** The defaults and known names for a kind, for callers that want to show them. */
export function algorithmTables(kind: AlgorithmListKind): {
  defaults: readonly string[];
  all: readonly string[];
} {
  const t = TABLES[kind];
  return { defaults: t.defaults, all: t.all };
}
