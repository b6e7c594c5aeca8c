// A PacketOffload on worker_threads: one thread per kind of primitives for the whole process,
// started by the first connection that hands its stream over, unref'd so that it never keeps the
// process alive. A thread that cannot start (its script not built) leaves connections in-thread.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { CryptoProvider } from '../crypto-provider.js';
import { noblePrimitives } from '../noble-provider.js';
import {
  failedReply,
  type OffloadReply,
  type OffloadRequest,
  type OffloadStream,
  type PacketOffload,
} from '../packet-offload.js';
import { nodePrimitives } from './node-provider.js';

type Kind = 'noble' | 'node';

/** The script: beside this file when built; from the build when running the TypeScript source. */
function entryScript(): URL | undefined {
  const candidates = [
    new URL('./packet-worker-entry.js', import.meta.url),
    new URL('../../dist/node/packet-worker-entry.js', import.meta.url),
  ];
  return candidates.find((url) => existsSync(fileURLToPath(url)));
}

/**
 * The process's Node options without the `sshts-source` export condition: the script is built
 * JavaScript, so the packages it imports must resolve to their builds too, not to TypeScript.
 */
function builtExecArgv(): string[] {
  const out: string[] = [];
  const args = process.execArgv;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (/^(--conditions|-C)=sshts-source$/.test(arg)) continue;
    if ((arg === '--conditions' || arg === '-C') && args[i + 1] === 'sshts-source') {
      i++;
      continue;
    }
    out.push(arg);
  }
  return out;
}

class WorkerOffload implements PacketOffload {
  private worker: Worker | undefined;
  private broken = false;
  private nextId = 1;
  private readonly streams = new Map<number, (reply: OffloadReply) => void>();

  constructor(private readonly kind: Kind) {}

  open(onReply: (reply: OffloadReply) => void): OffloadStream | undefined {
    const worker = this.start();
    if (!worker) return undefined;
    const id = this.nextId++;
    this.streams.set(id, onReply);
    return {
      id,
      send: (request: OffloadRequest, transfer?: ArrayBuffer[]) => worker.postMessage(request, transfer),
      end: () => {
        if (this.streams.delete(id)) worker.postMessage({ op: 'end', id } satisfies OffloadRequest);
      },
    };
  }

  private start(): Worker | undefined {
    if (this.worker || this.broken) return this.worker;
    const script = entryScript();
    if (!script) {
      this.broken = true;
      return undefined;
    }
    const worker = new Worker(script, { workerData: { primitives: this.kind }, execArgv: builtExecArgv() });
    worker.unref();
    worker.on('message', (reply: OffloadReply) => this.streams.get(reply.id)?.(reply));
    const lost = (why: string) => {
      this.worker = undefined;
      this.broken = true;
      const streams = [...this.streams];
      this.streams.clear();
      for (const [id, onReply] of streams) {
        onReply(failedReply(id, { name: 'Error', message: `packet offload thread ${why}` }));
      }
    };
    worker.on('error', (error) => lost(`failed: ${error.message}`));
    worker.on('exit', (code) => lost(`exited with code ${code}`));
    this.worker = worker;
    return worker;
  }
}

const offloads = new Map<Kind, WorkerOffload>();

/** The process's offload thread for the noble or the node primitives. */
export function nodePacketOffload(kind: Kind): PacketOffload {
  let offload = offloads.get(kind);
  if (!offload) {
    offload = new WorkerOffload(kind);
    offloads.set(kind, offload);
  }
  return offload;
}

/**
 * `provider` with its incoming packets opened on a worker thread once bulk data flows (the noble
 * or the node provider; the thread runs the same primitives).
 */
export function withPacketOffload(provider: CryptoProvider): CryptoProvider {
  const base = provider.primitives;
  const kind: Kind | undefined =
    base === nodePrimitives || base.aesCtr === nodePrimitives.aesCtr
      ? 'node'
      : base === noblePrimitives || base.aesCtr === noblePrimitives.aesCtr
        ? 'noble'
        : undefined;
  if (!kind) throw new TypeError('withPacketOffload: only the noble and the node providers');
  return { ...provider, primitives: { ...base, packetOffload: nodePacketOffload(kind) } };
}
