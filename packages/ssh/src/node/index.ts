// sshts for Node.js (the "node" export condition): everything from the browser-safe entry, with a
// Transport that can dial TCP and uses node:crypto for `crypto: 'auto'`, and an SSHClient that reads
// ~/.ssh, dials TCP and talks to $SSH_AUTH_SOCK.
import type { SFTPFileSystem } from '@sshts/sftp';
import { NodeFileSystem, SFTPClient as NodeSFTPClient } from '@sshts/sftp/node';
import { connectTcp, nodeProvider } from '@sshts/transport/node';
import { SSHClient as BaseSSHClient } from '../client.js';
import { SSHServer as BaseSSHServer } from '../server/server.js';
import { Transport as BaseTransport, type TransportOptions } from '../transport.js';
import { nodePlatform } from './platform.js';

/** SFTPClient with get / put / uploadDir / downloadDir on local files (node:fs). */
export { SFTPClient } from '@sshts/sftp/node';
// A worker thread that opens incoming packets beside the event loop, for either provider.
export { nodePacketOffload, nodeProvider, withPacketOffload } from '@sshts/transport/node';
export * from '../index.js';
export { nodePlatform } from './platform.js';
export {
  type LoadSSHConfigOptions,
  loadSSHConfig,
  localSSHConfigContext,
} from './ssh-config-files.js';
export { type SystemShellOptions, systemShell } from './system-shell.js';

export class Transport extends BaseTransport {
  static override defaultProvider = nodeProvider;
  static override nodeProvider = nodeProvider;

  /** Opens a TCP connection (TCP_NODELAY on) to host:port and wraps it; call startClient() next. */
  static async connect(host: string, port = 22, options: TransportOptions = {}): Promise<Transport> {
    const stream = await connectTcp(host, port, { timeout: options.timeout, signal: options.signal });
    return new Transport(stream, options);
  }
}

export class SSHClient extends BaseSSHClient {
  static override platform = nodePlatform;

  protected override transportClass(): typeof BaseTransport {
    return Transport;
  }

  protected override sftpClass(): typeof NodeSFTPClient {
    return NodeSFTPClient;
  }
}

/** SSHServer with TCP listen(), node:crypto for `crypto: 'auto'`, and `sftp: { root }` on the local disk. */
export class SSHServer extends BaseSSHServer {
  static override platform = nodePlatform;
  static override defaultProvider = nodeProvider;
  static override nodeProvider = nodeProvider;

  protected override rootFileSystem(root: string): SFTPFileSystem {
    return new NodeFileSystem(root);
  }
}
