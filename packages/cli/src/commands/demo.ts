// sshts demo: the README's main command. Starts `sshts serve` in this process on an ephemeral
// loopback port (throwaway host key, password, SFTP rooted at a temp folder, system-shell exec),
// connects sshts's own client to it with the host key pinned, runs a command, uploads and downloads
// a file with a progress bar (SHA-256 checked), prints the negotiated algorithms and throughput,
// and ends with the one-line commands for a real server.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generatePrivateKey, KnownHosts, SSHClient } from 'sshts';
import { stringValue } from '../args/options.js';
import { ExitCode, UsageError } from '../errors.js';
import { writeLines } from '../io.js';
import { startServer } from '../server/start-server.js';
import { formatBytes } from '../transfer/progress-format.js';
import { ProgressReporter } from '../transfer/progress-reporter.js';
import type { Command } from './command.js';

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

export const demoCommand: Command = {
  name: 'demo',
  summary: 'Run a local sshts server and client against each other (the README main command)',
  usage: ['sshts demo [--mib N]'],
  options: [
    {
      name: 'mib',
      type: 'string',
      value: '<N>',
      description: 'Size of the file sent both ways, MiB (default 64)',
    },
  ],
  async run(args, io) {
    const mibText = stringValue(args.values.mib) ?? '64';
    const mib = Number(mibText);
    if (!Number.isInteger(mib) || mib < 1 || mib > 4096)
      throw new UsageError(`bad size '${mibText}'`, 'demo');
    const out = (lines: string[]) => writeLines(io.stdout, lines);
    const root = await mkdtemp(join(tmpdir(), 'sshts-demo-'));
    const password = randomBytes(12).toString('base64url');
    const server = await startServer(io, {
      port: 0,
      host: '127.0.0.1',
      root,
      password,
      exec: true,
      hostKey: await generatePrivateKey('ed25519'),
      authorizedKeysPath: undefined,
    });
    const client = new SSHClient({
      knownHosts: KnownHosts.parse(`[127.0.0.1]:${server.port} ${server.hostKey.publicKey}\n`),
    });
    try {
      await out([
        `1. sshts serve is listening on 127.0.0.1:${server.port} (host key ${server.hostKey.publicKey.fingerprint()}),`,
        `   SFTP rooted at ${root}.`,
      ]);
      const user = io.env.USER ?? 'demo';
      const started = io.now();
      await client.connect({
        host: '127.0.0.1',
        port: server.port,
        username: user,
        password,
        agent: false,
        lookForKeys: false,
      });
      const n = client.transport.negotiated;
      await out([
        `2. The sshts client connected and logged in with a password in ${io.now() - started} ms:`,
        `   kex ${n.kex}, host key ${n.hostKey}, cipher ${n.cipher[0]}, MAC ${n.mac[0] === '<implicit>' ? '(the cipher is AEAD)' : n.mac[0]}`,
        `   (${client.transport.remoteVersion})`,
      ]);
      const command = 'echo "hello from $(uname -sr) as $(id -un)"';
      const result = await client.exec(command);
      await out([`3. exec '${command}' → exit ${result.exitCode}:`, `   ${result.stdout.trim()}`]);

      const sftp = await client.openSftp();
      const local = join(root, '..', `${root.split('/').pop()}-upload.bin`);
      const data = randomBytes(mib * 1024 * 1024);
      await writeFile(local, data);
      await out([
        `4. SFTP: ${formatBytes(data.length)} up and back down (requests of ${formatBytes(sftp.transferSizes.writeChunk)}, ${sftp.transferSizes.concurrency} in flight):`,
      ]);
      const rates: string[] = [];
      for (const [label, run] of [
        ['put', (p: ProgressReporter) => sftp.put(local, 'demo.bin', { onProgress: p.update })],
        ['get', (p: ProgressReporter) => sftp.get('demo.bin', `${local}.back`, { onProgress: p.update })],
      ] as const) {
        const progress = new ProgressReporter(io.stderr, `   ${label} demo.bin`, io.now);
        const t = io.now();
        await run(progress);
        progress.finish(data.length, data.length);
        rates.push(`${label} ${(mib / ((io.now() - t) / 1000)).toFixed(1)} MiB/s`);
      }
      const back = await readFile(`${local}.back`);
      const same = sha256(back) === sha256(data);
      await out([`   ${rates.join(', ')}; SHA-256 ${same ? 'identical both ways' : 'DIFFERS'}`]);
      await sftp.close();
      await rm(local, { force: true });
      await rm(`${local}.back`, { force: true });
      await out([
        '',
        'Now point the same client at your own server (ssh_config and known_hosts are read as ssh does):',
        '  node packages/cli/dist/index.js exec you@your.host -- uname -a',
        '  node packages/cli/dist/index.js get you@your.host:file.txt .     (put, ls -l, shell, keyscan, keygen too)',
        '  node packages/cli/dist/index.js serve --password secret --root ./share   (your own SSH/SFTP server)',
        'Every command has --help.',
      ]);
      return same ? ExitCode.OK : ExitCode.FAILURE;
    } finally {
      await client.close().catch(() => {});
      await server.close();
      await rm(root, { recursive: true, force: true });
    }
  },
};
