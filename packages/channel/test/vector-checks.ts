// Checks shared by the live interop tests (python run at test time) and the stored vectors under
// test-vectors/channel/: our encoders must reproduce, byte for byte, what OpenSSH's ssh client,
// paramiko and AsyncSSH put on the wire, and our decoders must read it back.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MessageType, SSHReader } from '@sshts/wire';
import { expect } from 'vitest';
import {
  decodePtyRequest,
  encodeBreak,
  encodeChannelOpen,
  encodeChannelRequest,
  encodeEnv,
  encodeExitSignal,
  encodeExitStatus,
  encodePtyRequest,
  encodeSignal,
  encodeString,
  encodeTcpipChannel,
  encodeWindowChange,
  encodeX11Request,
  TerminalMode,
  type TerminalModeName,
} from '../src/index.js';
import { decodeSent } from './helpers.js';

export const PYTHON = '/usr/bin/python3';
export const VECTOR_DIR = fileURLToPath(new URL('../../../test-vectors/channel/', import.meta.url));
const SCRIPT_DIR = fileURLToPath(new URL('./python/', import.meta.url));

export const fromHex = (hex: string): Uint8Array => new Uint8Array(Buffer.from(hex, 'hex'));
export const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/** Runs one of test/python/*.py with `input` as JSON on stdin; returns its JSON output. */
export function runPython<T>(script: string, input: unknown): T {
  const r = spawnSync(PYTHON, [SCRIPT_DIR + script], { input: JSON.stringify(input), timeout: 60_000 });
  if (r.status !== 0) throw new Error(`${script} failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout.toString()) as T;
}

export function readVector<T>(name: string): T {
  return JSON.parse(readFileSync(VECTOR_DIR + name, 'utf8')) as T;
}

interface Size {
  cols: number;
  rows: number;
  widthPx: number;
  heightPx: number;
}

export interface OpenSshInput {
  seed: number;
  ssh: string;
  term: string;
  envValue: string;
  command: string;
  size: Size;
  resize: Size;
}

export interface OpenSshCapture {
  version: string;
  payloads: string[];
  /** The value each mode must carry, by RFC mnemonic, from Python's termios. */
  expected: Record<string, number>;
}

// Present in Python's termios on Linux, but OpenSSH's ttymodes.h skips it (glibc lacks VSWTCH).
const NOT_SENT_BY_OPENSSH_ON_LINUX = new Set(['VSWTCH']);

/** OpenSSH's session open, pty-req, env, exec and window-change against our encoders. */
export function checkOpenSshCapture(input: OpenSshInput, capture: OpenSshCapture): void {
  const raw = capture.payloads.map(fromHex);
  const sent = raw.map(decodeSent);
  const find = (name: string) => {
    const i = sent.findIndex((m) => m.type === MessageType.CHANNEL_REQUEST && m.name === name);
    expect(i, `OpenSSH sent ${name}`).toBeGreaterThanOrEqual(0);
    return { message: sent[i]!, bytes: raw[i]! };
  };

  const open = sent[0]!;
  expect(open).toMatchObject({ type: MessageType.CHANNEL_OPEN, name: 'session' });
  expect(
    toHex(
      encodeChannelOpen('session', { id: open.sender!, window: open.window!, maxPacket: open.maxPacket! }),
    ),
  ).toBe(capture.payloads[0]);

  const pty = find('pty-req');
  const request = decodePtyRequest(new SSHReader(pty.message.rest!));
  expect(request).toMatchObject({ term: input.term, ...input.size });
  // Every mode OpenSSH sent is one of ours, carrying the pseudo-terminal's actual setting.
  const names = new Map<number, string>(Object.entries(TerminalMode).map(([name, opcode]) => [opcode, name]));
  for (const [opcode, value] of request.modes) {
    const name = names.get(opcode);
    expect(name, `opcode ${opcode}`).toBeDefined();
    expect(value, name).toBe(capture.expected[name!]);
  }
  // And every mode the terminal has is there under our opcode for its name.
  for (const [name, value] of Object.entries(capture.expected)) {
    if (NOT_SENT_BY_OPENSSH_ON_LINUX.has(name)) continue;
    expect(request.modes.get(TerminalMode[name as TerminalModeName]), name).toBe(value);
  }
  expect(request.modes.get(TerminalMode.IUTF8)).toBe(capture.expected.IUTF8);
  const recipient = pty.message.recipient!;
  const ourPty = encodePtyRequest({ term: input.term, ...input.size, modes: request.modes });
  expect(toHex(encodeChannelRequest(recipient, 'pty-req', true, ourPty))).toBe(toHex(pty.bytes));

  const env = encodeEnv('LC_SSHTS_TEST', input.envValue);
  expect(toHex(encodeChannelRequest(recipient, 'env', false, env))).toBe(toHex(find('env').bytes));
  const exec = encodeString(input.command);
  expect(toHex(encodeChannelRequest(recipient, 'exec', true, exec))).toBe(toHex(find('exec').bytes));
  const { cols, rows, widthPx, heightPx } = input.resize;
  const change = encodeWindowChange(cols, rows, widthPx, heightPx);
  expect(toHex(encodeChannelRequest(recipient, 'window-change', false, change))).toBe(
    toHex(find('window-change').bytes),
  );
}

export interface LibraryInput {
  recipient: number;
  pty: { term: string } & Size;
  windowChange: Size;
  command: string;
  subsystem: string;
  env: { name: string; value: string };
  exitStatus: number;
  x11: { screen: number; protocol: string; cookie: string; singleConnection: boolean };
  directTcpip: { host: string; port: number; originHost: string; originPort: number };
  window: number;
  maxPacket: number;
  exitSignal: { signal: string; coreDumped: boolean; message: string };
  signal: string;
  breakMs: number;
}

export interface LibraryVectors {
  payloads: Record<string, string>;
  asyncsshModes: Record<string, number>;
}

/** paramiko's and AsyncSSH's request and open payloads against our encoders. */
export function checkLibraryVectors(input: LibraryInput, vectors: LibraryVectors): void {
  const p = vectors.payloads;
  const req = (type: string, wantReply: boolean, data?: Uint8Array) =>
    toHex(encodeChannelRequest(input.recipient, type, wantReply, data));
  const { cols, rows, widthPx, heightPx } = input.windowChange;
  const change = encodeWindowChange(cols, rows, widthPx, heightPx);
  expect(req('window-change', false, change)).toBe(p['paramiko window-change']);
  expect(req('window-change', false, change)).toBe(p['asyncssh window-change']);
  expect(req('exec', true, encodeString(input.command))).toBe(p['paramiko exec']);
  expect(req('subsystem', true, encodeString(input.subsystem))).toBe(p['paramiko subsystem']);
  expect(req('env', false, encodeEnv(input.env.name, input.env.value))).toBe(p['paramiko env']);
  expect(req('exit-status', false, encodeExitStatus(input.exitStatus))).toBe(p['paramiko exit-status']);
  expect(req('exit-status', false, encodeExitStatus(input.exitStatus))).toBe(p['asyncssh exit-status']);
  expect(req('x11-req', true, encodeX11Request(input.x11))).toBe(p['paramiko x11-req']);
  expect(req('auth-agent-req@openssh.com', false)).toBe(p['paramiko auth-agent-req']);
  const { signal, coreDumped, message } = input.exitSignal;
  expect(req('exit-signal', false, encodeExitSignal(signal, coreDumped, message))).toBe(
    p['asyncssh exit-signal'],
  );
  expect(req('signal', false, encodeSignal(input.signal))).toBe(p['asyncssh signal']);
  expect(req('break', false, encodeBreak(input.breakMs))).toBe(p['asyncssh break']);
  const t = input.directTcpip;
  const tcpip = encodeTcpipChannel(
    { host: t.host, port: t.port },
    { host: t.originHost, port: t.originPort },
  );
  const open = encodeChannelOpen(
    'direct-tcpip',
    { id: 0, window: input.window, maxPacket: input.maxPacket },
    tcpip,
  );
  expect(toHex(open)).toBe(p['paramiko direct-tcpip open']);

  // paramiko's pty-req carries an empty modes string (no TTY_OP_END): we decode it as no modes.
  // Up to the modes, its fields match ours.
  const theirs = decodeSent(fromHex(p['paramiko pty-req']!));
  expect(theirs).toMatchObject({ recipient: input.recipient, name: 'pty-req', wantReply: true });
  const decoded = decodePtyRequest(new SSHReader(theirs.rest!));
  expect(decoded).toEqual({ ...input.pty, modes: new Map() });
  const ours = encodePtyRequest(input.pty);
  expect(toHex(ours.subarray(0, ours.length - 5))).toBe(
    toHex(theirs.rest!.subarray(0, theirs.rest!.length - 4)),
  );

  // AsyncSSH's opcode table (constants.py PTY_*) against ours, name for name.
  const aliases: Record<string, string> = {
    WERASE: 'VWERASE',
    OP_ISPEED: 'TTY_OP_ISPEED',
    OP_OSPEED: 'TTY_OP_OSPEED',
  };
  const theirsModes = Object.entries(vectors.asyncsshModes).filter(
    ([name]) => name !== 'OP_END' && name !== 'OP_RESERVED',
  );
  expect(new Map(theirsModes.map(([name, opcode]) => [aliases[name] ?? name, opcode]))).toEqual(
    new Map(Object.entries(TerminalMode)),
  );
  expect(vectors.asyncsshModes.OP_END).toBe(0);
  expect(vectors.asyncsshModes.OP_RESERVED).toBe(160);
}
