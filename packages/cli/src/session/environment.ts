// The environment a session asks the server to set (sshd applies what its AcceptEnv allows): the
// SetEnv pairs, then the local variables whose names match a SendEnv pattern, as ssh(1) sends them.
import { matchPattern } from '@sshts/keys';
import type { HostConfig } from 'sshts';

export function sessionEnvironment(
  host: Pick<HostConfig, 'sendEnv' | 'setEnv'>,
  env: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  const out: Record<string, string> = {};
  const patterns = host.sendEnv.filter((p) => !p.startsWith('-'));
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && patterns.some((p) => matchPattern(name, p))) out[name] = value;
  }
  return { ...out, ...host.setEnv };
}
