// ProxyJump (ssh -J, ssh_config ProxyJump): SSH to the destination over a direct-tcpip channel
// (RFC 4254 §7.2) of a connection to the jump host, which may itself jump: any depth. As ssh.c
// turns `-J a,b dest` into the ProxyCommand `ssh -J a b -W dest:port`, a jump list is connected
// from its last hop, which jumps through the hops before it; the first hop dials TCP (or follows
// its own ssh_config ProxyJump/ProxyCommand, as the nested ssh would). Every hop verifies its host
// key against the same known_hosts and policy as the destination (SSHClient makes the clients).
import { type Channel, channelStream } from '@sshts/channel';
import type { ByteStream } from '@sshts/transport';
import { SSHError } from '@sshts/wire';
import type { ConnectOptions, SSHClient } from './client.js';
import { type ProxyJumpHost, parseJump } from './ssh-config/endpoints.js';

/** ConnectOptions.proxyJump: OpenSSH -J syntax, or the hops' own options, in connection order. */
export type ProxyJump = string | ConnectOptions | readonly (string | ConnectOptions)[];

/** Hops nested deeper than this are a loop (ssh_config hosts jumping through each other). */
export const MAX_JUMP_DEPTH = 32;

/**
 * What a jump host takes from the destination's options: the credentials and runtime settings the
 * caller gave (a -J hop has no way to name its own), never the password (a jump host must not
 * learn the destination's), the algorithms, agent forwarding, or the destination itself.
 */
const INHERITED = [
  'privateKey',
  'passphrase',
  'agent',
  'lookForKeys',
  'keyboardInteractive',
  'crypto',
  'keepaliveInterval',
  'keepaliveCountMax',
  'logger',
  'config',
] as const satisfies readonly (keyof ConnectOptions)[];

/**
 * The jump hosts for `options`, in connection order: the explicit ConnectOptions.proxyJump, else
 * ssh_config's ProxyJump hops; undefined for none (and for "none", which also overrides the file).
 */
export function jumpHosts(
  options: ConnectOptions,
  fromConfig: readonly ProxyJumpHost[] | undefined,
): ConnectOptions[] | undefined {
  const spec = options.proxyJump;
  const hops: ConnectOptions[] = [];
  if (spec === undefined) {
    for (const hop of fromConfig ?? []) hops.push(hopOptions(options, fromJumpHost(hop)));
  } else {
    const list = typeof spec === 'string' || !Array.isArray(spec) ? [spec as string | ConnectOptions] : spec;
    for (const item of list) {
      if (typeof item !== 'string') {
        hops.push(hopOptions(options, item));
        continue;
      }
      const parsed = parseJump(item);
      if (parsed === undefined) throw new SSHError('ERR_CONFIG', `invalid ProxyJump "${item}"`);
      if (parsed === 'none') continue;
      for (const hop of parsed.hops) hops.push(hopOptions(options, fromJumpHost(hop)));
    }
  }
  return hops.length > 0 ? hops : undefined;
}

function fromJumpHost(hop: ProxyJumpHost): ConnectOptions {
  return {
    host: hop.host,
    ...(hop.port === undefined ? {} : { port: hop.port }),
    ...(hop.user === undefined ? {} : { username: hop.user }),
  };
}

function hopOptions(options: ConnectOptions, hop: ConnectOptions): ConnectOptions {
  const inherited: Partial<ConnectOptions> = {};
  for (const name of INHERITED) {
    if (options[name] !== undefined) (inherited as Record<string, unknown>)[name] = options[name];
  }
  const merged: ConnectOptions = { ...inherited, ...hop };
  // Without ssh_config a hop needs a user: the destination's. With it, the hop's own User (or the
  // local user) applies, as for the nested `ssh` of -J.
  if (merged.username === undefined && (merged.config === undefined || merged.config === false)) {
    merged.username = options.username;
  }
  return merged;
}

/** The connection to the last jump host and the channel the destination's SSH runs over. */
export interface JumpConnection {
  readonly stream: ByteStream;
  /** Closes the channel, then the jump host's client (which closes the hops before it). */
  close(): Promise<void>;
}

const depths = new WeakMap<SSHClient, number>();

/**
 * Connects `hops` (the last one jumping through the others) with a client from `newClient`, then
 * opens a direct-tcpip channel to the destination. Fails, having closed what it opened, with the
 * hop's error. `destination` is the resolved host and port; `name` and `user` the destination as
 * asked, for the loop check of ssh.c (a jump host that is the destination itself).
 */
export async function connectThroughJumps(
  parent: SSHClient,
  hops: readonly ConnectOptions[],
  destination: { name: string; host: string; port: number; user: string },
  signal: AbortSignal,
  newClient: () => SSHClient,
): Promise<JumpConnection> {
  const last = hops[hops.length - 1];
  if (last === undefined) throw new SSHError('ERR_CONFIG', 'ProxyJump names no host');
  if (
    last.host === destination.name &&
    (last.port ?? 22) === destination.port &&
    (last.username ?? destination.user) === destination.user
  ) {
    throw new SSHError('ERR_CONFIG', `jump host loop via ${last.host}`);
  }
  const depth = (depths.get(parent) ?? 0) + 1;
  if (depth > MAX_JUMP_DEPTH) {
    throw new SSHError('ERR_CONFIG', `ProxyJump nested more than ${MAX_JUMP_DEPTH} deep (a loop?)`);
  }
  const client = newClient();
  depths.set(client, depth);
  const before = hops.slice(0, -1);
  let channel: Channel;
  try {
    await client.connect({ ...last, ...(before.length > 0 ? { proxyJump: before } : {}), signal });
    channel = await client.forwardOut(destination.host, destination.port);
  } catch (error) {
    await client.close().catch(() => {});
    throw error;
  }
  // The jump host's client lives only for this channel: when the channel goes, so does it.
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      await Promise.race([channel.closed, delay(CHANNEL_CLOSE_WAIT_MS)]);
      await client.close().catch(() => {});
    })();
    return closing;
  };
  void channel.closed.then(close);
  return { stream: channelStream(channel), close };
}

/** How long close() lets the destination's goodbye (DISCONNECT, EOF, CLOSE) reach the jump host. */
const CHANNEL_CLOSE_WAIT_MS = 2000;

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    (timer as { unref?: () => void }).unref?.();
  });
}
