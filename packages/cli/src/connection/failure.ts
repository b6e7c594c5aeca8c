// A failed connection as ssh(1) reports it — "Permission denied (publickey).", "Host key
// verification failed.", "connect to host h port p: Connection refused" — with exit code 255.
import { AuthenticationError, BadHostKeyError, HostKeyError, SSHConfigError, TimeoutError } from 'sshts';
import { CliError, ExitCode } from '../errors.js';

export interface FailureContext {
  readonly user: string;
  readonly host: string;
  readonly port: number;
}

const SOCKET_ERRORS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'Connection refused',
  ECONNRESET: 'Connection reset by peer',
  EHOSTUNREACH: 'No route to host',
  ENETUNREACH: 'Network is unreachable',
  ETIMEDOUT: 'Connection timed out',
};

function causeCode(error: unknown): string | undefined {
  let e: unknown = error;
  for (let depth = 0; depth < 4 && e instanceof Error; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^E[A-Z_]+$/.test(code) && !code.startsWith('ERR_')) return code;
    e = e.cause;
  }
  return undefined;
}

/** The CliError to exit with for an error thrown while connecting to `ctx`. */
export function connectionFailure(error: unknown, ctx: FailureContext): CliError {
  if (error instanceof CliError) return error;
  const message = describe(error, ctx);
  return new CliError(message, ExitCode.CONNECTION, { cause: error });
}

function describe(error: unknown, ctx: FailureContext): string {
  if (error instanceof AuthenticationError) {
    const methods = error.allowedMethods.length > 0 ? error.allowedMethods.join(',') : 'none';
    return `${ctx.user}@${ctx.host}: Permission denied (${methods}).`;
  }
  if (error instanceof BadHostKeyError) {
    return [
      '@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@',
      '@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @',
      '@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@',
      'IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!',
      `The fingerprint for the key sent by the remote host is\n${error.got}.`,
      `known_hosts records ${error.expected} for ${error.hostname}.`,
      `Host key for ${error.hostname} has changed and sshts refuses changed keys whatever the policy.`,
      'Host key verification failed.',
    ].join('\n');
  }
  if (error instanceof HostKeyError) return error.message;
  if (error instanceof SSHConfigError) return `sshts: ${error.message}`;
  const code = causeCode(error);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return `sshts: Could not resolve hostname ${ctx.host}: Name or service not known`;
  }
  if (code !== undefined && SOCKET_ERRORS[code] !== undefined) {
    return `sshts: connect to host ${ctx.host} port ${ctx.port}: ${SOCKET_ERRORS[code]}`;
  }
  if (error instanceof TimeoutError)
    return `sshts: connect to host ${ctx.host} port ${ctx.port}: ${error.message}`;
  return `sshts: ${error instanceof Error ? error.message : String(error)}`;
}

/** A failure after login (a refused channel, a lost connection): also ssh's exit code 255. */
export function sessionFailure(error: unknown): CliError {
  if (error instanceof CliError) return error;
  return new CliError(`sshts: ${(error as Error).message}`, ExitCode.CONNECTION, { cause: error });
}
