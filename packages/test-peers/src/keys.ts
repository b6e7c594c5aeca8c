import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { requireCommand, runOk } from './commands.js';
import type { HostKeyType, PeerHostKey } from './types.js';

export const ALL_HOST_KEY_TYPES: readonly HostKeyType[] = [
  'ed25519',
  'ecdsa256',
  'ecdsa384',
  'ecdsa521',
  'rsa',
];

/** `ssh-keygen -t/-b` for each type. */
const KEYGEN_ARGS: Record<HostKeyType, string[]> = {
  ed25519: ['-t', 'ed25519'],
  ecdsa256: ['-t', 'ecdsa', '-b', '256'],
  ecdsa384: ['-t', 'ecdsa', '-b', '384'],
  ecdsa521: ['-t', 'ecdsa', '-b', '521'],
  rsa: ['-t', 'rsa', '-b', '3072'],
};

export interface GeneratedKey extends PeerHostKey {
  keyType: HostKeyType;
  /** Private key file the server loads. */
  privatePath: string;
}

/** Strips the comment: `type base64`. */
export function normalizePublicKey(line: string): string {
  const [type, blob] = line.trim().split(/\s+/);
  if (!type || !blob) throw new Error(`not an OpenSSH public key line: ${line.slice(0, 80)}`);
  return `${type} ${blob}`;
}

/** `SHA256:…` of a public key line, from `ssh-keygen -l -E sha256 -f FILE`. */
export async function fingerprint(publicKey: string, scratchPath: string): Promise<string> {
  await writeFile(scratchPath, `${normalizePublicKey(publicKey)}\n`);
  const out = await runOk(requireCommand('ssh-keygen'), ['-l', '-E', 'sha256', '-f', scratchPath]);
  const fp = out.trim().split(/\s+/)[1];
  if (!fp?.startsWith('SHA256:')) throw new Error(`unexpected ssh-keygen -l output: ${out.trim()}`);
  return fp;
}

export async function describeKey(publicKey: string, scratchPath: string): Promise<PeerHostKey> {
  const line = normalizePublicKey(publicKey);
  return { type: line.split(' ')[0]!, publicKey: line, fingerprint: await fingerprint(line, scratchPath) };
}

/**
 * Throwaway host key with `ssh-keygen -N ''`. ECDSA and RSA keys are written as PEM (`-m PEM`):
 * paramiko 2.12 cannot read an OpenSSH-format nistp384 key ("Invalid key curve identifier").
 */
export async function sshKeygen(dir: string, type: HostKeyType): Promise<GeneratedKey> {
  const privatePath = join(dir, `ssh_host_${type}_key`);
  const format = type === 'ed25519' ? [] : ['-m', 'PEM'];
  await runOk(requireCommand('ssh-keygen'), [
    '-q',
    ...KEYGEN_ARGS[type],
    ...format,
    '-N',
    '',
    '-C',
    '',
    '-f',
    privatePath,
  ]);
  const publicKey = normalizePublicKey(await readFile(`${privatePath}.pub`, 'utf8'));
  return {
    keyType: type,
    privatePath,
    type: publicKey.split(' ')[0]!,
    publicKey,
    fingerprint: await fingerprint(publicKey, `${privatePath}.fp.pub`),
  };
}

/** Host-key algorithm names a server can use with key types we generate (no certs, sk, DSA, Ed448, …). */
export function usableHostKeyAlgorithm(name: string): boolean {
  if (/cert|^sk-|webauthn|^x509|dss|ed448|1\.3\.132/.test(name)) return false;
  return /^(ssh-ed25519|ecdsa-sha2-nistp(256|384|521)|rsa-sha2-(256|512)|ssh-rsa)/.test(name);
}

/** SSH wire `string`. */
export function sshString(data: Uint8Array | string): Buffer {
  const body = typeof data === 'string' ? Buffer.from(data) : Buffer.from(data);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(body.length);
  return Buffer.concat([len, body]);
}

/** A throwaway Ed25519 certificate authority (`ssh-keygen -t ed25519`). */
export async function certificateAuthority(dir: string): Promise<{ privatePath: string; publicKey: string }> {
  const privatePath = join(dir, 'host_ca');
  await runOk(requireCommand('ssh-keygen'), ['-q', '-t', 'ed25519', '-N', '', '-C', '', '-f', privatePath]);
  return { privatePath, publicKey: normalizePublicKey(await readFile(`${privatePath}.pub`, 'utf8')) };
}

/**
 * Signs a host key with `ssh-keygen -s CA -h -I id -n principals -V validity`; returns the path of
 * the certificate (`<key>-cert.pub`) and its line.
 */
export async function signHostKey(
  caPath: string,
  key: GeneratedKey,
  principals: string[],
  validity: string,
): Promise<{ path: string; line: string }> {
  await runOk(requireCommand('ssh-keygen'), [
    '-q',
    '-s',
    caPath,
    '-h',
    '-I',
    `test-host-${key.keyType}`,
    '-n',
    principals.join(','),
    '-V',
    validity,
    `${key.privatePath}.pub`,
  ]);
  const path = `${key.privatePath}-cert.pub`;
  return { path, line: normalizePublicKey(await readFile(path, 'utf8')) };
}
