// Test helpers. Vectors are decoded with Node's Buffer and hashed with node:crypto, independently
// of the code under test.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SSHReader, SSHWriter } from '@sshts/wire';

export const VECTOR_DIR = join(import.meta.dirname, '../../../test-vectors/keys');

export interface SshsigEntry {
  hashAlgorithm: 'sha256' | 'sha512';
  command: string;
  armored: string;
}

export interface LibrarySignature {
  source: string;
  command: string;
  algorithm: string;
  leadingZero?: boolean;
  dataHex: string;
  signatureBlobHex: string;
}

export interface KeyVector {
  file: string;
  source: string;
  name: string;
  keyType: string;
  publicKey: string;
  comment: string;
  bits: number;
  fingerprintSha256: string;
  fingerprintMd5: string;
  sshsig: { message: string; namespace: string; signatures: SshsigEntry[] };
  librarySignatures?: LibrarySignature[];
}

export function loadVectors(): KeyVector[] {
  return readdirSync(VECTOR_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, ...JSON.parse(readFileSync(join(VECTOR_DIR, file), 'utf8')) }) as KeyVector);
}

export const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'));
export const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
export const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** The blob in an OpenSSH public key line, decoded with Buffer. */
export function blobOfLine(line: string): Uint8Array {
  return new Uint8Array(Buffer.from(line.split(' ')[1] ?? '', 'base64'));
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A copy of `bytes` with bit `bit` of byte `index` flipped. */
export function flipBit(bytes: Uint8Array, index: number, bit = 0): Uint8Array {
  const out = bytes.slice();
  out[index] = out[index]! ^ (1 << bit);
  return out;
}

/** Builds `string a, string b, ...` (strings or bytes). */
export function sshStrings(...fields: (string | Uint8Array)[]): Uint8Array {
  const w = new SSHWriter();
  for (const f of fields) w.string(f);
  return w.finish().slice();
}

/** A signature blob `string algorithm, string signature` (RFC 4253 §6.6). */
export function signatureBlob(algorithm: string, signature: Uint8Array): Uint8Array {
  return sshStrings(algorithm, signature);
}

/** Splits a signature blob into its two strings (no checks beyond the reader's). */
export function splitSignatureBlob(blob: Uint8Array): { algorithm: string; signature: Uint8Array } {
  const r = new SSHReader(blob);
  const algorithm = r.utf8();
  const signature = r.string().slice();
  r.end();
  return { algorithm, signature };
}

export interface Sshsig {
  publicKey: Uint8Array;
  namespace: string;
  reserved: Uint8Array;
  hashAlgorithm: string;
  signature: Uint8Array;
}

/** Parses an armored SSHSIG (OpenSSH PROTOCOL.sshsig §3 "Armored format", §2 "Blob format"). */
export function parseSshsig(armored: string): Sshsig {
  const lines = armored.trim().split('\n');
  if (lines[0] !== '-----BEGIN SSH SIGNATURE-----' || lines.at(-1) !== '-----END SSH SIGNATURE-----') {
    throw new Error('not an armored SSH signature');
  }
  const bytes = new Uint8Array(Buffer.from(lines.slice(1, -1).join(''), 'base64'));
  const r = new SSHReader(bytes);
  if (Buffer.from(r.bytes(6)).toString('latin1') !== 'SSHSIG') throw new Error('bad SSHSIG magic');
  if (r.uint32() !== 1) throw new Error('bad SSHSIG version');
  const sig: Sshsig = {
    publicKey: r.string().slice(),
    namespace: r.utf8(),
    reserved: r.string().slice(),
    hashAlgorithm: r.utf8(),
    signature: r.string().slice(),
  };
  r.end();
  return sig;
}

/**
 * The data an SSHSIG signature covers (PROTOCOL.sshsig §2): "SSHSIG" ‖ string namespace ‖
 * string reserved ‖ string hash_algorithm ‖ string H(message).
 */
export function sshsigSignedData(sig: Sshsig, message: Uint8Array): Uint8Array {
  const digest = createHash(sig.hashAlgorithm).update(message).digest();
  const w = new SSHWriter();
  w.raw(utf8('SSHSIG')).string(sig.namespace).string(sig.reserved).string(sig.hashAlgorithm).string(digest);
  return w.finish().slice();
}

/** Fields of a key blob as raw strings (for rebuilding mutated blobs). */
export function blobFields(blob: Uint8Array): Uint8Array[] {
  const r = new SSHReader(blob);
  const out: Uint8Array[] = [];
  while (r.remaining > 0) out.push(r.string().slice());
  return out;
}
