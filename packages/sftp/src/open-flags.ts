// Node-style open flags (API.md SFTPClient.open) as SSH_FXP_OPEN pflags (draft-02 §6.3).
import { OpenFlag } from './constants.js';

export type OpenMode = 'r' | 'r+' | 'w' | 'w+' | 'wx' | 'wx+' | 'a' | 'a+' | 'ax' | 'ax+';

const FLAGS: Record<OpenMode, number> = {
  r: OpenFlag.READ,
  'r+': OpenFlag.READ | OpenFlag.WRITE,
  w: OpenFlag.WRITE | OpenFlag.CREAT | OpenFlag.TRUNC,
  'w+': OpenFlag.READ | OpenFlag.WRITE | OpenFlag.CREAT | OpenFlag.TRUNC,
  wx: OpenFlag.WRITE | OpenFlag.CREAT | OpenFlag.EXCL,
  'wx+': OpenFlag.READ | OpenFlag.WRITE | OpenFlag.CREAT | OpenFlag.EXCL,
  a: OpenFlag.WRITE | OpenFlag.CREAT | OpenFlag.APPEND,
  'a+': OpenFlag.READ | OpenFlag.WRITE | OpenFlag.CREAT | OpenFlag.APPEND,
  ax: OpenFlag.WRITE | OpenFlag.CREAT | OpenFlag.APPEND | OpenFlag.EXCL,
  'ax+': OpenFlag.READ | OpenFlag.WRITE | OpenFlag.CREAT | OpenFlag.APPEND | OpenFlag.EXCL,
};

/** The pflags for `mode`; throws TypeError for an unknown one. */
export function openFlags(mode: string): number {
  const flags = FLAGS[mode as OpenMode];
  if (flags === undefined) throw new TypeError(`unknown open flags "${mode}"`);
  return flags;
}

export function isAppend(mode: string): boolean {
  return (openFlags(mode) & OpenFlag.APPEND) !== 0;
}

export function isExclusive(mode: string): boolean {
  return (openFlags(mode) & OpenFlag.EXCL) !== 0;
}
