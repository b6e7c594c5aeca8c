// One keyboard-interactive attempt on the server (RFC 4256 §3.2–§3.4): the `ask` a handler calls
// sends INFO_REQUEST and waits for the INFO_RESPONSE, one round at a time, any number of rounds.
// The client may give up on the method by sending a new USERAUTH_REQUEST instead (RFC 4256 §3.4;
// auth2.c resets with auth2_challenge_stop): the attempt is then abandoned, its handler's ask
// rejects and whatever it decides is ignored.
import { SSHError } from '@sshts/wire';
import { MAX_KBDINT_PROMPTS } from './limits.js';
import type { AskFn, KeyboardInteractivePrompt } from './server-auth-types.js';
import { decodeInfoResponse, encodeInfoRequest } from './server-userauth-messages.js';

interface Pending {
  count: number;
  resolve(responses: string[]): void;
  reject(error: unknown): void;
}

function checkPrompts(prompts: readonly KeyboardInteractivePrompt[]): { prompt: string; echo: boolean }[] {
  if (!Array.isArray(prompts)) throw new TypeError('ask() takes an array of prompts');
  if (prompts.length > MAX_KBDINT_PROMPTS) {
    throw new RangeError(`at most ${MAX_KBDINT_PROMPTS} prompts per round (RFC 4256 clients refuse more)`);
  }
  return prompts.map((p) => {
    if (typeof p?.prompt !== 'string') throw new TypeError('each prompt needs a string `prompt`');
    return { prompt: p.prompt, echo: p.echo === true };
  });
}

export class KeyboardInteractiveExchange {
  /** Resolves when the client abandons the attempt. */
  readonly abandoned: Promise<void>;
  private pending: Pending | undefined;
  private over = false;
  private resolveAbandoned!: () => void;
  private readonly send: (payload: Uint8Array) => void;

  constructor(send: (payload: Uint8Array) => void) {
    this.send = send;
    this.abandoned = new Promise((resolve) => {
      this.resolveAbandoned = resolve;
    });
  }

  /** True while an INFO_REQUEST is unanswered: only then may an INFO_RESPONSE arrive. */
  get awaitingResponse(): boolean {
    return this.pending !== undefined;
  }

  readonly ask: AskFn = (prompts, info) => {
    if (this.over) {
      return Promise.reject(new SSHError('ERR_KBDINT_OVER', 'this keyboard-interactive attempt is over'));
    }
    if (this.pending) {
      return Promise.reject(new SSHError('ERR_KBDINT_BUSY', 'the previous INFO_REQUEST is still unanswered'));
    }
    let checked: { prompt: string; echo: boolean }[];
    try {
      checked = checkPrompts(prompts);
    } catch (error) {
      return Promise.reject(error);
    }
    const name = info?.name ?? '';
    const instructions = info?.instructions ?? '';
    return new Promise<string[]>((resolve, reject) => {
      this.pending = { count: checked.length, resolve, reject };
      try {
        this.send(encodeInfoRequest({ name, instructions, prompts: checked }));
      } catch (error) {
        this.pending = undefined;
        reject(error);
      }
    });
  };

  /** An INFO_RESPONSE: throws ProtocolError when none is expected or the count is wrong. */
  respond(payload: Uint8Array): void {
    const pending = this.pending;
    if (!pending) throw new SSHError('ERR_INTERNAL', 'no INFO_REQUEST is outstanding');
    const responses = decodeInfoResponse(payload, pending.count);
    this.pending = undefined;
    pending.resolve(responses);
  }

  /** The client sent another USERAUTH_REQUEST while an INFO_REQUEST was unanswered. */
  abandon(): void {
    this.end(new SSHError('ERR_KBDINT_ABANDONED', 'the client abandoned keyboard-interactive'));
    this.resolveAbandoned();
  }

  /** The attempt is over (decided, abandoned, or the connection closed): no more rounds. */
  end(error: SSHError = new SSHError('ERR_KBDINT_OVER', 'this keyboard-interactive attempt is over')): void {
    this.over = true;
    const pending = this.pending;
    this.pending = undefined;
    pending?.reject(error);
  }
}
