export type { ByteStream } from './byte-stream.js';
export type {
  AeadCipherAlgorithm,
  CipherAlgorithm,
  PacketOpener,
  PacketSealer,
  StreamCipherAlgorithm,
} from './cipher.js';
export * from './ciphers/index.js';
export {
  type CompressionAlgorithm,
  type Compressor,
  compressionPreferences,
  type Decompressor,
  PacketCompression,
} from './compression.js';
export { constantTimeEqual } from './constant-time.js';
export type {
  AesGcm,
  CryptoPrimitives,
  CryptoProvider,
  HashName,
  MacFunction,
  StreamCipher,
  X25519KeyPair,
} from './crypto-provider.js';
export { defaultHostKeySupport } from './default-host-keys.js';
export type { GlobalReply } from './global-requests.js';
export { type HostKeySupport, hostKeySupport } from './host-key-support.js';
export { formatIdentification, type Identification, IdentificationReader } from './identification.js';
export type {
  KexContext,
  KexExchange,
  KexMethod,
  KexResult,
  KexServerContext,
  KexStep,
} from './kex-method.js';
export { type AlgorithmLists, decodeKexInit, encodeKexInit, type KexInit } from './kexinit.js';
export { deriveKey, deriveSessionKeys, hashFunction, type SessionKeys } from './key-derivation.js';
export * from './limits.js';
export type { MacAlgorithm } from './mac.js';
export * from './macs/index.js';
export * from './negotiate.js';
export { nobleChaChaProvider } from './noble-chacha-provider.js';
export { noblePrimitives, nobleProvider } from './noble-provider.js';
export { PacketDecoder, type PacketDecoderOptions } from './packet-decoder.js';
export { type PacketDraft, PacketEncoder, type PacketEncoderOptions } from './packet-encoder.js';
export {
  keysForHandover,
  type OffloadKeys,
  type OffloadReply,
  type OffloadRequest,
  type OffloadStream,
  type PacketOffload,
} from './packet-offload.js';
export { offloadWorker } from './packet-offload-worker.js';
export { createOpener, createSealer, type DirectionKeys, INITIAL_KEYS } from './packet-protection.js';
export { type AlgorithmPreferences, defaultAlgorithmPreferences } from './preferences.js';
export { findCipher, findMac } from './registry.js';
export { type RekeyLimits, rekeyBytesLimit } from './rekey.js';
export { driveOverStream, type StreamDriver } from './stream-driver.js';
export { TransportConnection } from './transport-connection.js';
export {
  type CloseInfo,
  TransportConnectionCore,
  type TransportConnectionOptions,
  type TransportLogEvent,
} from './transport-connection-core.js';
