// The command line's pure parts: ssh-style option splitting, destinations and remote operands, the
// command-line flags as ssh_config lines (checked by the real parser), the pty decision.
import { localSSHConfigContext, SSHConfig } from 'sshts';
import { describe, expect, it } from 'vitest';
import { parseDestination, parseRemotePath } from '../src/args/destination.js';
import { count, parseOptions, stringList } from '../src/args/options.js';
import { commandLineConfig } from '../src/connection/command-line-config.js';
import { connectionFlags, sshConnectionOptions } from '../src/connection/options.js';
import { UsageError } from '../src/errors.js';
import { choosePty } from '../src/session/pty-choice.js';

const exec = (argv: string[]) =>
  parseOptions(sshConnectionOptions, argv, { command: 'exec', leadingPositionals: 1 });

describe('ssh-style option parsing', () => {
  it('reads options before and after the host, and keeps the command’s own options', () => {
    const a = exec(['-p', '2222', 'host', '-vv', '-o', 'A=b', 'ls', '-la', '-p', '1']);
    expect(a.positionals).toEqual(['host', 'ls', '-la', '-p', '1']);
    expect(a.values.port).toBe('2222');
    expect(count(a.values.verbose)).toBe(2);
    expect(stringList(a.values.option)).toEqual(['A=b']);
  });

  it('takes everything after -- as positionals, and inline and grouped values', () => {
    const a = exec(['-Avp2222', '-oX=y', 'host', '--', '-x', '--y']);
    expect(a.values.port).toBe('2222');
    expect(a.values['forward-agent']).toBe(true);
    expect(stringList(a.values.option)).toEqual(['X=y']);
    expect(a.positionals).toEqual(['host', '-x', '--y']);
    expect(exec(['--', 'host', 'cmd']).positionals).toEqual(['host', 'cmd']);
  });

  it('refuses unknown options and a missing value with a UsageError', () => {
    expect(() => exec(['-Z', 'host'])).toThrow(UsageError);
    expect(() => exec(['-Z', 'host'])).toThrow(/unknown option -Z/);
    expect(() => exec(['host', '-p'])).toThrow(UsageError);
  });

  it('checks the port', () => {
    expect(connectionFlags(exec(['-p', '22', 'h']).values, 'exec').port).toBe(22);
    expect(() => connectionFlags(exec(['-p', '70000', 'h']).values, 'exec')).toThrow(/Bad port/);
  });
});

describe('destinations', () => {
  it('parses [user@]host[:port] with IPv6 in brackets', () => {
    expect(parseDestination('me@example.org:2222')).toEqual({ user: 'me', host: 'example.org', port: 2222 });
    expect(parseDestination('a@b@host')).toEqual({ user: 'a@b', host: 'host' });
    expect(parseDestination('[::1]:22')).toEqual({ host: '::1', port: 22 });
    expect(parseDestination('::1')).toEqual({ host: '::1' });
    expect(parseDestination('alias')).toEqual({ host: 'alias' });
    for (const bad of ['', '@host', 'host:0', 'host:x', '[::1', 'user@'])
      expect(parseDestination(bad)).toBeUndefined();
  });

  it('tells remote operands from local paths as scp does', () => {
    expect(parseRemotePath('me@host:dir/file')).toEqual({ user: 'me', host: 'host', path: 'dir/file' });
    expect(parseRemotePath('host:')).toEqual({ host: 'host', path: '' });
    expect(parseRemotePath('[::1]:/tmp/x')).toEqual({ host: '::1', path: '/tmp/x' });
    expect(parseRemotePath('./a:b')).toBeUndefined();
    expect(parseRemotePath('dir/x@y:z')).toBeUndefined();
    expect(parseRemotePath('plain')).toBeUndefined();
  });
});

describe('the command line as ssh_config', () => {
  const local = { ...localSSHConfigContext(), homeDir: '/home/t' };
  const lookup = (argv: string[]) => {
    const flags = connectionFlags(exec(argv).values, 'exec');
    const text = commandLineConfig(flags, 'exec');
    return SSHConfig.parse(text, { local }).lookup('h');
  };

  it('applies -o, -i, -J, -A and the forwardings with the parser’s meaning', () => {
    const hc = lookup([
      '-o',
      'StrictHostKeyChecking=accept-new',
      '-o',
      'UserKnownHostsFile ~/kh',
      '-i',
      '/keys/my key',
      '-J',
      'jumper@j:2200',
      '-A',
      '-L',
      '8080:localhost:80',
      '-L',
      '127.0.0.2:8081:[::1]:81',
      '-R',
      '0:127.0.0.1:22',
      '-D',
      '1080',
      'h',
    ]);
    expect(hc.strictHostKeyChecking).toBe('accept-new');
    expect(hc.userKnownHostsFile).toEqual(['/home/t/kh']);
    expect(hc.identityFile).toEqual(['/keys/my key']);
    expect(hc.proxyJumpHosts).toEqual([{ user: 'jumper', host: 'j', port: 2200 }]);
    expect(hc.forwardAgent).toBe(true);
    expect(hc.localForward).toEqual([
      { listenPort: 8080, connectHost: 'localhost', connectPort: 80 },
      { listenHost: '127.0.0.2', listenPort: 8081, connectHost: '::1', connectPort: 81 },
    ]);
    expect(hc.remoteForward).toEqual([{ listenPort: 0, connectHost: '127.0.0.1', connectPort: 22 }]);
    expect(hc.dynamicForward).toEqual([{ listenPort: 1080, connectHost: 'socks' }]);
  });

  it('refuses what cannot be one configuration word or one line', () => {
    expect(() => lookup(['-L', '8080', 'h'])).toThrow(/Bad forwarding/);
    expect(() => lookup(['-o', 'User x\nHost *', 'h'])).toThrow(UsageError);
    expect(() => lookup(['-i', 'a"b c', 'h'])).toThrow(UsageError);
  });
});

describe('choosing a pty as ssh does', () => {
  const base = {
    forceCount: 0,
    refuse: false,
    requestTTY: 'auto' as const,
    shell: false,
    stdinIsTerminal: true,
  };
  it('gives a shell on a terminal a pty, a command none', () => {
    expect(choosePty({ ...base, shell: true })).toEqual({ pty: true });
    expect(choosePty(base)).toEqual({ pty: false });
  });
  it('needs a terminal for -t, not for -tt; -T wins', () => {
    expect(choosePty({ ...base, forceCount: 1 })).toEqual({ pty: true });
    const noTerminal = choosePty({ ...base, forceCount: 1, stdinIsTerminal: false });
    expect(noTerminal.pty).toBe(false);
    expect(noTerminal.warning).toMatch(/stdin is not a terminal/);
    expect(choosePty({ ...base, forceCount: 2, stdinIsTerminal: false })).toEqual({ pty: true });
    expect(choosePty({ ...base, forceCount: 2, refuse: true })).toEqual({ pty: false });
    expect(choosePty({ ...base, shell: true, requestTTY: 'no' })).toEqual({ pty: false });
  });
});
