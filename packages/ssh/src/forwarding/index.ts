// Port and socket forwarding for SSHClient (RFC 4254 §7, OpenSSH PROTOCOL §2.4): -L, -R, -D and
// their Unix-socket forms. Browser-safe: sockets come from SSHClient.platform.
export { type DynamicForwardOptions, forwardDynamic } from './dynamic.js';
export type { Forward, ForwardContext, ForwardErrorOptions, ForwardingConnection } from './forward.js';
export {
  directStreamLocal,
  directTcpip,
  forwardLocalPort,
  forwardLocalStreamLocal,
  type LocalEndpoint,
  type LocalPortForwardOptions,
  type LocalStreamLocalForwardOptions,
} from './local.js';
export {
  forwardRemotePort,
  forwardRemoteStreamLocal,
  type RemotePortForwardOptions,
  type RemoteStreamLocalForwardOptions,
} from './remote.js';
export {
  readSocksRequest,
  Socks4Reply,
  Socks5Reply,
  type SocksConnectRequest,
  SocksError,
  socks4Reply,
  socks5Reply,
  socksReply,
} from './socks.js';
