// Test helpers: run our client's handshake against a real peer from @sshts/test-peers.
import type { Peer } from '@sshts/test-peers';
import { nodeStreamsToByteStream } from '@sshts/transport/node';
import { AuthenticationError } from '@sshts/wire';
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

/**
 * The methods the server allows, from a `none` request through the auth layer (RFC 4252 §5.2:
 * its USERAUTH_FAILURE lists them). Requests the ssh-userauth service first if needed.
 */
export async function noneAuthMethods(transport: Transport, user: string): Promise<string[]> {
  try {
    await transport.authNone(user);
  } catch (error) {
    if (error instanceof AuthenticationError) return [...error.allowedMethods];
    throw error;
  }
  throw new Error(`${user} was let in with no authentication`);
}
