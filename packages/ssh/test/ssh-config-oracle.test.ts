// The oracle is the real `ssh -G` (OpenSSH 9.2 here): for each configuration below we write the
// files to a temporary directory, run `ssh -G -F file [-l user] [-p port] host` and compare every
// keyword we model with what our lookup returns. HOME points into the temporary directory, which
// is what Include's '~' uses; '~' elsewhere and %d come from the passwd entry, as in OpenSSH.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toolAvailability } from '@sshts/test-peers';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSSHConfig } from '../src/node/ssh-config-files.js';
import {
  OPENSSH_ALL_CIPHERS,
  OPENSSH_ALL_KEX,
  OPENSSH_ALL_KEY_ALGORITHMS,
  OPENSSH_ALL_MACS,
  OPENSSH_ALL_SIGNATURE_ALGORITHMS,
  SSHConfigError,
} from '../src/ssh-config/index.js';
import { differences, realLocalContext, sshDashG, toDashG } from './ssh-config-helpers.js';
import { RANDOM_LINES, SCENARIOS, type Scenario } from './ssh-config-scenarios.js';

const ssh = await toolAvailability('ssh');

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'sshts-sshconfig-'));
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

function writeScenario(s: Scenario, index: number): { dir: string; config: string; home: string } {
  const dir = join(root, `s${index}`);
  mkdirSync(join(dir, 'home', '.ssh'), { recursive: true });
  for (const [name, text] of Object.entries(s.files)) {
    const path = join(dir, name);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text.replaceAll('@DIR@', dir), { mode: 0o644 });
  }
  return { dir, config: join(dir, Object.keys(s.files)[0] as string), home: join(dir, 'home') };
}

describe.skipIf(!ssh.available)('ssh_config lookup agrees with `ssh -G`', () => {
  const sshPath = ssh.available ? ssh.path : '';

  SCENARIOS.forEach((scenario, index) => {
    it(scenario.name, async () => {
      const { config, home } = writeScenario(scenario, index);
      const env = { PATH: process.env.PATH ?? '', HOME: home, ...scenario.env };
      const parsed = await loadSSHConfig({
        userConfig: config,
        systemConfig: false,
        local: realLocalContext(env),
      });
      for (const l of scenario.lookups) {
        const theirs = sshDashG(sshPath, config, l.host, {
          ...l,
          home,
          ...(scenario.env ? { env: scenario.env } : {}),
        });
        expect(theirs.status, `${l.host}: ${theirs.stderr}`).toBe(0);
        const hc = parsed.lookup(l.host, {
          ...(l.user ? { user: l.user } : {}),
          ...(l.port ? { port: l.port } : {}),
        });
        expect(differences(toDashG(hc), theirs), `${scenario.name} / ${JSON.stringify(l)}`).toEqual([]);
      }
    });
  });

  it('IdentityFile and CertificateFile expand as ssh expands UserKnownHostsFile', async () => {
    const s = SCENARIOS.find((x) => x.name.startsWith('IdentityFile/CertificateFile')) as Scenario;
    const { config, home } = writeScenario(s, 100);
    const env = { PATH: process.env.PATH ?? '', HOME: home, ...s.env };
    const parsed = await loadSSHConfig({
      userConfig: config,
      systemConfig: false,
      local: realLocalContext(env),
    });
    const theirs = sshDashG(sshPath, config, 'idexp', {
      user: 'zed',
      port: 2022,
      home,
      ...(s.env ? { env: s.env } : {}),
    });
    const hc = parsed.lookup('idexp', { user: 'zed', port: 2022 });
    // ssh -G prints IdentityFile unexpanded, UserKnownHostsFile expanded by the same rules.
    expect(hc.identityFile.join(' ')).toBe(theirs.lines.get('userknownhostsfile')?.[0]);
  });

  it('defaults with an empty configuration equal ssh -G, including the algorithm lists', async () => {
    const dir = join(root, 'empty');
    mkdirSync(dir, { recursive: true });
    const config = join(dir, 'config');
    writeFileSync(config, '');
    const parsed = await loadSSHConfig({
      userConfig: config,
      systemConfig: false,
      local: realLocalContext({ HOME: dir }),
    });
    const theirs = sshDashG(sshPath, config, 'example.org', { home: dir });
    expect(differences(toDashG(parsed.lookup('example.org')), theirs)).toEqual([]);
  });

  it('the "all algorithms" tables equal `ssh -Q`', async () => {
    const { spawnSync } = await import('node:child_process');
    const q = (what: string) =>
      spawnSync(sshPath, ['-Q', what], { encoding: 'utf8' }).stdout.trim().split('\n');
    expect(OPENSSH_ALL_CIPHERS).toEqual(q('cipher'));
    expect(OPENSSH_ALL_MACS).toEqual(q('mac'));
    expect(OPENSSH_ALL_KEX).toEqual(q('kex'));
    expect(OPENSSH_ALL_KEY_ALGORITHMS).toEqual(q('key-sig'));
    expect(OPENSSH_ALL_SIGNATURE_ALGORITHMS).toEqual(q('sig'));
  });

  it('ProxyCommand tokens expand as ssh expands them when it runs the command', async () => {
    const dir = join(root, 'proxycommand');
    mkdirSync(dir, { recursive: true });
    const config = join(dir, 'config');
    writeFileSync(
      config,
      'Host pc\n  HostName Real.Example\n  HostKeyAlias KeyAlias\n  ProxyCommand sh -c "echo [h=%h n=%n p=%p r=%r k=%k %%] >&2; exit 1"\n',
    );
    const { spawnSync } = await import('node:child_process');
    const run = spawnSync(sshPath, ['-F', config, '-p', '2022', '-l', 'pu', '-o', 'BatchMode=yes', 'pc'], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', HOME: dir },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 20_000,
    });
    const theirs = /\[h=[^\]]*\]/.exec(run.stderr)?.[0];
    const parsed = await loadSSHConfig({
      userConfig: config,
      systemConfig: false,
      local: realLocalContext({ HOME: dir }),
    });
    const ours = /\[h=[^\]]*\]/.exec(parsed.lookup('pc', { port: 2022, user: 'pu' }).proxyCommand ?? '')?.[0];
    expect(theirs).toBe('[h=real.example n=pc p=2022 r=pu k=keyalias %]');
    expect(ours).toBe(theirs);
  });

  it('agrees with ssh -G on random combinations of lines (or both reject them, at the same line)', async () => {
    const dir = join(root, 'random');
    mkdirSync(join(dir, 'home', '.ssh'), { recursive: true });
    writeFileSync(join(dir, 'inc1'), 'Port 4444\nMatch all\nUser inc\n');
    writeFileSync(join(dir, 'inc2'), 'Host b\n User incb\nHost *\n SendEnv INC\n');
    writeFileSync(join(dir, 'home', '.ssh', 'inc-rel'), 'ServerAliveCountMax 9\nIdentityFile /rel\n');
    const home = join(dir, 'home');
    const env = { PATH: process.env.PATH ?? '', HOME: home };
    const config = join(dir, 'config');
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom(...RANDOM_LINES), { maxLength: 16 }),
        fc.constantFrom('a', 'ab', 'b', 'A', 'x.example', 'X.Example', '127.1'),
        fc.constantFrom(undefined, 'u1', 'root'),
        async (lines, host, user) => {
          const text = `${lines.map((l) => l.replaceAll('@DIR@', dir)).join('\n')}\n`;
          writeFileSync(config, text);
          const theirs = sshDashG(sshPath, config, host, { home, ...(user ? { user } : {}) });
          let hc: ReturnType<Awaited<ReturnType<typeof loadSSHConfig>>['lookup']>;
          try {
            const parsed = await loadSSHConfig({
              userConfig: config,
              systemConfig: false,
              local: realLocalContext(env),
            });
            hc = parsed.lookup(host, user ? { user } : {});
          } catch (e) {
            if (!(e instanceof SSHConfigError)) throw e;
            expect(theirs.status, `we rejected (${e.message}), ssh did not:\n${text}`).toBe(255);
            // OpenSSH reports every bad line; the first is where we stop too, except that an unknown
            // keyword after an IgnoreUnknown can only be judged at lookup time, after the others.
            const first = /line (\d+)/.exec(theirs.stderr)?.[1];
            if (first !== undefined && e.file === config && !text.includes('IgnoreUnknown')) {
              expect(String(e.line), `${theirs.stderr}\n${text}`).toBe(first);
            }
            return;
          }
          expect(theirs.status, `ssh rejected, we did not: ${theirs.stderr}\n${text}`).toBe(0);
          expect(differences(toDashG(hc), theirs), `${host} -l ${user}\n${text}`).toEqual([]);
        },
      ),
      { numRuns: 150 },
    );
  });

  // Lines ssh rejects: both sides must fail, at the same line.
  const BAD: [string, string][] = [
    ['unknown keyword', 'Host x\n  Port 22\nNoSuchOption yes\n'],
    [
      'unknown keyword not covered by a non-matching IgnoreUnknown',
      'Host nomatch\n IgnoreUnknown Foo\nHost *\n Foo bar\n',
    ],
    ['keyword without argument', 'Host x\nUser\n'],
    ['unterminated quote', 'User "alice\n'],
    ['extra arguments', 'Host x\n\nPort 22 23\n'],
    ['bad port in a block that does not match', 'Host nomatch\n  Port 0\n'],
    ['bad yes/no', 'Host *\n  BatchMode maybe\n'],
    ['bad cipher', 'Ciphers +aes128-ctr,rot13\n'],
    ['bad key type', 'HostKeyAlgorithms no-such-key\n'],
    ['Match without criteria', 'Match\n'],
    ['Match all combined', 'Match all host x\n'],
    ['Match criterion without argument', 'Match host\n'],
    ['unknown Match criterion', 'Match colour blue\n'],
    ['empty Host pattern', 'Host ""\n'],
    ['bad time', 'ConnectTimeout 5x\n'],
    ['bad forwarding', 'LocalForward 80\n'],
    ['SetEnv without =', 'SetEnv FOO\n'],
    ['SendEnv with =', 'SendEnv FOO=1\n'],
    ['bad ProxyJump', 'ProxyJump ssh://host/with/path\n'],
    ['"none" not alone', 'UserKnownHostsFile none /x\n'],
    ['a quoted keyword does not split on "="', '"Port"=2001\n'],
    ['keyword followed by = and nothing', 'Port=\n'],
  ];
  for (const [what, text] of BAD) {
    it(`rejects like ssh: ${what}`, async () => {
      const dir = join(root, `bad-${what.replace(/\W+/g, '-')}`);
      mkdirSync(dir, { recursive: true });
      const config = join(dir, 'config');
      writeFileSync(config, text);
      const theirs = sshDashG(sshPath, config, 'x', { home: dir });
      expect(theirs.status).toBe(255);
      const line = Number(/line (\d+)/.exec(theirs.stderr)?.[1]);
      let err: unknown;
      try {
        const parsed = await loadSSHConfig({
          userConfig: config,
          systemConfig: false,
          local: realLocalContext({ HOME: dir }),
        });
        parsed.lookup('x');
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(SSHConfigError);
      expect((err as SSHConfigError).file).toBe(config);
      if (Number.isFinite(line)) expect((err as SSHConfigError).line).toBe(line);
    });
  }

  it('an Include loop stops at the same depth as ssh', async () => {
    const dir = join(root, 'loop');
    mkdirSync(dir, { recursive: true });
    const config = join(dir, 'config');
    writeFileSync(config, `Include ${config}\nPort 2\n`);
    const theirs = sshDashG(sshPath, config, 'x', { home: dir });
    expect(theirs.status).toBe(255);
    expect(theirs.stderr).toContain('Too many recursive configuration includes');
    await expect(
      loadSSHConfig({ userConfig: config, systemConfig: false, local: realLocalContext({ HOME: dir }) }),
    ).rejects.toMatchObject({
      code: 'ERR_SSH_CONFIG_INCLUDE_DEPTH',
    });
  });

  it('a chain of 16 nested Includes is allowed, 17 is not (as ssh)', async () => {
    const dir = join(root, 'chain');
    mkdirSync(dir, { recursive: true });
    const make = (levels: number) => {
      for (let i = 0; i < levels; i++)
        writeFileSync(join(dir, `${i}.cfg`), `Include ${join(dir, `${i + 1}.cfg`)}\n`);
      writeFileSync(join(dir, `${levels}.cfg`), 'Port 7\n');
    };
    make(16);
    expect(sshDashG(sshPath, join(dir, '0.cfg'), 'x', { home: dir }).lines.get('port')).toEqual(['7']);
    const ok = await loadSSHConfig({
      userConfig: join(dir, '0.cfg'),
      systemConfig: false,
      local: realLocalContext({ HOME: dir }),
    });
    expect(ok.lookup('x').port).toBe(7);
    make(17);
    expect(sshDashG(sshPath, join(dir, '0.cfg'), 'x', { home: dir }).status).toBe(255);
    await expect(
      loadSSHConfig({
        userConfig: join(dir, '0.cfg'),
        systemConfig: false,
        local: realLocalContext({ HOME: dir }),
      }),
    ).rejects.toMatchObject({ code: 'ERR_SSH_CONFIG_INCLUDE_DEPTH' });
  });
});
