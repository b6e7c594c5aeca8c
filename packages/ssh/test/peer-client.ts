// Test helpers: run our client's handshake against a real peer from @sshts/test-peers.
import type { Peer } from '@sshts/test-peers';
import { nodeStreamsToByteStream } from '@sshts/transport/node';
import { MessageType, SSHReader, SSHWriter } from '@sshts/wire';
import { Transport, type TransportOptions } from '../src/node/index.js';

export interface HandshakeReport {
  transport: Transport;
  authMethods: string[];
  close(): Promise<void>;
}

/** Connects, verifies the host key against the peer's ssh-keygen fingerprints, asks for auth methods. */
export async function handshakeWith(peer: Peer, options: TransportOptions = {}): Promise<HandshakeReport> {
  const connection = await peer.connect();
  const transport = new Transport(nodeStreamsToByteStream(connection.input, connection.output), {
    timeout: 60_000,
    ...options,
  });
  const known = new Set(peer.hostKeys.map((k) => k.fingerprint));
  try {
    await transport.startClient({ verifyHostKey: (key) => known.has(key.fingerprint()) });
    const authMethods = await noneAuthMethods(transport, peer.user);
    return {
      transport,
      authMethods,
      close: async () => {
        await transport.close();
        await connection.close();
      },
    };
  } catch (error) {
    await connection.close();
    throw new Error(`${(error as Error).message}\n--- ${peer.name} log ---\n${peer.log().slice(-3000)}`, {
      cause: error,
    });
  }
}

/** Requests ssh-userauth and sends a `none` request: the FAILURE lists the methods (RFC 4252 §5.2). */
export async function noneAuthMethods(transport: Transport, user: string): Promise<string[]> {
  await transport.connection.requestService('ssh-userauth');
  return authNone(transport, user);
}

/** Sends a `none` request (the ssh-userauth service already accepted) and returns the method list. */
export function authNone(transport: Transport, user: string): Promise<string[]> {
  const conn = transport.connection;
  return new Promise((resolve, reject) => {
    conn.onMessage = (payload) => {
      const type = payload[0];
      if (type === MessageType.USERAUTH_BANNER) return true;
      if (type === MessageType.USERAUTH_FAILURE) {
        resolve(new SSHReader(payload, 1).nameList('USERAUTH_FAILURE.methods'));
        return true;
      }
      reject(new Error(`unexpected message ${type} in reply to a none request`));
      return true;
    };
    conn.send(
      new SSHWriter()
        .byte(MessageType.USERAUTH_REQUEST)
        .string(user)
        .string('ssh-connection')
        .string('none')
        .finish(),
    );
    conn.closed.then((info) => reject(new Error(`closed: ${info.reason}`)));
  });
}
