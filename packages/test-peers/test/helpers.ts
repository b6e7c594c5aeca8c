import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { type AddressInfo, createServer, type Server } from 'node:net';
import type { Readable } from 'node:stream';
import type { Peer } from '../src/index.js';

/** Reads one unencrypted binary packet (RFC 4253 §6) after `rest`; returns its payload and padding length. */
export function readPacket(
  input: Readable,
  rest: Buffer,
  timeoutMs = 10_000,
): Promise<{ packetLength: number; paddingLength: number; payload: Buffer }> {
  return new Promise((resolve, reject) => {
    let buffered = rest;
    const tryParse = (): boolean => {
      if (buffered.length < 5) return false;
      const packetLength = buffered.readUInt32BE(0);
      if (packetLength < 5 || packetLength > 35000) {
        finish(new Error(`implausible packet_length ${packetLength}`));
        return true;
      }
      if (buffered.length < 4 + packetLength) return false;
      const paddingLength = buffered[4]!;
      const payload = buffered.subarray(5, 4 + packetLength - paddingLength);
      finish(undefined, { packetLength, paddingLength, payload });
      return true;
    };
    const onData = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      tryParse();
    };
    const onEnd = () => finish(new Error('connection closed before a full packet'));
    const timer = setTimeout(() => finish(new Error('no packet in time')), timeoutMs);
    function finish(err?: Error, value?: { packetLength: number; paddingLength: number; payload: Buffer }) {
      clearTimeout(timer);
      input.off('data', onData);
      input.off('end', onEnd);
      input.pause();
      if (err) reject(err);
      else resolve(value!);
    }
    if (tryParse()) return;
    input.on('data', onData);
    input.once('end', onEnd);
    input.resume();
  });
}

export interface Kexinit {
  kex: string[];
  hostKey: string[];
  cipherC2S: string[];
  cipherS2C: string[];
  macC2S: string[];
  macS2C: string[];
  compC2S: string[];
}

/** Parses a KEXINIT payload (byte 20, cookie, 10 name-lists, boolean, uint32). */
export function parseKexinit(payload: Buffer): Kexinit {
  if (payload[0] !== 20) throw new Error(`not a KEXINIT: message ${payload[0]}`);
  let offset = 17;
  const lists: string[][] = [];
  for (let i = 0; i < 10; i++) {
    const len = payload.readUInt32BE(offset);
    const text = payload.subarray(offset + 4, offset + 4 + len).toString('latin1');
    lists.push(text ? text.split(',') : []);
    offset += 4 + len;
  }
  return {
    kex: lists[0]!,
    hostKey: lists[1]!,
    cipherC2S: lists[2]!,
    cipherS2C: lists[3]!,
    macC2S: lists[4]!,
    macS2C: lists[5]!,
    compC2S: lists[6]!,
  };
}

const PSEUDO = /^(ext-info-[cs]|kex-strict-[cs]-v00@openssh\.com|kexguess2@matt\.ucc\.asn\.au)$/;
export const withoutPseudo = (names: string[]): string[] => names.filter((n) => !PSEUDO.test(n));

/** A TCP listener on 127.0.0.1 that pipes every accepted socket to a new peer.connect(). */
export async function bridge(peer: Peer): Promise<{ port: number; server: Server; close(): Promise<void> }> {
  const server = createServer((socket) => {
    socket.on('error', () => {});
    peer.connect().then(
      (conn) => {
        socket.pipe(conn.output);
        conn.input.pipe(socket);
        conn.input.on('end', () => socket.end());
        socket.on('close', () => void conn.close());
      },
      () => socket.destroy(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    server,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface Ran {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Spawns a command asynchronously (the event loop keeps serving bridges), bounded by timeoutMs. */
export function runAsync(
  command: string,
  args: string[],
  options: { input?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...process.env, ...options.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 20_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
  });
}

/** True while the pid exists and is not a zombie. */
export function pidLive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** The process's command line, space-separated ('' when gone). */
export function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1').replace(/\0/g, ' ').trim();
  } catch {
    return '';
  }
}
