// TransportConnection: the connection core (transport-connection-core.ts) with the default host-key
// support, every key type of @sshts/keys and their certificates, for options that give none. Code
// that passes its own HostKeySupport can build a TransportConnectionCore instead, and a bundle of it
// leaves the key-type registry out.
import { defaultHostKeySupport } from './default-host-keys.js';
import type { HostKeySupport } from './host-key-support.js';
import { TransportConnectionCore } from './transport-connection-core.js';

export type {
  CloseInfo,
  TransportConnectionOptions,
  TransportLogEvent,
} from './transport-connection-core.js';

export class TransportConnection extends TransportConnectionCore {
  static override defaultHostKeySupport: HostKeySupport | undefined = defaultHostKeySupport;
}
