// @sshts/sftp: SFTP version 3 (draft-ietf-secsh-filexfer-02, as OpenSSH deploys it) — the packet
// codec and a pipelined client over any byte channel, with the OpenSSH extensions.
export {
  type AttributeChanges,
  type Attributes,
  FileAttributes,
  FileType,
  readAttributes,
  writeAttributes,
} from './attributes.js';
export {
  type SessionOpener,
  SFTPClient,
  type SFTPClientOptions,
  type SymlinkOrder,
} from './client.js';
export * from './constants.js';
export type { TransferSizes } from './context.js';
export { connectionLost, nodeCodeFor, SFTPError, statusError } from './errors.js';
export {
  EXTENSION_VERSIONS,
  type ExtensionName,
  type ServerLimits,
  type StatVfs,
  StatVfsFlag,
} from './extensions.js';
export { SFTPFile } from './file.js';
export type { ByteSource, LocalFile, LocalFiles, LocalStat } from './local-files.js';
export { type OpenMode, openFlags } from './open-flags.js';
export { PacketReader } from './packet-reader.js';
export { pipeFromByteChannel, pipeFromChannel, type SftpPipe } from './pipe.js';
export { type DirEntry, MAX_HANDLE_LENGTH } from './replies.js';
export * from './server/index.js';
export { type SessionOptions, type SftpReply, SftpSession } from './session.js';
export {
  type DirectoryTransferOptions,
  type PutOptions,
  type TransferOptions,
  unsafeName,
} from './transfers.js';
