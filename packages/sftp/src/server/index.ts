// The SFTP server side: SFTPServer, the SFTPFileSystem it serves and the in-memory filesystem.

export {
  FsError,
  type SFTPAttrChanges,
  type SFTPDirEntry,
  type SFTPDirectory,
  type SFTPFileSystem,
  type SFTPOpenFile,
  type SFTPOpenFlags,
  type SFTPStats,
} from './filesystem.js';
export { formatLongname } from './longname.js';
export { MemoryFileSystem, type MemoryFileSystemOptions } from './memory-fs.js';
export {
  type AsyncTree,
  MAX_SYMLINKS,
  type NodeKind,
  type Resolved,
  type ResolveOptions,
  resolveAsync,
  resolveSync,
  type SyncTree,
} from './paths.js';
export { MAX_READ_LENGTH } from './requests.js';
export { type ServeOptions, SFTPServer, type SFTPServerOptions } from './server.js';
export { statusForError } from './status.js';
