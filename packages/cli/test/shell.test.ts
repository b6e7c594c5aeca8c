// sshts shell against OpenSSH sshd: on a real pty (util-linux script(1) gives the CLI a terminal),
// with a terminal double in this process (raw mode switched on and back, window changes followed),
// and without a terminal (no pty, as ssh).

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { peerAvailability, toolAvailability } from '@sshts/test-peers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli as runInProcess } from '../src/main.js';
import { fakeIo, waitFor } from './fake-io.js';
import {
  cliCommand,
  cliEnv,
  runCli,
  type Server,
  startServer,
  type TempHome,
  tempHome,
  writeClientConfig,
} from './helpers.js';

const openssh = await peerAvailability('openssh');
const keygen = await toolAvailability('ssh-keygen');
const SCRIPT = '/usr/bin/script';
// util-linux's script(1) is part of every Debian system (bsdutils, Essential); CI must have it.
if (!existsSync(SCRIPT) && process.env.CI === 'true')
  throw new Error(`${SCRIPT} not found (package bsdutils)`);

/** sh -c quoting of one word. */
const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

/** Runs `shellCommand` under script(1) (so on a pty) with `input` typed into it. */
function underScript(
  shellCommand: string,
  input: string,
  home: string,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(SCRIPT, ['-qec', shellCommand, '/dev/null'], {
      env: cliEnv(home, { TERM: 'xterm' }),
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString('utf8');
    });
    child.stderr.on('data', (d: Buffer) => {
      output += d.toString('utf8');
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
    child.stdin.end(input);
  });
}

describe.skipIf(!openssh.available || !keygen.available)('sshts shell with OpenSSH sshd', () => {
  let home: TempHome;
  let server: Server;
  let config: string;

  beforeAll(async () => {
    home = await tempHome('shell');
    server = await startServer(keygen.available ? keygen.path : '', home.dir);
    config = await writeClientConfig(home.dir, server);
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await home?.remove();
  });

  it.skipIf(!existsSync(SCRIPT))(
    'runs a shell on a pty sized like the terminal and exits with its status',
    async () => {
      const cli = cliCommand(['shell', '-F', config, 'testhost']).map(quote).join(' ');
      const r = await underScript(`stty cols 123 rows 45; ${cli}`, 'tty; stty size; exit 7\n', home.dir);
      expect(r.code).toBe(7);
      expect(r.output).toMatch(/\/dev\/pts\/\d+/);
      expect(r.output).toMatch(/\b45 123\b/);
      expect(r.output).toMatch(/Connection to 127\.0\.0\.1 closed\./);
    },
  );

  it('switches the terminal to raw mode and back, and passes window changes on', async () => {
    const io = fakeIo({ home: home.dir, tty: true, columns: 100, rows: 30 });
    const done = runInProcess(['shell', '-F', config, '-o', 'IdentityAgent=none', 'testhost'], io);
    io.stdin.write('stty size\n');
    await waitFor(
      () => io.stdout.text(),
      (t) => /\b30 100\b/.test(t),
    );
    expect(io.stdin.rawModes).toEqual([true]);
    io.stdout.resize(132, 50);
    io.stdin.write('stty size; exit 5\n');
    expect(await done).toBe(5);
    expect(io.stdout.text()).toMatch(/\b50 132\b/);
    expect(io.stdin.rawModes).toEqual([true, false]);
  });

  it('without a terminal runs the shell on its stdin with no pty', async () => {
    const r = await runCli(['shell', '-F', config, 'testhost'], {
      home: home.dir,
      input: 'test -t 0 || echo no-tty; exit 4\n',
    });
    expect(r.code).toBe(4);
    expect(r.stdout).toBe('no-tty\n');
    expect(r.stderr).toMatch(/Pseudo-terminal will not be allocated because stdin is not a terminal\./);
  });
});
