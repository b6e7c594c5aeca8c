// Fault injection for the fault-*.test.ts files: a TCP relay on 127.0.0.1:0 between a client and a
// server (a TCP port, or a real peer's stdio connection from @sshts/test-peers) that forwards each
// direction through a small plaintext parser — the identification line, then the unencrypted
// binary packets (RFC 4253 §6) up to and including NEWKEYS — so a fault can be placed at a named
// phase or at a byte offset counted from the end of NEWKEYS (where encryption starts). Faults:
// cut both directions (after N bytes, at a phase, or now), flip one byte, stall one direction
// (stop reading it: the sender's TCP window fills, as with a frozen peer), or dribble it slowly.
import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import type { Peer } from '@sshts/test-peers';

export type Direction = 'c2s' | 's2c';

/** A phase the relay can see on the wire (everything after NEWKEYS is encrypted). */
export type Phase = 'banner' | 'kexinit' | 'kex-init' | 'kex-reply' | 'newkeys';

/** The server side of a relayed connection. */
export interface Upstream {
  /** Bytes from the server. */
  input: Readable;
  /** Bytes to the server. */
  output: Writable;
  close(): unknown;
}

/** Resolves on the first of `events` (an 'error' among them resolves too: never rejects). */
function anyEvent(emitter: NodeJS.EventEmitter, events: string[]): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      for (const e of events) emitter.off(e, done);
      resolve();
    };
    for (const e of events) emitter.once(e, done);
  });
}

/** The server at 127.0.0.1:port over TCP. */
export function tcpUpstream(port: number, host = '127.0.0.1'): () => Promise<Upstream> {
  return async () => {
    const socket = connect({ port, host });
    socket.setNoDelay(true);
    await once(socket, 'connect');
    return { input: socket, output: socket, close: () => socket.destroy() };
  };
}

/** A fresh connection to a test peer (OpenSSH: `sshd -i` on stdio pipes). */
export function peerUpstream(peer: Peer): () => Promise<Upstream> {
  return () => peer.connect();
}

const MSG = { KEXINIT: 20, NEWKEYS: 21, KEX_INIT: 30, KEX_REPLY: 31, GEX_REPLY: 33, GEX_INIT: 32 } as const;

/** Where a phase starts in one direction's byte stream. */
function phaseMatches(phase: Phase, type: number): boolean {
  switch (phase) {
    case 'kexinit':
      return type === MSG.KEXINIT;
    case 'kex-init':
      return type === MSG.KEX_INIT || type === MSG.GEX_INIT;
    case 'kex-reply':
      return type === MSG.KEX_REPLY || type === MSG.GEX_REPLY;
    default:
      return false;
  }
}

/**
 * Follows one direction's plaintext: the identification line (any lines before it, RFC 4253 §4.2),
 * then packet headers until NEWKEYS. Reports where each packet starts and of which type.
 */
class PlaintextTracker {
  /** Offset where the identification line starts, once seen. */
  bannerAt: number | undefined;
  /** Offset right after the NEWKEYS packet: the first encrypted byte. */
  encryptedAt: number | undefined;
  /** [offset, message type] of each plaintext packet. */
  readonly packets: [number, number][] = [];
  private lineStart = 0;
  private inBanner = true;
  private lineChecked = false;
  private header: number[] = [];
  private packetStart = 0;
  /** Offset of the next packet's first byte while in the packet phase. */
  private next = -1;

  /** Feeds the chunk that starts at stream offset `at`. */
  feed(chunk: Uint8Array, at: number): void {
    let i = 0;
    while (i < chunk.length && this.encryptedAt === undefined) {
      const pos = at + i;
      if (this.inBanner) {
        if (!this.lineChecked && pos === this.lineStart) {
          this.lineChecked = true;
          if (chunk[i] === 0x53 /* 'S' */) this.bannerAt ??= pos;
        }
        if (chunk[i] === 0x0a) {
          if (this.bannerAt !== undefined) {
            this.inBanner = false;
            this.next = pos + 1;
          } else {
            this.lineStart = pos + 1;
            this.lineChecked = false;
          }
        }
        i++;
        continue;
      }
      if (pos < this.next) {
        i += Math.min(chunk.length - i, this.next - pos);
        continue;
      }
      // pos is inside a header (6 bytes: length, padding length, message type).
      if (this.header.length === 0) this.packetStart = pos;
      this.header.push(chunk[i]!);
      i++;
      if (this.header.length === 6) {
        const [a, b, c, d, , type] = this.header as [number, number, number, number, number, number];
        const length = ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
        this.packets.push([this.packetStart, type]);
        this.next = this.packetStart + 4 + length;
        this.header = [];
        if (type === MSG.NEWKEYS) this.encryptedAt = this.next;
      }
    }
  }
}

interface Flip {
  /** Absolute stream offset, or relative to the first encrypted byte. */
  offset: number;
  afterNewkeys: boolean;
  mask: number;
  done: boolean;
}

interface DirectionState {
  source: Readable;
  sink: Writable;
  /** Bytes forwarded so far (= the stream offset of the next byte). */
  forwarded: number;
  /** Bytes received from the source so far. */
  received: number;
  readonly tracker: PlaintextTracker;
  queue: Uint8Array[];
  ended: boolean;
  stalled: boolean;
  dribble: { bytes: number; ms: number } | undefined;
  cutAtOffset: number | undefined;
  cutAtPhase: { phase: Phase; keep: number } | undefined;
  flips: Flip[];
  wake: (() => void) | undefined;
}

export interface CutInfo {
  /** Date.now() when the sockets were destroyed. */
  at: number;
  /** Why: "phase kexinit s2c", "offset 1234 c2s", "manual"… */
  why: string;
}

/** One relayed connection. */
export class RelayLink {
  readonly dirs: Record<Direction, DirectionState>;
  /** Resolves when the link was cut (by a fault or cut()) — not when either side closed it. */
  readonly cutDone: Promise<CutInfo>;
  /** Resolves when both sockets are gone, for whatever reason. */
  readonly closed: Promise<void>;
  cutInfo: CutInfo | undefined;
  private resolveCut!: (info: CutInfo) => void;

  constructor(
    readonly client: Socket,
    readonly upstream: Upstream,
  ) {
    const state = (source: Readable, sink: Writable): DirectionState => ({
      source,
      sink,
      forwarded: 0,
      received: 0,
      tracker: new PlaintextTracker(),
      queue: [],
      ended: false,
      stalled: false,
      dribble: undefined,
      cutAtOffset: undefined,
      cutAtPhase: undefined,
      flips: [],
      wake: undefined,
    });
    this.dirs = { c2s: state(client, upstream.output), s2c: state(upstream.input, client) };
    this.cutDone = new Promise((resolve) => {
      this.resolveCut = resolve;
    });
    this.closed = Promise.all([
      new Promise((resolve) => client.once('close', resolve)),
      new Promise((resolve) => {
        upstream.input.once('close', resolve);
        upstream.input.once('end', resolve);
        upstream.input.once('error', resolve);
      }),
    ]).then(() => {});
    client.on('error', () => {});
    upstream.input.on('error', () => {});
    upstream.output.on('error', () => {});
    // A sink that breaks (EPIPE from a killed sshd, say) ends its direction: cut the rest.
    for (const dir of ['c2s', 's2c'] as const) void this.run(dir).catch(() => this.cut(`${dir} failed`));
  }

  /** Bytes forwarded in `dir` so far. */
  forwarded(dir: Direction): number {
    return this.dirs[dir].forwarded;
  }

  /** Offset of the first encrypted byte in `dir`, once NEWKEYS has been seen. */
  encryptedAt(dir: Direction): number | undefined {
    return this.dirs[dir].tracker.encryptedAt;
  }

  /** Message types of the plaintext packets seen in `dir`. */
  plaintextTypes(dir: Direction): number[] {
    return this.dirs[dir].tracker.packets.map(([, type]) => type);
  }

  /** Cuts both directions now: nothing more is forwarded, both sockets are destroyed. */
  cut(why = 'manual'): void {
    if (this.cutInfo) return;
    this.cutInfo = { at: Date.now(), why };
    for (const d of Object.values(this.dirs)) {
      d.queue = [];
      d.wake?.();
    }
    this.client.destroy();
    void this.upstream.close();
    this.resolveCut(this.cutInfo);
  }

  /** Forwards `dir` up to total stream offset `offset` (exclusive), then cuts both directions. */
  cutAfterBytes(dir: Direction, offset: number): void {
    this.dirs[dir].cutAtOffset = offset;
    this.dirs[dir].wake?.();
  }

  /**
   * Cuts when `phase` starts in `dir`, after forwarding `keep` bytes of it (for packets at least 6,
   * so the message type is known first). 'newkeys' cuts right after the NEWKEYS packet.
   */
  cutAtPhase(dir: Direction, phase: Phase, keep = 10): void {
    this.dirs[dir].cutAtPhase = { phase, keep };
  }

  /** XORs `mask` into the byte at `offset` counted from the first encrypted byte of `dir`. */
  flipAfterNewkeys(dir: Direction, offset: number, mask = 0x01): void {
    this.dirs[dir].flips.push({ offset, afterNewkeys: true, mask, done: false });
  }

  /** XORs `mask` into the byte `ahead` bytes after the last one forwarded in `dir` so far. */
  flipAhead(dir: Direction, ahead: number, mask = 0x01): void {
    const d = this.dirs[dir];
    d.flips.push({ offset: d.forwarded + ahead, afterNewkeys: false, mask, done: false });
  }

  /** True once every flip asked for in `dir` has been applied. */
  flipped(dir: Direction): boolean {
    return this.dirs[dir].flips.every((f) => f.done);
  }

  /** Stops forwarding (and reading) `dir`; resume() undoes it. */
  stall(dir: Direction): void {
    this.dirs[dir].stalled = true;
    this.dirs[dir].source.pause();
  }

  resume(dir: Direction): void {
    const d = this.dirs[dir];
    d.stalled = false;
    d.source.resume();
    d.wake?.();
  }

  /** Forwards `dir` `bytes` at a time, `ms` apart (undefined: at full speed again). */
  dribble(dir: Direction, options: { bytes: number; ms: number } | undefined): void {
    this.dirs[dir].dribble = options;
    this.dirs[dir].wake?.();
  }

  private async run(dirName: Direction): Promise<void> {
    const d = this.dirs[dirName];
    d.source.on('data', (chunk: Buffer) => {
      if (this.cutInfo) return;
      d.queue.push(new Uint8Array(chunk));
      d.received += chunk.length;
      if (d.queue.length > 64) d.source.pause();
      d.wake?.();
    });
    const ended = () => {
      d.ended = true;
      d.wake?.();
    };
    d.source.once('end', ended);
    d.source.once('close', ended);
    d.source.once('error', ended);
    const wait = () =>
      new Promise<void>((resolve) => {
        d.wake = () => {
          d.wake = undefined;
          resolve();
        };
      });
    while (!this.cutInfo) {
      if (d.queue.length === 0 || d.stalled) {
        if (d.queue.length === 0 && d.ended) {
          // The sender closed its side: pass that on (a half-close), as a plain TCP proxy does.
          if (!d.sink.writableEnded) d.sink.end();
          return;
        }
        await wait();
        continue;
      }
      let chunk = d.queue.shift()!;
      if (d.dribble && chunk.length > d.dribble.bytes) {
        d.queue.unshift(chunk.subarray(d.dribble.bytes));
        chunk = chunk.subarray(0, d.dribble.bytes);
      }
      if (d.queue.length < 16 && !d.stalled) d.source.resume();
      const at = d.forwarded;
      d.tracker.feed(chunk, at);
      const cutAt = this.cutOffset(d);
      let cutWhy: string | undefined;
      if (cutAt !== undefined && cutAt < at + chunk.length) {
        chunk = chunk.subarray(0, Math.max(0, cutAt - at));
        cutWhy = d.cutAtPhase ? `phase ${d.cutAtPhase.phase} ${dirName}` : `offset ${cutAt} ${dirName}`;
      }
      chunk = this.applyFlips(d, chunk, at);
      d.forwarded += chunk.length;
      if (chunk.length > 0) {
        const ok = d.sink.write(chunk);
        if (cutWhy) {
          // Let the bytes before the cut reach the other side first.
          await new Promise<void>((resolve) => {
            if (d.sink.writableLength === 0) resolve();
            else d.sink.once('drain', resolve);
            setTimeout(resolve, 50);
          });
        } else if (!ok) {
          await anyEvent(d.sink, ['drain', 'close', 'error']);
        }
      }
      if (cutWhy) {
        this.cut(cutWhy);
        return;
      }
      if (d.dribble) await new Promise((resolve) => setTimeout(resolve, d.dribble!.ms));
    }
  }

  private cutOffset(d: DirectionState): number | undefined {
    let at = d.cutAtOffset;
    const phase = d.cutAtPhase;
    if (phase) {
      const t = d.tracker;
      let start: number | undefined;
      if (phase.phase === 'banner') start = t.bannerAt === undefined ? undefined : t.bannerAt + phase.keep;
      else if (phase.phase === 'newkeys') start = t.encryptedAt;
      else {
        const found = t.packets.find(([, type]) => phaseMatches(phase.phase, type));
        if (found) start = found[0] + Math.max(6, phase.keep);
      }
      if (start !== undefined) at = at === undefined ? start : Math.min(at, start);
    }
    return at;
  }

  private applyFlips(d: DirectionState, chunk: Uint8Array, at: number): Uint8Array {
    for (const flip of d.flips) {
      if (flip.done) continue;
      const base = flip.afterNewkeys ? d.tracker.encryptedAt : 0;
      if (base === undefined) continue;
      const pos = base + flip.offset;
      if (pos >= at && pos < at + chunk.length) {
        chunk = chunk.slice(); // never write into the source's buffer
        chunk[pos - at]! ^= flip.mask;
        flip.done = true;
      }
    }
    return chunk;
  }
}

/** The relay: each accepted connection gets a RelayLink to a fresh upstream connection. */
export class FaultRelay {
  readonly links: RelayLink[] = [];
  /** Called with each new link before any byte is forwarded: set up its faults here. */
  onLink: ((link: RelayLink) => void) | undefined;
  private waiters: ((link: RelayLink) => void)[] = [];

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(upstream: () => Promise<Upstream>): Promise<FaultRelay> {
    let relay: FaultRelay | undefined;
    const server = createServer({ allowHalfOpen: true, pauseOnConnect: true }, (socket) => {
      socket.setNoDelay(true);
      socket.on('error', () => {});
      upstream().then(
        (up) => relay!.add(socket, up),
        () => socket.destroy(),
      );
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    relay = new FaultRelay(server, (server.address() as { port: number }).port);
    return relay;
  }

  private add(socket: Socket, upstream: Upstream): void {
    const link = new RelayLink(socket, upstream);
    this.links.push(link);
    this.onLink?.(link);
    socket.resume();
    for (const w of this.waiters.splice(0)) w(link);
  }

  /** The next link (or the latest one, when `index` names one that already exists). */
  link(index = this.links.length): Promise<RelayLink> {
    const existing = this.links[index];
    if (existing) return Promise.resolve(existing);
    return new Promise((resolve) => {
      const check = (link: RelayLink) => {
        if (this.links[index] === link || this.links.length > index) resolve(this.links[index]!);
        else this.waiters.push(check);
      };
      this.waiters.push(check);
    });
  }

  /** Cuts every link and stops listening. */
  async close(): Promise<void> {
    for (const link of this.links) link.cut('relay closed');
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
