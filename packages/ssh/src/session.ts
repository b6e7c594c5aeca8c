// Session channels as SSHClient uses them (RFC 4254 §6): open, then pty-req, env, and the
// exec / shell / subsystem request — and the buffered and streaming shapes of a remote command.
import {
  type Channel,
  type ChannelReader,
  ChannelRequestError,
  type ChannelWriter,
  type ExitStatus,
  encodeEnv,
  encodePtyRequest,
  encodeString,
  type TerminalModes,
} from '@sshts/channel';
import { TimeoutError } from '@sshts/wire';
import type { TransportCore } from './transport-core.js';
import type { X11Options } from './x11-forwarding.js';

export interface PtyOptions {
  /** TERM (default "xterm-256color"). */
  term?: string;
  cols?: number;
  rows?: number;
  widthPx?: number;
  heightPx?: number;
  /** Terminal modes (RFC 4254 §8), e.g. `{ ECHO: 0 }`. */
  modes?: TerminalModes;
}

export interface SessionOptions {
  pty?: boolean | PtyOptions;
  /** Sent as `env` requests (§6.4); the server applies those its AcceptEnv allows. */
  env?: Record<string, string>;
  /**
   * Ask for agent forwarding on this session (auth-agent-req@openssh.com); default: the
   * connection's ConnectOptions.forwardAgent.
   */
  agentForwarding?: boolean;
  /** Ask for X11 forwarding (x11-req, RFC 4254 §6.3); see X11Options. */
  x11?: boolean | X11Options;
}

export interface ExecOptions extends SessionOptions {
  /** Written to the command's stdin, followed by EOF (buffered exec sends EOF anyway). */
  stdin?: string | Uint8Array;
  /**
   * Milliseconds before the command is stopped — sent `signal TERM` (where the server allows it)
   * and its channel closed — and TimeoutError thrown. `signal` (abort) stops it the same way.
   */
  timeout?: number;
  signal?: AbortSignal;
}

export interface ShellOptions extends PtyOptions {
  env?: Record<string, string>;
  agentForwarding?: boolean;
  x11?: boolean | X11Options;
}

export interface ExecResult {
  stdout: string;
  stderr: string;
  exitCode: number | null;
  signal: string | null;
}

export interface RemoteProcess {
  stdin: ChannelWriter;
  stdout: ChannelReader;
  stderr: ChannelReader;
  channel: Channel;
  wait(): Promise<{ exitCode: number | null; signal: string | null }>;
}

/** Extra set-up a session may need before its exec/shell (agent forwarding, X11), from SSHClient. */
export type SessionHook = (channel: Channel, options: SessionOptions) => Promise<void>;

const DEFAULT_PTY = { term: 'xterm-256color', cols: 80, rows: 24 };

/** Opens a session, sends pty-req and env as asked, runs `hook`, then `start` (exec/shell/subsystem). */
export async function startSession(
  transport: TransportCore,
  options: SessionOptions,
  start: { request: 'exec' | 'shell' | 'subsystem'; value?: string },
  hook?: SessionHook,
): Promise<Channel> {
  const channel = await transport.openSession();
  try {
    if (options.pty) {
      const pty = { ...DEFAULT_PTY, ...(options.pty === true ? {} : options.pty) };
      await expect(channel, 'pty-req', encodePtyRequest(pty));
    }
    for (const [name, value] of Object.entries(options.env ?? {})) {
      // As OpenSSH's SendEnv: no reply asked; the server drops what AcceptEnv does not allow.
      await channel.request('env', false, encodeEnv(name, value));
    }
    await hook?.(channel, options);
    const data = start.value === undefined ? undefined : encodeString(start.value);
    await expect(channel, start.request, data);
    return channel;
  } catch (error) {
    void channel.close().catch(() => {});
    throw error;
  }
}

async function expect(channel: Channel, request: string, data?: Uint8Array): Promise<void> {
  if (!(await channel.request(request, true, data))) throw new ChannelRequestError(request);
}

export function remoteProcess(channel: Channel): RemoteProcess {
  return {
    stdin: channel.stdin,
    stdout: channel.stdout,
    stderr: channel.stderr,
    channel,
    wait: async () => {
      const { exitCode, signal } = await channel.exit;
      return { exitCode, signal };
    },
  };
}

/** Runs to completion: both streams read concurrently (so neither can stall the window), then exit. */
export async function collect(channel: Channel, stdin?: string | Uint8Array): Promise<ExecResult> {
  const writing = (async () => {
    if (stdin !== undefined && stdin.length > 0) await channel.write(stdin);
    await channel.end();
  })();
  writing.catch(() => {}); // a command that exits without reading its stdin is not an error
  const [stdout, stderr] = await Promise.all([channel.stdout.text(), channel.stderr.text()]);
  const exit: ExitStatus = await channel.exit;
  await channel.close().catch(() => {});
  return { stdout, stderr, exitCode: exit.exitCode, signal: exit.signal };
}

/**
 * Stops a command we no longer wait for. CLOSE alone does not end it: sshd (session.c
 * session_close_by_channel, "delay detach of session") and Dropbear (common-channel.c check_close)
 * both hold their CLOSE until the child exits, and a child that neither reads nor writes never
 * notices its pipes are gone. So ask for SIGTERM first (RFC 4254 §6.9). Best effort: sshd refuses
 * it for root logins ("session signalling requires privilege separation"), and then the channel
 * lingers until the command ends by itself.
 */
function abandon(channel: Channel): void {
  void channel.signal('TERM').catch(() => {});
  void channel.close().catch(() => {});
}

/**
 * Runs `body` under `timeout` and `signal`: when either fires, the command on the channel `body`
 * registered with `track` (or registers later) is sent TERM and its channel closed, and the result
 * rejects with TimeoutError / the abort reason.
 */
export function withLimits<T>(
  options: { timeout?: number; signal?: AbortSignal },
  body: (track: (channel: Channel) => Channel) => Promise<T>,
): Promise<T> {
  const { timeout, signal } = options;
  let channel: Channel | undefined;
  let stopped = false;
  const track = (c: Channel) => {
    channel = c;
    if (stopped) abandon(c);
    return c;
  };
  if (timeout === undefined && signal === undefined) return body(track);
  return new Promise<T>((resolve, reject) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const cleanup = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    const stop = (error: unknown) => {
      cleanup();
      stopped = true;
      if (channel) abandon(channel);
      reject(error);
    };
    function onAbort() {
      stop(signal?.reason);
    }
    if (timeout !== undefined) {
      timer = setTimeout(() => stop(new TimeoutError(`command timed out after ${timeout} ms`)), timeout);
    }
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    body(track).then(
      (value) => {
        cleanup();
        resolve(value);
      },
      (error) => {
        cleanup();
        reject(error);
      },
    );
  });
}
