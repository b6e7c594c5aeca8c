// What the SFTP client runs over: an ordered byte pipe to the server. Either a session channel of
// @sshts/channel with the sftp subsystem started (the fast path: its reader and window-aware
// writes, no stream adapters), or any ByteChannel — a pair of Web Streams, e.g. the stdio of a
// local `sftp-server` process (API.md SFTPClient.fromChannel).
import type { ByteChannel, Channel } from '@sshts/channel';

export interface SftpPipe {
  /** The next bytes from the server; undefined once it has ended. Rejects when the pipe fails. */
  read(): Promise<Uint8Array | undefined>;
  /** Queues `data` after everything written before; resolves once the pipe has taken it. */
  write(data: Uint8Array): Promise<void>;
  /** Ends both directions. */
  close(): Promise<void>;
}

/** A session channel running the sftp subsystem. */
export function pipeFromChannel(channel: Channel): SftpPipe {
  // The server may write diagnostics to stderr (sftp-server -e). Unread, they would sit in our
  // receive window — shared by both streams (RFC 4254 §5.2) — and in the end stall the replies.
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
    close: () => channel.close(),
  };
}

/** Any ByteChannel (Web Streams pair). */
export function pipeFromByteChannel(stream: ByteChannel): SftpPipe {
  const reader = stream.readable.getReader();
  const writer = stream.writable.getWriter();
  let closed = false;
  return {
    read: async () => {
      const { done, value } = await reader.read();
      return done ? undefined : value;
    },
    write: (data) => writer.write(data),
    close: async () => {
      if (closed) return;
      closed = true;
      await writer.close().catch(() => {});
      await reader.cancel().catch(() => {});
    },
  };
}
