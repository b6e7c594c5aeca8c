// Host keys in the browser: known_hosts text kept in localStorage, and a MissingHostKeyPolicy that
// asks the user (a <dialog> with the key's SHA256 fingerprint) instead of trusting on first use
// silently. A key that differs from a remembered one never reaches the policy: SSHClient throws
// BadHostKeyError before (API.md, Host keys).
import {
  HostKeyError,
  type HostKeyStore,
  KnownHosts,
  type MissingHostKeyPolicy,
  type PublicKey,
} from 'sshts';

const STORAGE_KEY = 'sshts-web-terminal.known_hosts';

export function loadKnownHosts(): KnownHosts {
  try {
    return KnownHosts.parse(localStorage.getItem(STORAGE_KEY) ?? '');
  } catch {
    return KnownHosts.parse('');
  }
}

export function saveKnownHosts(knownHosts: KnownHosts): void {
  localStorage.setItem(STORAGE_KEY, knownHosts.toString());
}

/** Shows the dialog and resolves with the user's choice. */
function ask(hostname: string, key: PublicKey): Promise<{ accept: boolean; remember: boolean }> {
  const dialog = document.querySelector<HTMLDialogElement>('#host-key-dialog')!;
  document.querySelector('#host-key-host')!.textContent = hostname;
  document.querySelector('#host-key-type')!.textContent = `${key.type} (${key.bits} bits)`;
  document.querySelector('#host-key-fingerprint')!.textContent = key.fingerprint();
  const remember = document.querySelector<HTMLInputElement>('#host-key-remember')!;
  return new Promise((resolve) => {
    dialog.returnValue = '';
    dialog.addEventListener(
      'close',
      () => resolve({ accept: dialog.returnValue === 'accept', remember: remember.checked }),
      { once: true },
    );
    dialog.showModal();
  });
}

/**
 * Asks the user about every unknown host key. An accepted key is added to `knownHosts` (the
 * SSHClient's) and, when the user says so, saved in localStorage.
 */
export class PromptPolicy implements MissingHostKeyPolicy {
  constructor(
    private readonly knownHosts: KnownHosts,
    private readonly events: { onAsk?(): void; onAnswer?(accepted: boolean): void } = {},
  ) {}

  async missingHostKey(_client: HostKeyStore, hostname: string, key: PublicKey): Promise<void> {
    this.events.onAsk?.();
    const { accept, remember } = await ask(hostname, key);
    this.events.onAnswer?.(accept);
    if (!accept) {
      throw new HostKeyError(hostname, `host key ${key.fingerprint()} for ${hostname} rejected by the user`, {
        code: 'ERR_HOST_KEY_REJECTED',
      });
    }
    this.knownHosts.add(hostname, key);
    if (remember) saveKnownHosts(this.knownHosts);
  }
}
