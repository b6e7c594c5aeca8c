// One session channel on the server side (RFC 4254 §6): the client's requests — pty-req, env,
// exec / shell / subsystem (once), window-change, signal — and the API.md ServerSession the
// embedder's handler works with: stdin, stdout / stderr writes within the client's window, and
// exit-status / exit-signal, EOF and CLOSE in that order (§6.10, §5.3).
import {
  type Channel,
  type ChannelReader,
  decodeCommand,
  decodeEnv,
  decodePtyRequest,
  decodeSignal,
  decodeWindowChange,
  encodeExitSignal,
  encodeExitStatus,
} from '@sshts/channel';
import type { SSHReader } from '@sshts/wire';

export interface PtyInfo {
  term: string;
  cols: number;
  rows: number;
  widthPx: number;
  heightPx: number;
  /** RFC 4254 §8 opcode → value. */
  modes: Map<number, number>;
}

/** API.md ServerSession. */
export interface ServerSession {
  readonly user: string;
  /** Variables the client sent with `env` (§6.4); the handler decides which to honour. */
  readonly env: Record<string, string>;
  readonly pty?: PtyInfo;
  /** What the client sends (its stdin). */
  readonly stdin: ChannelReader;
  /** The channel itself, for anything else (e.g. piping with channelStream). */
  readonly channel: Channel;
  write(data: Uint8Array | string): Promise<void>;
  writeStderr(data: Uint8Array | string): Promise<void>;
  /** exit-status, then EOF and CLOSE. */
  exit(code: number): Promise<void>;
  /** exit-signal (a name without "SIG"), then EOF and CLOSE. */
  exitSignal(name: string, coreDumped?: boolean, message?: string): Promise<void>;
  onResize?: (cols: number, rows: number) => void;
  onSignal?: (name: string) => void;
}

/** What the session does once the client asks for a program. */
export interface SessionHandlers {
  exec?(command: string, session: ServerSession): void | Promise<void>;
  shell?(session: ServerSession): void | Promise<void>;
  /** A subsystem by name ("sftp"); return false (or omit) to refuse it. */
  subsystem?(name: string, session: ServerSession): boolean | Promise<boolean>;
  /** pty-req: return false to refuse (authorized_keys no-pty, for one). */
  allowPty?(pty: PtyInfo): boolean;
}

/** Bound on env requests one session keeps (OpenSSH has no bound; a client could send millions). */
const MAX_ENV = 256;

export class SessionChannel implements ServerSession {
  readonly env: Record<string, string> = Object.create(null);
  pty: PtyInfo | undefined;
  onResize: ((cols: number, rows: number) => void) | undefined;
  onSignal: ((name: string) => void) | undefined;
  private started = false;
  private exited = false;

  constructor(
    readonly channel: Channel,
    readonly user: string,
    private readonly handlers: SessionHandlers,
  ) {
    channel.onRequest = (type, data, wantReply) => this.onRequest(type, data, wantReply);
  }

  get stdin(): ChannelReader {
    return this.channel.stdout;
  }

  write(data: Uint8Array | string): Promise<void> {
    return this.channel.write(data);
  }

  writeStderr(data: Uint8Array | string): Promise<void> {
    return this.channel.writeStderr(data);
  }

  async exit(code: number): Promise<void> {
    await this.finish('exit-status', encodeExitStatus(code >>> 0));
  }

  async exitSignal(name: string, coreDumped = false, message = ''): Promise<void> {
    await this.finish('exit-signal', encodeExitSignal(name.replace(/^SIG/, ''), coreDumped, message));
  }

  private async finish(request: string, data: Uint8Array): Promise<void> {
    if (this.exited) return;
    this.exited = true;
    // Everything written so far goes first; then the status, EOF and CLOSE (RFC 4254 §6.10: the
    // status may come before EOF; OpenSSH sends it first and the clients expect either).
    await this.channel.request(request, false, data).catch(() => {});
    await this.channel.end().catch(() => {});
    await this.channel.close().catch(() => {});
  }

  private onRequest(type: string, data: SSHReader, _wantReply: boolean): boolean | Promise<boolean> {
    switch (type) {
      case 'pty-req': {
        if (this.started || this.pty) return false;
        const p = decodePtyRequest(data);
        const pty: PtyInfo = {
          term: p.term,
          cols: p.cols,
          rows: p.rows,
          widthPx: p.widthPx,
          heightPx: p.heightPx,
          modes: p.modes,
        };
        if (this.handlers.allowPty && !this.handlers.allowPty(pty)) return false;
        this.pty = pty;
        return true;
      }
      case 'env': {
        const { name, value } = decodeEnv(data);
        if (this.started || Object.keys(this.env).length >= MAX_ENV) return false;
        this.env[name] = value;
        return true;
      }
      case 'exec':
        return this.start(() => {
          const command = decodeCommand(data);
          return this.handlers.exec ? () => this.handlers.exec!(command, this) : undefined;
        });
      case 'shell':
        return this.start(() => (this.handlers.shell ? () => this.handlers.shell!(this) : undefined));
      case 'subsystem':
        return this.startSubsystem(decodeCommand(data));
      case 'window-change': {
        const size = decodeWindowChange(data);
        if (this.pty) Object.assign(this.pty, size);
        this.onResize?.(size.cols, size.rows);
        return true;
      }
      case 'signal':
        this.onSignal?.(decodeSignal(data));
        return true;
      default:
        // x11-req, auth-agent-req@openssh.com, keepalive@openssh.com, PuTTY's
        // winadj@putty.projects.tartarus.org (which wants any reply): CHANNEL_FAILURE (§5.4).
        return false;
    }
  }

  /** exec / shell: at most once per channel (§6.5); the reply goes out before the program runs. */
  private start(pick: () => (() => void | Promise<void>) | undefined): boolean {
    if (this.started) return false;
    const run = pick();
    if (!run) return false;
    this.started = true;
    queueMicrotask(() => this.run(run));
    return true;
  }

  private async startSubsystem(name: string): Promise<boolean> {
    if (this.started || !this.handlers.subsystem) return false;
    this.started = true;
    const ok = await this.handlers.subsystem(name, this);
    if (!ok) this.started = false;
    return ok;
  }

  /** A handler that throws ends the session with its message on stderr and status 1. */
  private async run(handler: () => void | Promise<void>): Promise<void> {
    try {
      await handler();
    } catch (error) {
      await this.writeStderr(`${(error as Error)?.message ?? error}\r\n`).catch(() => {});
      await this.exit(1);
    }
  }
}
