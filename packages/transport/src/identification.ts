// The identification-string exchange, RFC 4253 §4.2 and §5, with OpenSSH's limits
// (kex.c kex_exchange_identification: 1024 lines before the version, 8192 bytes per line, no NUL).
import { DisconnectReason, ProtocolError } from '@sshts/wire';

/** Lines a server may send before its version line (OpenSSH SSH_MAX_PRE_BANNER_LINES). */
export const MAX_PRE_BANNER_LINES = 1024;
/** Longest line accepted, CR LF included (OpenSSH SSH_MAX_BANNER_LEN). */
export const MAX_BANNER_LINE = 8192;

const textDecoder = new TextDecoder('latin1');

export interface Identification {
  /** The version line without CR LF: V_C or V_S in the exchange hash. */
  readonly line: string;
  /** Protocol version: '2.0' or '1.99'. */
  readonly protoVersion: string;
  /** The software version and any comments, e.g. 'OpenSSH_9.2p1 Debian-2+deb12u10'. */
  readonly software: string;
  /** Lines the server sent before its version line (RFC 4253 §4.2 allows them from servers). */
  readonly preamble: readonly string[];
}

/** Our identification line, `SSH-2.0-<software>` (RFC 4253 §4.2: printable ASCII, no spaces in it). */
export function formatIdentification(softwareVersion: string, comment?: string): string {
  if (!/^[\x21-\x2c\x2e-\x7e]+$/.test(softwareVersion)) {
    throw new TypeError('softwareversion must be printable US-ASCII without spaces or minus signs');
  }
  const line = comment ? `SSH-2.0-${softwareVersion} ${comment}` : `SSH-2.0-${softwareVersion}`;
  if (line.length > 253) throw new TypeError('identification line over 255 bytes with CR LF');
  return line;
}

/**
 * Reads the peer's identification from incoming bytes. `allowPreamble` is true for a client
 * reading a server (other lines may come first); a server accepts nothing before the client's
 * version line, as OpenSSH ("invalid protocol identifier").
 */
export class IdentificationReader {
  private buffer: Uint8Array = new Uint8Array(0);
  private readonly preamble: string[] = [];

  constructor(private readonly allowPreamble: boolean) {}

  /**
   * Feeds bytes. Returns the identification and the bytes after it once the version line is
   * complete, or undefined while more bytes are needed. Throws ProtocolError on a bad line.
   */
  push(chunk: Uint8Array): { identification: Identification; rest: Uint8Array } | undefined {
    this.buffer = concat(this.buffer, chunk);
    for (;;) {
      const newline = this.buffer.indexOf(0x0a);
      if (newline < 0) {
        if (this.buffer.length >= MAX_BANNER_LINE) throw bannerError('identification line too long');
        return undefined;
      }
      if (newline + 1 > MAX_BANNER_LINE) throw bannerError('identification line too long');
      let end = newline;
      if (end > 0 && this.buffer[end - 1] === 0x0d) end--;
      const raw = this.buffer.subarray(0, end);
      const rest = this.buffer.subarray(newline + 1);
      if (raw.includes(0)) throw bannerError('NUL in identification line');
      if (raw.includes(0x0d)) throw bannerError('bare CR in identification line');
      const line = textDecoder.decode(raw);
      this.buffer = rest;
      if (line.startsWith('SSH-')) return { identification: this.parseVersion(line), rest: rest.slice() };
      if (!this.allowPreamble) throw bannerError('invalid protocol identifier');
      this.preamble.push(line);
      if (this.preamble.length > MAX_PRE_BANNER_LINES) throw bannerError('too many lines before the version');
    }
  }

  private parseVersion(line: string): Identification {
    const match = /^SSH-([^-]+)-(.*)$/.exec(line);
    if (!match) throw bannerError(`malformed identification "${line.slice(0, 80)}"`);
    const [, protoVersion, software] = match as unknown as [string, string, string];
    // RFC 4253 §5.1: 1.99 announces a server that also speaks 2.0.
    if (protoVersion !== '2.0' && protoVersion !== '1.99') {
      throw new ProtocolError(`unsupported protocol version ${protoVersion}`, {
        code: 'ERR_PROTOCOL_VERSION',
        reason: DisconnectReason.PROTOCOL_VERSION_NOT_SUPPORTED,
      });
    }
    if (software.length === 0) throw bannerError('empty software version');
    return { line, protoVersion, software, preamble: this.preamble };
  }
}

function bannerError(message: string): ProtocolError {
  return new ProtocolError(message, { code: 'ERR_IDENTIFICATION' });
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
