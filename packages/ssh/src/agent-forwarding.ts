// Agent forwarding (OpenSSH; not in PROTOCOL): a session asks with `auth-agent-req@openssh.com`
// (want_reply false, as ssh.c ssh_session2_setup sends it), after which the server opens one
// `auth-agent@openssh.com` channel (no type-specific data) per client of the agent socket it made
// for the session. Each is joined to a NEW connection to our local agent, first bound with
// `session-bind@openssh.com` marked as forwarding (PROTOCOL.agent; clientloop.c
// client_request_agent), so destination-restricted keys know which hop they are used through.
// Until forwarding is requested there is no open handler, and the mux refuses the channel type as
// administratively prohibited (wolfSSH PR #1244: an unrequested agent channel is an attack).
import { encodeSessionBind, frameAgentMessage, MAX_AGENT_MESSAGE_BYTES } from '@sshts/auth';
import { type Channel, type ChannelMux, channelStream, type IncomingChannelOpen } from '@sshts/channel';
import type { ByteStream } from '@sshts/transport';
import { ChannelOpenFailureReason, SSHError } from '@sshts/wire';
import { pipeBoth } from './pipe.js';

export const AUTH_AGENT_REQUEST = 'auth-agent-req@openssh.com';
export const AUTH_AGENT_CHANNEL = 'auth-agent@openssh.com';

/** What the session-bind for a forwarded agent connection names (TransportConnection has these). */
export interface ForwardingBinding {
  readonly hostKey: { readonly blob: Uint8Array } | undefined;
  readonly sessionId: Uint8Array | undefined;
  readonly hostKeySignature: Uint8Array | undefined;
}

/**
 * The agent socket to forward: `forwardAgent` as ssh_config's ForwardAgent reads it (a path, or
 * `$NAME` naming an environment variable), else for `true` the agent the client authenticates
 * with (ConnectOptions.agent / IdentityAgent, which may itself be `SSH_AUTH_SOCK` or `$NAME`),
 * else $SSH_AUTH_SOCK (ssh.c sets SSH_AUTH_SOCK from IdentityAgent, and forwarding uses it).
 */
export function agentSocketToForward(
  forwardAgent: boolean | string | undefined,
  agent: string | false | undefined,
  env: ((name: string) => string | undefined) | undefined,
): string | undefined {
  const fromEnv = (value: string): string | undefined => {
    if (value === 'SSH_AUTH_SOCK') return env?.('SSH_AUTH_SOCK') || undefined;
    if (value.startsWith('$')) return env?.(value.slice(1)) || undefined;
    return value;
  };
  if (typeof forwardAgent === 'string') return fromEnv(forwardAgent);
  if (typeof agent === 'string' && agent !== 'none') return fromEnv(agent);
  return env?.('SSH_AUTH_SOCK') || undefined;
}

/** One connection's agent forwarding: the request per session, and the channels the server opens. */
export class AgentForwarding {
  readonly #mux: ChannelMux;
  readonly #socket: string;
  readonly #connectUnix: (path: string) => Promise<ByteStream>;
  readonly #binding: ForwardingBinding;

  constructor(
    mux: ChannelMux,
    socket: string,
    connectUnix: (path: string) => Promise<ByteStream>,
    binding: ForwardingBinding,
  ) {
    this.#mux = mux;
    this.#socket = socket;
    this.#connectUnix = connectUnix;
    this.#binding = binding;
  }

  /**
   * Asks for agent forwarding on `session` (before its exec/shell). From here on the connection
   * accepts agent channels, as ssh(1) does once ForwardAgent is on for it.
   */
  async request(session: Channel): Promise<void> {
    if (!this.#mux.openHandlers.has(AUTH_AGENT_CHANNEL)) {
      this.#mux.openHandlers.set(AUTH_AGENT_CHANNEL, (open) => this.#onOpen(open));
    }
    await session.request(AUTH_AGENT_REQUEST, false);
  }

  async #onOpen(open: IncomingChannelOpen): Promise<void> {
    let agent: ByteStream;
    try {
      agent = await this.#connectUnix(this.#socket);
    } catch (error) {
      open.reject(
        ChannelOpenFailureReason.CONNECT_FAILED,
        `no agent at ${this.#socket}: ${messageOf(error)}`,
      );
      return;
    }
    let channel: Channel;
    try {
      await bindForwarded(agent, this.#binding);
      channel = open.accept();
    } catch (error) {
      closeStream(agent);
      open.reject(ChannelOpenFailureReason.CONNECT_FAILED, `agent: ${messageOf(error)}`);
      return;
    }
    await pipeBoth(channelStream(channel), agent);
    await channel.close().catch(() => {});
  }
}

/**
 * session-bind@openssh.com with is_forwarding set, on the raw agent socket before it is piped.
 * Its answer is read whole and dropped: an agent without the extension answers FAILURE, which
 * ssh(1) also ignores. Nothing but that one reply can arrive before the forwarded client speaks.
 */
async function bindForwarded(agent: ByteStream, connection: ForwardingBinding): Promise<void> {
  const { hostKey, sessionId, hostKeySignature } = connection;
  if (!hostKey || !sessionId || !hostKeySignature) return; // no completed key exchange to name
  const message = encodeSessionBind({
    hostKey: hostKey.blob,
    sessionId,
    signature: hostKeySignature,
    isForwarding: true,
  });
  const writer = agent.writable.getWriter();
  try {
    await writer.write(frameAgentMessage(message));
  } finally {
    writer.releaseLock();
  }
  const reader = agent.readable.getReader();
  try {
    let buffered = new Uint8Array(0);
    let expected = -1;
    while (expected < 0 || buffered.length < expected) {
      const { value, done } = await reader.read();
      if (done) throw new SSHError('ERR_AGENT_CLOSED', 'the agent closed the connection during session-bind');
      const joined = new Uint8Array(buffered.length + value.length);
      joined.set(buffered);
      joined.set(value, buffered.length);
      buffered = joined;
      if (expected < 0 && buffered.length >= 4) {
        const length = new DataView(buffered.buffer, buffered.byteOffset).getUint32(0);
        if (length > MAX_AGENT_MESSAGE_BYTES) {
          throw new SSHError('ERR_AGENT_TOO_LARGE', `agent reply of ${length} bytes to session-bind`);
        }
        expected = 4 + length;
      }
    }
    if (buffered.length > expected) {
      throw new SSHError('ERR_AGENT_PROTOCOL', 'the agent sent more than its session-bind reply');
    }
  } finally {
    reader.releaseLock();
  }
}

function closeStream(stream: ByteStream): void {
  void stream.writable.abort().catch(() => {});
  void stream.readable.cancel().catch(() => {});
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
