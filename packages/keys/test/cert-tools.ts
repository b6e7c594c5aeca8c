// Helpers for certificate, known_hosts and authorized_keys tests: keys and certificates made by
// ssh-keygen in a temporary directory, `ssh-keygen -L` output parsed into fields, and a
// certificate encoder written from PROTOCOL.certkeys (independent of src/) for crafting hostile
// certificates.
import { execFileSync } from 'node:child_process';
import { SSHReader, SSHWriter } from '@sshts/wire';
import type { PublicKey, Signer } from '../src/index.js';
import { TempDir } from './key-file-tools.js';

export { TempDir };

export interface KeySpec {
  readonly name: string;
  readonly args: readonly string[];
}

/** The key types we implement, as ssh-keygen -t/-b arguments. */
export const KEY_SPECS: readonly KeySpec[] = [
  { name: 'ed25519', args: ['-t', 'ed25519'] },
  { name: 'ecdsa256', args: ['-t', 'ecdsa', '-b', '256'] },
  { name: 'ecdsa384', args: ['-t', 'ecdsa', '-b', '384'] },
  { name: 'ecdsa521', args: ['-t', 'ecdsa', '-b', '521'] },
  { name: 'rsa2048', args: ['-t', 'rsa', '-b', '2048'] },
];

/** ssh-keygen with TZ=UTC so validity times print in UTC; throws with stderr on failure. */
export function keygen(sshKeygen: string, args: readonly string[], cwd?: string): string {
  return execFileSync(sshKeygen, args, {
    cwd,
    input: '',
    env: { ...process.env, TZ: 'UTC' },
    stdio: ['pipe', 'pipe', 'pipe'],
    timeout: 60_000,
  }).toString();
}

/** `ssh-keygen -q -N '' -f dir/name` for each spec; returns the private key paths by name. */
export function makeKeys(sshKeygen: string, dir: TempDir, prefix: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const spec of KEY_SPECS) {
    const path = dir.file(`${prefix}-${spec.name}`);
    keygen(sshKeygen, ['-q', '-N', '', '-C', `${prefix}-${spec.name}`, ...spec.args, '-f', path]);
    out.set(spec.name, path);
  }
  return out;
}

export interface KeygenListing {
  type: string;
  certType: 'user' | 'host';
  publicKeyFingerprint: string;
  caFingerprint: string;
  caSignatureAlgorithm: string;
  keyId: string;
  serial: bigint;
  valid: string;
  principals: string[];
  criticalOptions: string[];
  extensions: string[];
}

/** Parses `ssh-keygen -L -f cert` (OpenSSH 9.2 ssh-keygen.c do_show_cert). */
export function parseKeygenListing(text: string): KeygenListing {
  const lines = text.split('\n');
  const value = (label: string): string => {
    const line = lines.find((l) => l.trimStart().startsWith(`${label}:`));
    if (line === undefined) throw new Error(`no ${label} in ssh-keygen -L output:\n${text}`);
    return line.slice(line.indexOf(':') + 1).trim();
  };
  const section = (label: string): string[] => {
    const at = lines.findIndex((l) => l.trimStart().startsWith(`${label}:`));
    if (value(label) === '(none)') return [];
    const out: string[] = [];
    for (let i = at + 1; i < lines.length && /^ {16}/.test(lines[i]!); i++) out.push(lines[i]!.trim());
    return out;
  };
  const [type = '', certType = ''] = value('Type').split(' ');
  const ca = /^\S+ (\S+) \(using (\S+)\)$/.exec(value('Signing CA'));
  if (ca === null) throw new Error(`bad Signing CA line in:\n${text}`);
  return {
    type,
    certType: certType as 'user' | 'host',
    publicKeyFingerprint: value('Public key').split(' ')[1]!,
    caFingerprint: ca[1]!,
    caSignatureAlgorithm: ca[2]!,
    keyId: JSON.parse(value('Key ID')) as string,
    serial: BigInt(value('Serial')),
    valid: value('Valid'),
    principals: section('Principals'),
    criticalOptions: section('Critical Options'),
    extensions: section('Extensions'),
  };
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** How ssh-keygen -L prints one option (ssh-keygen.c show_options). */
export function renderOption(name: string, data: Uint8Array, critical: boolean): string {
  const flags = ['permit-X11-forwarding', 'permit-agent-forwarding', 'permit-port-forwarding', 'permit-pty'];
  const flagNames = critical ? ['verify-required'] : [...flags, 'permit-user-rc', 'no-touch-required'];
  if (flagNames.includes(name) && data.length === 0) return name;
  if (critical && (name === 'force-command' || name === 'source-address')) {
    const r = new SSHReader(data);
    return `${name} ${Buffer.from(r.string()).toString('utf8')}`;
  }
  return `${name} UNKNOWN OPTION: ${hex(data)} (len ${data.length})`;
}

/** How ssh-keygen -L prints validity (sshkey.c sshkey_format_cert_validity), in UTC. */
export function renderValidity(after: bigint, before: bigint): string {
  const iso = (s: bigint): string => new Date(Number(s) * 1000).toISOString().slice(0, 19);
  if (after === 0n && before === 0xffffffffffffffffn) return 'forever';
  if (after === 0n) return `before ${iso(before)}`;
  if (before === 0xffffffffffffffffn) return `after ${iso(after)}`;
  return `from ${iso(after)} to ${iso(before)}`;
}

export interface CertFields {
  type: string;
  nonce: Uint8Array;
  /** The plain key blob whose fields are embedded. */
  key: Uint8Array;
  serial: bigint;
  certType: number;
  keyId: string | Uint8Array;
  principals: (string | Uint8Array)[];
  validAfter: bigint;
  validBefore: bigint;
  critical: [string, Uint8Array][];
  extensions: [string, Uint8Array][];
  reserved: Uint8Array;
  /** The CA key blob to embed (may be anything, e.g. a certificate). */
  caBlob: Uint8Array;
  /** Raw section contents instead of the encoded lists (for malformed sections). */
  principalsRaw?: Uint8Array;
  criticalRaw?: Uint8Array;
  extensionsRaw?: Uint8Array;
}

/** The signed part of a certificate, encoded straight from PROTOCOL.certkeys. */
export function encodeCertBody(f: CertFields): Uint8Array {
  const keyReader = new SSHReader(f.key);
  keyReader.string();
  const principals = new SSHWriter();
  for (const p of f.principals) principals.string(p);
  const options = (list: [string, Uint8Array][]): Uint8Array => {
    const w = new SSHWriter();
    for (const [n, d] of list) w.string(n).string(d);
    return w.finish().slice();
  };
  return new SSHWriter()
    .string(f.type)
    .string(f.nonce)
    .raw(keyReader.rest())
    .uint64(f.serial)
    .uint32(f.certType)
    .string(f.keyId)
    .string(f.principalsRaw ?? principals.finish())
    .uint64(f.validAfter)
    .uint64(f.validBefore)
    .string(f.criticalRaw ?? options(f.critical))
    .string(f.extensionsRaw ?? options(f.extensions))
    .string(f.reserved)
    .string(f.caBlob)
    .finish()
    .slice();
}

/** A complete certificate blob: the body signed by `ca` (with `algorithm`). */
export async function encodeCert(f: CertFields, ca: Signer, algorithm?: string): Promise<Uint8Array> {
  const body = encodeCertBody(f);
  const sig = await ca.sign(body, algorithm);
  return new SSHWriter().raw(body).string(sig).finish().slice();
}

/** Fields for a plain, valid-forever user certificate of `key` by `ca`, to be tweaked by tests. */
export function baseFields(key: PublicKey, ca: PublicKey): CertFields {
  return {
    type: `${key.type}-cert-v01@openssh.com`,
    nonce: new Uint8Array(32).fill(7),
    key: key.blob,
    serial: 1n,
    certType: 1,
    keyId: 'crafted',
    principals: ['alice'],
    validAfter: 0n,
    validBefore: 0xffffffffffffffffn,
    critical: [],
    extensions: [['permit-pty', new Uint8Array(0)]],
    reserved: new Uint8Array(0),
    caBlob: ca.blob,
  };
}

/** `string s` as a Uint8Array (an option's data for force-command, source-address, …). */
export function sshString(s: string): Uint8Array {
  return new SSHWriter().string(s).finish().slice();
}
