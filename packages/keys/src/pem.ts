// PEM armour (RFC 7468 "Textual Encodings of PKIX, PKCS, and CMS Structures"): base64 of a DER
// structure between `-----BEGIN <label>-----` and `-----END <label>-----` lines. Reading follows
// RFC 7468 §2/§3's lax rules (text outside the boundaries is ignored, any line ending, whitespace
// around base64 lines), plus the RFC 1421 §4.6 header lines (`Proc-Type`, `DEK-Info`) OpenSSL still
// writes for "traditional" encrypted keys (crypto/pem/pem_lib.c, PEM_read_bio_ex).
import { MalformedMessageError } from '@sshts/wire';
import { base64Decode, base64Encode } from './base64.js';
import { KeyFormatError } from './errors.js';

export interface PemBlock {
  /** The label between `BEGIN ` and the dashes, e.g. 'PRIVATE KEY'. */
  readonly label: string;
  /** RFC 1421 header fields (only legacy encrypted keys have them), names as written. */
  readonly headers: ReadonlyMap<string, string>;
  /** The decoded DER. */
  readonly der: Uint8Array;
}

/** Longest PEM text we scan, in characters (a 16384-bit RSA key in PEM is about 13 KB). */
export const MAX_PEM_TEXT_LENGTH = 1024 * 1024;
/** Longest base64 body of one block, in characters, checked before decoding. */
const MAX_PEM_BODY_LENGTH = 128 * 1024;
/** Most header lines in a block (OpenSSL writes two). */
const MAX_PEM_HEADERS = 16;

/** RFC 7468 §3 label: printable ASCII except '-', single inner spaces or hyphens allowed. */
const BEGIN = /^-----BEGIN ((?:[\x21-\x2c\x2e-\x7e](?:[- ]?[\x21-\x2c\x2e-\x7e])*)?)-----$/;

const FORMAT = 'PEM';

function lines(text: string): string[] {
  if (text.length > MAX_PEM_TEXT_LENGTH) {
    throw new KeyFormatError(FORMAT, `text of ${text.length} characters exceeds ${MAX_PEM_TEXT_LENGTH}`);
  }
  return text.split(/\r\n|\r|\n/);
}

/**
 * The first PEM block whose label `accept` returns true for, or undefined when there is none.
 * Blocks with other labels (e.g. `EC PARAMETERS` before an `EC PRIVATE KEY`) are skipped without
 * being decoded. A selected block with no matching END line, bad headers or bad base64 throws
 * KeyFormatError.
 */
export function findPemBlock(text: string, accept: (label: string) => boolean): PemBlock | undefined {
  const all = lines(text);
  for (let i = 0; i < all.length; i++) {
    const m = BEGIN.exec(all[i]!.trim());
    if (m === null) continue;
    const label = m[1] ?? '';
    const endLine = `-----END ${label}-----`;
    let j = i + 1;
    while (j < all.length && all[j]!.trim() !== endLine) j++;
    if (j === all.length) throw new KeyFormatError(FORMAT, `no "${endLine}" line`);
    if (accept(label)) return decodeBlock(label, all.slice(i + 1, j));
    i = j;
  }
  return undefined;
}

function decodeBlock(label: string, body: string[]): PemBlock {
  const headers = new Map<string, string>();
  let k = 0;
  // RFC 1421 §4.4: header fields, each possibly continued on lines starting with white space,
  // end at an empty line. Only present when the first line is a "Name: value" field.
  if (/^[A-Za-z0-9-]+:/.test(body[0] ?? '')) {
    let last: string | undefined;
    for (; k < body.length && body[k]!.trim() !== ''; k++) {
      const line = body[k]!;
      if (/^[ \t]/.test(line) && last !== undefined) {
        headers.set(last, `${headers.get(last)}${line.trim()}`);
        continue;
      }
      const colon = line.indexOf(':');
      if (colon <= 0) throw new KeyFormatError(FORMAT, `bad header line in ${label}`);
      last = line.slice(0, colon);
      if (headers.has(last)) throw new KeyFormatError(FORMAT, `duplicate header ${last}`);
      headers.set(last, line.slice(colon + 1).trim());
      if (headers.size > MAX_PEM_HEADERS) throw new KeyFormatError(FORMAT, 'too many header lines');
    }
    if (k === body.length) throw new KeyFormatError(FORMAT, 'headers are not followed by an empty line');
    k++;
  }
  let base64 = '';
  for (; k < body.length; k++) {
    base64 += body[k]!.replace(/[ \t]/g, '');
    if (base64.length > MAX_PEM_BODY_LENGTH) {
      throw new KeyFormatError(FORMAT, `${label} body exceeds ${MAX_PEM_BODY_LENGTH} characters`);
    }
  }
  if (base64.length === 0) throw new KeyFormatError(FORMAT, `empty ${label} block`);
  let der: Uint8Array;
  try {
    der = base64Decode(base64, `${label} base64`);
  } catch (e) {
    if (e instanceof MalformedMessageError) throw new KeyFormatError(FORMAT, e.message);
    throw e;
  }
  return { label, headers, der };
}

/**
 * The PEM text of `der` under `label`: RFC 7468 §2 "strict" form with 64-character lines and LF
 * line endings, optional RFC 1421 headers first (for legacy encrypted keys).
 */
export function encodePem(
  label: string,
  der: Uint8Array,
  headers: ReadonlyArray<readonly [string, string]> = [],
): string {
  const b64 = base64Encode(der);
  let out = `-----BEGIN ${label}-----\n`;
  if (headers.length > 0) out += `${headers.map(([k, v]) => `${k}: ${v}`).join('\n')}\n\n`;
  for (let i = 0; i < b64.length; i += 64) out += `${b64.slice(i, i + 64)}\n`;
  return `${out}-----END ${label}-----\n`;
}
