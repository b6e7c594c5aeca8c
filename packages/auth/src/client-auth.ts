// The client side of SSH user authentication (RFC 4252) over one transport connection, layered as
// Go's client_auth.go: ask for the ssh-userauth service once, then run one method at a time, each a
// short exchange of USERAUTH messages. Message 60 means PK_OK, PASSWD_CHANGEREQ or INFO_REQUEST
// depending on the method in progress (RFC 4252 §7, §8; RFC 4256 §3.2), so every message is
// checked against the request outstanding: a server message that no request allows ends the
// connection with a protocol error (checklist §5.3; libssh CVE-2018-10933, paramiko
// CVE-2018-7750 and Erlang CVE-2025-32433 are the server-side mirror of this rule).
import type { Signer } from '@sshts/keys';
import { parseSignatureBlob } from '@sshts/keys';
import { ConnectionLostError, MessageType, messageName, ProtocolError, SSHError } from '@sshts/wire';
import type { AuthFailure, AuthResult } from './auth-result.js';
import type {
  AuthConnection,
  ClientAuthOptions,
  KeyboardInteractiveHandler,
  KeyboardInteractiveOptions,
  PasswordOptions,
  PublicKeyOptions,
} from './client-auth-types.js';
import { PasswordChangeRequiredError } from './errors.js';
import { MAX_BANNER_TOTAL_BYTES, MAX_BANNERS } from './limits.js';
import { publicKeyAlgorithms } from './publickey-algorithms.js';
import {
  CONNECTION_SERVICE,
  decodeBanner,
  decodeFailure,
  decodeInfoRequest,
  decodePasswordChangeRequest,
  decodePkOk,
  encodeInfoResponse,
  encodeKeyboardInteractiveRequest,
  encodeNoneRequest,
  encodePasswordChange,
  encodePasswordRequest,
  encodePublicKeyQuery,
  encodePublicKeyRequest,
  type InfoRequest,
  type PublicKeyFields,
  publicKeySignedData,
  type UserauthFailure,
} from './userauth-messages.js';

/** The method name OpenSSH's server offers through EXT_INFO `publickey-hostbound@openssh.com` (PROTOCOL §3.1). */
export const HOSTBOUND_METHOD = 'publickey-hostbound-v00@openssh.com';
const HOSTBOUND_EXTENSION = 'publickey-hostbound@openssh.com';

type Reply<T> =
  | { kind: 'success' }
  | { kind: 'failure'; failure: UserauthFailure }
  | { kind: 'method'; message: T };

interface Waiter {
  /** Parses message 60 for the current method; absent when 60 is not allowed now. */
  parse60: ((payload: Uint8Array) => unknown) | undefined;
  resolve(reply: Reply<unknown>): void;
  reject(error: unknown): void;
}

function result(reply: Reply<unknown>): AuthResult {
  if (reply.kind === 'success') return { success: true };
  if (reply.kind === 'failure') return { success: false, ...reply.failure };
  throw new SSHError('ERR_INTERNAL', 'message 60 reached a request that does not allow it');
}

export class ClientAuth {
  /** Banners received so far (bounded: MAX_BANNERS, MAX_BANNER_TOTAL_BYTES). */
  readonly banners: { message: string; language: string }[] = [];
  onBanner: ((message: string, language: string) => void) | undefined;
  /**
   * Messages for the connection layer (numbers 80 and up) once authenticated; return false to have
   * UNIMPLEMENTED sent. A connection layer may instead take over `connection.onMessage`.
   */
  onConnectionMessage: (payload: Uint8Array) => boolean = () => false;

  private readonly connection: AuthConnection;
  private readonly service: string;
  private serviceAccepted: Promise<void> | undefined;
  private busy = false;
  private waiter: Waiter | undefined;
  private isAuthenticated = false;
  private lastAllowedMethods: string[] | undefined;
  private proven = false;
  private closedError: SSHError | undefined;
  private bannerBytes = 0;

  constructor(connection: AuthConnection, options: ClientAuthOptions = {}) {
    this.connection = connection;
    this.service = options.service ?? CONNECTION_SERVICE;
    this.onBanner = options.onBanner;
    connection.onMessage = (payload) => this.handleMessage(payload);
    void connection.closed.then((info) => {
      this.closedError = info.error ?? new ConnectionLostError(info.reason);
      this.fail(this.closedError);
    });
  }

  /** True once the server has sent USERAUTH_SUCCESS. */
  get authenticated(): boolean {
    return this.isAuthenticated;
  }

  /**
   * Whether a credential has been sent: a password, a signed publickey request, or an answer to
   * at least one keyboard-interactive prompt. A SUCCESS while this is false let the user in on
   * nothing (`none`, a bare publickey query, prompt-less rounds): what PuTTY's -no-trivial-auth
   * refuses (CVE-2021-36367), and what refuseTrivialAuth checks.
   */
  get credentialSent(): boolean {
    return this.proven;
  }

  /** The methods the last USERAUTH_FAILURE said can continue; undefined before any failure. */
  get allowedMethods(): string[] | undefined {
    return this.lastAllowedMethods;
  }

  /** RFC 4252 §5.2: the `none` method; a failure lists the methods the server offers. */
  none(user: string): Promise<AuthResult> {
    return this.run(async () => result(await this.exchange(encodeNoneRequest(user, this.service))));
  }

  /** RFC 4252 §8: password, with the server's change request handed to `options.onChangeRequest`. */
  password(user: string, password: string, options: PasswordOptions = {}): Promise<AuthResult> {
    return this.run(async () => {
      const parse = decodePasswordChangeRequest;
      this.proven = true;
      let reply = await this.exchange(encodePasswordRequest(user, this.service, password), parse);
      while (reply.kind === 'method') {
        const { prompt, language } = reply.message;
        const newPassword = await options.onChangeRequest?.(prompt, language);
        if (newPassword === undefined) throw new PasswordChangeRequiredError(prompt, language);
        reply = await this.exchange(encodePasswordChange(user, this.service, password, newPassword), parse);
      }
      return result(reply);
    });
  }

  /**
   * RFC 4252 §7: asks whether the key would do (boolean FALSE), and signs only after PK_OK. With
   * the server's EXT_INFO `publickey-hostbound@openssh.com` = "0", the signed request is
   * publickey-hostbound-v00@openssh.com and binds the initial host key (PROTOCOL §3.1). A refused
   * RSA algorithm falls back to the next (rsa-sha2-512, then rsa-sha2-256).
   */
  publicKey(user: string, signer: Signer, options: PublicKeyOptions = {}): Promise<AuthResult> {
    return this.run(async () => {
      const key = signer.publicKey;
      const algorithms = publicKeyAlgorithms(key, this.connection.serverSigAlgs, options.algorithm);
      const sessionId = this.connection.sessionId;
      if (sessionId === undefined) throw new SSHError('ERR_NOT_CONNECTED', 'no key exchange has completed');
      const hostKey = this.hostboundKey();
      let last: AuthFailure | undefined;
      for (const algorithm of algorithms) {
        const fields: PublicKeyFields = {
          user,
          service: this.service,
          method: 'publickey',
          algorithm: algorithm.request,
          blob: key.blob,
        };
        const query = await this.exchange(encodePublicKeyQuery(fields), (p) => checkPkOk(p, fields));
        if (query.kind !== 'method') {
          const outcome = result(query);
          if (outcome.success) return outcome;
          last = outcome;
          if (!outcome.allowedMethods.includes('publickey')) break;
          continue;
        }
        const signed: PublicKeyFields = hostKey ? { ...fields, method: HOSTBOUND_METHOD, hostKey } : fields;
        const signature = await signer.sign(publicKeySignedData(sessionId, signed), algorithm.sign);
        checkSignatureAlgorithm(signature, algorithm.plain);
        this.proven = true;
        const outcome = result(await this.exchange(encodePublicKeyRequest(signed, signature)));
        if (outcome.success) return outcome;
        last = outcome;
        if (outcome.partialSuccess || !outcome.allowedMethods.includes('publickey')) break;
      }
      return last ?? { success: false, allowedMethods: [], partialSuccess: false };
    });
  }

  /** RFC 4256: keyboard-interactive, any number of INFO_REQUEST rounds answered by `handler`. */
  keyboardInteractive(
    user: string,
    handler: KeyboardInteractiveHandler,
    options: KeyboardInteractiveOptions = {},
  ): Promise<AuthResult> {
    return this.run(async () => {
      const request = encodeKeyboardInteractiveRequest(user, this.service, options.submethods ?? '');
      let reply = await this.exchange<InfoRequest>(request, decodeInfoRequest);
      while (reply.kind === 'method') {
        const { name, instructions, language, prompts } = reply.message;
        const answers = await handler({ name, instructions, language, prompts });
        // RFC 4256 §3.4: num-responses MUST equal num-prompts (OpenSSH's server disconnects).
        const responses = prompts.length === 0 ? [] : answers;
        if (
          !Array.isArray(responses) ||
          responses.length !== prompts.length ||
          responses.some((r) => typeof r !== 'string')
        ) {
          throw new SSHError(
            'ERR_KBDINT_RESPONSES',
            `the keyboard-interactive handler must return ${prompts.length} strings, one per prompt`,
          );
        }
        if (responses.length > 0) this.proven = true;
        reply = await this.exchange<InfoRequest>(encodeInfoResponse(responses), decodeInfoRequest);
      }
      return result(reply);
    });
  }

  /**
   * Handles one server message (≥ 50); installed as the connection's onMessage by the constructor.
   * Throws ProtocolError for a message this state does not allow.
   */
  handleMessage(payload: Uint8Array): boolean {
    try {
      return this.dispatch(payload);
    } catch (error) {
      this.fail(error);
      throw error;
    }
  }

  private dispatch(payload: Uint8Array): boolean {
    const type = payload[0] ?? 0;
    if (this.isAuthenticated) {
      if (type >= 80) return this.onConnectionMessage(payload);
      if (isUserauthMessage(type)) throw illegal(`${messageName(type)} after USERAUTH_SUCCESS`);
      return false;
    }
    switch (type) {
      case MessageType.USERAUTH_BANNER:
        this.onBannerMessage(payload);
        return true;
      case MessageType.USERAUTH_FAILURE: {
        const failure = decodeFailure(payload);
        this.takeWaiter('USERAUTH_FAILURE').resolve({ kind: 'failure', failure });
        return true;
      }
      case MessageType.USERAUTH_SUCCESS: {
        const waiter = this.takeWaiter('USERAUTH_SUCCESS');
        this.isAuthenticated = true;
        this.connection.setAuthenticated();
        waiter.resolve({ kind: 'success' });
        return true;
      }
      case 60: {
        const parse = this.waiter?.parse60;
        if (!parse)
          throw illegal('message 60 (PK_OK/PASSWD_CHANGEREQ/INFO_REQUEST) with no method expecting it');
        const message = parse(payload);
        this.takeWaiter('message 60').resolve({ kind: 'method', message });
        return true;
      }
      case MessageType.USERAUTH_REQUEST:
      case MessageType.USERAUTH_INFO_RESPONSE:
        throw illegal(`${messageName(type)} is a client message`);
    }
    // RFC 4252 §6: 80 and up belong to the connection service, which has not started.
    if (type >= 80) throw illegal(`${messageName(type)} before USERAUTH_SUCCESS`);
    return false; // unassigned numbers in 54–79: UNIMPLEMENTED
  }

  private onBannerMessage(payload: Uint8Array): void {
    const { message, language } = decodeBanner(payload);
    if (this.banners.length >= MAX_BANNERS || this.bannerBytes + payload.length > MAX_BANNER_TOTAL_BYTES)
      return;
    this.bannerBytes += payload.length;
    this.banners.push({ message, language });
    this.onBanner?.(message, language);
  }

  private takeWaiter(what: string): Waiter {
    const waiter = this.waiter;
    if (!waiter) throw illegal(`${what} with no authentication request outstanding`);
    this.waiter = undefined;
    return waiter;
  }

  private fail(error: unknown): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.reject(error);
  }

  private hostboundKey(): Uint8Array | undefined {
    const value = this.connection.extensions.get(HOSTBOUND_EXTENSION);
    if (value === undefined || value.length !== 1 || value[0] !== 0x30 /* "0" */) return undefined;
    return this.connection.hostKey?.blob;
  }

  /** Sends one request; resolves with the server's answer to it. */
  private exchange<T = never>(payload: Uint8Array, parse60?: (payload: Uint8Array) => T): Promise<Reply<T>> {
    if (this.closedError) return Promise.reject(this.closedError);
    return new Promise<Reply<T>>((resolve, reject) => {
      this.waiter = { parse60, resolve: resolve as (reply: Reply<unknown>) => void, reject };
      try {
        this.connection.send(payload);
      } catch (error) {
        this.waiter = undefined;
        reject(this.closedError ?? error);
      }
    });
  }

  /** One method at a time, after the ssh-userauth service is accepted (RFC 4253 §10). */
  private async run(body: () => Promise<AuthResult>): Promise<AuthResult> {
    if (this.closedError) throw this.closedError;
    if (this.isAuthenticated) throw new SSHError('ERR_ALREADY_AUTHENTICATED', 'already authenticated');
    if (this.busy) throw new SSHError('ERR_AUTH_IN_PROGRESS', 'another authentication method is in progress');
    this.busy = true;
    try {
      this.serviceAccepted ??= this.connection.requestService('ssh-userauth');
      await this.serviceAccepted;
      const outcome = await body();
      if (!outcome.success) this.lastAllowedMethods = outcome.allowedMethods;
      return outcome;
    } finally {
      this.busy = false;
      this.waiter = undefined;
    }
  }
}

function illegal(message: string): ProtocolError {
  return new ProtocolError(`user authentication: ${message}`);
}

/** RFC 4250 §4.1.2 numbers of the authentication protocol that a server may never send after success. */
function isUserauthMessage(type: number): boolean {
  return (
    (type >= MessageType.USERAUTH_REQUEST && type <= MessageType.USERAUTH_BANNER) ||
    type === 60 ||
    type === 61
  );
}

/** PK_OK must echo the algorithm and key of the query (RFC 4252 §7). */
function checkPkOk(payload: Uint8Array, fields: PublicKeyFields): void {
  const { algorithm, blob } = decodePkOk(payload);
  if (algorithm !== fields.algorithm || !equalBytes(blob, fields.blob)) {
    throw new ProtocolError(`user authentication: USERAUTH_PK_OK for ${algorithm}, not the key queried`);
  }
}

/** A signer (an agent in particular) must sign with the algorithm asked for (OpenSSH sshconnect2.c does the same check). */
function checkSignatureAlgorithm(signature: Uint8Array, plain: string): void {
  let named: string;
  try {
    named = parseSignatureBlob(signature).algorithm;
  } catch (cause) {
    throw new SSHError('ERR_AUTH_SIGNATURE', 'the signer returned a malformed signature blob', { cause });
  }
  if (named !== plain) {
    throw new SSHError('ERR_AUTH_SIGNATURE', `the signer returned a ${named} signature, not ${plain}`);
  }
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
