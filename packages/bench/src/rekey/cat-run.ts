import type { MemorySample } from './memory-samples.js';

/** One stream through `cat` and back, by one client. */
export interface CatRun {
  /** The transfer: first byte written to the last byte back and the exit status. */
  ms: number;
  bytesBack: number;
  sentSha256: string;
  receivedSha256: string;
  exitCode: number | null;
  /** Key exchanges after the first one, and how many of them the server started. */
  rekeys: number;
  serverRekeys?: number;
  /** This process's memory during the transfer (our client only: OpenSSH's is another process). */
  samples?: MemorySample[];
}
