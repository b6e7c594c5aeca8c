// X11 forwarding, client side (RFC 4254 §6.3): a session sends `x11-req` with an authentication
// protocol and cookie before its exec/shell; the server then runs an X display for the session
// and opens an `x11` channel (§6.3.2: originator address and port) for each X client that connects
// to it. Those opens are accepted only while a session that asked is open (§6.3.2 "MUST reject";
// OpenSSH a1dd1c80 fixed a crash from an x11 open before any x11-req), and are handed to the
// session's onConnection. sshts bridges to no display itself: the caller does, with the channel.
// The cookie is a fake, random one (§6.3.1 RECOMMENDED, as ssh.c x11 spoofing): a bridge checks it
// in the X client's setup message and substitutes the real one (channels.c x11_open_helper).
import {
  type Channel,
  type ChannelMux,
  ChannelRequestError,
  encodeX11Request,
  type IncomingChannelOpen,
} from '@sshts/channel';
import { ChannelOpenFailureReason } from '@sshts/wire';

export const X11_REQUEST = 'x11-req';
export const X11_CHANNEL = 'x11';
/** The only protocol OpenSSH's sshd and xauth exchange cookies for. */
export const X11_AUTH_PROTOCOL = 'MIT-MAGIC-COOKIE-1';

/** Where an X client connected from, as the server reports it (§6.3.2). */
export interface X11Origin {
  host: string;
  port: number;
}

/** The fake credentials this session's display accepts (§6.3.1). */
export interface X11Auth {
  protocol: string;
  /** Lower-case hex. */
  cookie: string;
}

export interface X11Options {
  /** Forward only the first X connection (§6.3.1 "single connection"). */
  singleConnection?: boolean;
  /** The X screen number (default 0). */
  screen?: number;
  /**
   * Called with each accepted `x11` channel; without it every X connection is refused. `auth`
   * is the fake cookie the X client will present, for a bridge to check and replace.
   */
  onConnection?: (channel: Channel, origin: X11Origin, auth: X11Auth) => void;
}

interface X11Session {
  readonly options: X11Options;
  readonly auth: X11Auth;
  used: boolean;
}

/** One connection's X11 forwarding: the x11-req per session and the channels the server opens. */
export class X11Forwarding {
  readonly #mux: ChannelMux;
  /** Sessions that asked and are still open, oldest first. */
  readonly #sessions: X11Session[] = [];

  constructor(mux: ChannelMux) {
    this.#mux = mux;
  }

  /**
   * Sends x11-req on `session` (before its exec/shell) and accepts x11 channels until the session
   * closes. Rejects with ChannelRequestError when the server refuses (X11Forwarding no, no xauth).
   */
  async request(session: Channel, x11: true | X11Options): Promise<void> {
    const options = x11 === true ? {} : x11;
    const screen = options.screen ?? 0;
    if (!Number.isInteger(screen) || screen < 0 || screen > 0xffffffff) {
      throw new RangeError(`bad X11 screen number ${screen}`);
    }
    const entry: X11Session = {
      options,
      auth: { protocol: X11_AUTH_PROTOCOL, cookie: randomCookie() },
      used: false,
    };
    // Registered before the request goes out, so no open can arrive before it is accepted.
    this.#add(entry);
    try {
      const accepted = await session.request(
        X11_REQUEST,
        true,
        encodeX11Request({
          singleConnection: options.singleConnection ?? false,
          protocol: entry.auth.protocol,
          cookie: entry.auth.cookie,
          screen,
        }),
      );
      if (!accepted) throw new ChannelRequestError(X11_REQUEST, 'the server refused X11 forwarding');
    } catch (error) {
      this.#remove(entry);
      throw error;
    }
    void session.closed.then(() => this.#remove(entry));
  }

  #add(entry: X11Session): void {
    this.#sessions.push(entry);
    if (!this.#mux.openHandlers.has(X11_CHANNEL)) {
      this.#mux.openHandlers.set(X11_CHANNEL, (open) => this.#onOpen(open));
    }
  }

  #remove(entry: X11Session): void {
    const i = this.#sessions.indexOf(entry);
    if (i >= 0) this.#sessions.splice(i, 1);
    // No session left that asked: back to refusing x11 opens as unrequested.
    if (this.#sessions.length === 0) this.#mux.openHandlers.delete(X11_CHANNEL);
  }

  #onOpen(open: IncomingChannelOpen): void {
    const origin = decodeX11Origin(open);
    // The open names no session; sshd gives each session its own display, but the client cannot
    // tell them apart, so the most recent session that still takes connections gets it.
    let entry: X11Session | undefined;
    for (let i = this.#sessions.length - 1; i >= 0 && !entry; i--) {
      const s = this.#sessions[i];
      if (s && !(s.options.singleConnection && s.used)) entry = s;
    }
    if (!entry) {
      open.reject(ChannelOpenFailureReason.ADMINISTRATIVELY_PROHIBITED, 'x11 was not requested');
      return;
    }
    const onConnection = entry.options.onConnection;
    if (!onConnection) {
      open.reject(ChannelOpenFailureReason.CONNECT_FAILED, 'no local X display to forward to');
      return;
    }
    entry.used = true;
    const channel = open.accept();
    try {
      onConnection(channel, origin, entry.auth);
    } catch {
      void channel.close().catch(() => {});
    }
  }
}

/**
 * §6.3.2: `string originator address, uint32 originator port`. A malformed open throws the
 * reader's MalformedMessageError, which the mux answers with an open failure.
 */
function decodeX11Origin(open: IncomingChannelOpen): X11Origin {
  const data = open.data;
  return { host: data.utf8('originator address', 1024), port: data.uint32('originator port') };
}

/** 16 random bytes as hex, as ssh(1) makes its fake cookie (clientloop.c client_x11_get_proto). */
function randomCookie(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
