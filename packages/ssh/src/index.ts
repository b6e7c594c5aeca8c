// sshts: the package users import (API.md). Browser-safe; Node adds TCP in ./node/index.ts.

export type { PublicKey } from '@sshts/keys';
export type { ByteStream, CryptoProvider, TransportLogEvent } from '@sshts/transport';
export * from '@sshts/wire';
export {
  type AlgorithmOverrides,
  type Negotiation,
  type StartClientOptions,
  Transport,
  type TransportOptions,
} from './transport.js';
