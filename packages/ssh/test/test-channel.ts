// A minimal session channel for tests (the real channel layer is issue 5): exec a command, stream
// bytes to it within the peer's window (RFC 4254 §5.2), send EOF, collect stdout and exit status.
import { MessageType, SSHReader, SSHWriter } from '@sshts/wire';
import type { Transport } from '../src/node/index.js';

const OUR_WINDOW = 2 * 1024 * 1024;
const OUR_MAX_PACKET = 32 * 1024;

export interface ExecResult {
  stdout: Uint8Array;
  exitStatus: number | undefined;
}

/**
 * Runs `command`, writes `total` bytes produced by `chunkAt(offset, length)` to its stdin in
 * packets of at most 32 KiB, then EOF; resolves with what it printed. `onProgress` runs after each
 * packet is queued (e.g. to await a key exchange).
 */
export function execWithInput(
  transport: Transport,
  command: string,
  total: number,
  chunkAt: (offset: number, length: number) => Uint8Array,
  onProgress?: (sent: number) => Promise<void> | void,
): Promise<ExecResult> {
  const conn = transport.connection;
  return new Promise((resolve, reject) => {
    let remoteId = -1;
    let remoteWindow = 0;
    let remoteMaxPacket = 0;
    let windowWaiter: (() => void) | undefined;
    let received = 0;
    const stdout: Uint8Array[] = [];
    let exitStatus: number | undefined;
    let onReady: ((ok: boolean) => void) | undefined;

    conn.onMessage = (payload) => {
      const type = payload[0]!;
      const r = new SSHReader(payload, 1);
      switch (type) {
        case MessageType.CHANNEL_OPEN_CONFIRMATION:
          r.uint32();
          remoteId = r.uint32();
          remoteWindow = r.uint32();
          remoteMaxPacket = r.uint32();
          onReady?.(true);
          return true;
        case MessageType.CHANNEL_OPEN_FAILURE:
          reject(new Error('channel open failed'));
          return true;
        case MessageType.CHANNEL_SUCCESS:
        case MessageType.CHANNEL_FAILURE:
          onReady?.(type === MessageType.CHANNEL_SUCCESS);
          return true;
        case MessageType.CHANNEL_WINDOW_ADJUST:
          r.uint32();
          remoteWindow += r.uint32();
          windowWaiter?.();
          return true;
        case MessageType.CHANNEL_DATA:
        case MessageType.CHANNEL_EXTENDED_DATA: {
          r.uint32();
          if (type === MessageType.CHANNEL_EXTENDED_DATA) r.uint32();
          const data = r.string();
          if (type === MessageType.CHANNEL_DATA) stdout.push(data.slice());
          received += data.length;
          if (received > OUR_WINDOW / 2) {
            conn.send(
              new SSHWriter()
                .byte(MessageType.CHANNEL_WINDOW_ADJUST)
                .uint32(remoteId)
                .uint32(received)
                .finish(),
            );
            received = 0;
          }
          return true;
        }
        case MessageType.CHANNEL_REQUEST: {
          r.uint32();
          const name = r.utf8();
          const wantReply = r.boolean();
          if (name === 'exit-status') exitStatus = r.uint32();
          if (wantReply)
            conn.send(new SSHWriter().byte(MessageType.CHANNEL_FAILURE).uint32(remoteId).finish());
          return true;
        }
        case MessageType.CHANNEL_EOF:
          return true;
        case MessageType.CHANNEL_CLOSE:
          conn.send(new SSHWriter().byte(MessageType.CHANNEL_CLOSE).uint32(remoteId).finish());
          resolve({ stdout: concat(stdout), exitStatus });
          return true;
        case MessageType.GLOBAL_REQUEST: {
          r.utf8();
          if (r.boolean()) conn.send(new Uint8Array([MessageType.REQUEST_FAILURE]));
          return true;
        }
        default:
          return false;
      }
    };
    conn.closed.then((info) => reject(new Error(`connection closed: ${info.reason}`)));

    const step = () => new Promise<boolean>((res) => (onReady = res));
    (async () => {
      const opened = step();
      conn.send(
        new SSHWriter()
          .byte(MessageType.CHANNEL_OPEN)
          .string('session')
          .uint32(0)
          .uint32(OUR_WINDOW)
          .uint32(OUR_MAX_PACKET)
          .finish(),
      );
      await opened;
      const started = step();
      conn.send(
        new SSHWriter()
          .byte(MessageType.CHANNEL_REQUEST)
          .uint32(remoteId)
          .string('exec')
          .boolean(true)
          .string(command)
          .finish(),
      );
      if (!(await started)) throw new Error(`exec ${command} refused`);
      for (let sent = 0; sent < total; ) {
        while (remoteWindow === 0) await new Promise<void>((res) => (windowWaiter = res));
        const n = Math.min(32 * 1024, remoteWindow, remoteMaxPacket, total - sent);
        conn.send(
          new SSHWriter(n + 16)
            .byte(MessageType.CHANNEL_DATA)
            .uint32(remoteId)
            .string(chunkAt(sent, n))
            .finish(),
        );
        remoteWindow -= n;
        sent += n;
        await onProgress?.(sent);
      }
      conn.send(new SSHWriter().byte(MessageType.CHANNEL_EOF).uint32(remoteId).finish());
    })().catch(reject);
  });
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
