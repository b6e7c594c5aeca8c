// Textual encapsulation of binary blobs between `-----BEGIN <label>-----` and
// `-----END <label>-----` lines (RFC 7468 §2–3), as OpenSSH writes private keys (sshkey.c
// MARK_BEGIN/MARK_END) and signatures (sshsig.c): base64 wrapped at 70 columns (sshbuf_dtob64).
import { MalformedMessageError } from '@sshts/wire';
import { base64Decode, base64Encode } from './base64.js';
import { KeyFormatError } from './errors.js';

/** OpenSSH wraps armoured base64 at 70 characters a line (sshbuf_dtob64 with wrap set). */
export const ARMOR_LINE_WIDTH = 70;

/** `bytes` armoured under `label`, base64 wrapped at `width` columns, ending with a newline. */
export function encodeArmor(label: string, bytes: Uint8Array, width = ARMOR_LINE_WIDTH): string {
  const b64 = base64Encode(bytes);
  let body = '';
  for (let i = 0; i < b64.length; i += width) body += `${b64.slice(i, i + width)}\n`;
  return `-----BEGIN ${label}-----\n${body}-----END ${label}-----\n`;
}

/**
 * The bytes between the first `-----BEGIN <label>-----` line and the next `-----END <label>-----`
 * line of `text`. Text before BEGIN and after END is ignored (RFC 7468 §2 explanatory text); inside,
 * line breaks (LF or CRLF) and surrounding blanks are dropped and the rest must be strict base64.
 * Throws KeyFormatError naming `format`.
 */
export function decodeArmor(text: string, label: string, format: string): Uint8Array {
  const lines = text.split('\n').map((line) => line.trim());
  const begin = lines.indexOf(`-----BEGIN ${label}-----`);
  if (begin < 0) throw new KeyFormatError(format, `missing "-----BEGIN ${label}-----" line`);
  const end = lines.indexOf(`-----END ${label}-----`, begin + 1);
  if (end < 0) throw new KeyFormatError(format, `missing "-----END ${label}-----" line`);
  const body = lines.slice(begin + 1, end).join('');
  if (/\s/.test(body)) throw new KeyFormatError(format, 'whitespace inside a base64 line');
  try {
    return base64Decode(body, format);
  } catch (e) {
    if (e instanceof MalformedMessageError) throw new KeyFormatError(format, `bad base64: ${e.message}`);
    throw e;
  }
}
