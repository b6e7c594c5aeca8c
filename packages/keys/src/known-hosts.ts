// known_hosts files (sshd(8) SSH_KNOWN_HOSTS FILE FORMAT; OpenSSH hostfile.c): lookup of a host's
// keys, the host-key decision ssh makes (hostfile.c check_hostkeys_by_key_or_type with
// check_key_not_revoked, sshconnect.c check_host_key / check_host_cert), and editing that keeps
// every line it does not touch byte for byte (comments, blank lines, lines it cannot parse, keys
// of types it does not implement).
import { base64Encode } from './base64.js';
import { bytesEqual } from './bytes-equal.js';
import { CertificateError } from './certificate-error.js';
import {
  hashHostName,
  hostFieldMatches,
  type KnownHostsEntry,
  knownHostsName,
  parseKnownHostsLine,
} from './known-hosts-line.js';
import { asciiLowercase } from './match.js';
import type { PublicKey } from './public-key.js';
import { randomBytes } from './random.js';

export type { KnownHostsEntry, KnownHostsMarker } from './known-hosts-line.js';

export type HostKeyStatus = 'known' | 'changed' | 'unknown' | 'revoked';

export interface HostKeyCheck {
  /**
   * 'known': the key (or, for a certificate, its valid CA signature) is listed for the host;
   * 'changed': keys of the same type are listed for the host, none of them this one;
   * 'unknown': no key of this type is listed; 'revoked': the key, a certificate's certified key or
   * its CA is on a matching @revoked line, whatever else matches.
   */
  readonly status: HostKeyStatus;
  /** The plain keys listed for the host (as lookup returns them). */
  readonly known: PublicKey[];
  /** Why a certificate signed by a listed CA was not accepted (expired, wrong principal, …). */
  readonly certificateError?: CertificateError;
}

export interface HostKeyCheckOptions {
  /** Seconds since the epoch for certificate validity; default now. */
  readonly now?: number | bigint;
  /** CA signature algorithms accepted (CASignatureAlgorithms); default excludes SHA-1 ssh-rsa. */
  readonly caSignatureAlgorithms?: readonly string[];
}

interface Line {
  /** The line's text without its '\n' (a '\r' before it stays here). */
  text: string;
  eol: '\n' | '';
  entry: KnownHostsEntry | undefined;
}

/** What sshkey_equal_public compares: the key material, a certificate counting as its certified key. */
function plainBlob(key: PublicKey): Uint8Array {
  return key.certificate?.key.blob ?? key.blob;
}

function sameKey(a: PublicKey, b: PublicKey): boolean {
  return bytesEqual(plainBlob(a), plainBlob(b));
}

/** A host name add() may write: no whitespace, no pattern syntax, nothing a parser reads as a marker/hash/comment. */
function checkHostToWrite(host: string): void {
  if (typeof host !== 'string' || host === '' || /[\s,*?!\0]/.test(host) || /^[@|#]/.test(host)) {
    throw new TypeError(`not a host name known_hosts can hold: ${JSON.stringify(host)}`);
  }
}

export class KnownHosts {
  readonly #lines: Line[] = [];

  private constructor() {}

  /** Parses known_hosts text. Never throws for the content: unusable lines are kept verbatim. */
  static parse(text: string): KnownHosts {
    if (typeof text !== 'string') throw new TypeError('known_hosts text must be a string');
    const kh = new KnownHosts();
    const parts = text.split('\n');
    parts.forEach((part, i) => {
      const last = i === parts.length - 1;
      if (last && part === '') return;
      kh.#lines.push({ text: part, eol: last ? '' : '\n', entry: entryOf(part, i + 1) });
    });
    return kh;
  }

  /** The usable key lines, in file order. */
  entries(): KnownHostsEntry[] {
    return this.#lines.flatMap((l) => (l.entry === undefined ? [] : [l.entry]));
  }

  #matching(host: string, port?: number): KnownHostsEntry[] {
    const name = knownHostsName(host, port);
    return this.entries().filter((e) => hostFieldMatches(e.hosts, name));
  }

  /** The plain (unmarked) keys listed for `host` (`[host]:port` unless port is 22 or omitted). */
  lookup(host: string, port?: number): PublicKey[] {
    return this.#matching(host, port)
      .filter((e) => e.marker === undefined)
      .map((e) => e.key);
  }

  /** The keys of @cert-authority lines whose host patterns match. */
  certificateAuthorities(host: string, port?: number): PublicKey[] {
    return this.#matching(host, port)
      .filter((e) => e.marker === 'cert-authority')
      .map((e) => e.key);
  }

  /**
   * True when `key` — or, for a certificate, its certified key or its CA — is on a @revoked line:
   * any such line, or only those matching `host` when given (as ssh checks, hostfile.c
   * check_key_not_revoked).
   */
  isRevoked(key: PublicKey, host?: string, port?: number): boolean {
    const revoked = (host === undefined ? this.entries() : this.#matching(host, port)).filter(
      (e) => e.marker === 'revoked',
    );
    const candidates = key.certificate === undefined ? [key] : [key, key.certificate.signatureKey];
    return revoked.some((e) => candidates.some((k) => sameKey(e.key, k)));
  }

  /**
   * The host-key decision for `key` presented by `host`:`port`, as ssh makes it. A certificate is
   * 'known' when a matching @cert-authority line holds its CA and it passes certificate.check
   * (host type, principal = host, validity, CA signature with an allowed algorithm); otherwise it is
   * judged as its certified plain key (sshconnect.c falls back the same way). Key types are compared
   * as paramiko does: a listed key of another type does not make the key 'changed'.
   */
  check(
    host: string,
    port: number | undefined,
    key: PublicKey,
    options: HostKeyCheckOptions = {},
  ): HostKeyCheck {
    const matching = this.#matching(host, port);
    const known = matching.filter((e) => e.marker === undefined).map((e) => e.key);
    const cert = key.certificate;
    const candidates = cert === undefined ? [key] : [key, cert.signatureKey];
    if (matching.some((e) => e.marker === 'revoked' && candidates.some((k) => sameKey(e.key, k)))) {
      return { status: 'revoked', known };
    }
    let certificateError: CertificateError | undefined;
    if (cert !== undefined) {
      const trusted = matching.some(
        (e) => e.marker === 'cert-authority' && sameKey(e.key, cert.signatureKey),
      );
      if (trusted) {
        try {
          cert.check({
            certType: 'host',
            principal: asciiLowercase(host),
            ...(options.now === undefined ? {} : { now: options.now }),
            ...(options.caSignatureAlgorithms === undefined
              ? {}
              : { allowedAlgorithms: options.caSignatureAlgorithms }),
          });
          return { status: 'known', known };
        } catch (e) {
          if (!(e instanceof CertificateError)) throw e;
          certificateError = e;
        }
      }
    }
    const plain = cert?.key ?? key;
    const extra = certificateError === undefined ? {} : { certificateError };
    if (known.some((k) => k.certificate === undefined && bytesEqual(k.blob, plain.blob))) {
      return { status: 'known', known, ...extra };
    }
    const sameType = known.some((k) => k.certificate === undefined && k.type === plain.type);
    return { status: sameType ? 'changed' : 'unknown', known, ...extra };
  }

  /**
   * Appends `host key` (lowercased host, `[host]:port` for a port other than 22) as ssh does
   * (hostfile.c write_host_entry): the key without its comment; with `hashed`, the host as
   * `|1|salt|HMAC-SHA1` with a fresh random 20-byte salt. A certificate is stored as its certified
   * key (ssh falls back to the plain key when it has no CA for a certificate).
   */
  add(host: string, key: PublicKey, options: { hashed?: boolean; port?: number } = {}): void {
    checkHostToWrite(host);
    const name = knownHostsName(host, options.port);
    const plain = key.certificate?.key ?? key;
    const hosts = options.hashed === true ? hashHostName(name, randomBytes(20)) : name;
    const text = `${hosts} ${plain.type} ${base64Encode(plain.blob)}`;
    const last = this.#lines[this.#lines.length - 1];
    if (last !== undefined && last.eol === '') last.eol = '\n';
    this.#lines.push({ text, eol: '\n', entry: entryOf(text, 0) });
  }

  /**
   * Removes the unmarked lines whose host field matches `host` (as `ssh-keygen -R`, which keeps
   * @cert-authority and @revoked lines). Returns how many lines were removed.
   */
  remove(host: string, port?: number): number {
    const name = knownHostsName(host, port);
    const before = this.#lines.length;
    const kept = this.#lines.filter(
      (l) => l.entry === undefined || l.entry.marker !== undefined || !hostFieldMatches(l.entry.hosts, name),
    );
    this.#lines.splice(0, this.#lines.length, ...kept);
    return before - kept.length;
  }

  /** The file text: untouched lines exactly as parsed, added lines after them. */
  toString(): string {
    return this.#lines.map((l) => l.text + l.eol).join('');
  }
}

function entryOf(text: string, line: number): KnownHostsEntry | undefined {
  const parsed = parseKnownHostsLine(text);
  if (parsed.kind !== 'entry') return undefined;
  return { marker: parsed.marker, hosts: parsed.hosts, key: parsed.key, line };
}
