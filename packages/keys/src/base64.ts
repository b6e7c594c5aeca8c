// Strict standard base64 (RFC 4648 §4) in plain TypeScript (no Node buffers, no atob), for OpenSSH key lines (PROTOCOL
// §5.1) and fingerprints. Decoding rejects anything OpenSSH's b64_pton rejects: characters outside
// the alphabet, missing or misplaced '=' padding, and non-zero bits after the last byte.
import { MalformedMessageError } from '@sshts/wire';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DECODE: Int8Array = (() => {
  const t = new Int8Array(128).fill(-1);
  for (let i = 0; i < ALPHABET.length; i++) t[ALPHABET.charCodeAt(i)] = i;
  return t;
})();

/** Base64 of `bytes`; `pad: false` drops the trailing '=' as `ssh-keygen -l` does for SHA256 fingerprints. */
export function base64Encode(bytes: Uint8Array, pad = true): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += ALPHABET[v >> 18]! + ALPHABET[(v >> 12) & 63]! + ALPHABET[(v >> 6) & 63]! + ALPHABET[v & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const v = bytes[i]! << 16;
    out += ALPHABET[v >> 18]! + ALPHABET[(v >> 12) & 63]! + (pad ? '==' : '');
  } else if (rest === 2) {
    const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += ALPHABET[v >> 18]! + ALPHABET[(v >> 12) & 63]! + ALPHABET[(v >> 6) & 63]! + (pad ? '=' : '');
  }
  return out;
}

function sextet(text: string, i: number, field: string): number {
  const c = text.charCodeAt(i);
  const v = c < 128 ? DECODE[c]! : -1;
  if (v < 0) throw new MalformedMessageError(field, `invalid base64 character at offset ${i}`);
  return v;
}

/** Decodes padded base64; throws MalformedMessageError (naming `field`) on any deviation. */
export function base64Decode(text: string, field = 'base64'): Uint8Array {
  if (text.length % 4 !== 0) throw new MalformedMessageError(field, 'length is not a multiple of 4');
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((text.length / 4) * 3 - padding);
  let o = 0;
  const fullEnd = padding === 0 ? text.length : text.length - 4;
  for (let i = 0; i < fullEnd; i += 4) {
    const v =
      (sextet(text, i, field) << 18) |
      (sextet(text, i + 1, field) << 12) |
      (sextet(text, i + 2, field) << 6) |
      sextet(text, i + 3, field);
    out[o++] = v >> 16;
    out[o++] = (v >> 8) & 0xff;
    out[o++] = v & 0xff;
  }
  if (padding > 0) {
    const i = fullEnd;
    const a = sextet(text, i, field);
    const b = sextet(text, i + 1, field);
    if (padding === 2) {
      if ((b & 0x0f) !== 0) throw new MalformedMessageError(field, 'non-zero bits after the last byte');
      out[o++] = (a << 2) | (b >> 4);
    } else {
      const c = sextet(text, i + 2, field);
      if ((c & 0x03) !== 0) throw new MalformedMessageError(field, 'non-zero bits after the last byte');
      out[o++] = (a << 2) | (b >> 4);
      out[o++] = ((b & 0x0f) << 4) | (c >> 2);
    }
  }
  return out;
}
