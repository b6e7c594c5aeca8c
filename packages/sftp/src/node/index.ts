// @sshts/sftp for Node.js: the same client, with get / put / uploadDir / downloadDir on local files.
import { SFTPClient as BaseSFTPClient } from '../client.js';
import { nodeLocalFiles } from './local-files.js';

export * from '../index.js';
export { nodeLocalFiles } from './local-files.js';

export class SFTPClient extends BaseSFTPClient {
  static override localFiles = nodeLocalFiles;
}
export { NodeFileSystem, type NodeFileSystemOptions } from './node-filesystem.js';
