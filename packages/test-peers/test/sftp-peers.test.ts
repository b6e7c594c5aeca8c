// Every SSH peer that serves SFTP, checked with OpenSSH's own client tools (so these tests do
// not depend on the project's SSH or SFTP client): `ssh -s … sftp` carries a hand-written
// SSH_FXP_INIT (sftp-wire.ts), and `sftp -b` moves files, which must land in Peer.sftp.localPath.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Peer, type PeerName, peerAvailability, startPeer, toolAvailability } from '../src/index.js';
import { bridge, runAsync } from './helpers.js';
import { EXPECTED_EXTENSIONS } from './sftp-expected.js';
import { describeExtensions, RawSftp } from './sftp-wire.js';

const SFTP_PEERS: { name: PeerName; server: string; namespaced: boolean }[] = [
  { name: 'openssh', server: 'internal-sftp', namespaced: false },
  { name: 'dropbear', server: 'sftp-server', namespaced: true },
  { name: 'tinysshd', server: 'sftp-server', namespaced: true },
  { name: 'asyncssh', server: 'asyncssh', namespaced: false },
];
const isRoot = process.getuid?.() === 0;
const sshTool = await toolAvailability('ssh');
const sftpTool = await toolAvailability('sftp');
const keygenTool = await toolAvailability('ssh-keygen');
const tools = sshTool.available && sftpTool.available && keygenTool.available;

for (const spec of SFTP_PEERS) {
  const availability = await peerAvailability(spec.name);
  // Skipped only when the peer or a client tool is missing outside CI (under CI=true the
  // availability checks throw), or, for Dropbear and tinysshd, without root: their SFTP starts in
  // the user's home, a throwaway dir only in a private mount namespace.
  describe.skipIf(!availability.available || !tools || (spec.namespaced && !isRoot))(
    `${spec.name} serves SFTP into Peer.sftp`,
    () => {
      let peer: Peer;
      let scratch: string;
      let key: string;
      let knownHosts: string;
      let port: number;
      let closeBridge: (() => Promise<void>) | undefined;

      beforeAll(async () => {
        scratch = mkdtempSync(join(tmpdir(), `sshts-sftp-${spec.name}-`));
        key = join(scratch, 'id_ed25519');
        const keygen = await runAsync(keygenTool.available ? keygenTool.path : 'ssh-keygen', [
          '-q',
          '-t',
          'ed25519',
          '-N',
          '',
          '-C',
          '',
          '-f',
          key,
        ]);
        expect(keygen.status, keygen.stderr).toBe(0);
        peer = await startPeer(spec.name, { authorizedKeys: [readFileSync(`${key}.pub`, 'utf8').trim()] });
        const b = await bridge(peer);
        port = b.port;
        closeBridge = b.close;
        knownHosts = join(scratch, 'known_hosts');
        writeFileSync(knownHosts, peer.hostKeys.map((k) => `[127.0.0.1]:${port} ${k.publicKey}\n`).join(''));
      }, 60_000);
      afterAll(async () => {
        await closeBridge?.();
        await peer?.close();
        if (scratch) rmSync(scratch, { recursive: true, force: true });
      });

      const common = () => [
        '-F',
        '/dev/null',
        '-i',
        key,
        '-o',
        `UserKnownHostsFile=${knownHosts}`,
        '-o',
        'GlobalKnownHostsFile=/dev/null',
        '-o',
        'StrictHostKeyChecking=yes',
        '-o',
        'BatchMode=yes',
        '-o',
        'IdentitiesOnly=yes',
        '-o',
        'ConnectTimeout=15',
      ];
      const explain = (stderr: string) => `${stderr}\n--- ${peer.name} log ---\n${peer.log().slice(-3000)}`;

      it('names a throwaway directory inside the peer dir, and which server answers', () => {
        const sftp = peer.sftp;
        expect(sftp).toBeDefined();
        expect(sftp!.localPath.startsWith(`${peer.dir}/`)).toBe(true);
        expect(sftp!.server).toBe(spec.server);
        if (spec.namespaced) expect(sftp!.remotePath).not.toBe(sftp!.localPath);
        else expect(sftp!.remotePath).toBe(sftp!.localPath);
      });

      it('answers INIT over `ssh -s … sftp`; realpath(".") is remotePath; a write lands in localPath', async () => {
        const child = spawn(
          sshTool.available ? sshTool.path : 'ssh',
          [...common(), '-p', String(port), '-s', `${peer.user}@127.0.0.1`, 'sftp'],
          { stdio: ['pipe', 'pipe', 'pipe'] },
        );
        let stderr = '';
        child.stderr.on('data', (d: Buffer) => {
          stderr += d.toString();
        });
        const exited = new Promise((resolve) => child.once('close', resolve));
        try {
          const sftp = new RawSftp(child.stdout, child.stdin);
          const { version, extensions } = await sftp.init(3).catch((e: unknown) => {
            throw new Error(`${String(e)}: ${explain(stderr)}`);
          });
          expect(version).toBe(3);
          expect(describeExtensions(extensions)).toEqual(EXPECTED_EXTENSIONS[peer.sftp!.server]);
          // Before the write: a wrong start directory could be the real home.
          expect(await sftp.realpath('.')).toBe(peer.sftp!.remotePath);
          const data = randomBytes(1000);
          await sftp.writeFile('raw.bin', data);
          expect(readFileSync(join(peer.sftp!.localPath, 'raw.bin'))).toEqual(data);
        } finally {
          child.stdin.end();
          const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
          await exited;
          clearTimeout(timer);
        }
      });

      const sftpBatch = async (lines: string[]) => {
        const batch = join(scratch, 'batch');
        writeFileSync(batch, `${lines.join('\n')}\n`);
        const r = await runAsync(
          sftpTool.available ? sftpTool.path : 'sftp',
          [...common(), '-P', String(port), '-b', batch, `${peer.user}@127.0.0.1`],
          { timeoutMs: 30_000 },
        );
        expect(r.status, explain(r.stderr)).toBe(0);
        return r.stdout;
      };

      it('`sftp -b` puts and gets relative paths, which are files in localPath', async () => {
        // First on its own, so that a wrong start directory fails here before anything is written
        // into it (it could be the real home).
        expect(await sftpBatch(['pwd'])).toContain(`Remote working directory: ${peer.sftp!.remotePath}\n`);
        const home = peer.sftp!.localPath;
        const up = randomBytes(300_000);
        const down = randomBytes(200_000);
        writeFileSync(join(scratch, 'up.bin'), up);
        writeFileSync(join(home, 'down.bin'), down);
        await sftpBatch([
          `put ${join(scratch, 'up.bin')} uploaded.bin`,
          `get down.bin ${join(scratch, 'downloaded.bin')}`,
          'mkdir made',
        ]);
        expect(readFileSync(join(home, 'uploaded.bin'))).toEqual(up);
        expect(readFileSync(join(scratch, 'downloaded.bin'))).toEqual(down);
        expect(readFileSync(join(home, 'down.bin'))).toEqual(down);
        expect(() => readFileSync(join(home, 'made'))).toThrow(/EISDIR/);
      });
    },
  );
}

const paramiko = await peerAvailability('paramiko');
describe.skipIf(!paramiko.available)('paramiko', () => {
  it('serves no SFTP: Peer.sftp is undefined', async () => {
    const peer = await startPeer('paramiko');
    try {
      expect(peer.sftp).toBeUndefined();
    } finally {
      await peer.close();
    }
  });
});
