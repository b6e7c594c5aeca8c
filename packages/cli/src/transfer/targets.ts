// Where a transfer lands, as scp(1) decides: a destination that is an existing directory receives
// the source under its own name; otherwise the destination is the new name. An empty remote path
// (`host:`) is the login directory.
import { stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { SFTPClient } from 'sshts';

/** The last component of a remote (POSIX) path: "a/b/" → "b", "/" → "/". */
export function remoteBasename(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  if (trimmed === '') return path === '' ? '.' : '/';
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

/** `dir/name` for a remote directory path, without doubling a '/'. */
export function remoteJoin(dir: string, name: string): string {
  if (dir === '' || dir === '.') return name;
  return dir.endsWith('/') ? `${dir}${name}` : `${dir}/${name}`;
}

async function isLocalDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/** The local path a download of a file or directory named `name` writes. */
export async function localTarget(destination: string, name: string): Promise<string> {
  return (await isLocalDirectory(destination)) ? join(destination, name) : destination;
}

/** The remote path an upload of a file or directory named `name` writes. */
export async function remoteTarget(sftp: SFTPClient, destination: string, name: string): Promise<string> {
  if (destination === '') return name;
  try {
    if ((await sftp.stat(destination)).isDirectory()) return remoteJoin(destination, name);
  } catch {
    // Not there (or not ours to see): it is the new name.
  }
  return destination;
}

/** A local path's last component, for the progress line and remote names. */
export function localBasename(path: string): string {
  return basename(path.replace(/\/+$/, '')) || path;
}
