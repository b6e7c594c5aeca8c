// Whether a session gets a pty, as ssh(1) decides: -t asks for one when stdin is a terminal, -tt
// forces it, -T refuses it; otherwise RequestTTY (yes / force / no / auto) from ssh_config, where
// auto means a pty for a shell on a terminal and none for a command.
import type { HostConfig } from 'sshts';

export interface PtyChoiceInput {
  /** How many -t were given. */
  readonly forceCount: number;
  /** -T. */
  readonly refuse: boolean;
  readonly requestTTY: HostConfig['requestTTY'];
  /** true for a shell (no command). */
  readonly shell: boolean;
  readonly stdinIsTerminal: boolean;
}

export interface PtyChoice {
  readonly pty: boolean;
  /** ssh's notice when a pty was asked for but stdin is not a terminal. */
  readonly warning?: string;
}

export function choosePty(input: PtyChoiceInput): PtyChoice {
  if (input.refuse) return { pty: false };
  const wanted =
    input.forceCount >= 2 || (input.forceCount === 0 && input.requestTTY === 'force')
      ? 'force'
      : input.forceCount === 1 || input.requestTTY === 'yes'
        ? 'yes'
        : input.requestTTY === 'no'
          ? 'no'
          : input.shell
            ? 'yes'
            : 'no';
  if (wanted === 'force') return { pty: true };
  if (wanted === 'no') return { pty: false };
  if (input.stdinIsTerminal) return { pty: true };
  return { pty: false, warning: 'Pseudo-terminal will not be allocated because stdin is not a terminal.' };
}
