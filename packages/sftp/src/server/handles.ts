// The session's open handles (draft-02 §6.2: "an arbitrary string … opaque to the client"). Ours
// are 8 bytes: a counter that never repeats within a session, so a closed handle stays invalid
// for good. Anything the client sends back is looked up, never decoded into an index — an unknown,
// closed, truncated or overlong handle, or one of the wrong kind, is simply not found (libssh
// CVE-2025-5318 trusted a client's handle). The table is capped, and limits@openssh.com reports the
// cap (PROTOCOL §4.8).
import { OpenFlag } from '../constants.js';
import type { SFTPDirEntry, SFTPDirectory, SFTPOpenFile } from './filesystem.js';

export const HANDLE_LENGTH = 8;

export interface FileHandle {
  kind: 'file';
  file: SFTPOpenFile;
  /** The path it was opened by (fstatvfs@openssh.com asks the filesystem about it). */
  path: string;
  /** The SSH_FXP_OPEN pflags. */
  flags: number;
}

export interface DirHandle {
  kind: 'dir';
  dir: SFTPDirectory;
  path: string;
  /** Entries read from the directory that did not fit in the last NAME reply. */
  pending: SFTPDirEntry[];
  /** The directory has reported its end. */
  done: boolean;
}

export type Handle = FileHandle | DirHandle;

export class HandleTable {
  private readonly open = new Map<string, Handle>();
  private next = 0;

  constructor(readonly max: number) {}

  get size(): number {
    return this.open.size;
  }

  get full(): boolean {
    return this.open.size >= this.max;
  }

  /** Registers `handle` and returns its wire form; the caller checks `full` first. */
  add(handle: Handle): Uint8Array {
    const n = this.next++;
    const bytes = new Uint8Array(HANDLE_LENGTH);
    const view = new DataView(bytes.buffer);
    view.setUint32(0, Math.floor(n / 2 ** 32));
    view.setUint32(4, n >>> 0);
    this.open.set(key(bytes), handle);
    return bytes;
  }

  /** The file handle `bytes` names, or undefined. */
  file(bytes: Uint8Array): FileHandle | undefined {
    const h = this.get(bytes);
    return h?.kind === 'file' ? h : undefined;
  }

  dir(bytes: Uint8Array): DirHandle | undefined {
    const h = this.get(bytes);
    return h?.kind === 'dir' ? h : undefined;
  }

  get(bytes: Uint8Array): Handle | undefined {
    return bytes.length === HANDLE_LENGTH ? this.open.get(key(bytes)) : undefined;
  }

  /** Forgets the handle and returns it (the caller closes what it holds). */
  take(bytes: Uint8Array): Handle | undefined {
    const h = this.get(bytes);
    if (h) this.open.delete(key(bytes));
    return h;
  }

  /** Every handle still open, forgotten (the session ended). */
  drain(): Handle[] {
    const all = [...this.open.values()];
    this.open.clear();
    return all;
  }
}

/** A map key for the handle's bytes (the ordering lane of its requests too). */
export function key(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

export function readable(h: FileHandle): boolean {
  return (h.flags & OpenFlag.READ) !== 0 || (h.flags & OpenFlag.WRITE) === 0;
}

export function writable(h: FileHandle): boolean {
  return (h.flags & OpenFlag.WRITE) !== 0;
}
