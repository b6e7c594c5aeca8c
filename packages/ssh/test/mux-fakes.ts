// Test doubles for forwarding at the mux level: a ConnectionLink that records what the client
// sends, the server's messages built field by field from RFC 4254 §5 with SSHWriter (not with the
// channel package's encoders), a decoder for what was sent, and an in-memory byte pipe.
import type { Channel, ChannelMux, ConnectionLink } from '@sshts/channel';
import type { ByteStream, CloseInfo, GlobalReply } from '@sshts/transport';
import { MessageType, SSHReader, SSHWriter } from '@sshts/wire';

export class FakeLink implements ConnectionLink {
  readonly sent: Uint8Array[] = [];
  readonly closed = new Promise<CloseInfo>(() => {});
  send(payload: Uint8Array): void {
    this.sent.push(payload.slice());
  }
  globalRequest(): Promise<GlobalReply> | undefined {
    return undefined;
  }
}

export interface Sent {
  type: number;
  recipient?: number;
  sender?: number;
  name?: string;
  wantReply?: boolean;
  reason?: number;
  description?: string;
  data?: Uint8Array;
  /** Request-specific bytes after want_reply. */
  rest?: Uint8Array;
}

/** Decodes and removes everything the link has sent so far. */
export function sent(link: FakeLink): Sent[] {
  return link.sent.splice(0).map((payload) => {
    const r = new SSHReader(payload);
    const type = r.byte();
    switch (type) {
      case MessageType.CHANNEL_OPEN:
        return { type, name: r.utf8(), sender: r.uint32() };
      case MessageType.CHANNEL_OPEN_CONFIRMATION:
        return { type, recipient: r.uint32(), sender: r.uint32() };
      case MessageType.CHANNEL_OPEN_FAILURE:
        return { type, recipient: r.uint32(), reason: r.uint32(), description: r.utf8() };
      case MessageType.CHANNEL_DATA:
        return { type, recipient: r.uint32(), data: r.string().slice() };
      case MessageType.CHANNEL_REQUEST: {
        const recipient = r.uint32();
        const name = r.utf8();
        const wantReply = r.boolean();
        return { type, recipient, name, wantReply, rest: r.bytes(r.remaining).slice() };
      }
      default:
        return { type };
    }
  });
}

const WINDOW = 2 * 1024 * 1024;
const PACKET = 32 * 1024;

/** Opens a session channel and confirms it as the server would (server channel 100). */
export async function openSession(mux: ChannelMux, link: FakeLink): Promise<Channel> {
  const opening = mux.open('session');
  const open = sent(link).find((m) => m.type === MessageType.CHANNEL_OPEN);
  if (open?.sender === undefined) throw new Error('no CHANNEL_OPEN sent');
  mux.handleMessage(
    new SSHWriter()
      .byte(MessageType.CHANNEL_OPEN_CONFIRMATION)
      .uint32(open.sender)
      .uint32(100)
      .uint32(WINDOW)
      .uint32(PACKET)
      .finish()
      .slice(),
  );
  return opening;
}

/** The server opens a channel of `type` (its channel `sender`) with type-specific `extra`. */
export function openFromPeer(mux: ChannelMux, type: string, sender: number, extra?: Uint8Array): void {
  const w = new SSHWriter()
    .byte(MessageType.CHANNEL_OPEN)
    .string(type)
    .uint32(sender)
    .uint32(WINDOW)
    .uint32(PACKET);
  if (extra) w.raw(extra);
  mux.handleMessage(w.finish().slice());
}

/** CHANNEL_SUCCESS / CHANNEL_FAILURE to our channel `recipient`. */
export function replyToRequest(mux: ChannelMux, recipient: number, success: boolean): void {
  const type = success ? MessageType.CHANNEL_SUCCESS : MessageType.CHANNEL_FAILURE;
  mux.handleMessage(new SSHWriter().byte(type).uint32(recipient).finish().slice());
}

/** CHANNEL_DATA from the server to our channel `recipient`. */
export function dataFromPeer(mux: ChannelMux, recipient: number, data: Uint8Array): void {
  mux.handleMessage(
    new SSHWriter().byte(MessageType.CHANNEL_DATA).uint32(recipient).string(data).finish().slice(),
  );
}

/** Two ByteStreams joined back to back: what one side writes, the other reads. */
export function bytePipe(): { near: ByteStream; far: ByteStream } {
  const a = new TransformStream<Uint8Array, Uint8Array>();
  const b = new TransformStream<Uint8Array, Uint8Array>();
  return {
    near: { readable: a.readable, writable: b.writable },
    far: { readable: b.readable, writable: a.writable },
  };
}
