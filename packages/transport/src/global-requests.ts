// SSH_MSG_GLOBAL_REQUEST replies (RFC 4254 §4): REQUEST_SUCCESS / REQUEST_FAILURE carry no request
// id, so they answer the outstanding requests that asked for a reply strictly in order. One queue
// for every sender (keepalive here, port forwarding later) keeps that order.
import { MessageType, ProtocolError, SSHWriter } from '@sshts/wire';

export interface GlobalReply {
  success: boolean;
  /** Request-specific data after the message number (e.g. the bound port of tcpip-forward). */
  data: Uint8Array;
}

export class GlobalRequests {
  private readonly waiting: { resolve(reply: GlobalReply): void; reject(e: unknown): void }[] = [];

  /** Builds the request; when `wantReply`, also the promise of its reply. */
  request(
    name: string,
    wantReply: boolean,
    data: Uint8Array = new Uint8Array(0),
  ): { payload: Uint8Array; reply?: Promise<GlobalReply> } {
    const payload = new SSHWriter()
      .byte(MessageType.GLOBAL_REQUEST)
      .string(name)
      .boolean(wantReply)
      .raw(data)
      .finish()
      .slice();
    if (!wantReply) return { payload };
    const reply = new Promise<GlobalReply>((resolve, reject) => this.waiting.push({ resolve, reject }));
    return { payload, reply };
  }

  get outstanding(): number {
    return this.waiting.length;
  }

  /** Handles REQUEST_SUCCESS / REQUEST_FAILURE. */
  receive(payload: Uint8Array): void {
    const waiter = this.waiting.shift();
    if (!waiter) throw new ProtocolError('a global request reply that answers nothing');
    waiter.resolve({ success: payload[0] === MessageType.REQUEST_SUCCESS, data: payload.slice(1) });
  }

  failAll(error: unknown): void {
    for (const w of this.waiting.splice(0)) w.reject(error);
  }
}
