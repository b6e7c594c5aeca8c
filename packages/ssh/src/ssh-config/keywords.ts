// The keywords of OpenSSH 9.2's ssh_config (readconf.c keywords[], with the Debian additions of
// the ssh binary this was checked against: the GSSAPI key exchange options and the
// ProtocolKeepAlives/SetupTimeOut aliases). Each maps to the name `ssh -G` prints and to the way
// its argument is read.
import type { AlgorithmListKind } from './algorithms.js';
import type { MultistateName } from './values.js';

export type KeywordKind =
  | { readonly t: 'flag' }
  | { readonly t: 'multistate'; readonly table: MultistateName }
  | { readonly t: 'int' }
  | { readonly t: 'time' }
  | { readonly t: 'port' }
  | { readonly t: 'string' }
  | { readonly t: 'command' }
  | { readonly t: 'proxyjump' }
  | { readonly t: 'identityfile' }
  | { readonly t: 'certificatefile' }
  | { readonly t: 'filelist' }
  | { readonly t: 'logverbose' }
  | { readonly t: 'canonicaldomains' }
  | { readonly t: 'permittedcnames' }
  | { readonly t: 'permitremoteopen' }
  | { readonly t: 'algorithms'; readonly list: AlgorithmListKind; readonly what: string }
  | { readonly t: 'forward'; readonly which: 'local' | 'remote' | 'dynamic' }
  | { readonly t: 'sendenv' }
  | { readonly t: 'setenv' }
  | { readonly t: 'forwardagent' }
  | { readonly t: 'identityagent' }
  | { readonly t: 'controlpersist' }
  | { readonly t: 'addkeystoagent' }
  | { readonly t: 'rekeylimit' }
  | { readonly t: 'escapechar' }
  | { readonly t: 'tunneldevice' }
  | { readonly t: 'ipqos' }
  | { readonly t: 'loglevel' }
  | { readonly t: 'syslogfacility' }
  | { readonly t: 'fingerprinthash' }
  | { readonly t: 'streamlocalbindmask' }
  /** Accepted and ignored without a word ("Protocol"). */
  | { readonly t: 'ignore' }
  /** Accepted and ignored; OpenSSH logs "Deprecated option" at debug level. */
  | { readonly t: 'deprecated' }
  /** Accepted and ignored; OpenSSH prints "Unsupported option" but carries on. */
  | { readonly t: 'unsupported' }
  | { readonly t: 'host' }
  | { readonly t: 'match' }
  | { readonly t: 'include' };

export interface KeywordSpec {
  /** The lower-case name `ssh -G` prints (aliases map to their target). */
  readonly name: string;
  readonly kind: KeywordKind;
}

const flag = { t: 'flag' } as const;
const str = { t: 'string' } as const;
const time = { t: 'time' } as const;
const int = { t: 'int' } as const;
const cmd = { t: 'command' } as const;
const ms = (table: MultistateName) => ({ t: 'multistate', table }) as const;
const algos = (list: AlgorithmListKind, what: string) => ({ t: 'algorithms', list, what }) as const;

/** keyword → [canonical name, kind]; an alias names its target. */
const TABLE: Record<string, readonly [string, KeywordKind]> = {
  host: ['host', { t: 'host' }],
  match: ['match', { t: 'match' }],
  include: ['include', { t: 'include' }],

  protocol: ['protocol', { t: 'ignore' }],
  cipher: ['cipher', { t: 'deprecated' }],
  fallbacktorsh: ['fallbacktorsh', { t: 'deprecated' }],
  globalknownhostsfile2: ['globalknownhostsfile2', { t: 'deprecated' }],
  rhostsauthentication: ['rhostsauthentication', { t: 'deprecated' }],
  useblacklistedkeys: ['useblacklistedkeys', { t: 'deprecated' }],
  userknownhostsfile2: ['userknownhostsfile2', { t: 'deprecated' }],
  useroaming: ['useroaming', { t: 'deprecated' }],
  usersh: ['usersh', { t: 'deprecated' }],
  useprivilegedport: ['useprivilegedport', { t: 'deprecated' }],
  afstokenpassing: ['afstokenpassing', { t: 'unsupported' }],
  kerberosauthentication: ['kerberosauthentication', { t: 'unsupported' }],
  kerberostgtpassing: ['kerberostgtpassing', { t: 'unsupported' }],
  rsaauthentication: ['rsaauthentication', { t: 'unsupported' }],
  rhostsrsaauthentication: ['rhostsrsaauthentication', { t: 'unsupported' }],
  compressionlevel: ['compressionlevel', { t: 'unsupported' }],

  gssapiauthentication: ['gssapiauthentication', flag],
  gssapikeyexchange: ['gssapikeyexchange', flag],
  gssapidelegatecredentials: ['gssapidelegatecredentials', flag],
  gssapitrustdns: ['gssapitrustdns', flag],
  gssapiclientidentity: ['gssapiclientidentity', str],
  gssapiserveridentity: ['gssapiserveridentity', str],
  gssapirenewalforcesrekey: ['gssapirenewalforcesrekey', flag],
  gssapikexalgorithms: ['gssapikexalgorithms', str],
  pkcs11provider: ['pkcs11provider', str],
  smartcarddevice: ['pkcs11provider', str],

  forwardagent: ['forwardagent', { t: 'forwardagent' }],
  forwardx11: ['forwardx11', flag],
  forwardx11trusted: ['forwardx11trusted', flag],
  forwardx11timeout: ['forwardx11timeout', time],
  exitonforwardfailure: ['exitonforwardfailure', flag],
  xauthlocation: ['xauthlocation', str],
  gatewayports: ['gatewayports', flag],
  passwordauthentication: ['passwordauthentication', flag],
  kbdinteractiveauthentication: ['kbdinteractiveauthentication', flag],
  kbdinteractivedevices: ['kbdinteractivedevices', str],
  challengeresponseauthentication: ['kbdinteractiveauthentication', flag],
  skeyauthentication: ['kbdinteractiveauthentication', flag],
  tisauthentication: ['kbdinteractiveauthentication', flag],
  pubkeyauthentication: ['pubkeyauthentication', ms('pubkeyAuth')],
  dsaauthentication: ['pubkeyauthentication', ms('pubkeyAuth')],
  hostbasedauthentication: ['hostbasedauthentication', flag],
  identityfile: ['identityfile', { t: 'identityfile' }],
  identityfile2: ['identityfile', { t: 'identityfile' }],
  identitiesonly: ['identitiesonly', flag],
  certificatefile: ['certificatefile', { t: 'certificatefile' }],
  addkeystoagent: ['addkeystoagent', { t: 'addkeystoagent' }],
  identityagent: ['identityagent', { t: 'identityagent' }],
  hostname: ['hostname', str],
  hostkeyalias: ['hostkeyalias', str],
  proxycommand: ['proxycommand', cmd],
  port: ['port', { t: 'port' }],
  ciphers: ['ciphers', algos('cipher', 'Bad SSH2 cipher spec')],
  macs: ['macs', algos('mac', 'Bad SSH2 MAC spec')],
  remoteforward: ['remoteforward', { t: 'forward', which: 'remote' }],
  localforward: ['localforward', { t: 'forward', which: 'local' }],
  permitremoteopen: ['permitremoteopen', { t: 'permitremoteopen' }],
  user: ['user', str],
  escapechar: ['escapechar', { t: 'escapechar' }],
  globalknownhostsfile: ['globalknownhostsfile', { t: 'filelist' }],
  userknownhostsfile: ['userknownhostsfile', { t: 'filelist' }],
  connectionattempts: ['connectionattempts', int],
  batchmode: ['batchmode', flag],
  checkhostip: ['checkhostip', flag],
  stricthostkeychecking: ['stricthostkeychecking', ms('strictHostKey')],
  compression: ['compression', ms('compression')],
  tcpkeepalive: ['tcpkeepalive', flag],
  keepalive: ['tcpkeepalive', flag],
  numberofpasswordprompts: ['numberofpasswordprompts', int],
  syslogfacility: ['syslogfacility', { t: 'syslogfacility' }],
  loglevel: ['loglevel', { t: 'loglevel' }],
  logverbose: ['logverbose', { t: 'logverbose' }],
  dynamicforward: ['dynamicforward', { t: 'forward', which: 'dynamic' }],
  preferredauthentications: ['preferredauthentications', str],
  hostkeyalgorithms: ['hostkeyalgorithms', algos('key', 'Bad key types')],
  casignaturealgorithms: ['casignaturealgorithms', algos('sig', 'Bad key types')],
  bindaddress: ['bindaddress', str],
  bindinterface: ['bindinterface', str],
  clearallforwardings: ['clearallforwardings', flag],
  enablesshkeysign: ['enablesshkeysign', flag],
  verifyhostkeydns: ['verifyhostkeydns', ms('yesnoask')],
  nohostauthenticationforlocalhost: ['nohostauthenticationforlocalhost', flag],
  rekeylimit: ['rekeylimit', { t: 'rekeylimit' }],
  connecttimeout: ['connecttimeout', time],
  addressfamily: ['addressfamily', ms('addressFamily')],
  serveraliveinterval: ['serveraliveinterval', time],
  protocolkeepalives: ['serveraliveinterval', time],
  setuptimeout: ['serveraliveinterval', time],
  serveralivecountmax: ['serveralivecountmax', int],
  sendenv: ['sendenv', { t: 'sendenv' }],
  setenv: ['setenv', { t: 'setenv' }],
  controlpath: ['controlpath', str],
  controlmaster: ['controlmaster', ms('controlMaster')],
  controlpersist: ['controlpersist', { t: 'controlpersist' }],
  hashknownhosts: ['hashknownhosts', flag],
  tunnel: ['tunnel', ms('tunnel')],
  tunneldevice: ['tunneldevice', { t: 'tunneldevice' }],
  localcommand: ['localcommand', cmd],
  permitlocalcommand: ['permitlocalcommand', flag],
  remotecommand: ['remotecommand', cmd],
  visualhostkey: ['visualhostkey', flag],
  kexalgorithms: ['kexalgorithms', algos('kex', 'Bad SSH2 KexAlgorithms')],
  ipqos: ['ipqos', { t: 'ipqos' }],
  requesttty: ['requesttty', ms('requestTTY')],
  sessiontype: ['sessiontype', ms('sessionType')],
  stdinnull: ['stdinnull', flag],
  forkafterauthentication: ['forkafterauthentication', flag],
  proxyusefdpass: ['proxyusefdpass', flag],
  canonicaldomains: ['canonicaldomains', { t: 'canonicaldomains' }],
  canonicalizefallbacklocal: ['canonicalizefallbacklocal', flag],
  canonicalizehostname: ['canonicalizehostname', ms('canonicalize')],
  canonicalizemaxdots: ['canonicalizemaxdots', int],
  canonicalizepermittedcnames: ['canonicalizepermittedcnames', { t: 'permittedcnames' }],
  streamlocalbindmask: ['streamlocalbindmask', { t: 'streamlocalbindmask' }],
  streamlocalbindunlink: ['streamlocalbindunlink', flag],
  revokedhostkeys: ['revokedhostkeys', str],
  fingerprinthash: ['fingerprinthash', { t: 'fingerprinthash' }],
  updatehostkeys: ['updatehostkeys', ms('yesnoask')],
  hostbasedacceptedalgorithms: ['hostbasedacceptedalgorithms', algos('key', 'Bad key types')],
  hostbasedkeytypes: ['hostbasedacceptedalgorithms', algos('key', 'Bad key types')],
  pubkeyacceptedalgorithms: ['pubkeyacceptedalgorithms', algos('key', 'Bad key types')],
  pubkeyacceptedkeytypes: ['pubkeyacceptedalgorithms', algos('key', 'Bad key types')],
  ignoreunknown: ['ignoreunknown', str],
  proxyjump: ['proxyjump', { t: 'proxyjump' }],
  securitykeyprovider: ['securitykeyprovider', str],
  knownhostscommand: ['knownhostscommand', cmd],
  requiredrsasize: ['requiredrsasize', int],
  enableescapecommandline: ['enableescapecommandline', flag],
};

/** The spec for a lower-case keyword, or undefined when OpenSSH 9.2 does not know it. */
export function lookupKeyword(keyword: string): KeywordSpec | undefined {
  const entry = Object.hasOwn(TABLE, keyword) ? TABLE[keyword] : undefined;
  return entry === undefined ? undefined : { name: entry[0], kind: entry[1] };
}

/** Every keyword OpenSSH 9.2 accepts (aliases included), for tests and tooling. */
export function knownKeywords(): string[] {
  return Object.keys(TABLE);
}
