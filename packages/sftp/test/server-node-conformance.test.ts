// SFTPServer on a NodeFileSystem, checked by the same conformance suite that runs against
// OpenSSH's sftp-server, sshd, Dropbear and AsyncSSH (conformance-suite.ts): every v3 operation
// and all eleven OpenSSH extensions through our SFTPClient, each result compared with node:fs on
// the directory underneath. The root is a temp dir; the session starts in its /srv.
import { mkdirSync } from 'node:fs';
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { NodeFileSystem } from '../src/node/index.js';
import { defineSftpConformance } from './conformance-suite.js';
import { serveClient } from './server-helpers.js';

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

defineSftpConformance(
  'SFTPServer + NodeFileSystem',
  async () => {
    const root = await realpath(await mkdtemp(join(tmpdir(), 'sshts-sftp-root-')));
    mkdirSync(join(root, 'srv'));
    const user = userInfo().username;
    const s = await serveClient(new NodeFileSystem(root), { home: '/srv', user });
    return {
      client: s.client,
      remote: '/srv',
      local: join(root, 'srv'),
      user,
      home: '/srv',
      close: async () => {
        await s.close();
        await rm(root, { recursive: true, force: true });
      },
    };
  },
  { extensions: ALL },
);
