// startSftpServer: OpenSSH's sftp-server over stdio, no SSH, spoken to by hand (sftp-wire.ts).
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { overrideCommand } from '../src/commands.js';
import { startSftpServer, toolAvailability } from '../src/index.js';
import { pidLive } from './helpers.js';
import { OPENSSH_9_2_EXTENSIONS } from './sftp-expected.js';
import { describeExtensions, FX, FXF, RawSftp, StatusReply } from './sftp-wire.js';

const tool = await toolAvailability('sftp-server');

// Only when sftp-server is missing outside CI (under CI=true toolAvailability throws).
describe.skipIf(!tool.available)('startSftpServer', () => {
  it('answers SSH_FXP_INIT with version 3 and the OpenSSH 9.2 extensions', async () => {
    const server = await startSftpServer();
    try {
      const sftp = new RawSftp(server.input, server.output);
      const { version, extensions } = await sftp.init(3);
      expect(version).toBe(3);
      expect(describeExtensions(extensions)).toEqual(OPENSSH_9_2_EXTENSIONS);
      // -e -l DEBUG3: its log arrives on stderr.
      await expect.poll(() => server.log()).toContain('received client version 3');
    } finally {
      await server.close();
    }
  });

  it('starts in `dir`: realpath(".") is dir and a relative write lands there', async () => {
    const server = await startSftpServer();
    try {
      const sftp = new RawSftp(server.input, server.output);
      await sftp.init();
      expect(await sftp.realpath('.')).toBe(server.dir);
      const data = Buffer.from('written over stdio\n');
      await sftp.writeFile('relative.txt', data);
      expect(readFileSync(join(server.dir, 'relative.txt'))).toEqual(data);
      await expect.poll(() => server.log()).toMatch(/open "[^"]*relative\.txt"/);
    } finally {
      await server.close();
    }
  });

  it('refuses writes with readOnly (-R), leaving the directory untouched', async () => {
    const server = await startSftpServer({ readOnly: true });
    try {
      const sftp = new RawSftp(server.input, server.output);
      await sftp.init();
      const error = await sftp.open('nope.txt', FXF.WRITE | FXF.CREAT).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StatusReply);
      expect((error as StatusReply).code).toBe(FX.PERMISSION_DENIED);
      expect(existsSync(join(server.dir, 'nope.txt'))).toBe(false);
      // Reading is still allowed.
      writeFileSync(join(server.dir, 'there.txt'), 'x');
      await sftp.close(await sftp.open('there.txt', FXF.READ));
    } finally {
      await server.close();
    }
  });

  it('passes extraArgs: -P denies the named requests', async () => {
    const server = await startSftpServer({ extraArgs: ['-P', 'realpath'] });
    try {
      const sftp = new RawSftp(server.input, server.output);
      await sftp.init();
      const error = await sftp.realpath('.').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StatusReply);
      expect((error as StatusReply).code).toBe(FX.PERMISSION_DENIED);
      await expect.poll(() => server.log()).toContain('Refusing denylisted realpath request');
    } finally {
      await server.close();
    }
  });

  it('close() ends the process and removes its own temp dir, but never a dir it was given', async () => {
    const own = await startSftpServer();
    await own.close();
    expect(existsSync(own.dir)).toBe(false);
    expect(pidLive(own.pid)).toBe(false);
    await expect(own.exited).resolves.toBeDefined();

    const given = mkdtempSync(join(tmpdir(), 'sshts-sftp-given-'));
    try {
      const server = await startSftpServer({ dir: given });
      const sftp = new RawSftp(server.input, server.output);
      await sftp.init();
      expect(await sftp.realpath('.')).toBe(server.dir);
      await server.close();
      expect(pidLive(server.pid)).toBe(false);
      expect(existsSync(given)).toBe(true);
    } finally {
      rmSync(given, { recursive: true, force: true });
    }
  });

  it('exits by itself on EOF', async () => {
    const server = await startSftpServer();
    try {
      server.output.end();
      await expect(server.exited).resolves.toEqual({ code: 0, signal: null });
    } finally {
      await server.close();
    }
  });
});

describe('startSftpServer without sftp-server', () => {
  const FAKE = 'sshts-no-such-sftp-server-91b2';
  const saved = { CI: process.env.CI, INSTALL: process.env.SSHTS_TEST_PEERS_INSTALL };
  beforeEach(() => {
    overrideCommand('sftp-server', FAKE);
    // Never run apt-get from this test.
    process.env.SSHTS_TEST_PEERS_INSTALL = '0';
  });
  afterEach(() => {
    overrideCommand('sftp-server', undefined);
    for (const [key, value] of [
      ['CI', saved.CI],
      ['SSHTS_TEST_PEERS_INSTALL', saved.INSTALL],
    ] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });

  it('throws the one-line reason outside CI', async () => {
    delete process.env.CI;
    await expect(startSftpServer()).rejects.toThrow(/sftp-server unavailable.*openssh-sftp-server/);
  });

  it('throws under CI=true, saying a missing peer is a failure', async () => {
    process.env.CI = 'true';
    await expect(startSftpServer()).rejects.toThrow(/sftp-server unavailable.*CI=true/);
  });
});
