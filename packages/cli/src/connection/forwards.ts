// -L, -R and -D (and LocalForward, RemoteForward, DynamicForward from ssh_config), started once
// logged in and kept until the session ends. As ssh: a forwarding that cannot be set up is a
// warning, or the end of the connection under ExitOnForwardFailure.
import type { ConfigForward, Forward } from 'sshts';
import { CliError, ExitCode } from '../errors.js';
import type { Connection } from './connect.js';

/** ssh's bind_address: "" and "*" mean every interface; none means loopback only. */
function bindAddress(host: string | undefined): string | undefined {
  if (host === undefined) return undefined;
  return host === '' || host === '*' ? '0.0.0.0' : host;
}

function describe(f: ConfigForward): string {
  const listen = f.listenPath ?? `${f.listenHost ? `${f.listenHost}:` : ''}${f.listenPort}`;
  const target = f.connectPath ?? `${f.connectHost}:${f.connectPort}`;
  return `${listen} -> ${target}`;
}

function unsupported(what: string): never {
  throw new Error(`${what} is not supported`);
}

async function startLocal(
  conn: Connection,
  f: ConfigForward,
  onError: (e: unknown) => void,
): Promise<Forward> {
  const { client } = conn;
  if (f.listenPath !== undefined) unsupported('a local Unix-socket listener');
  const local = { localPort: f.listenPort ?? 0, localHost: bindAddress(f.listenHost) ?? '127.0.0.1' };
  if (f.connectPath !== undefined) {
    return client.forwardLocalStreamLocal({ ...local, remotePath: f.connectPath, onError });
  }
  return client.forwardLocalPort({
    ...local,
    remoteHost: f.connectHost ?? 'localhost',
    remotePort: f.connectPort ?? 0,
    onError,
  });
}

async function startRemote(
  conn: Connection,
  f: ConfigForward,
  onError: (e: unknown) => void,
): Promise<Forward> {
  const { client } = conn;
  const local =
    f.connectPath !== undefined
      ? { localPath: f.connectPath }
      : { localHost: f.connectHost ?? 'localhost', localPort: f.connectPort ?? 0 };
  if (f.listenPath !== undefined)
    return client.forwardRemoteStreamLocal({ ...local, remotePath: f.listenPath, onError });
  if ('localPath' in local) unsupported('a remote TCP listener forwarded to a local Unix socket');
  const forward = await client.forwardRemotePort({
    remotePort: f.listenPort ?? 0,
    ...(f.listenHost === undefined ? {} : { remoteHost: f.listenHost }),
    ...local,
    onError,
  });
  if (f.listenPort === 0) {
    conn.warn(`Allocated port ${forward.port} for remote forward to ${local.localHost}:${local.localPort}`);
  }
  return forward;
}

async function startDynamic(
  conn: Connection,
  f: ConfigForward,
  onError: (e: unknown) => void,
): Promise<Forward> {
  if (f.listenPath !== undefined) unsupported('a Unix-socket SOCKS listener');
  return conn.client.forwardDynamic({
    localPort: f.listenPort ?? 0,
    localHost: bindAddress(f.listenHost) ?? '127.0.0.1',
    onError,
  });
}

/** Starts every forwarding the configuration lists; the handles, for closing. */
export async function startForwards(conn: Connection): Promise<Forward[]> {
  const { host } = conn;
  const onError = (error: unknown) =>
    conn.warn(`sshts: forwarded connection failed: ${(error as Error).message}`);
  const jobs = [
    ...host.localForward.map((f) => ({ f, kind: 'local', start: () => startLocal(conn, f, onError) })),
    ...host.remoteForward.map((f) => ({ f, kind: 'remote', start: () => startRemote(conn, f, onError) })),
    ...host.dynamicForward.map((f) => ({ f, kind: 'dynamic', start: () => startDynamic(conn, f, onError) })),
  ];
  const started: Forward[] = [];
  for (const { f, kind, start } of jobs) {
    try {
      started.push(await start());
      conn.trace(1, `${kind} forwarding ${describe(f)} started`);
    } catch (error) {
      const message = `${kind} port forwarding ${describe(f)} failed: ${(error as Error).message}`;
      if (host.exitOnForwardFailure) {
        await Promise.all(started.map((s) => s.close().catch(() => {})));
        throw new CliError(`sshts: ${message}`, ExitCode.CONNECTION, { cause: error });
      }
      conn.warn(`Warning: ${message}`);
    }
  }
  return started;
}
