// sshts keygen checked by OpenSSH's ssh-keygen: the files it writes are read by `ssh-keygen -l` and
// `ssh-keygen -y` (with the passphrase when encrypted), the fingerprints agree with `sshts keygen
// -l`, the private key is mode 0600, and existing files are never replaced.
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { toolAvailability } from '@sshts/test-peers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileAsync, runCli, runInProcess, type TempHome, tempHome } from './helpers.js';

const keygen = await toolAvailability('ssh-keygen');

describe.skipIf(!keygen.available)('sshts keygen', { concurrent: true }, () => {
  let home: TempHome;
  const sshKeygen = (args: string[]) => execFileAsync(keygen.available ? keygen.path : '', args);

  beforeAll(async () => {
    home = await tempHome('keygen');
  });
  afterAll(async () => {
    await home?.remove();
  });

  const cases: [string, string[], RegExp][] = [
    ['ed25519', ['-t', 'ed25519'], /^256 SHA256:\S+ made-by-test \(ED25519\)$/],
    ['ecdsa384', ['-t', 'ecdsa', '-b', '384'], /^384 SHA256:\S+ made-by-test \(ECDSA\)$/],
    ['rsa2048', ['-t', 'rsa', '-b', '2048'], /^2048 SHA256:\S+ made-by-test \(RSA\)$/],
  ];
  for (const [name, args, pattern] of cases) {
    // The first case runs the real process; the others the same code in this process.
    const run = name === 'ed25519' ? runCli : runInProcess;
    it(`writes ${name} files ssh-keygen reads, with the same fingerprint`, async () => {
      const file = join(home.dir, `id_${name}`);
      const r = await run(['keygen', ...args, '-C', 'made-by-test', '-f', file], { home: home.dir });
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`Your identification has been saved in ${file}\n`);
      expect(((await stat(file)).mode & 0o777).toString(8)).toBe('600');
      const theirs = (await sshKeygen(['-l', '-f', file])).stdout.trim();
      expect(theirs).toMatch(pattern);
      const ours = await run(['keygen', '-l', '-f', file], { home: home.dir });
      expect(ours.stdout.trim()).toBe(theirs);
      const oursPub = await run(['keygen', '-l', '-f', `${file}.pub`], { home: home.dir });
      expect(oursPub.stdout.trim()).toBe((await sshKeygen(['-l', '-f', `${file}.pub`])).stdout.trim());
      // ssh-keygen -y derives the public key from the private file: the same as our .pub.
      const derived = (await sshKeygen(['-y', '-f', file])).stdout.trim();
      const pub = (await readFile(`${file}.pub`, 'utf8')).trim();
      expect(pub.startsWith(derived.split(' ').slice(0, 2).join(' '))).toBe(true);
      expect(pub.endsWith(' made-by-test')).toBe(true);
    });
  }

  it('encrypts with -N: ssh-keygen needs the passphrase, and -y with it gives the public key', async () => {
    const file = join(home.dir, 'id_encrypted');
    const r = await runInProcess(['keygen', '-q', '-N', 'correct horse', '-C', 'enc', '-f', file], {
      home: home.dir,
    });
    expect(r).toMatchObject({ code: 0, stdout: '' });
    await expect(sshKeygen(['-y', '-P', 'wrong', '-f', file])).rejects.toThrow();
    const derived = (await sshKeygen(['-y', '-P', 'correct horse', '-f', file])).stdout.trim();
    const pub = (await readFile(`${file}.pub`, 'utf8')).trim();
    expect(pub.startsWith(derived.split(' ').slice(0, 2).join(' '))).toBe(true);
    const ours = await runInProcess(['keygen', '-y', '-P', 'correct horse', '-f', file], { home: home.dir });
    expect(ours).toMatchObject({ code: 0, stdout: `${pub}\n` });
  });

  it('fingerprints ssh-keygen’s keys as ssh-keygen does (sha256 and md5)', async () => {
    const file = join(home.dir, 'their_key');
    await sshKeygen(['-q', '-t', 'ecdsa', '-b', '521', '-N', '', '-C', 'theirs', '-f', file]);
    for (const hash of ['sha256', 'md5']) {
      const theirs = (await sshKeygen(['-l', '-E', hash, '-f', file])).stdout.trim();
      const ours = await runInProcess(['keygen', '-l', '-E', hash, '-f', file], { home: home.dir });
      expect(ours.stdout.trim()).toBe(theirs);
    }
  });

  it('defaults to ~/.ssh/id_ed25519 and never replaces an existing key', async () => {
    const r = await runInProcess(['keygen', '-q', '-C', 'default'], { home: home.dir });
    expect(r.code).toBe(0);
    const file = join(home.dir, '.ssh', 'id_ed25519');
    const first = await readFile(file, 'utf8');
    const again = await runInProcess(['keygen', '-q'], { home: home.dir });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already exists/);
    expect(await readFile(file, 'utf8')).toBe(first);
  });

  it('refuses bad types and sizes as usage errors', async () => {
    expect(
      (await runInProcess(['keygen', '-t', 'dsa', '-f', join(home.dir, 'x')], { home: home.dir })).code,
    ).toBe(2);
    const small = await runInProcess(['keygen', '-t', 'rsa', '-b', '1024', '-f', join(home.dir, 'y')], {
      home: home.dir,
    });
    expect(small.code).toBe(2);
    expect(small.stderr).toMatch(/RSA bits/);
    await writeFile(join(home.dir, 'not-a-key'), 'hello\n');
    expect(
      (await runInProcess(['keygen', '-l', '-f', join(home.dir, 'not-a-key')], { home: home.dir })).code,
    ).toBe(1);
  });
});
