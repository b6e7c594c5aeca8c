// SSHServer limits.idleTimeout: a connection with no traffic either way for that long is closed, as
// OpenSSH's ChannelTimeout / UnusedConnectionTimeout close idle sessions (sshd_config(5)). Both
// directions count, so a command streaming output to a silent client is not idle. The stream is
// watched as bytes pass, so the transport itself stays free of timers.
import type { ByteStream } from '@sshts/transport';

/**
 * `stream` with both directions passed through a watch that restarts a timer on every chunk; when
 * the timer fires, `onIdle` runs. Returns the wrapped stream and a function that stops the timer.
 */
export function watchIdle(
  stream: ByteStream,
  ms: number,
  onIdle: () => void,
): { stream: ByteStream; stop(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const arm = () => {
    clearTimeout(timer);
    if (!stopped) timer = setTimeout(onIdle, ms);
  };
  const stop = () => {
    stopped = true;
    clearTimeout(timer);
  };
  const watch = () =>
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        arm();
        controller.enqueue(chunk);
      },
      flush: stop,
    });
  arm();
  const readable = stream.readable.pipeThrough(watch());
  const outgoing = watch();
  void outgoing.readable.pipeTo(stream.writable).catch(stop);
  return { stream: { readable, writable: outgoing.writable }, stop };
}
