// The server side of SSH user authentication (RFC 4252, RFC 4256) over one transport connection,
// sans-I/O as ClientAuth: messages in through onMessage, out through send, time through an
// injected AuthTimer. Requests are answered one at a time and in order (RFC 4252 §5 lets the
// client send several without waiting); each method's work is in server-methods.ts.
//
// The state rules (checklist §4, §12 C): a client that sends a server's message (FAILURE,
// SUCCESS, BANNER, PK_OK; libssh CVE-2018-10933), an INFO_RESPONSE nobody asked for, or a
// connection-protocol message (≥ 80) before SUCCESS (paramiko CVE-2018-7750, Erlang/OTP
// CVE-2025-32433) is disconnected with PROTOCOL_ERROR and never authenticated. OpenSSH answers
// those with UNIMPLEMENTED (dispatch_protocol_error); we are stricter, as the checklist asks.
// After SUCCESS, requests are silently ignored (§5.1) and messages ≥ 80 go to onConnectionMessage.
import {
  ConnectionLostError,
  DisconnectReason,
  MessageType,
  messageName,
  ProtocolError,
  SSHError,
  TimeoutError,
} from '@sshts/wire';
import { HOSTBOUND_METHOD } from './client-auth.js';
import {
  DEFAULT_AUTH_TIMEOUT_MS,
  DEFAULT_MAX_AUTH_TRIES,
  MAX_AUTH_REQUESTS,
  MAX_QUEUED_REQUESTS,
} from './server-auth-limits.js';
import { MethodLists } from './server-auth-methods.js';
import { AuthProgress } from './server-auth-progress.js';
import { type AuthTimer, systemAuthTimer } from './server-auth-timer.js';
import type {
  ServerAuthAttempt,
  ServerAuthConnection,
  ServerAuthContext,
  ServerAuthOptions,
  ServerAuthResult,
} from './server-auth-types.js';
import { openSshFailureDelay, remainingDelay } from './server-failure-delay.js';
import type { KeyboardInteractiveExchange } from './server-keyboard-interactive.js';
import { type MethodHost, type MethodOutcome, runMethod } from './server-methods.js';
import {
  decodeUserauthRequest,
  encodeBanner,
  encodeFailure,
  encodeSuccess,
} from './server-userauth-messages.js';

const TOO_MANY = 'Too many authentication failures';

/** Numbers of the authentication protocol other than USERAUTH_REQUEST (RFC 4250 §4.1.2, RFC 4256 §5). */
const AUTH_ONLY: ReadonlySet<number> = new Set([51, 52, 53, 60, 61]);

function illegal(message: string): ProtocolError {
  return new ProtocolError(`user authentication: ${message}`);
}

/** A request being answered: when the client's last message of it arrived (for the minimum delay). */
interface Attempt {
  readonly user: string;
  readonly method: string;
  start: number;
}

export class ServerAuth {
  /**
   * Messages for the connection layer (numbers 80 and up) once authenticated; return false to have
   * UNIMPLEMENTED sent. A connection layer may instead take over `connection.onMessage`.
   */
  onConnectionMessage: (payload: Uint8Array) => boolean = () => false;

  private readonly connection: ServerAuthConnection;
  private readonly options: ServerAuthOptions;
  private readonly service: string;
  private readonly progress: AuthProgress;
  private readonly timer: AuthTimer;
  private readonly delayFor: (user: string) => number;
  private readonly maxAuthTries: number;
  private state: 'open' | 'authenticated' | 'closed' = 'open';
  /** The user of the latest request received (checked on arrival). */
  private arrivedUser: string | undefined;
  /** The user the partial state belongs to (set when a request is processed). */
  private currentUser: string | undefined;
  private requests = 0;
  private processed = 0;
  private failures = 0;
  private readonly queue: Uint8Array[] = [];
  private running = false;
  private attempt: Attempt | undefined;
  private kbd: KeyboardInteractiveExchange | undefined;
  private cancelTimeout: (() => void) | undefined;
  private cancelSleep: (() => void) | undefined;
  private outcome: ServerAuthResult | undefined;
  private readonly done: Promise<ServerAuthResult>;
  private resolveDone!: (result: ServerAuthResult) => void;
  private rejectDone!: (error: SSHError) => void;

  constructor(connection: ServerAuthConnection, options: ServerAuthOptions = {}) {
    this.connection = connection;
    this.options = options;
    this.service = options.service ?? 'ssh-connection';
    this.timer = options.timer ?? systemAuthTimer;
    const delay = options.failureDelay ?? openSshFailureDelay();
    this.delayFor = typeof delay === 'number' ? () => delay : delay;
    this.maxAuthTries = options.maxAuthTries ?? DEFAULT_MAX_AUTH_TRIES;
    if (!Number.isInteger(this.maxAuthTries) || this.maxAuthTries < 1) {
      throw new RangeError(`maxAuthTries must be a positive integer: ${this.maxAuthTries}`);
    }
    const enabled = new Set<string>();
    if (options.none) enabled.add('none');
    if (options.publicKey || (options.trustedUserCAKeys?.length ?? 0) > 0) enabled.add('publickey');
    if (options.password) enabled.add('password');
    if (options.keyboardInteractive) enabled.add('keyboard-interactive');
    this.progress = new AuthProgress(new MethodLists(enabled, options.methods));
    this.done = new Promise((resolve, reject) => {
      this.resolveDone = resolve;
      this.rejectDone = reject;
    });
    this.done.catch(() => {}); // observed through whenAuthenticated(); never unhandled
    const timeout = options.authTimeout ?? DEFAULT_AUTH_TIMEOUT_MS;
    if (!(timeout >= 0)) throw new RangeError(`authTimeout must be ≥ 0: ${timeout}`);
    if (timeout > 0) this.cancelTimeout = this.timer.schedule(timeout, () => this.timedOut());
    connection.onMessage = (payload) => this.handleMessage(payload);
    void connection.closed.then((info) => this.close(info.error ?? new ConnectionLostError(info.reason)));
  }

  /** True once USERAUTH_SUCCESS has been sent. */
  get authenticated(): boolean {
    return this.state === 'authenticated';
  }

  /** Who logged in and how; undefined before success. */
  get result(): ServerAuthResult | undefined {
    return this.outcome;
  }

  /** Failed attempts so far (the count MaxAuthTries bounds). */
  get failureCount(): number {
    return this.failures;
  }

  /** The methods a FAILURE would list now (RFC 4252 §5.1). */
  get allowedMethods(): string[] {
    return this.progress.canContinue();
  }

  /** Resolves on success; rejects with the reason if the connection ends first. */
  whenAuthenticated(): Promise<ServerAuthResult> {
    return this.done;
  }

  /**
   * Handles one client message (≥ 50); installed as the connection's onMessage by the constructor.
   * For a message this state does not allow it disconnects, then throws the ProtocolError.
   */
  handleMessage(payload: Uint8Array): boolean {
    if (this.state === 'closed') return true;
    try {
      return this.dispatch(payload);
    } catch (error) {
      this.abort(error);
      throw error;
    }
  }

  private dispatch(payload: Uint8Array): boolean {
    const type = payload[0] ?? 0;
    if (this.state === 'authenticated') {
      if (type >= 80) return this.onConnectionMessage(payload);
      if (type === MessageType.USERAUTH_REQUEST) return true; // RFC 4252 §5.1: silently ignored
      if (AUTH_ONLY.has(type)) throw illegal(`${messageName(type)} after USERAUTH_SUCCESS`);
      return false;
    }
    switch (type) {
      case MessageType.USERAUTH_REQUEST:
        this.onRequest(payload);
        return true;
      case MessageType.USERAUTH_INFO_RESPONSE:
        this.onInfoResponse(payload);
        return true;
      case MessageType.USERAUTH_FAILURE:
      case MessageType.USERAUTH_SUCCESS:
      case MessageType.USERAUTH_BANNER:
      case 60:
        throw illegal(`${messageName(type)} is a server message`);
    }
    // RFC 4252 §6: 80 and up belong to the connection service, which has not started.
    if (type >= 80) throw illegal(`${messageName(type)} before USERAUTH_SUCCESS`);
    return false; // unassigned numbers in 54–79: UNIMPLEMENTED
  }

  private onRequest(payload: Uint8Array): void {
    // Checked on arrival, in order, so that a bad request ends the connection at once.
    const { user, service } = decodeUserauthRequest(payload);
    if (service !== this.service) {
      // RFC 4252 §5: the server MAY disconnect; a proper DISCONNECT is RECOMMENDED.
      throw new ProtocolError(`service ${service} not available`, {
        reason: DisconnectReason.SERVICE_NOT_AVAILABLE,
      });
    }
    if (++this.requests > MAX_AUTH_REQUESTS) {
      throw new ProtocolError(TOO_MANY, { reason: DisconnectReason.NO_MORE_AUTH_METHODS_AVAILABLE });
    }
    const first = this.arrivedUser === undefined;
    if (!first && user !== this.arrivedUser && (this.options.userChange ?? 'disconnect') === 'disconnect') {
      // auth2.c input_userauth_request.
      throw new ProtocolError(
        `Change of username or service not allowed: (${this.arrivedUser},${this.service}) -> (${user},${service})`,
      );
    }
    this.arrivedUser = user;
    if (first && this.options.banner !== undefined) {
      // auth2.c userauth_banner: with the first request, before any answer (RFC 4252 §5.4).
      this.connection.send(encodeBanner(this.options.banner));
    }
    // A new request while an INFO_REQUEST is unanswered gives up keyboard-interactive (RFC 4256 §3.4).
    if (this.kbd?.awaitingResponse) this.kbd.abandon();
    if (this.queue.length >= MAX_QUEUED_REQUESTS) throw illegal('too many requests ahead of their answers');
    this.queue.push(payload.slice());
    void this.pump();
  }

  private onInfoResponse(payload: Uint8Array): void {
    if (!this.kbd?.awaitingResponse) throw illegal('USERAUTH_INFO_RESPONSE without an INFO_REQUEST');
    this.kbd.respond(payload);
    if (this.attempt) this.attempt.start = this.timer.now();
  }

  private async pump(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.state === 'open') {
        const payload = this.queue.shift();
        if (payload === undefined) break;
        await this.process(payload);
      }
    } catch (error) {
      this.abort(error);
    } finally {
      this.running = false;
    }
  }

  private async process(payload: Uint8Array): Promise<void> {
    const request = decodeUserauthRequest(payload);
    const { user, method } = request;
    // userChange 'reset': another user starts over (RFC 4252 §5); failures still count.
    if (this.currentUser !== undefined && user !== this.currentUser) this.progress.reset();
    this.currentUser = user;
    const first = this.processed++ === 0;
    const attempt: Attempt = { user, method, start: this.timer.now() };
    this.attempt = attempt;
    let outcome: MethodOutcome;
    const canonical = this.canonicalMethod(method);
    if (canonical === undefined || !this.progress.allows(canonical)) {
      outcome = { kind: 'failure', reason: `method ${method} is not allowed now` };
    } else {
      outcome = await runMethod(this.host(), canonical, request);
    }
    if (this.state !== 'open') return;
    await this.finish(attempt, canonical ?? method, outcome, first);
    this.attempt = undefined;
  }

  private async finish(
    attempt: Attempt,
    method: string,
    outcome: MethodOutcome,
    first: boolean,
  ): Promise<void> {
    const { user } = attempt;
    if (outcome.kind === 'sent')
      return this.report({ user, method, outcome: outcome.what, key: outcome.key });
    if (outcome.kind === 'abandoned') return this.report({ user, method, outcome: 'abandoned' });
    if (method !== 'none')
      await this.sleep(remainingDelay(attempt.start, this.timer.now(), this.delayFor(user)));
    if (this.state !== 'open') return;
    let reason = outcome.kind === 'failure' ? outcome.reason : '';
    if (outcome.kind === 'success') {
      const recorded = this.progress.record(method, outcome.key);
      if ('done' in recorded) {
        const { done } = recorded;
        this.report({ user, method, outcome: done ? 'success' : 'partial', key: outcome.key?.key });
        if (done) this.succeed(user);
        else this.connection.send(encodeFailure(this.progress.canContinue(), true));
        return;
      }
      reason = recorded.conflict;
    }
    const key = outcome.kind === 'failure' ? outcome.key : outcome.key?.key;
    this.report({ user, method, outcome: 'failure', reason, key });
    // auth2.c userauth_finish: the first request, if `none`, is free; partial successes are free.
    if (!(first && method === 'none')) this.failures++;
    if (this.failures >= this.maxAuthTries) {
      this.close(new ProtocolError(TOO_MANY, { reason: DisconnectReason.NO_MORE_AUTH_METHODS_AVAILABLE }));
      this.connection.disconnect(DisconnectReason.NO_MORE_AUTH_METHODS_AVAILABLE, TOO_MANY);
      return;
    }
    this.connection.send(encodeFailure(this.progress.canContinue(), false));
  }

  private succeed(user: string): void {
    const result = this.progress.result(user, this.service);
    this.connection.send(encodeSuccess());
    this.state = 'authenticated';
    this.outcome = result;
    this.queue.length = 0; // pipelined requests after success are ignored (RFC 4252 §5.1)
    this.stopTimers();
    this.connection.setAuthenticated();
    this.resolveDone(result);
  }

  private canonicalMethod(method: string): string | undefined {
    if (method === HOSTBOUND_METHOD) return this.hostboundEnabled() ? 'publickey' : undefined;
    return method;
  }

  private hostboundEnabled(): boolean {
    return this.options.hostbound !== false && this.connection.hostKey !== undefined;
  }

  /** What the method runners may use. */
  private host(): MethodHost {
    const context: ServerAuthContext = Object.freeze({
      address: this.options.clientAddress,
      host: this.options.clientHost,
      completed: this.progress.completedMethods,
    });
    return {
      options: this.options,
      connection: this.connection,
      context,
      usedKeys: this.progress.usedKeys,
      startKeyboardInteractive: (exchange) => {
        this.kbd = exchange;
      },
      endKeyboardInteractive: () => {
        this.kbd?.end();
        this.kbd = undefined;
      },
    };
  }

  private sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const cancel = this.timer.schedule(ms, () => {
        this.cancelSleep = undefined;
        resolve();
      });
      this.cancelSleep = () => {
        cancel();
        resolve();
      };
    });
  }

  private report(attempt: ServerAuthAttempt): void {
    try {
      this.options.onAttempt?.(attempt);
    } catch {
      // A logger's failure must not change the outcome.
    }
  }

  private timedOut(): void {
    if (this.state !== 'open') return;
    this.cancelTimeout = undefined;
    const description = 'Timeout before authentication';
    this.close(new TimeoutError(description));
    this.connection.disconnect(DisconnectReason.BY_APPLICATION, description);
  }

  /** A protocol error: stop, then DISCONNECT with its reason (PROTOCOL_ERROR by default). */
  private abort(error: unknown): void {
    if (this.state === 'closed') return;
    const err =
      error instanceof SSHError ? error : new ProtocolError(String((error as Error)?.message ?? error));
    this.close(err);
    const reason = (err as { reason?: number }).reason ?? DisconnectReason.PROTOCOL_ERROR;
    try {
      this.connection.disconnect(reason, err.message);
    } catch {
      // Nothing more can be said on a broken connection.
    }
  }

  private stopTimers(): void {
    this.cancelTimeout?.();
    this.cancelTimeout = undefined;
    this.cancelSleep?.();
    this.cancelSleep = undefined;
  }

  /** The connection is over (closed, timed out, or disconnected by us): nothing more is sent. */
  private close(error: SSHError): void {
    if (this.state === 'closed') return;
    const wasOpen = this.state === 'open';
    this.state = 'closed';
    this.queue.length = 0;
    this.stopTimers();
    this.kbd?.end(error);
    this.kbd = undefined;
    if (wasOpen) this.rejectDone(error);
  }
}
