// Node file loading: which files are read, Include globbing, and the ownership/permission check
// OpenSSH makes on ~/.ssh/config and on included files (compared with ssh itself where it can be).
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { toolAvailability } from '@sshts/test-peers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as node from '../src/node/index.js';
import { globMatch, globPaths, loadSSHConfig, localSSHConfigContext } from '../src/node/ssh-config-files.js';
import { SSHConfigError } from '../src/ssh-config/index.js';
import { sshDashG } from './ssh-config-helpers.js';

const ssh = await toolAvailability('ssh');
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sshts-sshconfig-files-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(path: string, text: string, mode = 0o644): string {
  const full = join(dir, path);
  mkdirSync(join(full, '..'), { recursive: true });
  writeFileSync(full, text);
  chmodSync(full, mode);
  return full;
}

async function rejection(p: Promise<unknown>): Promise<SSHConfigError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof SSHConfigError) return e;
    throw e;
  }
  throw new Error('expected an SSHConfigError');
}

describe('loadSSHConfig', () => {
  it('reads ~/.ssh/config of the context home and skips it when absent', async () => {
    const home = join(dir, 'home1');
    write('home1/.ssh/config', 'Host h\n  Port 1234\n', 0o600);
    const config = await loadSSHConfig({
      systemConfig: false,
      local: { homeDir: home, env: { HOME: home } },
    });
    expect(config.files.map((f) => f.path)).toEqual([join(home, '.ssh', 'config')]);
    expect(config.lookup('h').port).toBe(1234);
    const none = await loadSSHConfig({ systemConfig: false, local: { homeDir: join(dir, 'nohome') } });
    expect(none.files).toEqual([]);
    expect(none.lookup('h').port).toBe(22);
  });

  it('reads the user file before the system file (first value wins)', async () => {
    const user = write('order/user', 'Port 1\n');
    const system = write('order/system', 'Port 2\nUser sys\n');
    const config = await loadSSHConfig({ userConfig: user, systemConfig: system });
    expect(config.files.map((f) => [f.path, f.kind])).toEqual([
      [user, 'user'],
      [system, 'system'],
    ]);
    const hc = config.lookup('x');
    expect([hc.port, hc.user]).toEqual([1, 'sys']);
  });

  it('fails on a named file that is missing', async () => {
    const e = await rejection(loadSSHConfig({ userConfig: join(dir, 'missing'), systemConfig: false }));
    expect(e.code).toBe('ERR_SSH_CONFIG_FILE');
  });

  it.skipIf(process.getuid === undefined)(
    'refuses a group/world-writable ~/.ssh/config and included file',
    async () => {
      const home = join(dir, 'home2');
      write('home2/.ssh/config', 'Port 1\n', 0o666);
      const e = await rejection(
        loadSSHConfig({ systemConfig: false, local: { homeDir: home, env: { HOME: home } } }),
      );
      expect([e.code, e.message]).toEqual([
        'ERR_SSH_CONFIG_FILE',
        `Bad owner or permissions on ${join(home, '.ssh', 'config')}`,
      ]);
      // A file named explicitly (ssh -F) is not checked, but what it includes is.
      const writable = write('perm/writable.conf', 'Port 3\n', 0o666);
      const top = write('perm/top', `Include ${writable}\n`, 0o666);
      expect((await rejection(loadSSHConfig({ userConfig: top, systemConfig: false }))).code).toBe(
        'ERR_SSH_CONFIG_FILE',
      );
      const relaxed = await loadSSHConfig({ userConfig: top, systemConfig: false, checkPermissions: false });
      expect(relaxed.lookup('x').port).toBe(3);
    },
  );

  it.skipIf(!ssh.available)('ssh also refuses the world-writable included file', () => {
    const writable = write('perm2/writable.conf', 'Port 3\n', 0o666);
    const top = write('perm2/top', `Include ${writable}\n`);
    const r = sshDashG(ssh.available ? ssh.path : '', top, 'x', { home: dir });
    expect(r.status).toBe(255);
    expect(r.stderr).toContain('Bad owner or permissions');
  });

  it("expands Include's ~ with $HOME from the context environment", async () => {
    const home = join(dir, 'home3');
    write('home3/.ssh/inc/a.conf', 'Port 31\n');
    const top = write('home3/top', 'Include ~/.ssh/inc/*.conf\n');
    const config = await loadSSHConfig({
      userConfig: top,
      systemConfig: false,
      local: { env: { HOME: home } },
    });
    expect(config.lookup('x').port).toBe(31);
  });

  it('refuses ~ in an Include of the system file', async () => {
    const sys = write('sys/ssh_config', 'Include ~/x\n');
    const e = await rejection(loadSSHConfig({ userConfig: false, systemConfig: sys }));
    expect([e.file, e.line, e.detail]).toEqual([sys, 1, 'bad include path ~/x.']);
  });
});

describe('Include globbing', () => {
  it('matches *, ? and [...] in any component, skips dot files, sorts like glob(3)', async () => {
    for (const f of [
      'g/a/10.conf',
      'g/a/2.conf',
      'g/a/B.conf',
      'g/a/.hidden.conf',
      'g/a/x.txt',
      'g/b/1.conf',
      'g/c.conf/no',
    ])
      write(f, '');
    const base = join(dir, 'g');
    expect(await globPaths(`${base}/a/*.conf`)).toEqual(
      ['10.conf', '2.conf', 'B.conf'].map((n) => join(base, 'a', n)),
    );
    expect(await globPaths(`${base}/*/?.conf`)).toEqual([
      join(base, 'a', '2.conf'),
      join(base, 'a', 'B.conf'),
      join(base, 'b', '1.conf'),
    ]);
    expect(await globPaths(`${base}/a/[0-9]*.conf`)).toEqual([
      join(base, 'a', '10.conf'),
      join(base, 'a', '2.conf'),
    ]);
    expect(await globPaths(`${base}/a/.*.conf`)).toEqual([join(base, 'a', '.hidden.conf')]);
    expect(await globPaths(`${base}/a/missing.conf`)).toEqual([]);
    expect(await globPaths(`${base}/a/2.conf`)).toEqual([join(base, 'a', '2.conf')]);
  });

  it('globMatch follows fnmatch(3)', () => {
    expect(globMatch('abc', 'a*c')).toBe(true);
    expect(globMatch('abc', 'a?c')).toBe(true);
    expect(globMatch('abc', 'a[!b]c')).toBe(false);
    expect(globMatch('a]c', 'a[]]c')).toBe(true);
    expect(globMatch('a*c', 'a\\*c')).toBe(true);
    expect(globMatch('abc', 'a\\*c')).toBe(false);
    expect(globMatch('.x', '*')).toBe(false);
    expect(globMatch('a'.repeat(40), '*a*a*a*a*a*a*a*a*b')).toBe(false); // no exponential backtracking
  });
});

describe('local context', () => {
  it('is the passwd user, home and host name, as OpenSSH takes them', () => {
    const ctx = localSSHConfigContext();
    expect(ctx.userName).toBe(userInfo().username);
    expect(ctx.homeDir).toBe(userInfo().homedir);
    expect(ctx.hostName).toBe(hostname());
    expect(node).toHaveProperty('loadSSHConfig');
    expect(node).toHaveProperty('SSHConfig');
  });
});
