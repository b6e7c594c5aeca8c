// A client of the SSH agent protocol (RFC 9987; OpenSSH PROTOCOL.agent) over any ByteStream: a
// unix socket in Node (../node/agent-socket.ts), a forwarded-agent channel, a test pipe. Requests
// are serialised (the protocol answers in order, one reply per request); each reply's length is
// checked against MAX_AGENT_MESSAGE_BYTES before anything is buffered for it.
import type { ByteStream } from '@sshts/transport';
import { SSHError } from '@sshts/wire';
import { AgentError } from '../errors.js';
import { AgentKey } from './agent-key.js';
import {
  type AgentIdentity,
  AgentMessageType,
  decodeIdentitiesAnswer,
  decodeSignResponse,
  encodeExtension,
  encodeRequestIdentities,
  encodeSessionBind,
  encodeSignRequest,
  frameAgentMessage,
  MAX_AGENT_MESSAGE_BYTES,
  type SessionBind,
} from './agent-messages.js';

export interface AgentClientOptions {
  /** Largest reply accepted (default and ceiling MAX_AGENT_MESSAGE_BYTES, 256 KiB). */
  maxMessageBytes?: number;
}

/** What bindSession needs from a transport connection (TransportConnection has these). */
export interface BindableConnection {
  readonly hostKey: { readonly blob: Uint8Array } | undefined;
  readonly sessionId: Uint8Array | undefined;
  readonly hostKeySignature: Uint8Array | undefined;
}

export class AgentClient {
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly writer: WritableStreamDefaultWriter<Uint8Array>;
  private readonly maxMessageBytes: number;
  private buffer = new Uint8Array(0);
  private queue: Promise<unknown> = Promise.resolve();
  private broken: AgentError | undefined;

  constructor(stream: ByteStream, options: AgentClientOptions = {}) {
    this.reader = stream.readable.getReader();
    this.writer = stream.writable.getWriter();
    this.maxMessageBytes = Math.min(
      options.maxMessageBytes ?? MAX_AGENT_MESSAGE_BYTES,
      MAX_AGENT_MESSAGE_BYTES,
    );
  }

  /**
   * The agent's keys (REQUEST_IDENTITIES), each usable as a Signer. Keys of a type we cannot
   * parse (e.g. security-key types) are skipped.
   */
  async listKeys(): Promise<AgentKey[]> {
    const identities = await this.listIdentities();
    const keys: AgentKey[] = [];
    for (const identity of identities) {
      const key = AgentKey.fromIdentity(this, identity);
      if (key) keys.push(key);
    }
    return keys;
  }

  /** The raw identities (blob and comment), including types we cannot parse. */
  async listIdentities(): Promise<AgentIdentity[]> {
    const reply = await this.request(encodeRequestIdentities());
    this.expect(reply, AgentMessageType.IDENTITIES_ANSWER, 'REQUEST_IDENTITIES');
    return this.decode(() => decodeIdentitiesAnswer(reply));
  }

  /** SIGN_REQUEST: the signature blob the agent made over `data` with the key `blob`. */
  async sign(blob: Uint8Array, data: Uint8Array, flags = 0): Promise<Uint8Array> {
    const reply = await this.request(encodeSignRequest(blob, data, flags));
    this.expect(reply, AgentMessageType.SIGN_RESPONSE, 'SIGN_REQUEST');
    return this.decode(() => decodeSignResponse(reply));
  }

  /**
   * EXTENSION (RFC 9987 §6.8): the reply message (SUCCESS or EXTENSION_RESPONSE, type byte
   * included). A refusal (FAILURE, EXTENSION_FAILURE) is an AgentError `ERR_AGENT_FAILURE`.
   */
  async extension(name: string, contents?: Uint8Array): Promise<Uint8Array> {
    const reply = await this.request(encodeExtension(name, contents));
    const type = reply[0];
    if (type === AgentMessageType.SUCCESS || type === AgentMessageType.EXTENSION_RESPONSE) return reply;
    this.expect(reply, AgentMessageType.SUCCESS, `EXTENSION ${name}`);
    return reply;
  }

  /**
   * `session-bind@openssh.com` (PROTOCOL.agent): tells the agent which host this connection
   * reached, so destination-restricted keys (`ssh-add -h`) can sign for it. Send it after the key
   * exchange and before signing. Resolves false when the agent does not support the extension
   * (OpenSSH before 8.9 and other agents answer FAILURE).
   */
  async bindSession(bind: SessionBind | BindableConnection): Promise<boolean> {
    const message = encodeSessionBind('signature' in bind ? bind : sessionBindOf(bind));
    const reply = await this.request(message);
    if (reply[0] === AgentMessageType.SUCCESS) return true;
    if (reply[0] === AgentMessageType.FAILURE || reply[0] === AgentMessageType.EXTENSION_FAILURE)
      return false;
    throw this.breakWith(`unexpected agent reply ${reply[0]} to session-bind`);
  }

  /** Closes the connection to the agent; pending and later requests reject with ERR_AGENT_CLOSED. */
  async close(): Promise<void> {
    if (!this.broken) this.broken = new AgentError('ERR_AGENT_CLOSED', 'the agent connection was closed');
    await this.writer.close().catch(() => {});
    await this.reader.cancel().catch(() => {});
  }

  /** Sends one message and resolves with the agent's reply (type byte first), in request order. */
  request(message: Uint8Array): Promise<Uint8Array> {
    const run = async (): Promise<Uint8Array> => {
      if (this.broken) throw this.broken;
      // ssh-agent drops the connection on a message over its limit (ssh-agent.c AGENT_MAX_LEN).
      if (message.length > MAX_AGENT_MESSAGE_BYTES) {
        throw new AgentError(
          'ERR_AGENT_TOO_LARGE',
          `agent request of ${message.length} bytes over the limit`,
        );
      }
      try {
        await this.writer.write(frameAgentMessage(message));
      } catch (cause) {
        throw this.breakWith('writing to the agent failed', 'ERR_AGENT_CLOSED', cause);
      }
      return this.readMessage();
    };
    const reply = this.queue.then(run, run);
    this.queue = reply.catch(() => {});
    return reply;
  }

  private async readMessage(): Promise<Uint8Array> {
    for (;;) {
      const buffered = this.buffer;
      if (buffered.length >= 4) {
        const length = new DataView(buffered.buffer, buffered.byteOffset, 4).getUint32(0);
        if (length === 0 || length > this.maxMessageBytes) {
          throw this.breakWith(`agent message of ${length} bytes (limit ${this.maxMessageBytes})`);
        }
        if (buffered.length >= 4 + length) {
          const message = buffered.slice(4, 4 + length);
          this.buffer = buffered.slice(4 + length);
          return message;
        }
      }
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await this.reader.read();
      } catch (cause) {
        throw this.breakWith('reading from the agent failed', 'ERR_AGENT_CLOSED', cause);
      }
      if (this.broken) throw this.broken;
      if (chunk.done) throw this.breakWith('the agent closed the connection', 'ERR_AGENT_CLOSED');
      const joined = new Uint8Array(buffered.length + chunk.value.length);
      joined.set(buffered, 0);
      joined.set(chunk.value, buffered.length);
      this.buffer = joined;
    }
  }

  private expect(reply: Uint8Array, type: number, what: string): void {
    if (reply[0] === type) return;
    if (reply[0] === AgentMessageType.FAILURE || reply[0] === AgentMessageType.EXTENSION_FAILURE) {
      throw new AgentError('ERR_AGENT_FAILURE', `the agent refused ${what}`);
    }
    throw this.breakWith(`unexpected agent reply ${reply[0]} to ${what}`);
  }

  private decode<T>(decode: () => T): T {
    try {
      return decode();
    } catch (cause) {
      if (cause instanceof SSHError)
        throw this.breakWith(`malformed agent reply: ${cause.message}`, undefined, cause);
      throw cause;
    }
  }

  /** A protocol error leaves the stream out of step: every later request fails with this error. */
  private breakWith(message: string, code = 'ERR_AGENT_PROTOCOL', cause?: unknown): AgentError {
    const error = new AgentError(code, message, { cause });
    if (!this.broken) {
      this.broken = error;
      void this.writer.close().catch(() => {});
      void this.reader.cancel().catch(() => {});
    }
    return error;
  }
}

function sessionBindOf(connection: BindableConnection): SessionBind {
  const { hostKey, sessionId, hostKeySignature } = connection;
  if (!hostKey || !sessionId || !hostKeySignature) {
    throw new SSHError('ERR_NOT_CONNECTED', 'session-bind needs a completed key exchange');
  }
  return { hostKey: hostKey.blob, sessionId, signature: hostKeySignature };
}
