// authorized_keys-style options for keys that carry none of their own, and the combination of
// the options of several keys (OpenSSH auth-options.c sshauthopt_merge, applied by auth.c
// auth_activate_options when AuthenticationMethods takes two publickey steps): a permission holds
// only if every key grants it, a requirement if any key imposes it, the earliest expiry wins, and
// two forced commands must be identical.
import type { AuthorizedKeyOptions, Certificate } from '@sshts/keys';

/** sshauthopt_new_with_keys_defaults: a key with no options (everything permitted). */
export const UNRESTRICTED_KEY_OPTIONS: AuthorizedKeyOptions = Object.freeze({
  certAuthority: false,
  restrict: false,
  agentForwarding: true,
  portForwarding: true,
  x11Forwarding: true,
  pty: true,
  userRc: true,
  touchRequired: true,
  verifyRequired: false,
  command: undefined,
  environment: Object.freeze([]) as readonly string[],
  expiryTime: undefined,
  from: undefined,
  permitOpen: Object.freeze([]),
  permitListen: Object.freeze([]),
  principals: undefined,
  tunnel: undefined,
});

/**
 * The options a user certificate grants on its own (sshd TrustedUserCAKeys; auth-options.c
 * sshauthopt_from_cert): its permit-* extensions, force-command and verify-required. Its
 * source-address is checked when the certificate is (Certificate.check), not carried here.
 */
export function certificateKeyOptions(cert: Certificate): AuthorizedKeyOptions {
  const ext = (name: string): boolean => cert.extensions.has(name);
  return Object.freeze({
    ...UNRESTRICTED_KEY_OPTIONS,
    agentForwarding: ext('permit-agent-forwarding'),
    portForwarding: ext('permit-port-forwarding'),
    x11Forwarding: ext('permit-X11-forwarding'),
    pty: ext('permit-pty'),
    userRc: ext('permit-user-rc'),
    touchRequired: !ext('no-touch-required'),
    verifyRequired: cert.criticalOptions.has('verify-required'),
    command: cert.forceCommand,
  });
}

function earliest(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}

/**
 * sshauthopt_merge(primary, additional): the options in force once both keys are accepted, or
 * `{ conflict }` when they cannot both hold (sshd then refuses the second key).
 */
export function mergeKeyOptions(
  primary: AuthorizedKeyOptions,
  additional: AuthorizedKeyOptions,
): { options: AuthorizedKeyOptions } | { conflict: string } {
  if (
    primary.command !== undefined &&
    additional.command !== undefined &&
    primary.command !== additional.command
  ) {
    return { conflict: 'forced command options do not match' };
  }
  const first = <T>(a: readonly T[], b: readonly T[]): readonly T[] => (a.length > 0 ? a : b);
  return {
    options: Object.freeze({
      certAuthority: false,
      restrict: primary.restrict || additional.restrict,
      agentForwarding: primary.agentForwarding && additional.agentForwarding,
      portForwarding: primary.portForwarding && additional.portForwarding,
      x11Forwarding: primary.x11Forwarding && additional.x11Forwarding,
      pty: primary.pty && additional.pty,
      userRc: primary.userRc && additional.userRc,
      touchRequired: primary.touchRequired || additional.touchRequired,
      verifyRequired: primary.verifyRequired || additional.verifyRequired,
      command: primary.command ?? additional.command,
      environment: first(primary.environment, additional.environment),
      expiryTime: earliest(primary.expiryTime, additional.expiryTime),
      from: primary.from ?? additional.from,
      permitOpen: first(primary.permitOpen, additional.permitOpen),
      permitListen: first(primary.permitListen, additional.permitListen),
      principals: undefined,
      tunnel: primary.tunnel ?? additional.tunnel,
    }),
  };
}
