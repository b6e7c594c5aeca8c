// SSHClient's authentication order (API.md, as paramiko's SSHClient._auth): an explicit private key,
// then the agent's keys, then keys found on disk, then the password, then keyboard-interactive
// (answering a single prompt with the password when no handler is given). A `none` request first
// learns the allowed methods (RFC 4252 §5.2), and each later method is tried only while the server
// still lists it, so partial success (several required methods) is followed naturally.
import type { ClientAuth, KeyboardInteractiveHandler } from '@sshts/auth';
import type { Signer } from '@sshts/keys';
import { AuthenticationError } from '@sshts/wire';

export interface AuthSources {
  user: string;
  /** Explicit keys (ConnectOptions.privateKey), tried first. */
  keys: readonly Signer[];
  /** Agent keys, fetched only if publickey is allowed and the explicit keys did not succeed. */
  agentKeys?: () => Promise<readonly Signer[]>;
  /** Keys found on disk (lookForKeys), fetched lazily. */
  diskKeys?: () => Promise<readonly Signer[]>;
  password?: string;
  keyboardInteractive?: KeyboardInteractiveHandler;
  /** Refuse a SUCCESS that proved no credential (PuTTY -no-trivial-auth, CVE-2021-36367). */
  refuseTrivialAuth?: boolean;
}

type Result = Awaited<ReturnType<ClientAuth['none']>>;

export async function authenticate(auth: ClientAuth, sources: AuthSources): Promise<void> {
  const { user } = sources;
  // PuTTY CVE-2021-36367 / Dropbear CVE-2021-36369: a malicious server can let the user in
  // without any credential, so that a later prompt (a FIDO touch, an agent confirmation) appears
  // to belong to authentication when it is the attacker's session. Optionally refuse it.
  const refuseIfTrivial = (r: Result) => {
    if (r.success && sources.refuseTrivialAuth && !auth.credentialSent) {
      throw new AuthenticationError(
        `the server accepted ${user} without any credential being proven (trivial authentication refused)`,
      );
    }
  };
  const result: Result = await auth.none(user);
  refuseIfTrivial(result);
  if (result.success) return;
  let allowed = result.allowedMethods;
  let partial = result.partialSuccess;
  const tried = new Set<string>();
  const update = (r: Result): boolean => {
    refuseIfTrivial(r);
    if (r.success) return true;
    allowed = r.allowedMethods;
    partial = partial || r.partialSuccess;
    return false;
  };

  const tryKeys = async (signers: readonly Signer[]): Promise<boolean> => {
    for (const signer of signers) {
      if (!allowed.includes('publickey')) return false;
      const id = signer.publicKey.toString();
      if (tried.has(id)) continue;
      tried.add(id);
      if (update(await auth.publicKey(user, signer))) return true;
    }
    return false;
  };

  if (await tryKeys(sources.keys)) return;
  if (sources.agentKeys && allowed.includes('publickey') && (await tryKeys(await sources.agentKeys())))
    return;
  if (sources.diskKeys && allowed.includes('publickey') && (await tryKeys(await sources.diskKeys()))) return;

  if (sources.password !== undefined && allowed.includes('password')) {
    if (update(await auth.password(user, sources.password))) return;
  }
  if (allowed.includes('keyboard-interactive')) {
    const handler = sources.keyboardInteractive ?? passwordAnswerer(sources.password);
    if (handler !== undefined && update(await auth.keyboardInteractive(user, handler))) return;
  }
  throw new AuthenticationError(
    `authentication failed for ${user}; the server allows: ${allowed.join(', ') || '(nothing)'}`,
    allowed,
    partial,
  );
}

/**
 * paramiko's fallback: with a password and no handler, answer keyboard-interactive rounds that ask
 * exactly one question with the password, and empty rounds with nothing.
 */
function passwordAnswerer(password: string | undefined): KeyboardInteractiveHandler | undefined {
  if (password === undefined) return undefined;
  return ({ prompts }) => {
    if (prompts.length === 0) return [];
    if (prompts.length === 1) return [password];
    throw new AuthenticationError(
      'keyboard-interactive asked more than one question and no handler was given',
    );
  };
}
