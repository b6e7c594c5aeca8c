// @sshts/wire: SSH data types (RFC 4251 §5), message numbers, reason codes, typed errors, and the
// byte joining (concatBytes) that the layers above share.
export * from './codes.js';
export { concatBytes } from './concat-bytes.js';
export * from './errors.js';
export * from './limits.js';
export * from './messages.js';
export { bitLength } from './mpint.js';
export * from './reader.js';
export * from './writer.js';
