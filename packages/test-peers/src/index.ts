/**
 * @sshts/test-peers: installs (when missing) and starts REAL SSH servers on loopback or over stdio
 * with throwaway keys, so other packages' tests can run our client against them. Node-only,
 * test-only, Linux (Debian 12 packages).
 *
 * How each peer runs (all files in a fresh temp dir, removed by close()):
 * - openssh: per connect(), `/usr/sbin/sshd -i -f DIR/sshd_config -E DIR/sshd.log` on stdio pipes
 *   (LogLevel DEBUG3, PermitRootLogin yes, AuthorizedKeysFile DIR/authorized_keys, internal-sftp);
 *   PeerOptions.listen also runs `sshd -D` on 127.0.0.1:Peer.port with the same config.
 * - dropbear: `dropbear -F -E -e -p 127.0.0.1:PORT -P DIR/dropbear.pid -r KEY… [-s]`; connect() is TCP.
 * - tinysshd: per connect(), `tinysshd -v [-P] [-x sftp=…] DIR/keys` on stdio pipes.
 * - paramiko / asyncssh: `/usr/bin/python3 -u python/<lib>_server.py DIR/config.json` on
 *   127.0.0.1:ephemeral; connect() is TCP.
 * - sftp-server (no SSH): startSftpServer() spawns `/usr/lib/openssh/sftp-server -e -l DEBUG3 -d DIR`
 *   on stdio pipes, in a fresh temp dir.
 * SFTP: Peer.sftp names the directory each peer's `sftp` subsystem starts in, a throwaway dir:
 * openssh `internal-sftp -d DIR/home`; dropbear (/usr/lib/sftp-server) and tinysshd (`-x sftp=`)
 * the user's home, which is DIR/home bind-mounted over it in the private namespace (as root);
 * asyncssh its SFTPServer in the process's cwd, DIR/home. paramiko serves no SFTP.
 * Every process runs in its own process group; long-lived servers die with this thread
 * (`setpriv --pdeathsig KILL`); everything is killed on close(), process exit and SIGINT/TERM/HUP.
 *
 * Availability: peerAvailability() apt-get installs missing packages when running as root
 * (serialized across processes by a lock file in os.tmpdir(); SSHTS_TEST_PEERS_INSTALL=0 turns it
 * off). A peer still missing is a one-line skip reason, or a thrown error when CI=true.
 */
import { peerAvailability } from './availability.js';
import { oneLine } from './commands.js';
import { finishPeer, logTail, PeerContext, type StartedPeer, withTimeout } from './peer.js';
import { startDropbear } from './peers/dropbear.js';
import { startOpenSsh } from './peers/openssh.js';
import { startPython } from './peers/python.js';
import { startTinysshd } from './peers/tinysshd.js';
import { makeTempDir } from './process.js';
import type { Peer, PeerName, PeerOptions } from './types.js';

export { peerAvailability, type ToolName, toolAvailability } from './availability.js';
export {
  type SftpServerOptions,
  type SftpServerProcess,
  startSftpServer,
} from './sftp-server.js';
export type {
  AlgorithmKind,
  Availability,
  HostKeyType,
  Peer,
  PeerConnection,
  PeerHostKey,
  PeerName,
  PeerOptions,
  SftpHome,
  SupportedAlgorithms,
} from './types.js';
export { PEER_NAMES } from './types.js';
export { readIdentification } from './wire.js';

const STARTERS: Record<PeerName, (ctx: PeerContext, options: PeerOptions) => Promise<StartedPeer>> = {
  openssh: startOpenSsh,
  dropbear: startDropbear,
  tinysshd: startTinysshd,
  paramiko: (ctx, options) => startPython(ctx, 'paramiko', options),
  asyncssh: (ctx, options) => startPython(ctx, 'asyncssh', options),
};

/** Upper bound for a whole start: key generation, the server's startup, the probe connection. */
const START_TIMEOUT_MS = 45_000;

/**
 * Starts a throwaway server. Throws when the peer is unavailable (the one-line reason from
 * peerAvailability), or when it fails to start (with the tail of its log).
 */
export async function startPeer(name: PeerName, options: PeerOptions = {}): Promise<Peer> {
  const availability = await peerAvailability(name);
  if (!availability.available) throw new Error(availability.reason);
  const ctx = new PeerContext(name, await makeTempDir(name));
  let started: StartedPeer | undefined;
  try {
    return await withTimeout(
      (async () => {
        started = await STARTERS[name](ctx, options);
        return finishPeer(ctx, started);
      })(),
      START_TIMEOUT_MS,
      `starting ${name}`,
    );
  } catch (e) {
    const tail = logTail(started?.log ? started.log() : ctx.log.toString());
    await ctx.close();
    const message = oneLine(e instanceof Error ? e.message : String(e), 1000);
    const log = tail && !message.includes(tail) ? ` | log: ${tail}` : '';
    throw new Error(`${name} failed to start: ${message}${log}`, { cause: e });
  }
}
