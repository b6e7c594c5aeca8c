// Transport: the low-level connection object of API.md (paramiko's Transport) — TransportCore
// (transport-core.ts) with every algorithm we implement as its defaults: all key exchanges of
// @sshts/kex, every host-key type of @sshts/keys and their certificates, and the noble provider.
// Authentication and channels attach to it in later layers.
import { kexMethods } from '@sshts/kex';
import {
  type CryptoProvider,
  defaultHostKeySupport,
  type HostKeySupport,
  type KexMethod,
  nobleProvider,
} from '@sshts/transport';
import { TransportCore } from './transport-core.js';

export type {
  AlgorithmOverrides,
  Negotiation,
  StartClientOptions,
  TransportOptions,
} from './transport-core.js';

export class Transport extends TransportCore {
  static override defaultProvider: CryptoProvider = nobleProvider;
  static override nobleProvider: CryptoProvider | undefined = nobleProvider;
  static override defaultKexMethods: readonly KexMethod[] | undefined = kexMethods;
  static override defaultHostKeySupport: HostKeySupport | undefined = defaultHostKeySupport;
}
