// The command itself, run as a process: help texts, unknown commands and options, `serve`.
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers.js';

const home = '/nonexistent-sshts-home';

describe.concurrent('the sshts command', () => {
  it('lists every command in help, and shows each command’s options', async () => {
    const top = await runCli(['help'], { home, cwd: '/' });
    expect(top.code).toBe(0);
    for (const name of ['exec', 'shell', 'get', 'put', 'ls', 'keyscan', 'keygen', 'serve']) {
      expect(top.stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
    }
    const exec = await runCli(['exec', '--help'], { home, cwd: '/' });
    expect(exec.code).toBe(0);
    expect(exec.stdout).toMatch(/^usage: sshts exec /);
    expect(exec.stdout).toMatch(/-o, --option <Key=Value>/);
    expect((await runCli(['help', 'get'], { home, cwd: '/' })).stdout).toMatch(/-r, --recursive/);
  });

  it('exits 2 for no command, an unknown command or option, with a pointer to help', async () => {
    expect((await runCli([], { home, cwd: '/' })).code).toBe(2);
    const unknown = await runCli(['frobnicate'], { home, cwd: '/' });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command 'frobnicate'/);
    const option = await runCli(['ls', '--nope', 'h:'], { home, cwd: '/' });
    expect(option.code).toBe(2);
    expect(option.stderr).toMatch(/^sshts ls: unknown option --nope\nTry 'sshts ls --help'\./);
  });

  it('serve with no way to log in refuses to start, with exit code 2', async () => {
    const r = await runCli(['serve', '-p', '0'], { home, cwd: '/' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/nobody could log in/);
  });
});
