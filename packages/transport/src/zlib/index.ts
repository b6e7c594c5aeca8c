// @sshts/transport/zlib: the opt-in zlib compression algorithms (pako). Pass them to a connection
// in `compression: [zlibOpenSSH]`; nothing else in sshts imports this entry.
export type { CompressionAlgorithm, Compressor, Decompressor } from '../compression.js';
export { ZlibCompressor, ZlibDecompressor, zlib, zlibOpenSSH } from './zlib.js';
