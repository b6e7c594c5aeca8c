import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AlgorithmKind,
  type Availability,
  type Peer,
  type PeerName,
  type PeerOptions,
  readIdentification,
  startPeer,
  toolAvailability,
} from '../src/index.js';
import {
  bridge,
  cmdline,
  type Kexinit,
  parseKexinit,
  pidLive,
  readPacket,
  runAsync,
  withoutPseudo,
} from './helpers.js';

export interface PeerSpec {
  name: PeerName;
  /** The identification line must start with `SSH-2.0-` + this. */
  software: RegExp;
  /** Key types (`ssh-keygen -l` style names) of the default hostKeys. */
  hostKeyTypes: string[];
  password: boolean;
  /** Sessions run the user's own shell (sshd, Dropbear, tinysshd), not /bin/sh (the Python peers). */
  userShell?: boolean;
  /** A narrowed instance and the lists its KEXINIT must then offer (pseudo-algorithms aside). */
  restricted?: { options: PeerOptions; expect: Partial<Record<AlgorithmKind, string[]>> };
}

const PASSWORD = 'sshts-test-pw';

async function kexinitOf(peer: Peer): Promise<{ line: string; kexinit: Kexinit; paddingLength: number }> {
  const conn = await peer.connect();
  try {
    const { line, rest } = await readIdentification(conn.input);
    conn.output.write('SSH-2.0-sshts_test\r\n');
    const packet = await readPacket(conn.input, rest);
    return { line, kexinit: parseKexinit(packet.payload), paddingLength: packet.paddingLength };
  } finally {
    await conn.close();
  }
}

function listsOf(k: Kexinit): Record<AlgorithmKind, string[]> {
  return {
    kex: withoutPseudo(k.kex),
    hostKey: k.hostKey,
    cipher: [...new Set([...k.cipherC2S, ...k.cipherS2C])],
    mac: [...new Set([...k.macC2S, ...k.macS2C])],
  };
}

/** ssh's stderr plus the tail of the server's log, for failure messages. */
const explain = (peer: Peer, stderr: string) =>
  `${stderr}\n--- ${peer.name} log (tail) ---\n${peer.log().slice(-4000)}`;

/** Defines the shared suite for one peer; the title carries the skip reason when it is unavailable. */
export function peerSuite(spec: PeerSpec, availability: Availability): void {
  const title = availability.available ? spec.name : `${spec.name} — skipped: ${availability.reason}`;
  // Only when the peer is missing outside CI (under CI=true peerAvailability throws); the title says why.
  describe.skipIf(!availability.available)(title, () => {
    let peer: Peer;
    let scratch: string;
    let userKeyPath: string;
    /** Processes a session left behind; close() must kill them too. */
    const leftovers: number[] = [];

    beforeAll(async () => {
      scratch = mkdtempSync(join(tmpdir(), `sshts-test-${spec.name}-`));
      userKeyPath = join(scratch, 'id_ed25519');
      const keygen = await runAsync('ssh-keygen', [
        '-q',
        '-t',
        'ed25519',
        '-N',
        '',
        '-C',
        '',
        '-f',
        userKeyPath,
      ]);
      expect(keygen.status, keygen.stderr).toBe(0);
      peer = await startPeer(spec.name, {
        authorizedKeys: [readFileSync(`${userKeyPath}.pub`, 'utf8').trim()],
        ...(spec.password ? { password: PASSWORD } : {}),
      });
    }, 60_000);

    afterAll(async () => {
      await peer?.close();
      if (scratch) rmSync(scratch, { recursive: true, force: true });
    });

    it('announces the expected software and sends KEXINIT within what `supported` lists', async () => {
      expect(peer.name).toBe(spec.name);
      expect(peer.user).toBe(userInfo().username);
      expect(peer.version).toMatch(spec.software);
      const { line, kexinit, paddingLength } = await kexinitOf(peer);
      expect(line.startsWith('SSH-2.0-')).toBe(true);
      expect(line.slice(8)).toMatch(spec.software);
      expect(paddingLength).toBeGreaterThanOrEqual(4);
      const offered = listsOf(kexinit);
      for (const kind of ['kex', 'hostKey', 'cipher', 'mac'] as const) {
        const unknown = offered[kind].filter((n) => !peer.supported[kind].includes(n));
        expect(unknown, `${kind} offered but not in supported`).toEqual([]);
      }
      // A host-key algorithm for every host key.
      for (const key of peer.hostKeys) {
        const algs = key.type === 'ssh-rsa' ? ['rsa-sha2-256', 'rsa-sha2-512', 'ssh-rsa'] : [key.type];
        expect(
          kexinit.hostKey.some((a) => algs.includes(a)),
          key.type,
        ).toBe(true);
      }
    });

    it('has the default host keys, with fingerprints as ssh-keygen -lf prints them', async () => {
      expect(peer.hostKeys.map((k) => k.type)).toEqual(spec.hostKeyTypes);
      for (const [i, key] of peer.hostKeys.entries()) {
        expect(key.publicKey.split(' ')).toHaveLength(2);
        const file = join(scratch, `hostkey${i}.pub`);
        writeFileSync(file, `${key.publicKey}\n`);
        const r = await runAsync('ssh-keygen', ['-lf', file]);
        expect(r.status, r.stderr).toBe(0);
        expect(r.stdout.split(' ')[1]).toBe(key.fingerprint);
      }
    });

    it('gives a new, independent connection per connect()', async () => {
      const conns = await Promise.all([peer.connect(), peer.connect(), peer.connect()]);
      try {
        const lines = await Promise.all(conns.map((c) => readIdentification(c.input)));
        for (const { line } of lines) expect(line.slice(8)).toMatch(spec.software);
      } finally {
        await Promise.all(conns.map((c) => c.close()));
      }
    });

    describe('with the OpenSSH client', () => {
      let port = 0;
      let closeBridge: (() => Promise<void>) | undefined;
      let sshPath: string | undefined;
      let knownHosts: string;

      beforeAll(async () => {
        const ssh = await toolAvailability('ssh');
        if (!ssh.available) return;
        sshPath = ssh.path;
        const b = await bridge(peer);
        port = b.port;
        closeBridge = b.close;
        knownHosts = join(scratch, 'known_hosts');
        writeFileSync(knownHosts, peer.hostKeys.map((k) => `[127.0.0.1]:${port} ${k.publicKey}\n`).join(''));
      }, 60_000);
      afterAll(async () => {
        await closeBridge?.();
      });

      const ssh = (
        extra: string[],
        command: string,
        options: { input?: string; env?: NodeJS.ProcessEnv } = {},
      ) =>
        runAsync(
          sshPath!,
          [
            '-F',
            '/dev/null',
            '-p',
            String(port),
            '-o',
            `UserKnownHostsFile=${knownHosts}`,
            '-o',
            'GlobalKnownHostsFile=/dev/null',
            '-o',
            'StrictHostKeyChecking=yes',
            '-o',
            'ConnectTimeout=15',
            ...extra,
            `${peer.user}@127.0.0.1`,
            command,
          ],
          options,
        );
      const keyArgs = () => ['-i', userKeyPath, '-o', 'BatchMode=yes', '-o', 'IdentitiesOnly=yes'];

      it('authenticates with authorizedKeys; exec `cat` echoes, exit status comes back', async (ctx) => {
        if (!sshPath) return ctx.skip(); // no OpenSSH client outside CI (toolAvailability throws under CI=true)
        const cat = await ssh(keyArgs(), 'cat', { input: 'hello through cat\n' });
        expect(cat.status, explain(peer, cat.stderr)).toBe(0);
        expect(cat.stdout).toBe('hello through cat\n');
        const exit = await ssh(keyArgs(), 'echo out; echo err >&2; exit 3');
        expect(exit.status, explain(peer, exit.stderr)).toBe(3);
        expect(exit.stdout).toBe('out\n');
        expect(exit.stderr).toContain('err');
      });

      it('proves each host key in hostKeys is the one the server signs with', async (ctx) => {
        if (!sshPath) return ctx.skip(); // no OpenSSH client outside CI (toolAvailability throws under CI=true)
        for (const key of peer.hostKeys) {
          const alg = key.type === 'ssh-rsa' ? 'rsa-sha2-256' : key.type;
          const r = await ssh([...keyArgs(), '-o', `HostKeyAlgorithms=${alg}`], 'true');
          expect(r.status, explain(peer, `${alg}: ${r.stderr}`)).toBe(0);
        }
      });

      it('rejects `none` auth and reports the methods', async (ctx) => {
        if (!sshPath) return ctx.skip(); // no OpenSSH client outside CI (toolAvailability throws under CI=true)
        const r = await ssh(['-v', '-o', 'BatchMode=yes', '-o', 'PubkeyAuthentication=no'], 'true');
        expect(r.status).toBe(255);
        const methods = /Authentications that can continue: (\S+)/.exec(r.stderr)?.[1]?.split(',').sort();
        expect(methods).toEqual(spec.password ? ['password', 'publickey'] : ['publickey']);
      });

      it('close() will also find commands a session left running', async (ctx) => {
        if (!sshPath) return ctx.skip(); // no OpenSSH client outside CI (toolAvailability throws under CI=true)
        const before = new Set(peer.processes());
        // A unique duration finds the sleeper anywhere on the machine, marker or not.
        const tag = `${300 + Math.floor(Math.random() * 1000)}.5`;
        const r = await ssh(keyArgs(), `sleep ${tag} </dev/null >/dev/null 2>&1 &`);
        expect(r.status, explain(peer, r.stderr)).toBe(0);
        const everywhere = () =>
          readdirSync('/proc')
            .filter((d) => /^\d+$/.test(d))
            .map(Number)
            .filter((pid) => cmdline(pid) === `sleep ${tag}`);
        await new Promise((resolve) => setTimeout(resolve, 300));
        const survivors = everywhere();
        // Some servers (tinysshd at times) end the session's processes themselves; if one survived
        // the session, it must carry the marker so that close() finds it.
        const marked = peer.processes().filter((pid) => !before.has(pid) && survivors.includes(pid));
        expect(marked, 'every surviving background command carries the marker').toEqual(survivors);
        leftovers.push(...marked);
      });

      // The user's rc files must not run in sessions: bash sources ~/.bashrc for sshd's and
      // Dropbear's `-c` too (SSH_CLIENT is set), and a machine's rc can block or be killed midway
      // (a pyenv rehash left its lock behind and every later session waited 60 s on it).
      it.skipIf(!spec.userShell)("gives sessions a HOME without the user's shell rc files", async (ctx) => {
        if (!sshPath) return ctx.skip(); // no OpenSSH client outside CI (toolAvailability throws under CI=true)
        const rcFiles = '.bashrc .bash_profile .bash_login .profile .zshrc .zshenv';
        const r = await ssh(
          keyArgs(),
          `for f in ${rcFiles}; do if [ -e "$HOME/$f" ]; then echo "$f"; fi; done`,
        );
        expect(r.status, explain(peer, r.stderr)).toBe(0);
        expect(r.stdout).toBe('');
      });

      it.skipIf(!spec.password)('accepts the password option', async (ctx) => {
        if (!sshPath) return ctx.skip(); // no OpenSSH client outside CI (toolAvailability throws under CI=true)
        const askpass = join(scratch, 'askpass.sh');
        writeFileSync(askpass, `#!/bin/sh\necho '${PASSWORD}'\n`, { mode: 0o755 });
        const args = ['-o', 'PubkeyAuthentication=no', '-o', 'PreferredAuthentications=password'];
        const env = { SSH_ASKPASS: askpass, SSH_ASKPASS_REQUIRE: 'force', DISPLAY: ':0' };
        const r = await ssh([...args, '-o', 'NumberOfPasswordPrompts=1'], 'echo pw-ok', { env });
        expect(r.status, explain(peer, r.stderr)).toBe(0);
        expect(r.stdout).toBe('pw-ok\n');
      });
    });

    // Skipped for Dropbear and tinysshd: neither can be configured with algorithm lists, so there
    // is no narrowed instance to check (Dropbear ignores options.algorithms; tinysshd has -P only).
    it.skipIf(!spec.restricted)(
      'narrows its algorithm lists to options.algorithms',
      async () => {
        const narrowed = await startPeer(spec.name, spec.restricted!.options);
        try {
          const offered = listsOf((await kexinitOf(narrowed)).kexinit);
          for (const [kind, expected] of Object.entries(spec.restricted!.expect)) {
            expect(offered[kind as AlgorithmKind], kind).toEqual(expected);
          }
        } finally {
          await narrowed.close();
        }
      },
      60_000,
    );

    it('close() kills every process it started and removes its temp dir', async () => {
      const conn = await peer.connect();
      await readIdentification(conn.input);
      const pids = peer.processes();
      expect(pids.length).toBeGreaterThan(0);
      await peer.close();
      expect(peer.processes()).toEqual([]);
      expect([...pids, ...leftovers].filter(pidLive)).toEqual([]);
      expect(existsSync(peer.dir)).toBe(false);
      await expect(peer.connect()).rejects.toThrow(/closed/);
    });
  });
}
