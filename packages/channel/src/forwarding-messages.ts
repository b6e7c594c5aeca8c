// The type-specific data of forwarding channels and global requests: TCP/IP (RFC 4254 §7) and
// OpenSSH's Unix-domain socket forwarding (PROTOCOL §2.4 "streamlocal").
import { type SSHReader, SSHWriter } from '@sshts/wire';

export interface TcpEndpoint {
  host: string;
  port: number;
}

const done = (w: SSHWriter) => w.finish().slice();

/**
 * direct-tcpip (§7.2, client → server) and forwarded-tcpip (§7.2, server → client): the address
 * to connect to (or that was connected), then the originator's address.
 */
export function encodeTcpipChannel(target: TcpEndpoint, origin: TcpEndpoint): Uint8Array {
  return done(
    new SSHWriter(64).string(target.host).uint32(target.port).string(origin.host).uint32(origin.port),
  );
}

export function decodeTcpipChannel(data: SSHReader): { target: TcpEndpoint; origin: TcpEndpoint } {
  const target = { host: data.utf8('host', 1024), port: data.uint32('port') };
  const origin = { host: data.utf8('originator address', 1024), port: data.uint32('originator port') };
  return { target, origin };
}

/** tcpip-forward / cancel-tcpip-forward (§7.1): address to bind and port (0: the server picks). */
export function encodeTcpipForward(bind: TcpEndpoint): Uint8Array {
  return done(new SSHWriter(32).string(bind.host).uint32(bind.port));
}

export function decodeTcpipForward(data: SSHReader): TcpEndpoint {
  return { host: data.utf8('address to bind', 1024), port: data.uint32('port to bind') };
}

/** direct-streamlocal@openssh.com: `string socket path, string reserved, uint32 reserved`. */
export function encodeDirectStreamLocal(path: string): Uint8Array {
  return done(new SSHWriter(64).string(path).string('').uint32(0));
}

export function decodeDirectStreamLocal(data: SSHReader): string {
  return data.utf8('socket path', 4096);
}

/** forwarded-streamlocal@openssh.com: `string socket path, string reserved`. */
export function encodeForwardedStreamLocal(path: string): Uint8Array {
  return done(new SSHWriter(64).string(path).string(''));
}

export function decodeForwardedStreamLocal(data: SSHReader): string {
  return data.utf8('socket path', 4096);
}

/** streamlocal-forward@openssh.com / cancel-streamlocal-forward@openssh.com: `string socket path`. */
export function encodeStreamLocalForward(path: string): Uint8Array {
  return done(new SSHWriter(64).string(path));
}
