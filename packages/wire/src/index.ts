// @sshts/wire: SSH data types (RFC 4251 §5), message numbers, reason codes and typed errors.
export * from './codes.js';
export * from './errors.js';
export * from './limits.js';
export * from './messages.js';
export { bitLength } from './mpint.js';
export * from './reader.js';
export * from './writer.js';
