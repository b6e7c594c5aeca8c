import { mkdirSync, readFileSync } from 'node:fs';
import { mkdir, realpath, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { requireCommand, runOk } from '../commands.js';
import {
  ALL_HOST_KEY_TYPES,
  certificateAuthority,
  signHostKey,
  sshKeygen,
  usableHostKeyAlgorithm,
} from '../keys.js';
import { prepareNamespace, type Wrapper } from '../namespace.js';
import { freePort, type PeerContext, type StartedPeer, stdioConnection, waitForPort } from '../peer.js';
import { MARKER_VAR } from '../process.js';
import type { PeerOptions, SupportedAlgorithms } from '../types.js';

let supportedCache: Promise<SupportedAlgorithms> | undefined;

/** What this OpenSSH build can do: `ssh -Q kex|HostKeyAlgorithms|cipher|mac` (host keys: types we can generate). */
function openSshSupported(): Promise<SupportedAlgorithms> {
  supportedCache ??= (async () => {
    const ssh = requireCommand('ssh');
    const q = async (what: string) =>
      (await runOk(ssh, ['-Q', what]))
        .split('\n')
        .map((s) => s.trim())
        .filter(Boolean);
    const [kex, hostKey, cipher, mac] = await Promise.all([
      q('kex'),
      q('HostKeyAlgorithms'),
      q('cipher'),
      q('mac'),
    ]);
    return { kex, hostKey: hostKey.filter(usableHostKeyAlgorithm), cipher, mac };
  })();
  supportedCache.catch(() => {
    supportedCache = undefined;
  });
  return supportedCache;
}

/**
 * OpenSSH sshd in inetd mode: every connect() spawns `/usr/sbin/sshd -i -f CONFIG -E LOG` with
 * stdio pipes. As root it needs the privilege separation directory /run/sshd.
 */
export async function startOpenSsh(ctx: PeerContext, options: PeerOptions): Promise<StartedPeer> {
  const sshd = requireCommand('sshd');
  const supportedPromise = openSshSupported();
  const types = options.hostKeyTypes ?? [...ALL_HOST_KEY_TYPES];
  const keys = await Promise.all(types.map((t) => sshKeygen(ctx.dir, t)));
  const certOptions = options.hostCertificates;
  const ca = certOptions ? await certificateAuthority(ctx.dir) : undefined;
  const certificates = ca
    ? await Promise.all(
        keys.map((k) =>
          signHostKey(
            ca.privatePath,
            k,
            certOptions?.principals ?? ['127.0.0.1', 'localhost'],
            certOptions?.validity ?? '-5m:+1h',
          ),
        ),
      )
    : [];

  if (process.getuid?.() === 0) mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });

  const authorizedKeys = join(ctx.dir, 'authorized_keys');
  await writeFile(authorizedKeys, (options.authorizedKeys ?? []).map((l) => `${l.trim()}\n`).join(''), {
    mode: 0o600,
  });
  const sftpHome = await openSshSftpHome(ctx.dir);
  const sessionHome = join(ctx.dir, 'session-home');
  await mkdir(sessionHome, { mode: 0o700 });
  const algorithms = options.algorithms ?? {};
  const config = [
    ...keys.map((k) => `HostKey ${k.privatePath}`),
    ...certificates.map((c) => `HostCertificate ${c.path}`),
    'PidFile none',
    `UsePAM ${options.keyboardInteractive ? 'yes' : 'no'}`,
    'StrictModes no',
    `LogLevel ${options.logLevel ?? 'DEBUG3'}`,
    `AuthorizedKeysFile ${authorizedKeys}`,
    'PubkeyAuthentication yes',
    `PasswordAuthentication ${options.password !== undefined ? 'yes' : 'no'}`,
    `KbdInteractiveAuthentication ${options.keyboardInteractive ? 'yes' : 'no'}`,
    'PermitRootLogin yes',
    'PrintMotd no',
    'PrintLastLog no',
    // internal-sftp (sftp-server's code inside sshd, sshd_config(5) "Subsystem") starts in a
    // throwaway dir rather than the user's home (for root the real /root): `-d` is sftp-server(8)'s
    // start directory. No `-e -l DEBUG3`: the session child closes every fd above stderr
    // (session.c do_child, closefrom) before it enters sftp_server_main, -E's log file included,
    // so internal-sftp's own log is lost; sshd.log still shows the subsystem request.
    // A second `Subsystem sftp` in options.sshdConfig is a config error.
    `Subsystem sftp internal-sftp -d ${sftpHome}`,
    // Sessions carry the marker too, so close() also finds commands they left running. HOME is an
    // empty throwaway dir so that the sessions' shells (bash -c for exec, a login bash for a pty)
    // never run the machine user's ~/.bashrc or ~/.profile: sshd sets SSH_CLIENT, for which bash
    // sources ~/.bashrc even for `-c` (bash(1) INVOCATION), and a user's rc can block (a pyenv
    // rehash waits 60 s on a lock left by a session killed mid-rehash). sshd_config(5): SetEnv
    // overrides the default environment; the session still starts in the real home (pw_dir).
    `SetEnv ${MARKER_VAR}=${ctx.dir} HOME=${sessionHome}`,
    ...(algorithms.kex ? [`KexAlgorithms ${algorithms.kex.join(',')}`] : []),
    ...(algorithms.hostKey ? [`HostKeyAlgorithms ${algorithms.hostKey.join(',')}`] : []),
    ...(algorithms.cipher ? [`Ciphers ${algorithms.cipher.join(',')}`] : []),
    ...(algorithms.mac ? [`MACs ${algorithms.mac.join(',')}`] : []),
    ...(options.rekeyLimit ? [`RekeyLimit ${options.rekeyLimit}`] : []),
    ...(options.sshdConfig ?? []),
  ];
  const configPath = join(ctx.dir, 'sshd_config');
  await writeFile(configPath, `${config.join('\n')}\n`);
  const logPath = join(ctx.dir, 'sshd.log');
  await writeFile(logPath, '');

  // Syntax check with the same binary and config (fails fast on bad algorithm names).
  await runOk(sshd, ['-t', '-f', configPath]);

  // sshd checks passwords against /etc/shadow itself (UsePAM no); only a patched copy works.
  const wrap = await prepareNamespace('openssh', ctx.dir, {
    password: options.password,
    pamSshd: await pamKeyboardInteractive(ctx.dir, options),
  });

  const port = options.listen ? await listenOpenSsh(ctx, wrap, sshd, configPath, logPath) : undefined;

  return {
    ...(port === undefined ? {} : { port }),
    sftp: { remotePath: sftpHome, localPath: sftpHome, server: 'internal-sftp' },
    hostKeys: keys.map(({ type, publicKey, fingerprint }, i) => ({
      type,
      publicKey,
      fingerprint,
      ...(certificates[i] ? { certificate: certificates[i].line } : {}),
    })),
    ...(ca ? { hostCertificateAuthority: ca.publicKey } : {}),
    supported: await supportedPromise,
    connect: async () => {
      const id = ctx.nextConnectionId();
      const [cmd, args] = wrap(sshd, ['-i', '-f', configPath, '-E', logPath]);
      const child = ctx.spawn(cmd, args, {}, `[sshd conn ${id}] `);
      await new Promise<void>((resolve, reject) => {
        child.once('spawn', resolve);
        child.once('error', reject);
      });
      return stdioConnection(child);
    },
    log: () => {
      let file = '';
      try {
        file = readFileSync(logPath, 'utf8');
      } catch {
        // Removed by close().
      }
      const stderr = ctx.log.toString();
      return stderr ? `${file}\n${stderr}` : file;
    },
  };
}

/**
 * DIR/home, the start directory for internal-sftp. sshd builds internal-sftp's argv with
 * `strtok(args, " ")` (session.c, do_child): no quoting, so a path with a space cannot be passed.
 */
async function openSshSftpHome(dir: string): Promise<string> {
  const home = join(dir, 'home');
  if (/\s/.test(home)) throw new Error(`openssh: the sftp start directory ${home} contains white space`);
  await mkdir(home, { mode: 0o755 });
  // sftp-server answers realpath(".") with realpath(3), symlinks (in TMPDIR) resolved.
  return realpath(home);
}

/**
 * PeerOptions.listen: `sshd -D` (not daemonising, so the context owns it and close() kills it and
 * its per-connection children) on 127.0.0.1:PORT, with the peer's config, keys and log. Returns
 * the port; retries another one when a race for it was lost.
 */
async function listenOpenSsh(
  ctx: PeerContext,
  wrap: Wrapper,
  sshd: string,
  configPath: string,
  logPath: string,
): Promise<number> {
  const log = () => {
    try {
      return readFileSync(logPath, 'utf8').slice(-2000);
    } catch {
      return '';
    }
  };
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const [cmd, args] = wrap(sshd, [
      '-D',
      '-f',
      configPath,
      '-E',
      logPath,
      '-o',
      `ListenAddress=127.0.0.1:${port}`,
    ]);
    const listener = ctx.spawn(cmd, args, { dieWithParent: true }, '[sshd listener] ');
    listener.stdout?.resume();
    try {
      await waitForPort(port, listener, log);
      return port;
    } catch (e) {
      if (attempt < 4 && /in use/i.test(log())) continue;
      throw e;
    }
  }
}

/**
 * The /etc/pam.d/sshd for PeerOptions.keyboardInteractive, from stock Debian libpam-modules:
 * pam_unix prompts `Password: ` and checks the (patched) shadow entry; pam_unix would reuse that
 * answer (PAM_AUTHTOK) rather than prompt again, so pam_stress asks the second prompt, replacing
 * PAM_AUTHTOK with its answer, which pam_exec (expose_authtok) compares with the expected one.
 */
async function pamKeyboardInteractive(dir: string, options: PeerOptions): Promise<string | undefined> {
  const kbd = options.keyboardInteractive;
  if (!kbd) return undefined;
  if (options.password === undefined) throw new Error('openssh: keyboardInteractive needs a password');
  const answer = join(dir, 'pam-second-answer');
  await writeFile(answer, kbd.secondAnswer ?? options.password, { mode: 0o600 });
  const check = join(dir, 'pam-second-check.sh');
  // pam_exec writes the token NUL-terminated on stdin.
  const script = ['#!/bin/sh', `[ "$(tr -d '\\000')" = "$(cat '${answer}')" ]`, ''].join('\n');
  await writeFile(check, script, { mode: 0o755 });
  return [
    'auth required pam_unix.so',
    'auth required pam_stress.so',
    `auth required pam_exec.so quiet expose_authtok ${check}`,
    'account required pam_permit.so',
    'session required pam_permit.so',
    'password required pam_deny.so',
    '',
  ].join('\n');
}
