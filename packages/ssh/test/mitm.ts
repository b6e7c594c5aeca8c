// A man in the middle for tests: rewrites the server's unencrypted key-exchange messages (before
// NEWKEYS everything is plaintext, RFC 4253 §6) and re-frames them, so a real server's reply can be
// turned malicious.
import type { ByteStream } from '@sshts/transport';

/** Returns the stream with each server message before NEWKEYS passed through `rewrite`. */
export function rewriteServerMessages(
  stream: ByteStream,
  rewrite: (payload: Uint8Array) => Uint8Array,
): ByteStream {
  let buffer: Uint8Array = new Uint8Array(0);
  let lineDone = false;
  let passthrough = false;
  const transform = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      if (passthrough) return controller.enqueue(chunk);
      buffer = concat(buffer, chunk);
      if (!lineDone) {
        const lf = buffer.indexOf(0x0a);
        if (lf < 0) return;
        controller.enqueue(buffer.slice(0, lf + 1));
        buffer = buffer.slice(lf + 1);
        lineDone = true;
      }
      while (buffer.length >= 4) {
        const length = new DataView(buffer.buffer, buffer.byteOffset).getUint32(0);
        if (buffer.length < 4 + length) return;
        const padding = buffer[4]!;
        const payload = buffer.slice(5, 4 + length - padding);
        buffer = buffer.slice(4 + length);
        controller.enqueue(frame(rewrite(payload)));
        if (payload[0] === 21) {
          // NEWKEYS: from here on the bytes are encrypted; pass them as they come.
          passthrough = true;
          if (buffer.length > 0) controller.enqueue(buffer);
          return;
        }
      }
    },
  });
  void stream.readable.pipeTo(transform.writable).catch(() => {});
  return { readable: transform.readable, writable: stream.writable };
}

/** An unencrypted packet around `payload` (block size 8, minimal padding of zeros). */
export function frame(payload: Uint8Array): Uint8Array {
  let padding = 8 - ((5 + payload.length) % 8);
  if (padding < 4) padding += 8;
  const out = new Uint8Array(5 + payload.length + padding);
  new DataView(out.buffer).setUint32(0, 1 + payload.length + padding);
  out[4] = padding;
  out.set(payload, 5);
  return out;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
