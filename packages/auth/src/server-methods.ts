// What each method does with one request on the server: `none` (RFC 4252 §5.2), `password`
// (§8, with PASSWD_CHANGEREQ), `publickey` and publickey-hostbound-v00@openssh.com (§7, PROTOCOL
// §3.1) and `keyboard-interactive` (RFC 4256). A field that cannot be decoded throws (a protocol
// error); anything the server refuses is a failure outcome with the reason, for the log. A
// handler that throws fails its attempt: it never authenticates and never ends the connection.
import type { PublicKey } from '@sshts/keys';
import { ProtocolError } from '@sshts/wire';
import { HOSTBOUND_METHOD } from './client-auth.js';
import type {
  AcceptedKey,
  PasswordVerdict,
  ServerAuthConnection,
  ServerAuthContext,
  ServerAuthOptions,
} from './server-auth-types.js';
import { KeyboardInteractiveExchange } from './server-keyboard-interactive.js';
import {
  DEFAULT_SERVER_PUBLIC_KEY_ALGORITHMS,
  offeredKey,
  underlyingKeyBlob,
  verifyRequestSignature,
} from './server-publickey.js';
import { checkTrustedCertificate } from './server-trusted-ca.js';
import {
  decodeKeyboardInteractiveFields,
  decodeNoneFields,
  decodePasswordFields,
  decodePublicKeyFields,
  encodePasswordChangeRequest,
  encodePkOk,
  type UserauthRequest,
} from './server-userauth-messages.js';

export type MethodOutcome =
  | { kind: 'success'; key?: AcceptedKey }
  | { kind: 'failure'; reason: string; key?: PublicKey }
  /** PK_OK or PASSWD_CHANGEREQ answered the request: no SUCCESS/FAILURE follows (RFC 4252 §7, §8). */
  | { kind: 'sent'; what: 'pk-ok' | 'change-request'; key?: PublicKey }
  /** The client sent a new request instead of an INFO_RESPONSE (RFC 4256 §3.4). */
  | { kind: 'abandoned' };

/** The part of ServerAuth the methods use. */
export interface MethodHost {
  readonly options: ServerAuthOptions;
  readonly connection: ServerAuthConnection;
  readonly context: ServerAuthContext;
  /** Keys that already completed a step (AuthenticationMethods "publickey,publickey" needs two). */
  readonly usedKeys: readonly AcceptedKey[];
  /** The exchange whose INFO_RESPONSEs ServerAuth routes, until endKeyboardInteractive. */
  startKeyboardInteractive(exchange: KeyboardInteractiveExchange): void;
  endKeyboardInteractive(): void;
}

const failure = (reason: string, key?: PublicKey): MethodOutcome =>
  key === undefined ? { kind: 'failure', reason } : { kind: 'failure', reason, key };

/** Runs a handler; a throw becomes `{ error }`. */
async function call<T>(fn: () => T | Promise<T>): Promise<{ ok: T } | { error: string }> {
  try {
    return { ok: await fn() };
  } catch (e) {
    return { error: `handler failed: ${e instanceof Error ? e.message : String(e)}` };
  }
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export function runMethod(
  host: MethodHost,
  method: string,
  request: UserauthRequest,
): Promise<MethodOutcome> {
  switch (method) {
    case 'none':
      return none(host, request);
    case 'password':
      return password(host, request);
    case 'publickey':
      return publicKey(host, request);
    case 'keyboard-interactive':
      return keyboardInteractive(host, request);
  }
  return Promise.resolve(failure(`unknown method ${method}`));
}

async function none(host: MethodHost, request: UserauthRequest): Promise<MethodOutcome> {
  decodeNoneFields(request.reader);
  const allow = host.options.none;
  const verdict =
    typeof allow === 'function'
      ? await call(() => allow(request.user, host.context))
      : { ok: allow === true };
  return 'ok' in verdict && verdict.ok === true ? { kind: 'success' } : failure('none is not enough');
}

async function password(host: MethodHost, request: UserauthRequest): Promise<MethodOutcome> {
  const { user } = request;
  const fields = decodePasswordFields(request.reader);
  const { password: check, changePassword: change } = host.options;
  let verdict: { ok: PasswordVerdict } | { error: string };
  if (fields.newPassword === undefined) {
    if (!check) return failure('password authentication is not enabled');
    verdict = await call(() => check(user, fields.password, host.context));
  } else {
    if (!change) return failure('password change is not supported');
    const newPassword = fields.newPassword;
    verdict = await call(() => change(user, fields.password, newPassword, host.context));
  }
  if ('error' in verdict) return failure(verdict.error);
  const answer = verdict.ok;
  if (answer === true) return { kind: 'success' };
  if (typeof answer === 'object' && answer !== null && typeof answer.changePrompt === 'string') {
    host.connection.send(encodePasswordChangeRequest(answer.changePrompt, answer.language ?? ''));
    return { kind: 'sent', what: 'change-request' };
  }
  return failure(fields.newPassword === undefined ? 'wrong password' : 'password not changed');
}

/** Whether `key` may log in as `user`: a trusted CA's certificate, else the publicKey handler. */
async function decideKey(
  host: MethodHost,
  user: string,
  key: PublicKey,
): Promise<{ accepted: AcceptedKey } | { reason: string }> {
  const reasons: string[] = [];
  const { trustedUserCAKeys: cas, authorizedPrincipals, publicKey: handler } = host.options;
  if (key.certificate !== undefined && cas !== undefined && cas.length > 0) {
    const principals = authorizedPrincipals
      ? await call(() => authorizedPrincipals(user))
      : { ok: undefined };
    if ('error' in principals) return { reason: principals.error };
    const checked = checkTrustedCertificate(key.certificate, user, {
      cas,
      principals: principals.ok,
      now: Math.floor((host.options.now ?? Date.now)() / 1000),
      address: host.context.address,
      caSignatureAlgorithms: host.options.caSignatureAlgorithms,
    });
    if (checked !== undefined && 'accepted' in checked) {
      const { options, certificate } = checked.accepted;
      return { accepted: { key, options, certificate } };
    }
    if (checked !== undefined) reasons.push(checked.reason);
  }
  if (handler) {
    const verdict = await call(() => handler(user, key, host.context));
    if ('error' in verdict) return { reason: verdict.error };
    const answer = verdict.ok;
    if (answer === true) return { accepted: { key, options: undefined, certificate: undefined } };
    if (typeof answer === 'object' && answer !== null) {
      return { accepted: { key, options: answer.options, certificate: answer.certificate } };
    }
  }
  return { reason: reasons.length > 0 ? reasons.join('; ') : 'key not authorized' };
}

async function publicKey(host: MethodHost, request: UserauthRequest): Promise<MethodOutcome> {
  const { user, service, method } = request;
  const hostbound = method === HOSTBOUND_METHOD;
  const fields = decodePublicKeyFields(request.reader, hostbound);
  if (hostbound) {
    // auth2-pubkey.c: "packet contained wrong host key" is fatal.
    const expected = host.connection.hostKey;
    if (!expected || !fields.hostKey || !bytesEqual(fields.hostKey, expected.blob)) {
      throw new ProtocolError(`user authentication: ${HOSTBOUND_METHOD} names another host key`);
    }
  }
  const accepted = host.options.publicKeyAlgorithms ?? DEFAULT_SERVER_PUBLIC_KEY_ALGORITHMS;
  const offered = offeredKey(fields.algorithm, fields.blob, accepted);
  if ('reason' in offered) return failure(offered.reason);
  const { key } = offered;
  const blob = underlyingKeyBlob(key);
  if (host.usedKeys.some((k) => bytesEqual(underlyingKeyBlob(k.key), blob))) {
    return failure('key already used in an earlier step', key);
  }
  // Decided for the key of this very request, query or signed (Go CVE-2024-45337).
  const decision = await decideKey(host, user, key);
  if ('reason' in decision) return failure(decision.reason, key);
  if (!fields.hasSignature) {
    host.connection.send(encodePkOk(fields.algorithm, fields.blob));
    return { kind: 'sent', what: 'pk-ok', key };
  }
  const sessionId = host.connection.sessionId;
  if (sessionId === undefined || fields.signature === undefined) return failure('no session identifier', key);
  const signed = {
    user,
    service,
    method,
    algorithm: fields.algorithm,
    blob: fields.blob,
    hostKey: fields.hostKey,
  };
  if (!verifyRequestSignature(key, sessionId, signed, fields.signature)) {
    return failure('signature does not verify', key);
  }
  return { kind: 'success', key: decision.accepted };
}

async function keyboardInteractive(host: MethodHost, request: UserauthRequest): Promise<MethodOutcome> {
  const { submethods } = decodeKeyboardInteractiveFields(request.reader);
  const handler = host.options.keyboardInteractive;
  if (!handler) return failure('keyboard-interactive is not enabled');
  const exchange = new KeyboardInteractiveExchange((payload) => host.connection.send(payload));
  host.startKeyboardInteractive(exchange);
  try {
    const decided = call(() => handler(request.user, exchange.ask, { ...host.context, submethods }));
    const result = await Promise.race([decided, exchange.abandoned.then(() => 'abandoned' as const)]);
    if (result === 'abandoned') return { kind: 'abandoned' };
    if ('error' in result) return failure(result.error);
    return result.ok === true ? { kind: 'success' } : failure('keyboard-interactive refused');
  } finally {
    host.endKeyboardInteractive();
  }
}
