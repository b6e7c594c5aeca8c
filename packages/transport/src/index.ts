export type {
  AeadCipherAlgorithm,
  CipherAlgorithm,
  PacketOpener,
  PacketSealer,
  StreamCipherAlgorithm,
} from './cipher.js';
export * from './ciphers/index.js';
export { constantTimeEqual } from './constant-time.js';
export type {
  AesGcm,
  CryptoPrimitives,
  CryptoProvider,
  HashName,
  MacFunction,
  StreamCipher,
} from './crypto-provider.js';
export type {
  KexContext,
  KexExchange,
  KexMethod,
  KexResult,
  KexServerContext,
  KexStep,
} from './kex-method.js';
export * from './limits.js';
export type { MacAlgorithm } from './mac.js';
export * from './macs/index.js';
export { noblePrimitives, nobleProvider } from './noble-provider.js';
export { PacketDecoder, type PacketDecoderOptions } from './packet-decoder.js';
export { type PacketDraft, PacketEncoder, type PacketEncoderOptions } from './packet-encoder.js';
export { createOpener, createSealer, type DirectionKeys, INITIAL_KEYS } from './packet-protection.js';
export { findCipher, findMac } from './registry.js';
