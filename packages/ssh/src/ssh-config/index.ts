// ssh_config(5) support, following OpenSSH 9.2's readconf.c and `ssh -G`; browser-safe (file
// loading for Node is ../node/ssh-config-files.ts). Where we differ from ssh, on purpose:
//  - Match exec never runs a command: a Match line with exec does not apply (negated or not) and
//    HostConfig.warnings says so.
//  - No DNS: the second pass that Match final/canonical or CanonicalizeHostname ask for is made,
//    with the HostName-substituted, lower-cased name, but CanonicalDomains and
//    CanonicalizePermittedCNAMEs are never tried (as when no suffix resolves in ssh).
//  - Include is expanded when the files are parsed, not on every lookup; nesting stops at depth 16
//    as in OpenSSH, and one parse reads at most MAX_INCLUDED_FILES files.
//  - Errors are thrown as SSHConfigError with file and line instead of exiting: line syntax,
//    values and unknown keywords at parse time; at lookup time, unknown keywords that follow an
//    IgnoreUnknown line (whether it applies depends on the host), ${ENV} and %-token expansion.
//  - %h, %k, %n and %r are not pasted into ProxyCommand when they hold shell metacharacters.
//  - Debian's "BatchMode implies ServerAliveInterval 300" is not applied; Port takes numbers and
//    the service name "ssh" only; "~user" needs SSHConfigContext.homeOf.
export {
  type AlgorithmListKind,
  algorithmTables,
  assembleAlgorithms,
  OPENSSH_ALL_CIPHERS,
  OPENSSH_ALL_KEX,
  OPENSSH_ALL_KEY_ALGORITHMS,
  OPENSSH_ALL_MACS,
  OPENSSH_ALL_SIGNATURE_ALGORITHMS,
  OPENSSH_DEFAULT_CA_SIGNATURE_ALGORITHMS,
  OPENSSH_DEFAULT_CIPHERS,
  OPENSSH_DEFAULT_KEX,
  OPENSSH_DEFAULT_KEY_ALGORITHMS,
  OPENSSH_DEFAULT_MACS,
} from './algorithms.js';
export { type ConnectionFacts, connectionHash, type SSHConfigContext } from './context.js';
export type { ConfigForward, ProxyJumpHost } from './endpoints.js';
export { type ConfigSourcePosition, SSHConfigError, type SSHConfigErrorCode } from './errors.js';
export type { HostConfig, StrictHostKeyChecking } from './host-config.js';
export { knownKeywords } from './keywords.js';
export type { MatchAttribute, MatchCriterion } from './match-criteria.js';
export {
  type AsyncIncludeResolver,
  type ConfigFile,
  type ConfigFileKind,
  type ConfigLine,
  type IncludeRequest,
  type IncludeResolver,
  type IncludeSource,
  MAX_CONFIG_FILE_CHARS,
  MAX_INCLUDED_FILES,
  parseConfigFile,
  parseConfigFileAsync,
  READCONF_MAX_DEPTH,
} from './parse.js';
export { matchHostname, matchPattern, matchPatternList } from './patterns.js';
export {
  type ParseSSHConfigOptions,
  parseSSHConfig,
  SSHConfig,
  type SSHConfigLookupOptions,
  toAlgorithmOverrides,
} from './ssh-config.js';
