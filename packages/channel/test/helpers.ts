// Test doubles for the channel layer: a fake ConnectionLink that records what the mux sends, a
// decoder for those messages, and encoders for what the peer sends (built with SSHWriter field by
// field from RFC 4254 §4–§5, not with the package's own encoders).
import type { CloseInfo, GlobalReply } from '@sshts/transport';
import { MessageType, type SSHError, SSHReader, SSHWriter } from '@sshts/wire';
import { type Channel, ChannelMux, type ChannelMuxOptions, type ChannelOptions } from '../src/index.js';

export interface GlobalRequestCall {
  name: string;
  wantReply: boolean;
  data: Uint8Array | undefined;
  resolve(reply: GlobalReply): void;
  reject(error: unknown): void;
}

/** A ConnectionLink that records sent payloads; `die()` resolves `closed` like a dead transport. */
export class FakeLink {
  readonly sent: Uint8Array[] = [];
  readonly globalCalls: GlobalRequestCall[] = [];
  readonly closed: Promise<CloseInfo>;
  private resolveClosed!: (info: CloseInfo) => void;

  constructor() {
    this.closed = new Promise((resolve) => {
      this.resolveClosed = resolve;
    });
  }

  send(payload: Uint8Array): void {
    this.sent.push(payload.slice());
  }

  globalRequest(name: string, wantReply: boolean, data?: Uint8Array): Promise<GlobalReply> | undefined {
    if (!wantReply) {
      this.globalCalls.push({ name, wantReply, data, resolve() {}, reject() {} });
      return undefined;
    }
    return new Promise((resolve, reject) =>
      this.globalCalls.push({ name, wantReply, data, resolve, reject }),
    );
  }

  die(error?: SSHError, reason = 'gone'): void {
    this.resolveClosed(error ? { reason, error } : { reason });
  }

  /** Everything sent since the last take(), decoded. */
  take(): Sent[] {
    return this.sent.splice(0).map(decodeSent);
  }
}

/** A message the mux sent, decoded by hand from RFC 4254's layouts. */
export interface Sent {
  type: number;
  recipient?: number;
  data?: Uint8Array;
  dataType?: number;
  bytes?: number;
  name?: string;
  wantReply?: boolean;
  reason?: number;
  description?: string;
  sender?: number;
  window?: number;
  maxPacket?: number;
  rest?: Uint8Array;
}

export function decodeSent(payload: Uint8Array): Sent {
  const r = new SSHReader(payload);
  const type = r.byte();
  const rest = () => r.bytes(r.remaining);
  switch (type) {
    case MessageType.CHANNEL_OPEN: {
      const name = new TextDecoder().decode(r.string());
      return { type, name, sender: r.uint32(), window: r.uint32(), maxPacket: r.uint32(), rest: rest() };
    }
    case MessageType.CHANNEL_OPEN_CONFIRMATION:
      return {
        type,
        recipient: r.uint32(),
        sender: r.uint32(),
        window: r.uint32(),
        maxPacket: r.uint32(),
        rest: rest(),
      };
    case MessageType.CHANNEL_OPEN_FAILURE: {
      const recipient = r.uint32();
      const reason = r.uint32();
      const description = new TextDecoder().decode(r.string());
      r.string(); // language tag
      return { type, recipient, reason, description, rest: rest() };
    }
    case MessageType.CHANNEL_WINDOW_ADJUST:
      return { type, recipient: r.uint32(), bytes: r.uint32() };
    case MessageType.CHANNEL_DATA:
      return { type, recipient: r.uint32(), data: r.string().slice() };
    case MessageType.CHANNEL_EXTENDED_DATA:
      return { type, recipient: r.uint32(), dataType: r.uint32(), data: r.string().slice() };
    case MessageType.CHANNEL_REQUEST: {
      const recipient = r.uint32();
      const name = new TextDecoder().decode(r.string());
      return { type, recipient, name, wantReply: r.boolean(), rest: rest() };
    }
    case MessageType.REQUEST_SUCCESS:
    case MessageType.REQUEST_FAILURE:
      return { type, rest: rest() };
    default: // EOF, CLOSE, SUCCESS, FAILURE
      return { type, recipient: r.uint32(), rest: rest() };
  }
}

const utf8 = new TextEncoder();

/** What the peer sends, field by field. */
export const peer = {
  confirm(recipient: number, sender: number, window: number, maxPacket: number, extra?: Uint8Array) {
    const w = new SSHWriter()
      .byte(MessageType.CHANNEL_OPEN_CONFIRMATION)
      .uint32(recipient)
      .uint32(sender)
      .uint32(window)
      .uint32(maxPacket);
    if (extra) w.raw(extra);
    return w.finish().slice();
  },
  openFailure(recipient: number, reason: number, description: string, lang = '') {
    return new SSHWriter()
      .byte(MessageType.CHANNEL_OPEN_FAILURE)
      .uint32(recipient)
      .uint32(reason)
      .string(description)
      .string(lang)
      .finish()
      .slice();
  },
  open(type: string, sender: number, window: number, maxPacket: number, extra?: Uint8Array) {
    const w = new SSHWriter()
      .byte(MessageType.CHANNEL_OPEN)
      .string(type)
      .uint32(sender)
      .uint32(window)
      .uint32(maxPacket);
    if (extra) w.raw(extra);
    return w.finish().slice();
  },
  adjust(recipient: number, bytes: number) {
    return new SSHWriter()
      .byte(MessageType.CHANNEL_WINDOW_ADJUST)
      .uint32(recipient)
      .uint32(bytes)
      .finish()
      .slice();
  },
  data(recipient: number, data: Uint8Array | string) {
    const bytes = typeof data === 'string' ? utf8.encode(data) : data;
    return new SSHWriter(bytes.length + 16)
      .byte(MessageType.CHANNEL_DATA)
      .uint32(recipient)
      .string(bytes)
      .finish()
      .slice();
  },
  extended(recipient: number, dataType: number, data: Uint8Array | string) {
    const bytes = typeof data === 'string' ? utf8.encode(data) : data;
    return new SSHWriter(bytes.length + 16)
      .byte(MessageType.CHANNEL_EXTENDED_DATA)
      .uint32(recipient)
      .uint32(dataType)
      .string(bytes)
      .finish()
      .slice();
  },
  eof: (recipient: number) => only(MessageType.CHANNEL_EOF, recipient),
  close: (recipient: number) => only(MessageType.CHANNEL_CLOSE, recipient),
  success: (recipient: number) => only(MessageType.CHANNEL_SUCCESS, recipient),
  failure: (recipient: number) => only(MessageType.CHANNEL_FAILURE, recipient),
  request(recipient: number, name: string, wantReply: boolean, extra?: Uint8Array) {
    const w = new SSHWriter()
      .byte(MessageType.CHANNEL_REQUEST)
      .uint32(recipient)
      .string(name)
      .boolean(wantReply);
    if (extra) w.raw(extra);
    return w.finish().slice();
  },
  global(name: string, wantReply: boolean, extra?: Uint8Array) {
    const w = new SSHWriter().byte(MessageType.GLOBAL_REQUEST).string(name).boolean(wantReply);
    if (extra) w.raw(extra);
    return w.finish().slice();
  },
  exitStatus(recipient: number, code: number) {
    return peer.request(recipient, 'exit-status', false, new SSHWriter().uint32(code).finish().slice());
  },
  exitSignal(recipient: number, signal: string, core: boolean, message: string, lang = '') {
    const extra = new SSHWriter().string(signal).boolean(core).string(message).string(lang).finish().slice();
    return peer.request(recipient, 'exit-signal', false, extra);
  },
};

function only(type: number, recipient: number): Uint8Array {
  return new SSHWriter().byte(type).uint32(recipient).finish().slice();
}

export function makeMux(options: ChannelMuxOptions = {}): { link: FakeLink; mux: ChannelMux } {
  const link = new FakeLink();
  const mux = new ChannelMux(link, options);
  return { link, mux };
}

export interface OpenedChannel {
  channel: Channel;
  /** The id the peer uses for its end. */
  remoteId: number;
}

/** Opens a channel and confirms it as the peer, with the peer's window and maximum packet. */
export async function openConfirmed(
  link: FakeLink,
  mux: ChannelMux,
  peerSide: { window?: number; maxPacket?: number; remoteId?: number } = {},
  local: ChannelOptions = {},
  type = 'session',
): Promise<Channel> {
  const opening = mux.open(type, undefined, local);
  // The CHANNEL_OPEN is the last message sent; earlier ones stay for the test to inspect.
  const last = link.sent.pop();
  const open = last && decodeSent(last);
  if (open?.type !== MessageType.CHANNEL_OPEN) throw new Error('no CHANNEL_OPEN sent');
  mux.handleMessage(
    peer.confirm(
      open.sender!,
      peerSide.remoteId ?? 1000 + open.sender!,
      peerSide.window ?? 1 << 21,
      peerSide.maxPacket ?? 32768,
    ),
  );
  return opening;
}

/** Lets pending promise callbacks run. */
export const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Deterministic bytes: byte i of stream `seed` (so order errors show up as mismatches). */
export function pattern(length: number, seed = 0): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (i * 31 + seed * 7 + (i >>> 8)) & 0xff;
  return out;
}

/** The settled state of a promise without awaiting it for ever. */
export async function state<T>(p: Promise<T>): Promise<'pending' | 'resolved' | 'rejected'> {
  let s: 'pending' | 'resolved' | 'rejected' = 'pending';
  p.then(
    () => {
      s = 'resolved';
    },
    () => {
      s = 'rejected';
    },
  );
  await tick();
  return s;
}

/** Byte equality without vitest's slow element-by-element diff of large arrays. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(
    Buffer.from(b.buffer, b.byteOffset, b.byteLength),
  );
}
