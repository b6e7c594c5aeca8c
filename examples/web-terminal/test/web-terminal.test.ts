// Issue 8, end to end in a real browser: the example app built by Vite (sshts resolved through its
// package exports with the browser conditions), served with the WebSocket proxy from one Node http
// server on 127.0.0.1, driven in Debian's headless Chromium by playwright-core, against a real
// OpenSSH sshd. The page shows the host key's SHA256 fingerprint (checked against ssh-keygen's)
// and the user accepts or rejects it; logs in with a key file picked in the page, or a password;
// runs a command in the xterm.js terminal; uploads and downloads a file by SFTP, each checked by
// SHA-256 on disk; a wrong proxy token is refused. Under CI=true a missing Chromium or sshd fails
// instead of skipping.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Peer, peerAvailability, startPeer, toolAvailability } from '@sshts/test-peers';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AppServer,
  acceptAndWait,
  buildApp,
  downloadInPage,
  EXAMPLE_DIR,
  type LoginForm,
  launchChromium,
  serveApp,
  sha256,
  sha256File,
  shownFingerprint,
  startLogin,
  typeCommand,
  uploadInPage,
  waitForTerminalLine,
} from './harness.js';

const openssh = await peerAvailability('openssh');
const browser = await toolAvailability('chromium');
const available = openssh.available && browser.available;
const TOKEN = 'web-terminal-test-token';
const PASSWORD = 'correct horse battery staple';
const PASSPHRASE = 'key passphrase';
// sshd checks passwords against /etc/shadow: test-peers patches a copy in a private mount
// namespace, which needs root (packages/test-peers/src/namespace.ts).
const canPassword = process.getuid?.() === 0;
const RESULTS = join(EXAMPLE_DIR, 'test-results');

describe.skipIf(!available)('web terminal in headless Chromium → proxy → OpenSSH sshd', () => {
  let keyFile: string;
  let peer: Peer;
  let built: Awaited<ReturnType<typeof buildApp>>;
  let app: AppServer;
  let chromium: Browser;
  let work: string;
  const contexts: BrowserContext[] = [];

  const form = (extra: Partial<LoginForm>): LoginForm => ({
    proxyUrl: app.proxyUrl,
    token: TOKEN,
    host: '127.0.0.1',
    port: peer.port!,
    user: peer.user,
    ...extra,
  });
  const newPage = async (): Promise<Page> => {
    const context = await chromium.newContext({
      acceptDownloads: true,
      viewport: { width: 1400, height: 1000 },
    });
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
    await page.goto(app.url);
    return page;
  };

  beforeAll(async () => {
    if (!browser.available) return;
    work = join(tmpdir(), `sshts-web-terminal-${process.pid}`);
    await mkdir(work, { recursive: true });
    await mkdir(RESULTS, { recursive: true });
    // An encrypted OpenSSH key file, as users keep them: the page reads and decrypts it itself.
    keyFile = join(work, 'id_ed25519');
    execFileSync('ssh-keygen', [
      '-q',
      '-t',
      'ed25519',
      '-N',
      PASSPHRASE,
      '-C',
      'web-terminal',
      '-f',
      keyFile,
    ]);
    const [p, b, c] = await Promise.all([
      startPeer('openssh', {
        authorizedKeys: [await readFile(`${keyFile}.pub`, 'utf8')],
        hostKeyTypes: ['ed25519'],
        listen: true,
        ...(canPassword ? { password: PASSWORD } : {}),
      }),
      buildApp(),
      launchChromium(browser.path),
    ]);
    peer = p;
    built = b;
    chromium = c;
    app = await serveApp(built.dir, { targets: [`127.0.0.1:${peer.port}`], token: TOKEN });
  }, 90_000);

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await chromium?.close();
    await app?.close();
    await built?.remove();
    await peer?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it("Vite bundles sshts's browser entries (package exports, browser conditions), nothing for Node", async () => {
    const ours = built.modules
      .filter((id) => id.includes('/packages/'))
      .map((id) => id.replace(/^.*\/packages\//, ''));
    expect(ours).toContain('ssh/dist/index.js');
    expect(ours).toContain('websocket/dist/index.js');
    expect(ours.filter((id) => /\/(src|dist)\/node\//.test(id))).toEqual([]);
    const nodeOnly = built.modules.filter((id) =>
      /^(node:|\0?__vite-browser-external)|\/node_modules\/(\.pnpm\/)?ws[@/]/.test(id),
    );
    expect(nodeOnly).toEqual([]);
    const html = await readFile(join(built.dir, 'index.html'), 'utf8');
    const script = /src="\/(assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const js = await readFile(join(built.dir, script!), 'utf8');
    expect(js).not.toMatch(/["'`]node:[a-z_]+["'`]/);
  });

  it('key login from a picked file: fingerprint shown and accepted, a command in the terminal, SFTP up and down', async () => {
    const page = await newPage();
    await startLogin(page, form({ keyFile, passphrase: PASSPHRASE }));
    expect(await shownFingerprint(page)).toBe(peer.hostKeys[0]!.fingerprint);
    await page.screenshot({ path: join(RESULTS, 'host-key.png') });
    await acceptAndWait(page);
    expect(await page.locator('#status').textContent()).toContain(peer.hostKeys[0]!.fingerprint);

    await waitForTerminalLine(page, (l) => /[$#]$/.test(l)); // the shell's prompt
    await typeCommand(page, 'echo hello-from-chromium');
    const lines = await waitForTerminalLine(page, (l) => l === 'hello-from-chromium');
    expect(lines.some((l) => l.includes('echo hello-from-chromium'))).toBe(true);
    const screenshot = join(RESULTS, 'terminal.png');
    await page.locator('#terminal').screenshot({ path: screenshot });
    console.log(`terminal screenshot: ${screenshot}`);

    // The SFTP pane lists the sshd's SFTP start folder.
    const home = peer.sftp!;
    expect(await page.inputValue('#sftp-path')).toBe(home.remotePath);

    // Upload: a few MiB of random bytes picked with the file input, found on disk intact.
    const up = randomBytes(3 * 1024 * 1024 + 12_345);
    const upFile = join(work, 'upload.bin');
    await writeFile(upFile, up);
    const uploaded = await uploadInPage(page, upFile);
    expect(uploaded.bytes).toBe(up.length);
    expect(await sha256File(join(home.localPath, 'upload.bin'))).toBe(sha256(up));
    await page.locator('#listing tr[data-name="upload.bin"]').waitFor();

    // Download: a file put on disk by the test, saved by the browser through a Blob URL.
    const down = randomBytes(5 * 1024 * 1024 + 777);
    await writeFile(join(home.localPath, 'download.bin'), down);
    const { path, transfer } = await downloadInPage(page, 'download.bin');
    expect(transfer.bytes).toBe(down.length);
    expect(await sha256File(path)).toBe(sha256(down));
    await page.screenshot({ path: join(RESULTS, 'page.png') });
    console.log(`in the page: ${uploaded.text}; ${transfer.text}`);
  });

  it('a rejected host key stops the connection before any login', async () => {
    const page = await newPage();
    await startLogin(page, form({ password: 'never sent' }));
    await page.click('#host-key-reject');
    await page.locator('#status[data-state=error]').waitFor();
    expect(await page.locator('#status').textContent()).toMatch(/rejected by the user/);
    expect(await page.isDisabled('#upload')).toBe(true);
    expect(await page.isEnabled('#connect')).toBe(true);
  });

  it('a wrong proxy token is refused by the proxy, and the page says so', async () => {
    const page = await newPage();
    await page.fill('#proxy-url', app.proxyUrl);
    await page.fill('#proxy-token', 'not the token');
    await page.fill('#port', String(peer.port));
    await page.fill('#username', peer.user);
    await page.click('#connect');
    await page.locator('#status[data-state=error]').waitFor({ timeout: 20_000 });
    expect(await page.locator('#status').textContent()).toMatch(/4401/);
    expect(await page.locator('#host-key-dialog[open]').count()).toBe(0);
  });

  it.skipIf(!canPassword)('password login, the host key remembered from an earlier accept', async () => {
    const page = await newPage();
    await startLogin(page, form({ password: PASSWORD }));
    expect(await shownFingerprint(page)).toBe(peer.hostKeys[0]!.fingerprint);
    await acceptAndWait(page);
    await waitForTerminalLine(page, (l) => /[$#]$/.test(l));
    await typeCommand(page, 'echo pw-$((6 * 7))');
    await waitForTerminalLine(page, (l) => l === 'pw-42');
    await page.click('#disconnect');
    await page.locator('#status[data-state=closed]').waitFor();

    // Same browser profile (localStorage): the key is known now, so no dialog; straight to login.
    await page.fill('#password', PASSWORD);
    await page.click('#connect');
    await page.locator('#status[data-state=connected]').waitFor({ timeout: 30_000 });
    expect(await page.locator('#host-key-dialog[open]').count()).toBe(0);
  });
});

if (!available) {
  describe('web terminal in headless Chromium', () => {
    it.skip(`needs sshd and Chromium: ${[openssh, browser].map((a) => (a.available ? '' : a.reason)).join(' ')}`, () => {});
  });
}
