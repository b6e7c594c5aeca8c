// ssh_config parsing and lookup without the ssh binary: the recorded `ssh -G` answers in
// test-vectors/ssh-config, typed errors with file and line, Include resolution and its bounds,
// Match exec, tokens, and browser safety.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as sshts from '../src/index.js';
import {
  assembleAlgorithms,
  connectionHash,
  type IncludeRequest,
  MAX_INCLUDED_FILES,
  parseSSHConfig,
  SSHConfig,
  type SSHConfigContext,
  SSHConfigError,
  toAlgorithmOverrides,
} from '../src/ssh-config/index.js';
import { argvSplit, lexLine, strdelim } from '../src/ssh-config/lexer.js';
import { toDashG } from './ssh-config-helpers.js';

const local: SSHConfigContext = {
  userName: 'me',
  homeDir: '/home/me',
  uid: 1000,
  hostName: 'workstation.example.net',
  env: { SOCK_DIR: '/run/me' },
};

function thrown(fn: () => unknown): SSHConfigError {
  try {
    fn();
  } catch (e) {
    if (e instanceof SSHConfigError) return e;
    throw e;
  }
  throw new Error('expected an SSHConfigError');
}

describe('recorded ssh -G answers (test-vectors/ssh-config/ssh-G.json)', () => {
  const file = fileURLToPath(new URL('../../../test-vectors/ssh-config/ssh-G.json', import.meta.url));
  const vectors = JSON.parse(readFileSync(file, 'utf8')) as {
    config: string;
    keywords: string[];
    cases: { host: string; user?: string; port?: number; dashG: Record<string, string[]> }[];
  };
  const config = parseSSHConfig(vectors.config, { path: 'vectors', local });
  for (const c of vectors.cases) {
    it(`${c.host}${c.user ? ` -l ${c.user}` : ''}${c.port ? ` -p ${c.port}` : ''}`, () => {
      const ours = toDashG(
        config.lookup(c.host, { ...(c.user ? { user: c.user } : {}), ...(c.port ? { port: c.port } : {}) }),
      );
      for (const k of vectors.keywords) expect(ours.get(k) ?? [], k).toEqual(c.dashG[k] ?? []);
    });
  }
});

describe('lexer (misc.c strdelim and argv_split)', () => {
  it('cuts the keyword at whitespace, a quote or one "="', () => {
    expect(lexLine('Port=22')).toEqual({ kind: 'directive', keyword: 'port', rest: '22' });
    expect(lexLine('  PORT = 22  ')).toEqual({ kind: 'directive', keyword: 'port', rest: '22' });
    expect(lexLine('"Port" 22')).toEqual({ kind: 'directive', keyword: 'port', rest: '22' });
    expect(lexLine('Port==22')).toEqual({ kind: 'directive', keyword: 'port', rest: '=22' });
    expect(lexLine('# Port 22').kind).toBe('empty');
    expect(lexLine('   ').kind).toBe('empty');
    expect(lexLine('Port').kind).toBe('noArgument');
    expect(lexLine('Port\0 22').kind).toBe('noArgument'); // C strings end at NUL
  });
  it('splits arguments with both quote kinds, escapes and comments', () => {
    expect(argvSplit(`a "b c" 'd e' f\\ g h\\"i #rest`)).toEqual(['a', 'b c', 'd e', 'f g', 'h"i']);
    expect(argvSplit('x#y z')).toEqual(['x#y', 'z']);
    expect(argvSplit('"open')).toBeNull();
    expect(argvSplit("'open")).toBeNull();
  });
  it('strdelim returns null on an unterminated quote', () => {
    const cur = { text: 'a "b', pos: 0 as number | null };
    expect(strdelim(cur)).toBe('a');
    expect(strdelim(cur)).toBeNull();
  });
});

describe('parse errors are SSHConfigError with file and line', () => {
  const cases: [string, string, number, RegExp][] = [
    ['unterminated quote', 'Host a\nUser "x\n', 2, /invalid quotes/],
    ['no argument', '\n\nIdentityFile\n', 3, /no argument after keyword "identityfile"/],
    ['extra argument', 'Port 22 x\n', 1, /extra arguments/],
    ['bad flag', 'Compression maybe\n', 1, /unsupported option "maybe"/],
    ['bad cipher', 'Host *\n  Ciphers aes128-ctr,nope\n', 2, /Bad SSH2 cipher spec/],
    ['bad Match', 'Match user\n', 1, /Missing Match criteria for user/],
    ['Match all with more', 'Match canonical host a all\n', 1, /cannot be combined/],
    ['bad port', 'Port 65536\n', 1, /Bad port/],
    ['bad forwarding', 'RemoteForward 0:x\n', 1, /Bad forwarding specification/],
    ['bad ProxyJump', 'ProxyJump a,,b\n', 1, /Invalid ProxyJump/],
    ['bad IdentityAgent env syntax', `IdentityAgent \${X\n`, 1, /Invalid environment expansion/],
  ];
  for (const [what, text, line, message] of cases) {
    it(what, () => {
      const e = thrown(() => parseSSHConfig(text, { path: 'cfg', local }));
      expect(e.code).toBe('ERR_SSH_CONFIG');
      expect(e.file).toBe('cfg');
      expect(e.line).toBe(line);
      expect(e.message).toMatch(message);
      expect(e.message.startsWith(`cfg line ${line}: `)).toBe(true);
    });
  }

  it('an unknown keyword fails the lookup unless IgnoreUnknown (so far, for this host) covers it', () => {
    const config = parseSSHConfig('Host a\n  IgnoreUnknown Foo*\nFooBar 1\n', { path: 'cfg', local });
    expect(config.lookup('a').options.foobar).toEqual(['1']);
    const e = thrown(() => config.lookup('b'));
    expect([e.line, e.detail]).toEqual([3, 'Bad configuration option: foobar']);
  });

  it('a value that cannot be expanded fails the lookup at its line', () => {
    const config = parseSSHConfig(`Host *\n  ControlPath ~/cm-%z\n  IdentityFile \${NOT_SET}/k\n`, {
      path: 'cfg',
      local,
    });
    const e = thrown(() => config.lookup('x'));
    expect([e.code, e.line]).toEqual(['ERR_SSH_CONFIG_EXPANSION', 3]);
    const e2 = thrown(() => parseSSHConfig('ControlPath ~/cm-%z\n', { path: 'cfg', local }).lookup('x'));
    expect([e2.code, e2.line, e2.detail]).toEqual([
      'ERR_SSH_CONFIG_EXPANSION',
      1,
      'ControlPath: unknown key %z',
    ]);
  });

  it('an algorithm list that ends up empty fails the lookup', () => {
    const e = thrown(() =>
      parseSSHConfig(
        'HostKeyAlgorithms ssh-ed25519*\nCASignatureAlgorithms ssh-ed25519-cert-v01@openssh.com\n',
        { local },
      ).lookup('x'),
    );
    expect(e.line).toBe(2);
    expect(assembleAlgorithms('cipher', 'aes128-ctr,!aes256-ctr')).toBeNull();
  });

  it('lookup needs a local context and a sane port', () => {
    expect(thrown(() => new SSHConfig([]).lookup('x')).message).toMatch(/SSHConfigContext/);
    expect(thrown(() => parseSSHConfig('', { local }).lookup('x', { port: 70000 })).message).toMatch(
      /Bad port/,
    );
  });
});

describe('Include', () => {
  const files: Record<string, string> = {
    '/home/me/.ssh/rel.conf': 'Port 1001\n',
    '/etc/ssh/sys.conf': 'Port 1002\n',
    '/abs/a.conf': 'Host inc\n  User from-a\nMatch all\n  Compression yes\n',
    '/abs/loop.conf': 'Include /abs/loop.conf\n',
  };
  const requests: IncludeRequest[] = [];
  const include = (req: IncludeRequest) => {
    requests.push(req);
    const path = req.pattern.replace(/^~\//, '/home/me/');
    return files[path] === undefined ? [] : [{ path, text: files[path] }];
  };

  it('anchors relative paths at ~/.ssh (user file) or /etc/ssh (system file)', () => {
    expect(parseSSHConfig('Include rel.conf\n', { include, local }).lookup('x').port).toBe(1001);
    expect(parseSSHConfig('Include sys.conf\n', { include, local, kind: 'system' }).lookup('x').port).toBe(
      1002,
    );
    expect(requests.map((r) => r.pattern)).toEqual(['~/.ssh/rel.conf', '/etc/ssh/sys.conf']);
    const e = thrown(() =>
      parseSSHConfig('Include ~/x.conf\n', { include, local, kind: 'system', path: 'sys' }),
    );
    expect([e.line, e.detail]).toEqual([1, 'bad include path ~/x.conf.']);
  });

  it('inherits the Host state and does not leak its own Match state', () => {
    const config = parseSSHConfig('Host inc\n  Include /abs/a.conf\n  Port 5\nHost *\n  Port 6\n', {
      include,
      local,
    });
    const inc = config.lookup('inc');
    expect([inc.user, inc.compression, inc.port]).toEqual(['from-a', true, 5]);
    // For another host the include is read "parse only": nothing in it applies, not even Match all.
    const other = config.lookup('other');
    expect([other.user, other.compression, other.port]).toEqual(['me', false, 6]);
  });

  it('stops a loop at depth 16 like OpenSSH', () => {
    const e = thrown(() => parseSSHConfig('Include /abs/loop.conf\n', { include, local }));
    expect(e.code).toBe('ERR_SSH_CONFIG_INCLUDE_DEPTH');
    expect(e.file).toBe('/abs/loop.conf');
  });

  it('bounds the number of files a fan-out of Includes reads', () => {
    // 40 files each including 40 others: 1640 files at depth 2, over the limit long before depth 16.
    const wide = (req: IncludeRequest) =>
      Array.from({ length: 40 }, (_, i) => ({
        path: `${req.pattern.replace('*', '')}${i}`,
        text: req.pattern === '/wide/*' ? 'Include /wider/*\n' : 'Port 1\n',
      }));
    const e = thrown(() => parseSSHConfig('Include /wide/*\n', { include: wide, local }));
    expect(e.code).toBe('ERR_SSH_CONFIG_LIMIT');
    expect(e.detail).toContain(String(MAX_INCLUDED_FILES));
  });
});

describe('Match', () => {
  it('never runs exec: such a block is skipped (negated too) and a warning says so', () => {
    const config = parseSSHConfig(
      'Match exec "true"\n  Port 1\nMatch !exec "false"\n  User x\nMatch host nomatch exec "true"\n  Port 3\n',
      {
        path: 'cfg',
        local,
      },
    );
    const hc = config.lookup('h');
    expect([hc.port, hc.user]).toEqual([22, 'me']);
    expect(hc.warnings).toEqual([
      'cfg line 1: Match exec "true" not run; the block is skipped',
      'cfg line 3: Match exec "false" not run; the block is skipped',
    ]);
  });

  it('canonical and final only match in the second pass, where Host sees the new name', () => {
    const config = parseSSHConfig(
      'Host a\n  HostName B.example\nHost b.example\n  Port 7\nMatch final\n  User f\nMatch !final\n  Compression yes\n',
      { local },
    );
    const hc = config.lookup('a');
    expect([hc.hostname, hc.port, hc.user, hc.compression]).toEqual(['b.example', 7, 'f', true]);
  });

  it('user matches the -l user, else the User so far, else the local user', () => {
    const config = parseSSHConfig('Match user me\n  Port 1\nMatch user bob\n  Port 2\n', { local });
    expect(config.lookup('h').port).toBe(1);
    expect(config.lookup('h', { user: 'bob' }).port).toBe(2);
    expect(config.lookup('h', { localUser: 'zed' }).port).toBe(22);
  });
});

describe('expansion', () => {
  const config = parseSSHConfig(
    `Host t
  HostName %h.example.org
  IdentityFile ~/.ssh/%r@%h:%p
  IdentityFile ~otheruser/key
  CertificateFile \${SOCK_DIR}/%u-%i-%L-%l-%n-%k-%%
  ControlPath %d/%C
  ProxyCommand /usr/bin/nc %h %p %r %n %%
  RemoteCommand echo %C
  LocalCommand echo %T %h
`,
    { local: { ...local, homeOf: (u) => (u === 'otheruser' ? '/srv/other/' : undefined) } },
  );

  it('expands as ssh does', () => {
    const hc = config.lookup('t', { user: 'ru', port: 2222 });
    const c = createHash('sha1').update('workstation.example.nett.example.org2222ru').digest('hex');
    expect(connectionHash('workstation.example.net', 't.example.org', 2222, 'ru')).toBe(c);
    expect(hc.identityFile).toEqual(['/home/me/.ssh/ru@t.example.org:2222', '/srv/other/key']);
    expect(hc.certificateFile).toEqual(['/run/me/me-1000-workstation-workstation.example.net-t-t-%']);
    expect(hc.controlPath).toBe(`/home/me/${c}`);
    expect(hc.proxyCommand).toBe('/usr/bin/nc t.example.org 2222 ru t %');
    expect(hc.remoteCommand).toBe(`echo ${c}`);
    expect(hc.localCommand).toBe('echo %T %h');
    expect(hc.options.identityfile).toEqual(['~/.ssh/%r@%h:%p', '~otheruser/key']);
  });

  it('refuses to paste shell metacharacters from the host or user into ProxyCommand', () => {
    const pc = parseSSHConfig('Host *\n  ProxyCommand nc %h %p\n', { local });
    const e = thrown(() => pc.lookup('x;touch /tmp/owned'));
    expect(e.code).toBe('ERR_SSH_CONFIG_EXPANSION');
    expect(thrown(() => pc.lookup('-oProxyCommand=x')).code).toBe('ERR_SSH_CONFIG_EXPANSION');
    expect(pc.lookup('ok.example').proxyCommand).toBe('nc ok.example 22');
    const userOnly = parseSSHConfig('ProxyCommand ssh -l %r gw %%h\n', { local });
    expect(thrown(() => userOnly.lookup('h', { user: 'a b' })).code).toBe('ERR_SSH_CONFIG_EXPANSION');
    expect(userOnly.lookup('h;x').proxyCommand).toBe('ssh -l me gw %h'); // %h is not used
  });

  it('needs the local host name for %l, %L and %C', () => {
    const bare = parseSSHConfig('ControlPath /tmp/%C\n', { local: { userName: 'u', homeDir: '/h' } });
    expect(thrown(() => bare.lookup('x')).code).toBe('ERR_SSH_CONFIG_EXPANSION');
  });
});

describe('results', () => {
  it('toAlgorithmOverrides() hands the four lists to SSHClient', () => {
    const hc = parseSSHConfig(
      'Ciphers aes256-ctr\nMACs hmac-sha2-256\nKexAlgorithms curve25519-sha256\nHostKeyAlgorithms ssh-ed25519\n',
      {
        local,
      },
    ).lookup('x');
    expect(toAlgorithmOverrides(hc)).toEqual({
      kex: ['curve25519-sha256'],
      hostKey: ['ssh-ed25519'],
      cipher: ['aes256-ctr'],
      mac: ['hmac-sha2-256'],
    });
  });

  it('options keeps what the files said, even for keywords without a typed field', () => {
    const hc = parseSSHConfig(
      'Host *\n  Tunnel point-to-point\n  VisualHostKey yes\n  LocalForward 1 h:2\n',
      { local },
    ).lookup('x');
    expect(hc.options).toMatchObject({
      tunnel: ['point-to-point'],
      visualhostkey: ['yes'],
      localforward: ['1 h:2'],
    });
  });

  it('is exported from the package entry', () => {
    for (const name of ['SSHConfig', 'parseSSHConfig', 'SSHConfigError', 'toAlgorithmOverrides']) {
      expect(sshts, name).toHaveProperty(name);
    }
  });
});

describe('browser safety', () => {
  it('src/ssh-config has no node: imports, Buffer or process', () => {
    const dir = fileURLToPath(new URL('../src/ssh-config/', import.meta.url));
    const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(5);
    for (const f of files) {
      const text = readFileSync(dir + f, 'utf8');
      expect(text, f).not.toMatch(/from\s+['"]node:|import\(\s*['"]node:|require\(/);
      expect(text, f).not.toMatch(/\bBuffer\b|\bprocess\./);
    }
  });
});
