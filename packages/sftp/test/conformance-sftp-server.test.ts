// The conformance suite (conformance-suite.ts) against OpenSSH's sftp-server spawned over stdio —
// SFTP with no SSH at all (API.md SFTPClient.fromChannel) — plus what only a local server process
// allows: read-only mode for EACCES, and killing the server mid-transfer.
import { writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { type SftpServerProcess, startSftpServer, toolAvailability } from '@sshts/test-peers';
import { describe, expect, it } from 'vitest';
import { SFTPClient, SFTPError } from '../src/node/index.js';
import { defineSftpConformance } from './conformance-suite.js';

const tool = await toolAvailability('sftp-server');

async function connect(server: SftpServerProcess): Promise<SFTPClient> {
  return SFTPClient.fromChannel({
    readable: Readable.toWeb(server.input) as ReadableStream<Uint8Array>,
    writable: Writable.toWeb(server.output) as WritableStream<Uint8Array>,
  });
}

const ALL = [
  'posix-rename@openssh.com',
  'statvfs@openssh.com',
  'fstatvfs@openssh.com',
  'hardlink@openssh.com',
  'fsync@openssh.com',
  'lsetstat@openssh.com',
  'limits@openssh.com',
  'expand-path@openssh.com',
  'copy-data',
  'home-directory',
  'users-groups-by-id@openssh.com',
] as const;

// Only when sftp-server is missing outside CI (under CI=true toolAvailability throws instead).
describe.skipIf(!tool.available)('sftp-server over stdio', () => {
  defineSftpConformance(
    'sftp-server (stdio)',
    async () => {
      const server = await startSftpServer();
      const client = await connect(server);
      return {
        client,
        remote: server.dir,
        local: server.dir,
        user: userInfo().username,
        home: userInfo().homedir,
        close: async () => {
          await client.close();
          await server.close();
        },
      };
    },
    { extensions: ALL },
  );

  it('read-only mode: every change is PERMISSION_DENIED (EACCES); reads still work', async () => {
    const server = await startSftpServer({ readOnly: true });
    writeFileSync(join(server.dir, 'f'), 'data');
    const client = await connect(server);
    try {
      await expect(client.writeFile('f', 'x')).rejects.toMatchObject({ code: 'EACCES', status: 3 });
      await expect(client.mkdir('d')).rejects.toMatchObject({ code: 'EACCES' });
      await expect(client.remove('f')).rejects.toMatchObject({ code: 'EACCES' });
      expect(new TextDecoder().decode(await client.readFile('f'))).toBe('data');
    } finally {
      await client.close();
      await server.close();
    }
  });

  it('a server that dies mid-transfer: every pending operation rejects with one typed error', async () => {
    const server = await startSftpServer();
    writeFileSync(join(server.dir, 'big'), new Uint8Array(64 * 1024 * 1024));
    const client = await connect(server);
    try {
      const reading = client.readFile('big');
      const stat = client.stat('big');
      await new Promise((resolve) => setTimeout(resolve, 30));
      process.kill(server.pid, 'SIGKILL');
      const results = await Promise.allSettled([reading, stat.then(() => client.stat('big'))]);
      for (const r of results) {
        expect(r.status).toBe('rejected');
        const reason = (r as PromiseRejectedResult).reason;
        expect(reason).toBeInstanceOf(SFTPError);
        expect(reason).toMatchObject({ status: 7, code: 'ECONNRESET' });
      }
      // Later requests fail at once with the same error.
      await expect(client.realpath('.')).rejects.toMatchObject({ code: 'ECONNRESET' });
    } finally {
      await client.close();
      await server.close();
    }
  });
});
