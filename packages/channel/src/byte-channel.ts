// A channel as a plain pair of Web Streams, for what runs on top of one: SFTP (its ByteChannel),
// SSH itself over a direct-tcpip channel (ProxyJump), or a local socket being forwarded.
import type { Channel } from './channel.js';

/** Any bidirectional byte pipe (API.md `SFTPClient.fromChannel`); a ByteStream of @sshts/transport. */
export interface ByteChannel {
  readable: ReadableStream<Uint8Array>;
  writable: WritableStream<Uint8Array>;
}

/**
 * The channel's data stream both ways: reading pulls stdout (and so drives the window), writing
 * waits for the peer's window, closing the writable sends EOF, and aborting either side or
 * cancelling the readable closes the channel.
 */
export function channelStream(channel: Channel): ByteChannel {
  const reader = channel.stdout;
  const readable = new ReadableStream<Uint8Array>(
    {
      pull: async (controller) => {
        try {
          const chunk = await reader.read();
          if (chunk === undefined) controller.close();
          else controller.enqueue(chunk);
        } catch (error) {
          controller.error(error);
        }
      },
      cancel: () => channel.close(),
    },
    { highWaterMark: 0 },
  );
  const writable = new WritableStream<Uint8Array>({
    write: (chunk) => channel.write(chunk),
    close: () => channel.end(),
    abort: () => channel.close(),
  });
  return { readable, writable };
}
