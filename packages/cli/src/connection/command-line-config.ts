// The command line as ssh_config lines, read before every file (ssh(1) gives -o, -i, -J, -A, -L, -R
// and -D the precedence of the first configuration read: "the first obtained value" wins, and
// IdentityFile and the forwardings accumulate, command line first). One parser then checks and
// applies them exactly as it does the files.
import { UsageError } from '../errors.js';
import type { ConnectionFlags, ForwardKind } from './options.js';

const FORWARD_KEYWORDS: Record<ForwardKind, string> = {
  local: 'LocalForward',
  remote: 'RemoteForward',
  dynamic: 'DynamicForward',
};

/** A value as one ssh_config word: quoted when it holds blanks; refused when it cannot be one. */
function word(value: string, what: string, command: string): string {
  if (/[\r\n\0]/.test(value)) throw new UsageError(`${what} must be one line`, command);
  if (!/[\s"'\\#]/.test(value)) return value;
  if (/["\\]/.test(value)) throw new UsageError(`${what} cannot contain a quote or a backslash`, command);
  return `"${value}"`;
}

/**
 * LocalForward and RemoteForward take the listening side and the target as two words, which the
 * parser joins with ':' (readconf.c); any ':' outside brackets splits the -L/-R form the same way.
 */
function forwardLine(kind: ForwardKind, spec: string, command: string): string {
  if (spec === '' || /[\s"'\\#]/.test(spec))
    throw new UsageError(`Bad forwarding specification '${spec}'`, command);
  if (kind === 'dynamic') return `${FORWARD_KEYWORDS[kind]} ${spec}`;
  let depth = 0;
  for (let i = 0; i < spec.length; i++) {
    const c = spec[i];
    if (c === '[') depth++;
    else if (c === ']') depth--;
    else if (c === ':' && depth === 0) {
      return `${FORWARD_KEYWORDS[kind]} ${spec.slice(0, i)} ${spec.slice(i + 1)}`;
    }
  }
  throw new UsageError(`Bad forwarding specification '${spec}'`, command);
}

/** The ssh_config text standing for the command line's connection flags. */
export function commandLineConfig(flags: ConnectionFlags, command: string): string {
  const lines: string[] = [];
  for (const option of flags.options) {
    if (/[\r\n\0]/.test(option)) throw new UsageError('an -o option must be one line', command);
    lines.push(option);
  }
  for (const file of flags.identities)
    lines.push(`IdentityFile ${word(file, 'an identity file name', command)}`);
  if (flags.jump !== undefined) lines.push(`ProxyJump ${word(flags.jump, 'the -J destination', command)}`);
  if (flags.forwardAgent) lines.push('ForwardAgent yes');
  for (const f of flags.forwards) lines.push(forwardLine(f.kind, f.spec, command));
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}
