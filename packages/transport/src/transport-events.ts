// What a connection reports: trace events for the `logger` option (names, sizes and algorithms,
// never key material) and how it closed.
import type { SSHError } from '@sshts/wire';
import type { Negotiated } from './negotiate.js';

export type TransportLogEvent =
  | { kind: 'send' | 'receive'; message: string; size: number }
  | { kind: 'identification'; local: string; remote: string }
  | { kind: 'negotiated'; negotiated: Negotiated; initial: boolean }
  | { kind: 'kex-done'; count: number }
  | { kind: 'disconnect'; reason: number; description: string; fromPeer: boolean };

export interface CloseInfo {
  reason: string;
  code?: number;
  error?: SSHError;
}
