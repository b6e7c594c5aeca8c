// The type-specific data of session channel requests (RFC 4254 §6, RFC 4335, OpenSSH PROTOCOL):
// encoders for what a client sends, decoders for what a server receives. Every decoder bounds its
// strings and rejects truncated input with MalformedMessageError (checklist §12 D).
import { MalformedMessageError, type SSHReader, SSHWriter } from '@sshts/wire';
import { MAX_REQUEST_FIELD } from './limits.js';
import { decodeTerminalModes, encodeTerminalModes, type TerminalModes } from './terminal-modes.js';

export interface PtyRequest {
  /** TERM, e.g. "xterm-256color". */
  term: string;
  cols: number;
  rows: number;
  widthPx?: number;
  heightPx?: number;
  modes?: TerminalModes;
}

export interface DecodedPtyRequest {
  term: string;
  cols: number;
  rows: number;
  widthPx: number;
  heightPx: number;
  modes: Map<number, number>;
}

export interface X11Request {
  singleConnection: boolean;
  /** "MIT-MAGIC-COOKIE-1". */
  protocol: string;
  /** The cookie as hex text (what OpenSSH and xauth exchange). */
  cookie: string;
  screen: number;
}

const done = (w: SSHWriter) => w.finish().slice();

/** pty-req (§6.2). */
export function encodePtyRequest(p: PtyRequest): Uint8Array {
  return done(
    new SSHWriter(128)
      .string(p.term)
      .uint32(p.cols)
      .uint32(p.rows)
      .uint32(p.widthPx ?? 0)
      .uint32(p.heightPx ?? 0)
      .string(encodeTerminalModes(p.modes)),
  );
}

export function decodePtyRequest(data: SSHReader): DecodedPtyRequest {
  const term = data.utf8('TERM', 256);
  const cols = data.uint32('columns');
  const rows = data.uint32('rows');
  const widthPx = data.uint32('width');
  const heightPx = data.uint32('height');
  const modes = decodeTerminalModes(data.string('terminal modes', MAX_REQUEST_FIELD));
  return { term, cols, rows, widthPx, heightPx, modes };
}

/** x11-req (§6.3.1). */
export function encodeX11Request(x: X11Request): Uint8Array {
  return done(
    new SSHWriter(96).boolean(x.singleConnection).string(x.protocol).string(x.cookie).uint32(x.screen),
  );
}

/**
 * What an X11 authentication protocol name or cookie may hold: OpenSSH session.c
 * xauth_valid_string (letters, digits and . : / - _). The values end up on an xauth command line;
 * a newline in the cookie once injected xauth commands (CVE-2016-3115).
 */
const XAUTH_VALID = /^[A-Za-z0-9.:/_-]*$/;

export function decodeX11Request(data: SSHReader): X11Request {
  const singleConnection = data.boolean('single connection');
  const protocol = data.utf8('x11 authentication protocol', 256);
  const cookie = data.utf8('x11 authentication cookie', 1024);
  const screen = data.uint32('x11 screen number');
  for (const [field, value] of [
    ['x11 authentication protocol', protocol],
    ['x11 authentication cookie', cookie],
  ] as const) {
    if (!XAUTH_VALID.test(value)) {
      throw new MalformedMessageError(
        field,
        'only letters, digits and . : / - _ are allowed (CVE-2016-3115)',
      );
    }
  }
  return { singleConnection, protocol, cookie, screen };
}

/** env (§6.4). */
export function encodeEnv(name: string, value: string): Uint8Array {
  return done(new SSHWriter(64).string(name).string(value));
}

export function decodeEnv(data: SSHReader): { name: string; value: string } {
  return { name: data.utf8('variable name', 1024), value: data.utf8('variable value', MAX_REQUEST_FIELD) };
}

/** exec's command or subsystem's name (§6.5): a single string. */
export function encodeString(value: string | Uint8Array): Uint8Array {
  return done(new SSHWriter(64).string(value));
}

export function decodeCommand(data: SSHReader): string {
  return data.utf8('command', MAX_REQUEST_FIELD);
}

/** window-change (§6.7). */
export function encodeWindowChange(cols: number, rows: number, widthPx = 0, heightPx = 0): Uint8Array {
  return done(new SSHWriter(16).uint32(cols).uint32(rows).uint32(widthPx).uint32(heightPx));
}

export function decodeWindowChange(data: SSHReader): {
  cols: number;
  rows: number;
  widthPx: number;
  heightPx: number;
} {
  return {
    cols: data.uint32('columns'),
    rows: data.uint32('rows'),
    widthPx: data.uint32('width'),
    heightPx: data.uint32('height'),
  };
}

/** signal (§6.9): the name without the "SIG" prefix. */
export function encodeSignal(name: string): Uint8Array {
  return encodeString(name.replace(/^SIG/, ''));
}

export function decodeSignal(data: SSHReader): string {
  return data.utf8('signal name', 256);
}

/** break (RFC 4335 §3): the break length in milliseconds. */
export function encodeBreak(milliseconds: number): Uint8Array {
  return done(new SSHWriter(4).uint32(milliseconds));
}

/** exit-status (§6.10). */
export function encodeExitStatus(code: number): Uint8Array {
  return done(new SSHWriter(4).uint32(code));
}

/** exit-signal (§6.10). */
export function encodeExitSignal(signal: string, coreDumped = false, message = ''): Uint8Array {
  return done(
    new SSHWriter(64).string(signal.replace(/^SIG/, '')).boolean(coreDumped).string(message).string(''),
  );
}
