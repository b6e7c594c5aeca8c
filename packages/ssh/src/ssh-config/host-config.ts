// The resolved configuration for one destination: what was obtained, OpenSSH 9.2's defaults for
// the rest (readconf.c fill_default_options()), and values expanded the way ssh expands them
// before use (ssh.c main(), sshconnect.c), so a client can apply them directly.
import { type AlgorithmListKind, assembleAlgorithms } from './algorithms.js';
import { defaultTokens, expandValue, type SSHConfigContext } from './context.js';
import type { ProxyJumpValue } from './directives.js';
import { type ConfigForward, formatJumpHost, type ProxyJumpHost } from './endpoints.js';
import { SSHConfigError } from './errors.js';
import type { ObtainedOptions } from './evaluate.js';
import { asciiLower } from './lexer.js';
import { optionsMap } from './options-map.js';

export type StrictHostKeyChecking = 'yes' | 'no' | 'accept-new' | 'ask';

/** One destination's settings. Durations are in seconds, as in ssh_config. */
export interface HostConfig {
  /** The destination as given to lookup() (%n). */
  readonly host: string;
  /** Where to connect: HostName with %h expanded, lower-cased (numeric addresses canonicalised). */
  readonly hostname: string;
  readonly port: number;
  readonly user: string;
  /** Tilde, %-tokens and ${ENV} expanded; "none" entries dropped. OpenSSH's defaults when unset. */
  readonly identityFile: readonly string[];
  readonly identitiesOnly: boolean;
  /** Expanded; also "none", "SSH_AUTH_SOCK" or "$NAME" as ssh_config(5) describes. */
  readonly identityAgent: string | undefined;
  readonly certificateFile: readonly string[];
  /** Expanded; empty for "none". */
  readonly userKnownHostsFile: readonly string[];
  readonly globalKnownHostsFile: readonly string[];
  /** "off" and "false" read as "no", "true" as "yes". */
  readonly strictHostKeyChecking: StrictHostKeyChecking;
  readonly hostKeyAlias: string | undefined;
  readonly checkHostIP: boolean;
  readonly hashKnownHosts: boolean;
  readonly updateHostKeys: 'yes' | 'no' | 'ask';
  readonly verifyHostKeyDNS: 'yes' | 'no' | 'ask';
  /** The ProxyJump value as `ssh -G` prints it, and its hops in connection order. */
  readonly proxyJump: string | undefined;
  readonly proxyJumpHosts: readonly ProxyJumpHost[] | undefined;
  /** ProxyCommand with %%, %h, %k, %n, %p and %r expanded (undefined for none or a ProxyJump). */
  readonly proxyCommand: string | undefined;
  readonly connectTimeout: number | undefined;
  readonly connectionAttempts: number;
  readonly serverAliveInterval: number;
  readonly serverAliveCountMax: number;
  readonly tcpKeepAlive: boolean;
  readonly addressFamily: 'any' | 'inet' | 'inet6';
  readonly bindAddress: string | undefined;
  readonly ciphers: readonly string[];
  readonly macs: readonly string[];
  readonly kexAlgorithms: readonly string[];
  readonly hostKeyAlgorithms: readonly string[];
  readonly pubkeyAcceptedAlgorithms: readonly string[];
  readonly hostbasedAcceptedAlgorithms: readonly string[];
  readonly caSignatureAlgorithms: readonly string[];
  readonly requiredRSASize: number;
  /** RekeyLimit: bytes (0 = the cipher's default) and seconds (0 = none). */
  readonly rekeyLimit: { readonly bytes: number; readonly seconds: number };
  readonly compression: boolean;
  readonly batchMode: boolean;
  readonly passwordAuthentication: boolean;
  readonly kbdInteractiveAuthentication: boolean;
  readonly pubkeyAuthentication: 'yes' | 'no' | 'unbound' | 'host-bound';
  readonly preferredAuthentications: readonly string[] | undefined;
  readonly numberOfPasswordPrompts: number;
  readonly addKeysToAgent: 'yes' | 'no' | 'ask' | 'confirm';
  /** AddKeysToAgent's key lifetime in seconds, when one is given. */
  readonly addKeysToAgentLifetime: number | undefined;
  /** true/false, or an agent socket path (expanded) to forward instead of $SSH_AUTH_SOCK. */
  readonly forwardAgent: boolean | string;
  readonly requestTTY: 'yes' | 'no' | 'force' | 'auto';
  /** RemoteCommand with %-tokens expanded. */
  readonly remoteCommand: string | undefined;
  /** LocalCommand as written (ssh expands it later, with %T). */
  readonly localCommand: string | undefined;
  readonly permitLocalCommand: boolean;
  readonly controlPath: string | undefined;
  readonly sendEnv: readonly string[];
  readonly setEnv: Readonly<Record<string, string>>;
  readonly localForward: readonly ConfigForward[];
  readonly remoteForward: readonly ConfigForward[];
  readonly dynamicForward: readonly ConfigForward[];
  readonly exitOnForwardFailure: boolean;
  readonly logLevel: string;
  /** Every keyword the files set for this host (lower-case name → values, unexpanded). */
  readonly options: Readonly<Record<string, readonly string[]>>;
  /** Things OpenSSH would have printed: unsupported options, Match exec blocks not run. */
  readonly warnings: readonly string[];
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
const DEFAULT_USER_KNOWN_HOSTS = ['~/.ssh/known_hosts', '~/.ssh/known_hosts2'];
const DEFAULT_GLOBAL_KNOWN_HOSTS = ['/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2'];
const SSH_RSA_MINIMUM_MODULUS_SIZE = 1024;

export interface BuildInput {
  readonly options: ObtainedOptions;
  readonly host: string;
  readonly originalHost: string;
  readonly local: SSHConfigContext;
}

/** Fills defaults and expands values; throws SSHConfigError where OpenSSH would stop. */
export function buildHostConfig({ options: o, host, originalHost, local }: BuildInput): HostConfig {
  const str = (k: string): string | undefined => {
    const v = o.get(k);
    return typeof v === 'string' ? v : undefined;
  };
  const bool = (k: string, d: boolean): boolean => {
    const v = o.get(k);
    return typeof v === 'boolean' ? v : d;
  };
  const num = (k: string, d: number): number => {
    const v = o.get(k);
    return typeof v === 'number' ? v : d;
  };
  const pos = (k: string) => o.single.get(k)?.pos;
  const noneToUndefined = (v: string | undefined) =>
    v === undefined || asciiLower(v) === 'none' ? undefined : v;

  const user = str('user') ?? local.userName;
  const port = num('port', 22);
  const alias = str('hostkeyalias');
  const hostKeyAlias = alias === undefined ? undefined : asciiLower(alias);
  const tokens = defaultTokens(local, { host, originalHost, port, user, hostKeyAlias });
  const full = { tilde: true, tokens, env: true } as const;

  const identityFile = (
    o.identityFiles.length > 0
      ? o.identityFiles
      : DEFAULT_IDENTITY_FILES.map((path) => ({ path, pos: undefined }))
  )
    .filter((e) => asciiLower(e.path) !== 'none')
    .map((e) => expandValue(e.path, full, local, 'IdentityFile', e.pos));
  const certificateFile = o.certificateFiles.map((e) =>
    expandValue(e.path, full, local, 'CertificateFile', e.pos),
  );

  const fileList = (k: string, defaults: string[], expand: boolean): string[] => {
    const v = o.get(k);
    const list = Array.isArray(v) ? (v as string[]) : defaults;
    if (list.length > 0 && asciiLower(list[0] as string) === 'none') return [];
    return list.map((p) => expandValue(p, expand ? full : { tilde: true }, local, k, pos(k)));
  };
  const userHostFiles = o.get('userknownhostsfile');
  const verifyHostKeyDNS = (str('verifyhostkeydns') ?? 'no') as HostConfig['verifyHostKeyDNS'];
  const updateDefault =
    verifyHostKeyDNS === 'no' &&
    (!Array.isArray(userHostFiles) ||
      (userHostFiles.length === 1 && userHostFiles[0] === DEFAULT_USER_KNOWN_HOSTS[0]))
      ? 'yes'
      : 'no';

  const algorithms = (k: string, kind: AlgorithmListKind): string[] => {
    const spec = str(k);
    const list = assembleAlgorithms(kind, spec);
    if (list === null) throw new SSHConfigError(`${k}: no known algorithm in '${spec}'`, pos(k));
    return list;
  };

  const { proxyJump, proxyJumpHosts } = jumpOf(o.proxyJump?.value);
  const proxyRaw = proxyJump === undefined ? noneToUndefined(o.proxyCommand?.value) : undefined;
  // sshconnect.c expand_proxy_command(): %h %k %n %p %r (9.2 also accepts %k, not in the manual).
  const proxyTokens = {
    '%': '%',
    h: host,
    k: hostKeyAlias ?? originalHost,
    n: originalHost,
    p: String(port),
    r: user,
  };
  if (proxyRaw !== undefined) refuseShellMetacharacters(proxyRaw, proxyTokens, o.proxyCommand?.pos);
  const proxyCommand =
    proxyRaw === undefined
      ? undefined
      : expandValue(proxyRaw, { tokens: proxyTokens }, local, 'ProxyCommand', o.proxyCommand?.pos);

  const agent = str('identityagent');
  const controlPath = noneToUndefined(str('controlpath'));
  const remoteCommand = noneToUndefined(str('remotecommand'));
  const forwardPaths = (f: ConfigForward): ConfigForward => {
    const e = (p: string | undefined) =>
      p === undefined ? undefined : expandValue(p, { tokens }, local, 'forward path', undefined);
    const listenPath = e(f.listenPath);
    const connectPath = e(f.connectPath);
    return {
      ...f,
      ...(listenPath === undefined ? {} : { listenPath }),
      ...(connectPath === undefined ? {} : { connectPath }),
    };
  };
  const cleared = bool('clearallforwardings', false);
  const local_ = cleared ? [] : o.localForwards.map((e) => forwardPaths(e.forward));
  const remoteForward = cleared ? [] : o.remoteForwards.map((e) => forwardPaths(e.forward));
  const addKeys = o.get('addkeystoagent') as
    | { mode: HostConfig['addKeysToAgent']; lifetime: number }
    | undefined;
  const preferred = str('preferredauthentications');
  const setEnv: Record<string, string> = {};
  for (const v of o.setEnv ?? []) {
    const eq = v.indexOf('=');
    setEnv[v.slice(0, eq)] = v.slice(eq + 1);
  }
  const connectTimeout = o.get('connecttimeout');

  return {
    host: originalHost,
    hostname: host,
    port,
    user,
    identityFile,
    identitiesOnly: bool('identitiesonly', false),
    identityAgent:
      agent === undefined
        ? undefined
        : expandValue(agent, full, local, 'IdentityAgent', pos('identityagent')),
    certificateFile,
    userKnownHostsFile: fileList('userknownhostsfile', DEFAULT_USER_KNOWN_HOSTS, true),
    globalKnownHostsFile: fileList('globalknownhostsfile', DEFAULT_GLOBAL_KNOWN_HOSTS, false),
    strictHostKeyChecking: (str('stricthostkeychecking') ?? 'ask') as StrictHostKeyChecking,
    hostKeyAlias,
    checkHostIP: bool('checkhostip', false),
    hashKnownHosts: bool('hashknownhosts', false),
    updateHostKeys: (str('updatehostkeys') ?? updateDefault) as HostConfig['updateHostKeys'],
    verifyHostKeyDNS,
    proxyJump,
    proxyJumpHosts,
    proxyCommand,
    connectTimeout: typeof connectTimeout === 'number' ? connectTimeout : undefined,
    connectionAttempts: num('connectionattempts', 1),
    serverAliveInterval: (o.get('serveraliveinterval') as number | null | undefined) ?? 0,
    serverAliveCountMax: num('serveralivecountmax', 3),
    tcpKeepAlive: bool('tcpkeepalive', true),
    addressFamily: (str('addressfamily') ?? 'any') as HostConfig['addressFamily'],
    bindAddress: str('bindaddress'),
    ciphers: algorithms('ciphers', 'cipher'),
    macs: algorithms('macs', 'mac'),
    kexAlgorithms: algorithms('kexalgorithms', 'kex'),
    hostKeyAlgorithms: algorithms('hostkeyalgorithms', 'key'),
    pubkeyAcceptedAlgorithms: algorithms('pubkeyacceptedalgorithms', 'key'),
    hostbasedAcceptedAlgorithms: algorithms('hostbasedacceptedalgorithms', 'key'),
    caSignatureAlgorithms: algorithms('casignaturealgorithms', 'sig'),
    requiredRSASize: num('requiredrsasize', SSH_RSA_MINIMUM_MODULUS_SIZE),
    rekeyLimit: { bytes: o.rekeyBytes ?? 0, seconds: o.rekeyInterval ?? 0 },
    compression: str('compression') === 'yes',
    batchMode: bool('batchmode', false),
    passwordAuthentication: bool('passwordauthentication', true),
    kbdInteractiveAuthentication: bool('kbdinteractiveauthentication', true),
    pubkeyAuthentication: (str('pubkeyauthentication') ?? 'yes') as HostConfig['pubkeyAuthentication'],
    preferredAuthentications: preferred === undefined ? undefined : preferred.split(','),
    numberOfPasswordPrompts: num('numberofpasswordprompts', 3),
    addKeysToAgent: addKeys?.mode ?? 'no',
    addKeysToAgentLifetime: addKeys !== undefined && addKeys.lifetime > 0 ? addKeys.lifetime : undefined,
    forwardAgent:
      o.forwardAgentPath !== undefined
        ? expandValue(o.forwardAgentPath.value, full, local, 'ForwardAgent', o.forwardAgentPath.pos)
        : (o.forwardAgent ?? false),
    requestTTY: (str('requesttty') ?? 'auto') as HostConfig['requestTTY'],
    remoteCommand:
      remoteCommand === undefined
        ? undefined
        : expandValue(remoteCommand, { tokens }, local, 'RemoteCommand', pos('remotecommand')),
    localCommand: noneToUndefined(str('localcommand')),
    permitLocalCommand: bool('permitlocalcommand', false),
    controlPath:
      controlPath === undefined
        ? undefined
        : expandValue(controlPath, full, local, 'ControlPath', pos('controlpath')),
    sendEnv: [...o.sendEnv],
    setEnv,
    localForward: local_.filter((f) => f.connectHost !== 'socks'),
    dynamicForward: local_.filter((f) => f.connectHost === 'socks'),
    remoteForward,
    exitOnForwardFailure: bool('exitonforwardfailure', false),
    logLevel: str('loglevel') ?? 'INFO',
    options: optionsMap(o),
    warnings: [...o.warnings],
  };
}

/**
 * ProxyCommand goes to a shell with %h, %n, %r and %k pasted in. OpenSSH 9.6 started refusing
 * shell metacharacters in the host and user names given on the command line for this reason
 * (ssh.c valid_hostname()/valid_ruser(), CVE-2023-51385); a library gets those names from its
 * callers, so we refuse them whenever they would reach the command.
 */
function refuseShellMetacharacters(
  command: string,
  tokens: Record<string, string>,
  pos: { file: string; line: number } | undefined,
): void {
  for (let i = 0; i < command.length; i++) {
    if (command[i] !== '%') continue;
    const key = command[++i];
    if (key === undefined || key === '%' || !'hknr'.includes(key)) continue;
    const value = tokens[key] ?? '';
    if (hasShellMetacharacters(value)) {
      throw new SSHConfigError(
        `ProxyCommand: %${key} would insert "${value}", which contains shell metacharacters`,
        pos,
        {
          code: 'ERR_SSH_CONFIG_EXPANSION',
        },
      );
    }
  }
}

const SHELL_METACHARACTERS = new Set(["'", '"', '`', '$', '\\', ';', '&', '<', '>', '|', '(', ')', '{', '}']);

/** Whitespace, control characters, the characters above, or a leading '-' (an option to the command). */
function hasShellMetacharacters(v: string): boolean {
  if (v.startsWith('-')) return true;
  for (const ch of v) {
    const c = ch.codePointAt(0) as number;
    if (c <= 0x20 || c === 0x7f || SHELL_METACHARACTERS.has(ch)) return true;
  }
  return false;
}

function jumpOf(v: ProxyJumpValue | undefined): {
  proxyJump: string | undefined;
  proxyJumpHosts: ProxyJumpHost[] | undefined;
} {
  if (v === undefined || v.kind === 'none') return { proxyJump: undefined, proxyJumpHosts: undefined };
  const last = v.hops[v.hops.length - 1] as ProxyJumpHost;
  return {
    proxyJump: `${v.extra === undefined ? '' : `${v.extra},`}${formatJumpHost(last)}`,
    proxyJumpHosts: [...v.hops],
  };
}
