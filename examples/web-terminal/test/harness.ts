// What the example's Chromium tests and its throughput benchmark share: the app built with Vite's
// build API, one Node http server on 127.0.0.1 serving it and the WebSocket proxy (so the page is
// same-origin with the proxy and passes its default Origin check), Debian's Chromium driven by
// playwright-core, and the page steps a user takes (fill the form, accept the host key, transfer).
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createProxy, type WebSocketProxy } from '@sshts/websocket/node';
import { type Browser, chromium, type Page } from 'playwright-core';

export const EXAMPLE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const PROXY_PATH = '/ssh';

export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
export const sha256File = async (path: string) => sha256(await readFile(path));

export interface BuiltApp {
  dir: string;
  /** Every module id in the bundle (absolute paths; Vite's virtual ids as they are). */
  modules: string[];
  remove(): Promise<void>;
}

/** Builds the app (vite.config.ts, production mode) into a fresh temp dir. */
export async function buildApp(): Promise<BuiltApp> {
  const { build } = await import('vite');
  const dir = await mkdtemp(join(tmpdir(), 'sshts-web-terminal-'));
  let modules: string[] = [];
  await build({
    root: EXAMPLE_DIR,
    configFile: join(EXAMPLE_DIR, 'vite.config.ts'),
    mode: 'production',
    logLevel: 'warn',
    build: { outDir: dir, emptyOutDir: true },
    // Records what the bundle is made of: Vite stubs a Node built-in for the browser
    // (__vite-browser-external) with only a warning, which the bundle's text would not show.
    plugins: [
      {
        name: 'record-modules',
        buildEnd() {
          modules = [...this.getModuleIds()];
        },
      },
    ],
  });
  return { dir, modules, remove: () => rm(dir, { recursive: true, force: true }) };
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

export interface AppServer {
  /** The page, http://127.0.0.1:PORT/. */
  readonly url: string;
  /** The proxy on the same server, ws://127.0.0.1:PORT/ssh. */
  readonly proxyUrl: string;
  readonly proxy: WebSocketProxy;
  close(): Promise<void>;
}

/** Serves `dir` and the proxy (to `targets`, with `token`) from one http server on 127.0.0.1. */
export async function serveApp(
  dir: string,
  options: { targets: string[]; token: string },
): Promise<AppServer> {
  const root = resolve(dir);
  const server: Server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
    const file = normalize(join(root, path === '/' ? 'index.html' : path));
    if (!file.startsWith(root + sep) || request.method !== 'GET') {
      response.writeHead(404).end();
      return;
    }
    stat(file).then(
      (st) => {
        if (!st.isFile()) return void response.writeHead(404).end();
        response.writeHead(200, {
          'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
          'content-length': st.size,
        });
        createReadStream(file).pipe(response);
      },
      () => response.writeHead(404).end(),
    );
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => ok());
  });
  const proxy = await createProxy({
    server,
    path: PROXY_PATH,
    targets: options.targets,
    token: options.token,
  });
  const address = server.address();
  if (!address || typeof address !== 'object') throw new Error('no address');
  const base = `127.0.0.1:${address.port}`;
  return {
    url: `http://${base}/`,
    proxyUrl: `ws://${base}${PROXY_PATH}`,
    proxy,
    async close() {
      await proxy.close();
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
    },
  };
}

/** Debian's Chromium, headless; --no-sandbox because the tests run as root. */
export function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
    timeout: 30_000,
  });
}

export interface LoginForm {
  proxyUrl: string;
  token: string;
  host: string;
  port: number;
  user: string;
  /** A private key file to pick with the file input; else `password`. */
  keyFile?: string;
  passphrase?: string;
  password?: string;
}

/** Fills the connection form and presses Connect; resolves once the host-key dialog shows. */
export async function startLogin(page: Page, form: LoginForm): Promise<void> {
  await page.fill('#proxy-url', form.proxyUrl);
  await page.fill('#proxy-token', form.token);
  await page.fill('#host', form.host);
  await page.fill('#port', String(form.port));
  await page.fill('#username', form.user);
  if (form.keyFile !== undefined) {
    await page.check('input[name=auth][value=key]');
    await page.setInputFiles('#key-file', form.keyFile);
    if (form.passphrase !== undefined) await page.fill('#passphrase', form.passphrase);
  } else {
    await page.check('input[name=auth][value=password]');
    await page.fill('#password', form.password ?? '');
  }
  await page.click('#connect');
  await page.locator('#host-key-dialog[open]').waitFor({ timeout: 20_000 });
}

/** The fingerprint the dialog shows, e.g. `SHA256:…`. */
export async function shownFingerprint(page: Page): Promise<string> {
  return (await page.locator('#host-key-fingerprint').textContent()) ?? '';
}

/** Accepts the host key and waits for the status line to say connected (shell and SFTP up). */
export async function acceptAndWait(page: Page): Promise<void> {
  await page.click('#host-key-accept');
  await page.locator('#status[data-state=connected]').waitFor({ timeout: 30_000 });
  // The SFTP pane is attached last: its listing is filled once the folder was listed.
  await page.locator('#sftp-path:not([disabled])').waitFor({ timeout: 30_000 });
}

/** The terminal's lines, from the page's xterm buffer. */
export function terminalLines(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    (globalThis as unknown as { webTerminal: { terminalText(): string[] } }).webTerminal.terminalText(),
  );
}

/** Waits until some terminal line, trimmed, satisfies `match`. */
export async function waitForTerminalLine(
  page: Page,
  match: (line: string) => boolean,
  ms = 20_000,
): Promise<string[]> {
  const end = Date.now() + ms;
  for (;;) {
    const lines = await terminalLines(page);
    if (lines.some((l) => match(l.trim()))) return lines;
    if (Date.now() > end) throw new Error(`terminal never showed the line; it shows:\n${lines.join('\n')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Types a command into the terminal (focused by a click, as a user would) and presses Enter. */
export async function typeCommand(page: Page, command: string): Promise<void> {
  await page.click('#terminal');
  await page.keyboard.type(command);
  await page.keyboard.press('Enter');
}

/** What the page recorded for the transfer that just ended (timed in the page). */
export interface PageTransfer {
  bytes: number;
  ms: number;
  text: string;
}

async function transferResult(page: Page, timeout: number): Promise<PageTransfer> {
  const status = page.locator('#transfer-status');
  await page.locator('#transfer-status:is([data-state=done], [data-state=error])').waitFor({ timeout });
  const [state, bytes, ms, text] = await status.evaluate((e: HTMLElement) => [
    e.dataset.state,
    e.dataset.bytes,
    e.dataset.ms,
    e.textContent ?? '',
  ]);
  if (state !== 'done') throw new Error(`transfer failed in the page: ${text}`);
  return { bytes: Number(bytes), ms: Number(ms), text };
}

/** Picks `file` with the upload input and presses Upload; resolves with the page's timing. */
export async function uploadInPage(page: Page, file: string, timeout = 60_000): Promise<PageTransfer> {
  await page.setInputFiles('#upload-file', file);
  await page.click('#upload');
  return transferResult(page, timeout);
}

/** Lists the current folder again, presses Download on `name`; the saved file's path and the timing. */
export async function downloadInPage(
  page: Page,
  name: string,
  timeout = 60_000,
): Promise<{ path: string; transfer: PageTransfer }> {
  await page.click('#sftp-list');
  const button = page.locator(`#listing tr[data-name="${name}"] button`, { hasText: 'Download' });
  const [download] = await Promise.all([page.waitForEvent('download', { timeout }), button.click()]);
  const transfer = await transferResult(page, timeout);
  const path = await download.path();
  if (download.suggestedFilename() !== name)
    throw new Error(`download named ${download.suggestedFilename()}, not ${name}`);
  return { path, transfer };
}
