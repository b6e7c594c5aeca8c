// Shared by the ssh_config tests: running the real `ssh -G`, and printing a HostConfig the way
// `ssh -G` prints the keywords we model, so the two can be compared line by line.
import { spawnSync } from 'node:child_process';
import { hostname, userInfo } from 'node:os';
import type { ConfigForward, HostConfig, SSHConfigContext } from '../src/ssh-config/index.js';

export interface DashG {
  /** keyword → values, one per printed line (IdentityFile, SendEnv, ... repeat). */
  readonly lines: ReadonlyMap<string, readonly string[]>;
  readonly status: number | null;
  readonly stderr: string;
}

/** `ssh -G -F config [-l user] [-p port] host`, with HOME (used by Include's '~') set to `home`. */
export function sshDashG(
  ssh: string,
  config: string,
  host: string,
  opts: { user?: string; port?: number; home: string; env?: Record<string, string> },
): DashG {
  const args = ['-G', '-F', config];
  if (opts.user !== undefined) args.push('-l', opts.user);
  if (opts.port !== undefined) args.push('-p', String(opts.port));
  args.push('--', host);
  const r = spawnSync(ssh, args, {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: opts.home, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 20_000,
  });
  const lines = new Map<string, string[]>();
  for (const line of r.stdout.split('\n')) {
    if (line === '') continue;
    const sp = line.indexOf(' ');
    const k = sp < 0 ? line : line.slice(0, sp);
    const v = sp < 0 ? '' : line.slice(sp + 1);
    const list = lines.get(k) ?? [];
    list.push(v);
    lines.set(k, list);
  }
  return { lines, status: r.status, stderr: r.stderr };
}

/** The local context ssh itself uses here (passwd user and home, gethostname()), with `env`. */
export function realLocalContext(env: Record<string, string | undefined>): SSHConfigContext {
  const u = userInfo();
  const uid = process.getuid?.();
  return {
    userName: u.username,
    homeDir: u.homedir,
    ...(uid === undefined ? {} : { uid }),
    hostName: hostname(),
    env,
  };
}

const tf = (b: boolean) => (b ? 'yes' : 'no');
/** fmt_multistate_int(): the first spelling in the table for the value (true/false for yes/no). */
const ms = (v: string) => (v === 'yes' ? 'true' : v === 'no' ? 'false' : v);

function fwd(f: ConfigForward, dynamic: boolean): string {
  const listen =
    f.listenPath !== undefined
      ? f.listenPath
      : f.listenHost === undefined
        ? String(f.listenPort)
        : `[${f.listenHost}]:${f.listenPort}`;
  if (dynamic) return listen;
  const connect =
    f.connectPath !== undefined
      ? f.connectPath
      : f.connectHost === undefined
        ? String(f.connectPort ?? 0)
        : `[${f.connectHost}]:${f.connectPort ?? 0}`;
  return `${listen} ${connect}`;
}

/** HostConfig → the lines `ssh -G` would print for the keywords we model. */
export function toDashG(hc: HostConfig): Map<string, string[]> {
  const m = new Map<string, string[]>();
  const set = (k: string, ...v: string[]) => m.set(k, v);
  set('user', hc.user);
  set('hostname', hc.hostname);
  set('port', String(hc.port));
  set('identitiesonly', tf(hc.identitiesOnly));
  if (hc.identityAgent !== undefined) set('identityagent', hc.identityAgent);
  set('userknownhostsfile', hc.userKnownHostsFile.length > 0 ? hc.userKnownHostsFile.join(' ') : 'none');
  set(
    'globalknownhostsfile',
    hc.globalKnownHostsFile.length > 0 ? hc.globalKnownHostsFile.join(' ') : 'none',
  );
  set('stricthostkeychecking', ms(hc.strictHostKeyChecking));
  if (hc.hostKeyAlias !== undefined) set('hostkeyalias', hc.hostKeyAlias);
  set('checkhostip', tf(hc.checkHostIP));
  set('hashknownhosts', tf(hc.hashKnownHosts));
  set('updatehostkeys', ms(hc.updateHostKeys));
  set('verifyhostkeydns', ms(hc.verifyHostKeyDNS));
  if (hc.proxyJump !== undefined) set('proxyjump', hc.proxyJump);
  else if (hc.options.proxycommand !== undefined && hc.proxyCommand !== undefined)
    set('proxycommand', hc.options.proxycommand[0] ?? '');
  set('connecttimeout', hc.connectTimeout === undefined ? 'none' : String(hc.connectTimeout));
  set('connectionattempts', String(hc.connectionAttempts));
  set('serveraliveinterval', String(hc.serverAliveInterval));
  set('serveralivecountmax', String(hc.serverAliveCountMax));
  set('tcpkeepalive', tf(hc.tcpKeepAlive));
  set('addressfamily', hc.addressFamily);
  if (hc.bindAddress !== undefined) set('bindaddress', hc.bindAddress);
  set('ciphers', hc.ciphers.join(','));
  set('macs', hc.macs.join(','));
  set('kexalgorithms', hc.kexAlgorithms.join(','));
  set('hostkeyalgorithms', hc.hostKeyAlgorithms.join(','));
  set('pubkeyacceptedalgorithms', hc.pubkeyAcceptedAlgorithms.join(','));
  set('hostbasedacceptedalgorithms', hc.hostbasedAcceptedAlgorithms.join(','));
  set('casignaturealgorithms', hc.caSignatureAlgorithms.join(','));
  set('requiredrsasize', String(hc.requiredRSASize));
  set('rekeylimit', `${hc.rekeyLimit.bytes} ${hc.rekeyLimit.seconds}`);
  set('compression', tf(hc.compression));
  set('batchmode', tf(hc.batchMode));
  set('passwordauthentication', tf(hc.passwordAuthentication));
  set('kbdinteractiveauthentication', tf(hc.kbdInteractiveAuthentication));
  set('pubkeyauthentication', ms(hc.pubkeyAuthentication));
  if (hc.preferredAuthentications !== undefined)
    set('preferredauthentications', hc.preferredAuthentications.join(','));
  set('numberofpasswordprompts', String(hc.numberOfPasswordPrompts));
  set(
    'addkeystoagent',
    hc.addKeysToAgentLifetime !== undefined
      ? `${hc.addKeysToAgent === 'confirm' ? 'confirm ' : ''}${hc.addKeysToAgentLifetime}`
      : ms(hc.addKeysToAgent),
  );
  set('forwardagent', typeof hc.forwardAgent === 'string' ? hc.forwardAgent : tf(hc.forwardAgent));
  set('requesttty', ms(hc.requestTTY));
  if (hc.remoteCommand !== undefined) set('remotecommand', hc.remoteCommand);
  if (hc.localCommand !== undefined) set('localcommand', hc.localCommand);
  set('permitlocalcommand', tf(hc.permitLocalCommand));
  if (hc.controlPath !== undefined) set('controlpath', hc.controlPath);
  if (hc.sendEnv.length > 0) set('sendenv', ...hc.sendEnv);
  const setenv = Object.entries(hc.setEnv).map(([k, v]) => `${k}=${v}`);
  if (setenv.length > 0) set('setenv', ...setenv);
  if (hc.localForward.length > 0) set('localforward', ...hc.localForward.map((f) => fwd(f, false)));
  // dump_cfg_forwards() prints a local forwarding under DynamicForward unless its connect host is
  // set and not "socks", so a path-to-path LocalForward shows up under both names.
  // (OpenSSH keeps both in one list; the scenarios never mix the two, so this order is right.)
  const dynamicLines = [...hc.localForward.filter((f) => f.connectHost === undefined), ...hc.dynamicForward];
  if (dynamicLines.length > 0) set('dynamicforward', ...dynamicLines.map((f) => fwd(f, true)));
  if (hc.remoteForward.length > 0) set('remoteforward', ...hc.remoteForward.map((f) => fwd(f, false)));
  set('exitonforwardfailure', tf(hc.exitOnForwardFailure));
  set('loglevel', hc.logLevel);
  // IdentityFile and CertificateFile: ssh -G prints them before expansion.
  set('identityfile', ...(hc.options.identityfile ?? DEFAULT_IDENTITY_FILES));
  if (hc.options.certificatefile !== undefined) set('certificatefile', ...hc.options.certificatefile);
  return m;
}

const DEFAULT_IDENTITY_FILES = [
  '~/.ssh/id_rsa',
  '~/.ssh/id_ecdsa',
  '~/.ssh/id_ecdsa_sk',
  '~/.ssh/id_ed25519',
  '~/.ssh/id_ed25519_sk',
  '~/.ssh/id_xmss',
  '~/.ssh/id_dsa',
];

/** Keywords whose line order ssh -G prints differently from ours (none yet: all in file order). */
export function differences(ours: Map<string, string[]>, theirs: DashG): string[] {
  const out: string[] = [];
  for (const [k, v] of ours) {
    const t = theirs.lines.get(k) ?? [];
    if (JSON.stringify(t) !== JSON.stringify(v))
      out.push(`${k}: ssh -G ${JSON.stringify(t)} vs ours ${JSON.stringify(v)}`);
  }
  // A modelled keyword ssh prints that we left out (e.g. a forwarding we dropped).
  for (const k of [
    'localforward',
    'remoteforward',
    'dynamicforward',
    'sendenv',
    'setenv',
    'certificatefile',
    'proxyjump',
    'proxycommand',
    'remotecommand',
    'localcommand',
    'controlpath',
    'identityagent',
    'hostkeyalias',
    'bindaddress',
    'preferredauthentications',
  ]) {
    if (!ours.has(k) && theirs.lines.has(k))
      out.push(`${k}: ssh -G ${JSON.stringify(theirs.lines.get(k))} vs ours (absent)`);
  }
  return out;
}
