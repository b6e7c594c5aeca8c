// sshts keyscan against OpenSSH sshd, compared with OpenSSH's own ssh-keyscan for the same server:
// the same key lines, hashed names that ssh-keygen -F finds, ssh-keyscan's comment line on stderr.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { peerAvailability, toolAvailability } from '@sshts/test-peers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  execFileAsync,
  runCli,
  runInProcess,
  type Server,
  startServer,
  type TempHome,
  tempHome,
} from './helpers.js';

const openssh = await peerAvailability('openssh');
const keygen = await toolAvailability('ssh-keygen');
const keyscan = await toolAvailability('ssh-keyscan');

const keyLines = (text: string) =>
  text
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#'))
    .sort();

describe.skipIf(!openssh.available || !keygen.available || !keyscan.available)(
  'sshts keyscan',
  { concurrent: true },
  () => {
    let home: TempHome;
    let server: Server;

    beforeAll(async () => {
      home = await tempHome('keyscan');
      server = await startServer(keygen.available ? keygen.path : '', home.dir);
    }, 60_000);
    afterAll(async () => {
      await server?.close();
      await home?.remove();
    });

    it('prints the key lines ssh-keyscan prints for the same server', async () => {
      const theirs = await execFileAsync(keyscan.available ? keyscan.path : '', [
        '-p',
        String(server.port),
        '127.0.0.1',
      ]);
      const ours = await runCli(['keyscan', '-p', String(server.port), '127.0.0.1'], { home: home.dir });
      expect(ours.code).toBe(0);
      expect(keyLines(ours.stdout)).toEqual(keyLines(theirs.stdout));
      expect(keyLines(ours.stdout)).toHaveLength(3); // rsa, ecdsa (its first curve), ed25519
      expect(ours.stderr).toMatch(
        new RegExp(`^# 127\\.0\\.0\\.1:${server.port} SSH-2\\.0-OpenSSH_\\S+`, 'm'),
      );
    });

    it('-t picks the types, host:port names the port, and the lines are true keys of the server', async () => {
      const r = await runInProcess(['keyscan', '-t', 'ed25519,ecdsa', `127.0.0.1:${server.port}`], {
        home: home.dir,
      });
      expect(r.code).toBe(0);
      const lines = keyLines(r.stdout);
      expect(lines.map((l) => l.split(' ')[1])).toEqual(['ecdsa-sha2-nistp256', 'ssh-ed25519']);
      const keys = server.peer.hostKeys.map((k) => k.publicKey);
      for (const line of lines) {
        expect(line.startsWith(`[127.0.0.1]:${server.port} `)).toBe(true);
        expect(keys).toContain(line.split(' ').slice(1).join(' '));
      }
    });

    it('-H hashes the names so that ssh-keygen -F finds them', async () => {
      const r = await runInProcess(
        ['keyscan', '-H', '-t', 'ed25519', '-p', String(server.port), '127.0.0.1'],
        { home: home.dir },
      );
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^\|1\|[A-Za-z0-9+/=]+\|[A-Za-z0-9+/=]+ ssh-ed25519 \S+\n$/);
      const file = join(home.dir, 'hashed_known_hosts');
      await writeFile(file, r.stdout);
      const found = await execFileAsync(keygen.available ? keygen.path : '', [
        '-F',
        `[127.0.0.1]:${server.port}`,
        '-f',
        file,
      ]);
      expect(found.stdout).toContain(r.stdout.split(' ').slice(1).join(' ').trim());
    });

    it('fails (1) for a host that cannot be reached, and refuses an unknown type (2)', async () => {
      const r = await runInProcess(['keyscan', '-T', '2', '-p', '1', '127.0.0.1'], { home: home.dir });
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      const bad = await runInProcess(['keyscan', '-t', 'dsa', '127.0.0.1'], { home: home.dir });
      expect(bad.code).toBe(2);
    });
  },
);
