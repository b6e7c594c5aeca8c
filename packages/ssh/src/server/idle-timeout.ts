// SSHServer limits.idleTimeout: a connection that receives nothing for that long is closed, as
// OpenSSH's ChannelTimeout/UnusedConnectionTimeout do for idle sessions. The stream is watched as
// it is read, so the transport itself stays free of timers.
import type { ByteStream } from '@sshts/transport';

/**
 * `stream` with its readable passed through a watch that restarts a timer on every chunk; when the
 * timer fires, `onIdle` runs. Returns the wrapped stream and a function that stops the timer.
 */
export function watchIdle(
  stream: ByteStream,
  ms: number,
  onIdle: () => void,
): { stream: ByteStream; stop(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(onIdle, ms);
  };
  const stop = () => clearTimeout(timer);
  arm();
  const readable = stream.readable.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        arm();
        controller.enqueue(chunk);
      },
      flush: stop,
    }),
  );
  return { stream: { readable, writable: stream.writable }, stop };
}
