// SSHServer limits.idleTimeout: a connection with no traffic either way for that long is closed, as
// OpenSSH's ChannelTimeout / UnusedConnectionTimeout close idle sessions (sshd_config(5)). Both
// directions count, so a command streaming output to a silent client is not idle. The stream is
// watched as bytes pass, so the transport itself stays free of timers.
import type { ByteStream } from '@sshts/transport';

/**
 * `stream` with both directions passed through a watch that notes the time of every chunk; when
 * `ms` pass with none, `onIdle` runs. Returns the wrapped stream and a function that stops the timer.
 */
export function watchIdle(
  stream: ByteStream,
  ms: number,
  onIdle: () => void,
): { stream: ByteStream; stop(): void } {
  // Each chunk only stamps the time; one timer re-checks when the period could have run out, so
  // the data path never touches timers.
  let last = Date.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const check = () => {
    const idle = Date.now() - last;
    if (idle >= ms) onIdle();
    else timer = setTimeout(check, ms - idle);
  };
  const stop = () => clearTimeout(timer);
  const watch = () =>
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        last = Date.now();
        controller.enqueue(chunk);
      },
      flush: stop,
    });
  timer = setTimeout(check, ms);
  const readable = stream.readable.pipeThrough(watch());
  const outgoing = watch();
  void outgoing.readable.pipeTo(stream.writable).catch(stop);
  return { stream: { readable, writable: outgoing.writable }, stop };
}
