// sshts in a web page: SSH from the browser through the WebSocket-to-TCP proxy (`sshts proxy`, or
// createProxy from @sshts/websocket/node). The page speaks SSH itself, with the noble crypto
// provider; the proxy relays ciphertext only. Keys and passwords stay in the page.
import '@xterm/xterm/css/xterm.css';
import './style.css';
import { connectWebSocket, proxyUrl } from '@sshts/websocket';
import {
  AuthenticationError,
  BadHostKeyError,
  type ConnectOptions,
  PassphraseRequiredError,
  SSHClient,
  WrongPassphraseError,
} from 'sshts';
import { loadKnownHosts, PromptPolicy } from './host-keys.js';
import { SftpPane } from './sftp-pane.js';
import { attachShell, createTerminal, terminalText } from './terminal.js';

const $ = <T extends HTMLElement>(selector: string) => document.querySelector<T>(selector)!;
const value = (selector: string) => $<HTMLInputElement>(selector).value.trim();

type State = 'idle' | 'connecting' | 'host-key' | 'authenticating' | 'connected' | 'closed' | 'error';

function setStatus(state: State, text: string): void {
  const status = $('#status');
  status.dataset.state = state;
  status.textContent = text;
}

function describe(error: unknown): string {
  if (error instanceof BadHostKeyError)
    return `The host key CHANGED: got ${error.got}, expected ${error.expected}. Refusing to connect.`;
  if (error instanceof AuthenticationError)
    return `Login failed (the server allows: ${error.allowedMethods.join(', ') || 'nothing more'}).`;
  if (error instanceof PassphraseRequiredError) return 'This key is encrypted: enter its passphrase.';
  if (error instanceof WrongPassphraseError) return 'Wrong passphrase for this key.';
  return error instanceof Error ? error.message : String(error);
}

const terminal = createTerminal($('#terminal'));
terminal.write('\x1b[2mNot connected. Fill in the form and press Connect.\x1b[0m\r\n');
const sftpPane = new SftpPane((error) => setStatus('error', describe(error)));
let client: SSHClient | undefined;
let detachShell: (() => void) | undefined;

// The proxy URL: ?proxy= in the page's address, else the `sshts proxy` default on this host.
const params = new URLSearchParams(location.search);
$<HTMLInputElement>('#proxy-url').value =
  params.get('proxy') ??
  `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.hostname || 'localhost'}:8022/`;

for (const radio of document.querySelectorAll<HTMLInputElement>('input[name=auth]')) {
  radio.addEventListener('change', () => {
    if (!radio.checked) return;
    const key = radio.value === 'key';
    $('#password-fields').hidden = key;
    $('#key-fields').hidden = !key;
  });
}

async function loginOptions(): Promise<Partial<ConnectOptions>> {
  const method = document.querySelector<HTMLInputElement>('input[name=auth]:checked')?.value;
  if (method === 'key') {
    const file = $<HTMLInputElement>('#key-file').files?.[0];
    if (!file) throw new Error('Pick a private key file.');
    const passphrase = $<HTMLInputElement>('#passphrase').value;
    // Read here, in the page: the key goes nowhere but into the SSH client's signer.
    return { privateKey: new Uint8Array(await file.arrayBuffer()), ...(passphrase ? { passphrase } : {}) };
  }
  return { password: $<HTMLInputElement>('#password').value };
}

async function connect(): Promise<void> {
  const host = value('#host');
  const port = Number(value('#port'));
  const username = value('#username');
  const login = await loginOptions();
  setStatus('connecting', `Connecting to ${host}:${port} through the proxy…`);
  const stream = await connectWebSocket(proxyUrl(value('#proxy-url'), host, port), {
    ...(value('#proxy-token') ? { token: value('#proxy-token') } : {}),
  });
  const knownHosts = loadKnownHosts();
  const policy = new PromptPolicy(knownHosts, {
    onAsk: () => setStatus('host-key', 'Check the host key and accept or reject it.'),
    onAnswer: (accepted) =>
      setStatus(
        accepted ? 'authenticating' : 'error',
        accepted ? 'Host key accepted; logging in…' : 'Host key rejected.',
      ),
  });
  const ssh = new SSHClient({ knownHosts, policy });
  client = ssh;
  await ssh.connect({ host, port, username, stream, crypto: 'noble', ...login });
  const negotiated = ssh.transport.negotiated;
  setStatus(
    'connected',
    `Connected to ${username}@${host}:${port} (${negotiated.kex}, ${negotiated.cipher[0]}, host key ${ssh.transport.getRemoteServerKey().fingerprint()}).`,
  );
  $<HTMLButtonElement>('#disconnect').disabled = false;
  terminal.reset();
  const shell = await attachShell(ssh, terminal);
  detachShell = shell.detach;
  void ssh.transport.closed.then(({ reason }) => {
    if (client !== ssh) return;
    onClosed(`Disconnected: ${reason}`);
  });
  await sftpPane.attach(await ssh.openSftp());
}

function onClosed(text: string): void {
  detachShell?.();
  detachShell = undefined;
  client = undefined;
  sftpPane.detach();
  $<HTMLButtonElement>('#connect').disabled = false;
  $<HTMLButtonElement>('#disconnect').disabled = true;
  setStatus('closed', text);
}

$('#connect-form').addEventListener('submit', (event) => {
  event.preventDefault();
  if (client) return;
  $<HTMLButtonElement>('#connect').disabled = true;
  connect().catch((error) => {
    const failed = client;
    client = undefined;
    void failed?.close().catch(() => {});
    detachShell?.();
    sftpPane.detach();
    $<HTMLButtonElement>('#connect').disabled = false;
    $<HTMLButtonElement>('#disconnect').disabled = true;
    setStatus('error', describe(error));
  });
});

$('#disconnect').addEventListener('click', () => {
  const ssh = client;
  onClosed('Disconnected.');
  void ssh?.close();
});

// For the example's own tests: read-only views of what the page shows.
(globalThis as { webTerminal?: unknown }).webTerminal = {
  terminalText: () => terminalText(terminal),
};
