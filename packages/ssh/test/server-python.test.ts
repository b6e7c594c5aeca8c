// Issue 7: paramiko's (2.12) and AsyncSSH's clients against our SSHServer (systemShell() exec /
// shell, SFTP rooted at fx.root, limits.maxAuthTries 3), each through its driver script
// (python/<lib>_client.py), one process per library for the whole file: exec with stdout, stderr,
// stdin and the exit status; password and publickey auth with ed25519, ecdsa and rsa user keys (the
// RSA signature algorithm picked from our EXT_INFO server-sig-algs); a pty shell sized by the
// pty-req and resized by window-change, as `stty size` sees it; a `signal` request from the client
// and the exit-signal back; SFTP mkdir / listdir / put / get / stat checked on disk; wrong
// passwords refused and the connection dropped after the third; a host key that known_hosts does
// not hold refused by the client.
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generatePrivateKey } from '@sshts/keys';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  missingReason,
  type PythonClient,
  pythonWith,
  type ServerFixture,
  startPythonClient,
  startServer,
  USER,
} from './server-helpers.js';

const LIBS = ['paramiko', 'asyncssh'] as const;
const USER_KEYS = ['ed25519', 'ecdsa', 'rsa'] as const;
/** The publickey algorithm a client signs with for each user key type. */
const KEY_ALGORITHM = {
  ed25519: 'ssh-ed25519',
  ecdsa: 'ecdsa-sha2-nistp256',
  rsa: /^rsa-sha2-(256|512)$/,
};
const MAX_AUTH_TRIES = 3;

for (const lib of LIBS) {
  describe(`${lib} × our server`, async () => {
    const python = await pythonWith(lib);
    if (!python) {
      it.skip(`${lib}: ${await missingReason(lib)}`, () => {});
      return;
    }
    let fx: ServerFixture;
    let client: PythonClient;
    beforeAll(async () => {
      fx = await startServer({ server: { limits: { maxAuthTries: MAX_AUTH_TRIES } } });
      client = await startPythonClient(python, lib, fx);
    }, 60_000);
    afterAll(async () => {
      await client?.close();
      await fx?.close();
    });

    /** A request that must succeed; the reply's error (and the script's stderr) otherwise. */
    // biome-ignore lint/suspicious/noExplicitAny: the script's JSON reply
    const ok = async (request: Record<string, unknown>): Promise<any> => {
      const reply = await client.request(request);
      expect(reply.ok, `${reply.error}\n${reply.trace ?? ''}\n${client.stderr.slice(-1500)}`).toBe(true);
      return reply;
    };

    it('exec with a password: stdout, stderr and the exit status, separately', async () => {
      const r = await ok({ op: 'exec', command: 'echo out; echo err >&2; pwd; exit 3' });
      expect(r).toMatchObject({ stdout: `out\n${fx.cwd}\n`, stderr: 'err\n', exit: 3 });
      expect(r.client.remoteVersion).toMatch(/^SSH-2\.0-sshts_/);
      // The server saw this library, and both ends agree on what was negotiated.
      const conn = fx.lastConnection();
      expect(conn.remote).toMatch(lib === 'paramiko' ? /^SSH-2\.0-paramiko_2\./ : /^SSH-2\.0-AsyncSSH_2\./);
      const n = conn.negotiated[0]!;
      expect(n.peerExtInfo).toBe(true);
      expect(r.client.cipher).toBe(n.cipher[0]);
      if (lib === 'paramiko')
        expect(r.client).toMatchObject({ kex: n.kex, hostKey: n.hostKey, mac: n.mac[0] });
      expect(fx.authAttempts.at(-1)).toEqual({ method: 'password', user: USER, ok: true });
    });

    it("`supported` lists the client's algorithms; `only` pins one per slot (the matrix's ops)", async () => {
      const { supported } = await ok({ op: 'supported' });
      const only = {
        kex: 'ecdh-sha2-nistp384',
        hostKey: 'ecdsa-sha2-nistp256',
        cipher: 'aes256-ctr',
        mac: 'hmac-sha2-512-etm@openssh.com',
      };
      for (const [slot, name] of Object.entries(only)) expect(supported[slot]).toContain(name);
      const r = await ok({ op: 'exec', only, command: 'echo pinned' });
      expect(r).toMatchObject({ stdout: 'pinned\n', exit: 0 });
      expect(fx.lastConnection().negotiated[0]).toMatchObject({
        kex: only.kex,
        hostKey: only.hostKey,
        cipher: [only.cipher, only.cipher],
        mac: [only.mac, only.mac],
      });
    });

    it('exec: stdin reaches the command, EOF included', async () => {
      // 1 MiB, more than one channel window; wc ends only at EOF, and leaves tr nothing to read.
      const input = 'line one\nline two\n'.repeat(60_000);
      const r = await ok({ op: 'exec', command: 'wc -l; tr a-z A-Z | tail -n 1', stdin: input });
      expect(r).toMatchObject({ stdout: '120000\n', exit: 0 });
      const r2 = await ok({ op: 'exec', command: 'tr a-z A-Z', stdin: 'shout\n' });
      expect(r2).toMatchObject({ stdout: 'SHOUT\n', exit: 0 });
    });

    for (const key of USER_KEYS) {
      it(`publickey with the ${key} user key`, async () => {
        const before = fx.authAttempts.length;
        const r = await ok({ op: 'exec', auth: 'key', key, command: 'echo "key=$((40 + 2))"' });
        expect(r).toMatchObject({ stdout: 'key=42\n', exit: 0 });
        expect(fx.authAttempts.slice(before).at(-1)).toEqual({ method: 'publickey', user: USER, ok: true });
        expect(fx.authAttempts.slice(before).filter((a) => a.method === 'password')).toEqual([]);
        // Our EXT_INFO lists what we verify; the client picked an RSA algorithm from it.
        expect(r.client.serverSigAlgs).toEqual(
          expect.arrayContaining(['ssh-ed25519', 'rsa-sha2-256', 'rsa-sha2-512']),
        );
        if (key === 'rsa') expect(r.client.pubkeyAlgorithm).toMatch(KEY_ALGORITHM.rsa);
        else if (lib === 'asyncssh') expect(r.client.pubkeyAlgorithm).toBe(KEY_ALGORITHM[key]);
      });
    }

    it('a pty shell: the size from pty-req, then a window-change, as `stty size` sees them', async () => {
      const r = await ok({ op: lib === 'paramiko' ? 'shell' : 'pty', cols: 101, rows: 31, resize: [77, 19] });
      expect(r.first).toMatch(/size1=31 101=\r\n/);
      expect(r.first).toMatch(/\/dev\/pts\/\d+\r\n/);
      expect(r.first).toContain(`TERM=${lib === 'paramiko' ? 'vt100' : 'xterm'}\r\n`);
      expect(r.second).toMatch(/size2=19 77=\r\n/);
      expect(r.exit).toBe(lib === 'paramiko' ? 6 : 7);
    });

    it('a signal from the client: the command killed by it, exit-signal back', async () => {
      const r = await ok({ op: 'signal', command: 'echo ready; exec sleep 30', signal: 'TERM' });
      expect(r.output).toBe('ready\n');
      if (lib === 'asyncssh') expect(r).toMatchObject({ signal: 'TERM', exit: -1 });
      // paramiko keeps no exit-signal: its status stays -1 (no exit-status came).
      else expect(r.exit).toBe(-1);
    });

    it('a signal the command traps: it runs its handler and exits with its own status', async () => {
      const r = await ok({
        op: 'signal',
        command: "trap 'echo got-USR1; exit 9' USR1; echo ready; while :; do sleep 0.05; done",
        signal: 'USR1',
      });
      expect(r.output).toBe('ready\ngot-USR1\n');
      expect(r.exit).toBe(9);
      if (lib === 'asyncssh') expect(r.signal).toBe(null);
    });

    it('a signal to a command in a pty reaches the command, not script(1) around it', async () => {
      const r = await ok({
        op: 'signal',
        pty: true,
        command: "trap 'echo got-HUP; exit 8' HUP; echo ready; while :; do sleep 0.05; done",
        signal: 'HUP',
      });
      expect(r.output).toBe('ready\r\ngot-HUP\r\n');
      expect(r.exit).toBe(8);
      // Killed by it: script -e turns that into the status 128 + 15 (sshd would send exit-signal).
      const k = await ok({ op: 'signal', pty: true, command: 'echo ready; exec sleep 30', signal: 'TERM' });
      expect(k.exit).toBe(143);
    });

    it('SFTP: mkdir, listdir, put, get byte-exact, stat; the files on disk under the root', async () => {
      const dir = `${lib}-dir`;
      const r = await ok({ op: 'sftp', remoteDir: dir });
      // paramiko's listdir drops "." and ".."; AsyncSSH's keeps what READDIR sent (as from sshd).
      const dots = lib === 'asyncssh' ? ['.', '..'] : [];
      expect(r).toMatchObject({ before: dots, after: [...dots, 'up.bin'], statSize: 300000, same: true });
      if (lib === 'paramiko') expect(r.putSize).toBe(300000);
      expect((await stat(join(fx.root, dir))).isDirectory()).toBe(true);
      const onDisk = await readFile(join(fx.root, dir, 'up.bin'));
      expect(onDisk.equals(await readFile(r.local))).toBe(true);
      // stat's mode is the file's on disk (S_IFREG and its permission bits).
      expect(r.mode).toBe((await stat(join(fx.root, dir, 'up.bin'))).mode);
    });

    it('a wrong password is refused', async () => {
      const before = fx.authAttempts.length;
      const r = await client.request({ op: 'exec', password: 'not the password', command: 'true' });
      expect(r.ok).toBe(false);
      expect(r.error).toMatch(lib === 'paramiko' ? /AuthenticationException/ : /PermissionDenied/);
      expect(fx.authAttempts.slice(before)).toContainEqual({ method: 'password', user: USER, ok: false });
      expect(fx.authAttempts.slice(before).some((a) => a.ok)).toBe(false);
    });

    it(`the connection is dropped after ${MAX_AUTH_TRIES} wrong passwords (maxAuthTries)`, async () => {
      const before = fx.authAttempts.length;
      const r = await ok({ op: 'wrongPasswords', tries: 6 });
      const attempts = fx.authAttempts.slice(before);
      expect(attempts).toHaveLength(MAX_AUTH_TRIES);
      expect(attempts.every((a) => a.method === 'password' && !a.ok)).toBe(true);
      if (lib === 'paramiko') {
        // Two USERAUTH_FAILUREs with the connection up, then the third ends it (sshd's way: the
        // failure reaching MaxAuthTries is a DISCONNECT, not a USERAUTH_FAILURE).
        expect(r.attempts, JSON.stringify(r)).toEqual([
          { result: 'refused: Authentication failed.', active: true },
          { result: 'refused: Authentication failed.', active: true },
          { result: expect.stringMatching(/^refused|^error/), active: false },
        ]);
      } else {
        expect(r.tried).toBe(MAX_AUTH_TRIES);
        expect(r.error).toMatch(/DisconnectError|ConnectionLost|PermissionDenied/);
      }
      const d = fx.lastConnection().disconnects;
      expect(
        d.filter((x) => !x.fromPeer),
        JSON.stringify(d),
      ).toEqual([
        // SSH_DISCONNECT_NO_MORE_AUTH_METHODS_AVAILABLE
        {
          reason: 14,
          description: expect.stringMatching(/too many authentication failures/i),
          fromPeer: false,
        },
      ]);
    });

    it('a host key other than the one in known_hosts is refused by the client', async () => {
      const file = join(fx.dir, `${lib}-wrong-known-hosts`);
      // A key of each type we serve but RSA (slow to make; the clients ask only for the types
      // known_hosts lists), none of them ours.
      const lines = await Promise.all(
        [
          generatePrivateKey('ed25519'),
          generatePrivateKey('ecdsa', { bits: 256 }),
          generatePrivateKey('ecdsa', { bits: 384 }),
          generatePrivateKey('ecdsa', { bits: 521 }),
        ].map(async (k) => `[127.0.0.1]:${fx.port} ${(await k).publicKey.toString()}\n`),
      );
      await writeFile(file, lines.join(''));
      const before = fx.authAttempts.length;
      const r = await client.request({ op: 'exec', knownHosts: file, command: 'echo should not run' });
      expect(r.ok).toBe(false);
      expect(r.error).toMatch(lib === 'paramiko' ? /BadHostKeyException/ : /HostKeyNotVerifiable/);
      // paramiko names the key it got: our ed25519 host key.
      if (lib === 'paramiko')
        expect(r.error).toContain(`got '${fx.hostKeys.ed25519.publicKey.toString().split(' ')[1]}'`);
      expect(fx.lastConnection().remote).toMatch(lib === 'paramiko' ? /paramiko/ : /AsyncSSH/);
      expect(fx.authAttempts.length).toBe(before);
    });
  });
}
