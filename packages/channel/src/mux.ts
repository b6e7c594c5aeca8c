// The connection protocol's multiplexer (RFC 4254 §4–§5): channel numbers, the open handshake in
// both directions, routing each channel message to its Channel, and global requests from the peer.
// It sits on a ConnectionLink (a TransportConnection after authentication) and is sans-I/O like it:
// messages in through handleMessage(), messages out through link.send().
import type { CloseInfo, GlobalReply } from '@sshts/transport';
import {
  ChannelOpenError,
  ChannelOpenFailureReason,
  ConnectionLostError,
  MessageType,
  ProtocolError,
  SSHError,
  SSHReader,
} from '@sshts/wire';
import { Channel } from './channel.js';
import {
  encodeChannelOpen,
  encodeGlobalReply,
  encodeOpenConfirmation,
  encodeOpenFailure,
} from './channel-messages.js';
import { DEFAULT_MAX_CHANNELS, DEFAULT_MAX_PACKET, DEFAULT_WINDOW, MAX_WINDOW } from './limits.js';
import { OrderedReplies } from './ordered-replies.js';

/** What the mux needs from the transport below it (TransportConnection has all of it). */
export interface ConnectionLink {
  send(payload: Uint8Array): void;
  /** SSH_MSG_IGNORE (optional): something to send when there is nothing to say (see onGlobalRequest). */
  sendIgnore?(): void;
  globalRequest(name: string, wantReply: boolean, data?: Uint8Array): Promise<GlobalReply> | undefined;
  readonly closed: Promise<CloseInfo>;
  /**
   * Transport backpressure (optional): true while so much encrypted output waits for the socket
   * that channels should hold their data back, and a promise for when it has drained.
   */
  readonly outputFull?: boolean;
  whenOutputDrained?(): Promise<void>;
  /**
   * Read during handleMessage (optional): false when the message's bytes are in memory nothing
   * reuses, so channel data may be queued as a view instead of a copy.
   */
  readonly payloadShared?: boolean;
  /** Optional: sends one message given as consecutive parts, without joining them first. */
  sendParts?(parts: readonly Uint8Array[]): void;
}

export interface ChannelOptions {
  /** Our receive window (default 2 MiB). */
  window?: number;
  /** The largest data packet we accept (default 32 KiB). */
  maxPacket?: number;
}

/** A CHANNEL_OPEN from the peer, for a handler to accept or reject. */
export interface IncomingChannelOpen {
  readonly type: string;
  /** The type-specific data after the four common fields. */
  readonly data: SSHReader;
  accept(options?: ChannelOptions): Channel;
  reject(reason: number, description?: string): void;
}

/** Handles opens of one channel type; it must call accept() or reject(), possibly later. */
export type ChannelOpenHandler = (open: IncomingChannelOpen) => void | Promise<void>;

/** true / false, or success with request-specific data (e.g. tcpip-forward's bound port). */
export type GlobalRequestAnswer = boolean | { success: boolean; data?: Uint8Array };
export type GlobalRequestHandler = (
  data: SSHReader,
  wantReply: boolean,
) => GlobalRequestAnswer | Promise<GlobalRequestAnswer>;

export interface ChannelMuxOptions extends ChannelOptions {
  maxChannels?: number;
}

// Types a peer may open only after we asked for them (RFC 4254 §6.3.2, §7.2; OpenSSH PROTOCOL §2.4;
// wolfSSH PR #1244): unrequested, they are "administratively prohibited", not "unknown".
const REQUESTABLE_TYPES = new Set([
  'x11',
  'forwarded-tcpip',
  'forwarded-streamlocal@openssh.com',
  'auth-agent@openssh.com',
]);

interface PendingOpen {
  type: string;
  window: number;
  maxPacket: number;
  resolve(channel: Channel): void;
  reject(error: unknown): void;
}

/**
 * Sends, unless the connection has closed under us: the transport closes before the mux hears of
 * it (its `closed` settles a tick later), and a channel finishing in that gap (a handler's exit(),
 * a close()) must not throw — the mux fails every channel with the connection's error anyway.
 */
function sendUnlessClosed(send: () => void): void {
  try {
    send();
  } catch (error) {
    if ((error as { code?: string }).code !== 'ERR_CLOSED') throw error;
  }
}

export class ChannelMux {
  /** Handlers for channel types the peer may open, by type. No handler: the open is refused. */
  readonly openHandlers = new Map<string, ChannelOpenHandler>();
  /** Handlers for global requests from the peer, by name. No handler: REQUEST_FAILURE (§4). */
  readonly globalHandlers = new Map<string, GlobalRequestHandler>();

  private readonly link: ConnectionLink;
  private readonly options: Required<ChannelMuxOptions>;
  private readonly channels = new Map<number, Channel>();
  private readonly pending = new Map<number, PendingOpen>();
  private readonly freeIds: number[] = [];
  private nextId = 0;
  private readonly globalReplies = new OrderedReplies();
  private error: SSHError | undefined;
  /** What a channel's sender consults before each data packet (see ConnectionLink.outputFull). */
  private readonly backpressure = {
    full: () => this.link.outputFull === true,
    drained: () => this.link.whenOutputDrained?.() ?? Promise.resolve(),
  };

  constructor(link: ConnectionLink, options: ChannelMuxOptions = {}) {
    this.link = link;
    this.options = {
      window: options.window ?? DEFAULT_WINDOW,
      maxPacket: options.maxPacket ?? DEFAULT_MAX_PACKET,
      maxChannels: options.maxChannels ?? DEFAULT_MAX_CHANNELS,
    };
    void link.closed.then((info) =>
      this.failAll(info.error ?? new ConnectionLostError(info.reason || 'the connection closed')),
    );
  }

  /** Channels open or opening. */
  get size(): number {
    return this.channels.size + this.pending.size;
  }

  /** Opens a channel of `type` with its type-specific `data` (§5.1). Rejects with ChannelOpenError. */
  open(type: string, data?: Uint8Array, options: ChannelOptions = {}): Promise<Channel> {
    if (this.error) return Promise.reject(this.error);
    // Options are checked before a channel number is taken, so a bad one neither leaks a number
    // nor throws out of a function that otherwise reports failure through its promise.
    let window: number;
    let maxPacket: number;
    try {
      window = checkWindow(options.window ?? this.options.window);
      maxPacket = checkWindow(options.maxPacket ?? this.options.maxPacket);
    } catch (error) {
      return Promise.reject(error);
    }
    const id = this.allocateId();
    if (id === undefined) {
      return Promise.reject(
        new SSHError('ERR_TOO_MANY_CHANNELS', `${this.options.maxChannels} channels are open`),
      );
    }
    return new Promise((resolve, reject) => {
      this.pending.set(id, { type, window, maxPacket, resolve, reject });
      this.link.send(encodeChannelOpen(type, { id, window, maxPacket }, data));
    });
  }

  /** A global request to the peer (§4); replies come back in order through the transport. */
  globalRequest(name: string, wantReply: boolean, data?: Uint8Array): Promise<GlobalReply> | undefined {
    if (this.error) return wantReply ? Promise.reject(this.error) : undefined;
    return this.link.globalRequest(name, wantReply, data);
  }

  /** A connection-protocol message (80, 90–100). Returns false for any other message number. */
  handleMessage(payload: Uint8Array): boolean {
    const type = payload[0];
    // An empty payload has no message number; without this check it reached `new SSHReader(payload,
    // 1)` below and threw a RangeError instead of a typed error.
    if (type === undefined) return false;
    if (type === MessageType.GLOBAL_REQUEST) {
      this.onGlobalRequest(new SSHReader(payload, 1));
      return true;
    }
    if (type === MessageType.CHANNEL_OPEN) {
      this.onChannelOpen(new SSHReader(payload, 1));
      return true;
    }
    if (type < MessageType.CHANNEL_OPEN_CONFIRMATION || type > MessageType.CHANNEL_FAILURE) return false;
    const r = new SSHReader(payload, 1);
    const recipient = r.uint32('recipient channel');
    if (type === MessageType.CHANNEL_OPEN_CONFIRMATION || type === MessageType.CHANNEL_OPEN_FAILURE) {
      this.onOpenReply(type, recipient, r);
      return true;
    }
    const channel = this.channels.get(recipient);
    // Ids never allocated, freed, or still opening (CVE-2002-0083's class): a protocol error.
    if (!channel) throw new ProtocolError(`message ${type} for channel ${recipient}, which is not open`);
    switch (type) {
      case MessageType.CHANNEL_DATA:
        channel.receiveData(r.string('data'), undefined, this.link.payloadShared === false);
        break;
      case MessageType.CHANNEL_EXTENDED_DATA: {
        const dataType = r.uint32('data type code');
        channel.receiveData(r.string('data'), dataType, this.link.payloadShared === false);
        break;
      }
      case MessageType.CHANNEL_WINDOW_ADJUST:
        channel.receiveWindowAdjust(r.uint32('bytes to add'));
        break;
      case MessageType.CHANNEL_EOF:
        channel.receiveEof();
        break;
      case MessageType.CHANNEL_CLOSE:
        channel.receiveClose();
        break;
      case MessageType.CHANNEL_REQUEST: {
        const name = r.utf8('request type', 256);
        const wantReply = r.boolean('want reply');
        channel.receiveRequest(name, wantReply, r);
        break;
      }
      default: // CHANNEL_SUCCESS / CHANNEL_FAILURE
        channel.receiveReply(type === MessageType.CHANNEL_SUCCESS);
    }
    return true;
  }

  /** The connection ended: every channel and pending open fails with `error`. */
  failAll(error: SSHError): void {
    if (this.error) return;
    this.error = error;
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
    for (const channel of this.channels.values()) channel.fail(error);
    this.channels.clear();
  }

  private onOpenReply(type: number, recipient: number, r: SSHReader): void {
    const pending = this.pending.get(recipient);
    if (!pending) throw new ProtocolError(`open reply for channel ${recipient}, which is not opening`);
    // Every field is decoded before the open leaves `pending`: a malformed reply throws a
    // ProtocolError, the transport disconnects, and failAll() rejects this open with that error
    // (taking it out first left the caller's promise hanging forever).
    if (type === MessageType.CHANNEL_OPEN_FAILURE) {
      // §5.1: uint32 reason code, string description (UTF-8), string language tag.
      const reason = r.uint32('reason code');
      const description = r.utf8('description', 4096);
      this.pending.delete(recipient);
      this.releaseId(recipient);
      pending.reject(new ChannelOpenError(reason, description));
      return;
    }
    const remoteId = r.uint32('sender channel');
    const remoteWindow = r.uint32('initial window size');
    const remoteMaxPacket = r.uint32('maximum packet size');
    if (remoteMaxPacket === 0) throw new ProtocolError('open confirmation with a maximum packet size of 0');
    this.pending.delete(recipient);
    const channel = this.createChannel(
      pending.type,
      recipient,
      remoteId,
      pending,
      remoteWindow,
      remoteMaxPacket,
    );
    pending.resolve(channel);
  }

  private onChannelOpen(r: SSHReader): void {
    const type = r.utf8('channel type', 256);
    const remoteId = r.uint32('sender channel');
    const remoteWindow = r.uint32('initial window size');
    const remoteMaxPacket = r.uint32('maximum packet size');
    const refuse = (reason: number, description: string) =>
      this.link.send(encodeOpenFailure(remoteId, reason, description));
    if (this.error) return;
    if (remoteMaxPacket === 0) {
      refuse(ChannelOpenFailureReason.RESOURCE_SHORTAGE, 'maximum packet size 0');
      return;
    }
    const handler = this.openHandlers.get(type);
    if (!handler) {
      if (REQUESTABLE_TYPES.has(type))
        refuse(ChannelOpenFailureReason.ADMINISTRATIVELY_PROHIBITED, `${type} was not requested`);
      else refuse(ChannelOpenFailureReason.UNKNOWN_CHANNEL_TYPE, `unknown channel type ${type}`);
      return;
    }
    let answered = false;
    const open: IncomingChannelOpen = {
      type,
      data: r,
      accept: (options = {}) => {
        if (answered) throw new SSHError('ERR_ANSWERED', 'this channel open was already answered');
        if (this.error) throw this.error;
        // Checked before anything is taken or answered: a RangeError here leaves the open
        // unanswered, so the handler's failure still refuses it (CONNECT_FAILED) below.
        const local = {
          window: checkWindow(options.window ?? this.options.window),
          maxPacket: checkWindow(options.maxPacket ?? this.options.maxPacket),
        };
        const id = this.allocateId();
        if (id === undefined) {
          answered = true;
          refuse(ChannelOpenFailureReason.RESOURCE_SHORTAGE, 'too many channels');
          throw new SSHError('ERR_TOO_MANY_CHANNELS', `${this.options.maxChannels} channels are open`);
        }
        answered = true;
        const channel = this.createChannel(type, id, remoteId, local, remoteWindow, remoteMaxPacket);
        this.link.send(encodeOpenConfirmation(remoteId, { id, ...local }));
        return channel;
      },
      reject: (reason, description = '') => {
        if (answered || this.error) return;
        answered = true;
        refuse(reason, description);
      },
    };
    const fail = (error: unknown) =>
      open.reject(ChannelOpenFailureReason.CONNECT_FAILED, String((error as Error)?.message ?? error));
    try {
      const result = handler(open);
      if (result instanceof Promise) result.catch(fail);
    } catch (error) {
      fail(error);
    }
  }

  private onGlobalRequest(r: SSHReader): void {
    const name = r.utf8('request name', 256);
    const wantReply = r.boolean('want reply');
    const handler = this.globalHandlers.get(name);
    // Unknown requests (keepalive@openssh.com, hostkeys-00@openssh.com, …) get REQUEST_FAILURE.
    // A handler that throws is a failed request like one that rejects (§4): REQUEST_FAILURE,
    // never an exception of another type out of handleMessage.
    let answer: GlobalRequestAnswer | Promise<GlobalRequestAnswer>;
    try {
      answer = handler ? handler(r, wantReply) : false;
    } catch {
      answer = false;
    }
    if (!wantReply) {
      if (answer instanceof Promise) answer.catch(() => {});
      // Say something anyway. sshd sends hostkeys-00@openssh.com (no reply wanted) right after
      // authentication, and its socket is not TCP_NODELAY for non-interactive sessions: its next
      // packet (our CHANNEL_OPEN_CONFIRMATION) waits, by Nagle, for the ACK of that one, which a
      // silent client delays ~40 ms. An IGNORE carries the ACK at once (measured: open → confirm
      // 42 ms → 2 ms; BENCHMARKS.md, 50 connections).
      this.link.sendIgnore?.();
      return;
    }
    this.globalReplies.add(answer, (value) => {
      if (this.error) return;
      const success = typeof value === 'object' ? value.success : value === true;
      const data = typeof value === 'object' ? value.data : undefined;
      this.link.send(encodeGlobalReply(success, data));
    });
  }

  private createChannel(
    type: string,
    id: number,
    remoteId: number,
    local: { window: number; maxPacket: number },
    remoteWindow: number,
    remoteMaxPacket: number,
  ): Channel {
    const channel = new Channel({
      type,
      localId: id,
      remoteId,
      localWindow: local.window,
      localMaxPacket: local.maxPacket,
      remoteWindow,
      remoteMaxPacket,
      send: (payload) => {
        if (!this.error) sendUnlessClosed(() => this.link.send(payload));
      },
      sendParts: this.link.sendParts
        ? (parts) => {
            if (!this.error) sendUnlessClosed(() => this.link.sendParts!(parts));
          }
        : undefined,
      backpressure: this.link.whenOutputDrained ? this.backpressure : undefined,
      release: () => {
        this.channels.delete(id);
        this.releaseId(id);
      },
    });
    this.channels.set(id, channel);
    return channel;
  }

  private allocateId(): number | undefined {
    if (this.size >= this.options.maxChannels) return undefined;
    return this.freeIds.pop() ?? this.nextId++;
  }

  private releaseId(id: number): void {
    this.freeIds.push(id);
  }
}

function checkWindow(value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > MAX_WINDOW)
    throw new RangeError(`bad window/packet size ${value}`);
  return value;
}
