// SFTP throughput in the browser over the WebSocket proxy, beside our Node client over the same
// proxy in the same run (issue 8). One sshd on 127.0.0.1 (internal-sftp); the example app built
// and served with the proxy from one http server, as in the tests. Per round, in a rotating order:
// - page: the example's own Upload (a picked file, File.stream() → SFTPClient.upload) and Download
//   (createReadStream → Blob → object URL) buttons in headless Chromium, timed in the page with
//   performance.now() (src/progress.ts) from the click to the last byte acknowledged / in the Blob;
// - node-noble, node-auto: the same calls from Node (bench/node-contender.ts, its own process, so
//   it shares no event loop with the proxy), through connectWebSocket with `ws`'s WebSocket, with
//   the noble provider (the browser's) and with 'auto' (node:crypto bulk ciphers);
// - node-noble-tcp: the same over plain TCP to sshd, no proxy: what the proxy costs.
// One unrecorded warm-up round first; SHA-256 of every transfer checked.
// Env: BENCH_MIB (default 32), BENCH_ROUNDS (default 3).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { peerAvailability, startPeer, toolAvailability } from '@sshts/test-peers';
import { generatePrivateKey, writeOpenSSHPrivateKey } from 'sshts';
import {
  acceptAndWait,
  buildApp,
  downloadInPage,
  EXAMPLE_DIR,
  launchChromium,
  serveApp,
  sha256,
  sha256File,
  startLogin,
  uploadInPage,
} from '../test/harness.js';

const MIB = Number(process.env.BENCH_MIB ?? 32);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const TOKEN = 'bench-token';
const CONTENDERS = ['page', 'node-noble', 'node-auto', 'node-noble-tcp'] as const;
type Contender = (typeof CONTENDERS)[number];

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

async function main() {
  const openssh = await peerAvailability('openssh');
  const browser = await toolAvailability('chromium');
  if (!openssh.available) throw new Error(openssh.reason);
  if (!browser.available) throw new Error(browser.reason);

  const work = await mkdtemp(join(tmpdir(), 'sshts-web-bench-'));
  const key = await generatePrivateKey('ed25519');
  const keyText = writeOpenSSHPrivateKey(key);
  const keyFile = join(work, 'id_ed25519');
  await writeFile(keyFile, keyText, { mode: 0o600 });
  const peer = await startPeer('openssh', {
    authorizedKeys: [key.publicKey.toString()],
    hostKeyTypes: ['ed25519'],
    listen: true,
  });
  const built = await buildApp();
  const app = await serveApp(built.dir, { targets: [`127.0.0.1:${peer.port}`], token: TOKEN });
  const chromium = await launchChromium(browser.path);
  const home = peer.sftp!;
  const data = randomBytes(MIB << 20);
  const hash = sha256(data);
  const dataFile = join(work, 'bench-up.bin');
  await writeFile(dataFile, data);
  await writeFile(join(home.localPath, 'bench-src.bin'), data);

  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--conditions=sshts-source',
      fileURLToPath(new URL('./node-contender.ts', import.meta.url)),
      JSON.stringify({
        proxyUrl: app.proxyUrl,
        token: TOKEN,
        port: peer.port,
        user: peer.user,
        key: keyText,
        knownHosts: peer.hostKeys.map((k) => `[127.0.0.1]:${peer.port} ${k.publicKey}\n`).join(''),
        dataFile,
      }),
    ],
    { cwd: EXAMPLE_DIR, stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const replies = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const reply = async <T>(): Promise<T> => {
    const next = await replies.next();
    if (next.done) throw new Error('the Node contender exited');
    return JSON.parse(next.value) as T;
  };
  try {
    const { ciphers } = await reply<{ ciphers: Record<string, string> }>();
    const page = await (await chromium.newContext({ acceptDownloads: true })).newPage();
    await page.goto(app.url);
    await startLogin(page, {
      proxyUrl: app.proxyUrl,
      token: TOKEN,
      host: '127.0.0.1',
      port: peer.port!,
      user: peer.user,
      keyFile,
    });
    await acceptAndWait(page);
    const status = (await page.locator('#status').textContent()) ?? '';
    ciphers.page = /, ([^,]+), host key/.exec(status)?.[1] ?? '?';

    const transfer = async (who: Contender, op: 'put' | 'get'): Promise<number> => {
      if (who === 'page') {
        if (op === 'put') {
          const { ms } = await uploadInPage(page, dataFile, 300_000);
          if ((await sha256File(join(home.localPath, 'bench-up.bin'))) !== hash)
            throw new Error('page upload corrupt');
          return ms;
        }
        const { path, transfer } = await downloadInPage(page, 'bench-src.bin', 300_000);
        if ((await sha256File(path)) !== hash) throw new Error('page download corrupt');
        return transfer.ms;
      }
      const name = `bench-${who}.bin`;
      const remote = `${home.remotePath}/${op === 'put' ? name : 'bench-src.bin'}`;
      child.stdin!.write(`${JSON.stringify({ who, op, remote })}\n`);
      const { ms } = await reply<{ ms: number }>();
      if (op === 'put' && (await sha256File(join(home.localPath, name))) !== hash)
        throw new Error(`${who} upload corrupt`);
      return ms;
    };

    const samples = new Map<Contender, { put: number[]; get: number[] }>(
      CONTENDERS.map((c) => [c, { put: [], get: [] }]),
    );
    for (let round = -1; round < ROUNDS; round++) {
      const shift = Math.max(round, 0);
      const order = CONTENDERS.map((_, i) => CONTENDERS[(i + shift) % CONTENDERS.length]!);
      for (const who of order) {
        for (const op of ['put', 'get'] as const) {
          const ms = await transfer(who, op);
          if (round >= 0) samples.get(who)![op].push(ms);
        }
        process.stderr.write('.');
      }
    }
    process.stderr.write('\n');

    const rate = (ms: number) => MIB / (ms / 1000);
    const rows = CONTENDERS.map((who) => {
      const s = samples.get(who)!;
      return { who, cipher: ciphers[who] ?? '?', put: rate(median(s.put)), get: rate(median(s.get)), s };
    });
    console.log(
      `\nSFTP, ${MIB} MiB each way, median of ${ROUNDS} (after a warm-up round); Chromium ${chromium.version()}, Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? '?'}`,
    );
    console.log('| contender | path | cipher | upload MiB/s | download MiB/s | upload ms | download ms |');
    console.log('|---|---|---|---:|---:|---|---|');
    for (const r of rows)
      console.log(
        `| ${r.who} | ${r.who.endsWith('-tcp') ? 'TCP' : 'WebSocket proxy'} | ${r.cipher} | ${r.put.toFixed(1)} | ${r.get.toFixed(1)} | ${r.s.put.map(Math.round).join(', ')} | ${r.s.get.map(Math.round).join(', ')} |`,
      );
    const byName = new Map(rows.map((r) => [r.who, r]));
    const pageRow = byName.get('page')!;
    for (const other of ['node-noble', 'node-auto', 'node-noble-tcp'] as const) {
      const o = byName.get(other)!;
      console.log(
        `ratio page / ${other}: upload ${(pageRow.put / o.put).toFixed(2)}, download ${(pageRow.get / o.get).toFixed(2)}`,
      );
    }
  } finally {
    child.stdin!.end();
    if (child.exitCode === null && child.signalCode === null) await new Promise((r) => child.once('exit', r));
    await chromium.close();
    await app.close();
    await built.remove();
    await peer.close();
    await rm(work, { recursive: true, force: true });
  }
}

await main();
