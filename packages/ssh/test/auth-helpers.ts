// Helpers for the authentication tests against real servers: a handshake that leaves user
// authentication to @sshts/auth's ClientAuth, keys made by ssh-keygen, an OpenSSH ssh-agent, and a
// proof that the authenticated session works.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ClientAuth, ClientAuthOptions } from '@sshts/auth';
import { type PrivateKey, parsePrivateKey } from '@sshts/keys';
import type { Peer } from '@sshts/test-peers';
import { nodeStreamsToByteStream } from '@sshts/transport/node';
import { Transport, type TransportOptions } from '../src/node/index.js';
import { execWithInput } from './test-channel.js';

export const run = promisify(execFile);

export interface AuthSession {
  transport: Transport;
  auth: ClientAuth;
  close(): Promise<void>;
}

/** Connects and runs the handshake (host key checked against the peer's fingerprints); no auth request yet. */
export async function connectForAuth(
  peer: Peer,
  authOptions: Pick<ClientAuthOptions, 'onBanner'> = {},
  options: TransportOptions = {},
): Promise<AuthSession> {
  const connection = await peer.connect();
  const transport = new Transport(nodeStreamsToByteStream(connection.input, connection.output), {
    timeout: 60_000,
    ...options,
  });
  const known = new Set(peer.hostKeys.map((k) => k.fingerprint));
  try {
    await transport.startClient({ verifyHostKey: (key) => known.has(key.fingerprint()) });
  } catch (error) {
    await connection.close();
    throw new Error(`${(error as Error).message}\n--- ${peer.name} log ---\n${peer.log().slice(-3000)}`, {
      cause: error,
    });
  }
  // The transport's own ClientAuth, so that after success its channels (expectSessionWorks) work.
  const auth = transport.auth;
  if (authOptions.onBanner) auth.onBanner = authOptions.onBanner;
  return {
    transport,
    auth,
    close: async () => {
      await transport.close();
      await connection.close();
    },
  };
}

/** After USERAUTH_SUCCESS: runs `echo ok` on a session channel and expects "ok". */
export async function expectSessionWorks(transport: Transport): Promise<void> {
  const result = await execWithInput(transport, 'echo ok', 0, () => new Uint8Array(0));
  const stdout = new TextDecoder().decode(result.stdout).trim();
  if (stdout !== 'ok' || result.exitStatus !== 0) {
    throw new Error(`echo ok printed ${JSON.stringify(stdout)}, exit ${result.exitStatus}`);
  }
}

export interface KeygenKey {
  path: string;
  /** The OpenSSH public key line (for authorized_keys). */
  publicLine: string;
  /** The private key, parsed by @sshts/keys from ssh-keygen's file. */
  privateKey: PrivateKey;
}

export type KeygenType = 'ed25519' | 'ecdsa' | 'rsa';

/** `ssh-keygen -t type` (RSA 2048 to keep the suite fast; ECDSA 256). */
export async function keygen(
  keygenPath: string,
  dir: string,
  type: KeygenType,
  name = `id_${type}`,
): Promise<KeygenKey> {
  const path = join(dir, name);
  const bits = type === 'rsa' ? '2048' : type === 'ecdsa' ? '256' : '256';
  await run(keygenPath, ['-q', '-t', type, '-b', bits, '-N', '', '-C', `sshts-${name}`, '-f', path]);
  const publicLine = (await readFile(`${path}.pub`, 'utf8')).trim();
  const privateKey = parsePrivateKey(await readFile(path, 'utf8'));
  return { path, publicLine, privateKey };
}

/** A foreground `ssh-agent -D -a SOCKET`; stop() kills it. */
export async function startSshAgent(
  agentPath: string,
  dir: string,
): Promise<{ socket: string; stop(): void }> {
  const socket = join(dir, 'agent.sock');
  const child: ChildProcess = spawn(agentPath, ['-D', '-a', socket], { stdio: 'ignore' });
  for (let i = 0; i < 100 && !existsSync(socket); i++) await new Promise((r) => setTimeout(r, 50));
  if (!existsSync(socket)) {
    child.kill();
    throw new Error('ssh-agent did not create its socket');
  }
  return { socket, stop: () => child.kill() };
}

/** The part of the peer's log written while `fn` ran. */
export async function logDuring<T>(peer: Peer, fn: () => Promise<T>): Promise<{ value: T; log: string }> {
  const before = peer.log().length;
  const value = await fn();
  // sshd writes its log lines as it goes; give the last ones a moment.
  await new Promise((r) => setTimeout(r, 100));
  return { value, log: peer.log().slice(before) };
}
