// The offload thread's script (packet-worker.ts starts it): packet-offload-worker.ts on the
// worker_threads port, with the primitives the connection's side named.
import { parentPort, workerData } from 'node:worker_threads';
import { noblePrimitives } from '../noble-provider.js';
import type { OffloadRequest } from '../packet-offload.js';
import { offloadWorker } from '../packet-offload-worker.js';
import { nodePrimitives } from './node-provider.js';

const port = parentPort;
if (!port) throw new Error('packet-worker-entry runs as a worker thread');
const primitives =
  (workerData as { primitives?: string })?.primitives === 'node' ? nodePrimitives : noblePrimitives;
const handle = offloadWorker(primitives, (reply, transfer) => port.postMessage(reply, transfer));
port.on('message', (request: OffloadRequest) => handle(request));
