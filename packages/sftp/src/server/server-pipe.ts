// The byte pipe one SFTP session is served over: a session channel of @sshts/channel running the
// sftp subsystem (its reader and window-aware writes, as the client's pipe.ts), or any ByteChannel
// — a Web Streams pair, such as a process's stdin and stdout (`sftp -D`). Two ways to stop: end()
// after the last reply (the client's EOF answered with ours), abort() at once (a protocol error).
import type { ByteChannel, Channel } from '@sshts/channel';

export interface ServerPipe {
  /** The next bytes from the client; undefined once it has ended. */
  read(): Promise<Uint8Array | undefined>;
  /** Queues `data` after everything written before; resolves once the pipe has taken it. */
  write(data: Uint8Array): Promise<void>;
  /** EOF once everything written has gone, then close. */
  end(): Promise<void>;
  /** Stops both directions now; writes still queued may be lost. */
  abort(reason: unknown): Promise<void>;
}

export function serverPipe(channel: Channel | ByteChannel): ServerPipe {
  return 'stdout' in channel ? fromChannel(channel) : fromByteChannel(channel);
}

function fromChannel(channel: Channel): ServerPipe {
  // Extended data from a client is unusual, but unread it would fill the window both streams
  // share (RFC 4254 §5.2) and stall the requests behind it.
  void (async () => {
    try {
      for (;;) if ((await channel.stderr.read()) === undefined) return;
    } catch {
      // The channel failed: the stdout reader reports it.
    }
  })();
  return {
    read: () => channel.stdout.read(),
    write: (data) => channel.write(data),
    end: async () => {
      await channel.end().catch(() => {});
      await channel.close().catch(() => {});
    },
    abort: () => channel.close().catch(() => {}),
  };
}

function fromByteChannel(stream: ByteChannel): ServerPipe {
  const reader = stream.readable.getReader();
  const writer = stream.writable.getWriter();
  let stopped = false;
  return {
    read: async () => {
      const { done, value } = await reader.read();
      return done ? undefined : value;
    },
    write: (data) => writer.write(data),
    end: async () => {
      if (stopped) return;
      stopped = true;
      await writer.close().catch(() => {});
      await reader.cancel().catch(() => {});
    },
    abort: async (reason) => {
      if (stopped) return;
      stopped = true;
      await Promise.all([writer.abort(reason).catch(() => {}), reader.cancel(reason).catch(() => {})]);
    },
  };
}
