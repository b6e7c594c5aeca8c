// The Node side of bench/throughput.ts, in a process of its own so that it does not share an event
// loop with the proxy (which the browser's transfers do not either). Connects once per contender,
// then answers one JSON line per command on stdin: {"who", "op": "put" | "get", "remote"} →
// {"ms"} (timed from before the first request to the last byte acknowledged / in the Blob).
// The transfers use the page's code paths: upload of a Blob's stream, createReadStream into a Blob.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { connectWebSocket, proxyUrl, type WebSocketConstructor } from '@sshts/websocket';
import { KnownHosts, type SFTPClient, SSHClient } from 'sshts';
import { WebSocket } from 'ws';

interface ContenderConfig {
  proxyUrl: string;
  token: string;
  port: number;
  user: string;
  key: string;
  knownHosts: string;
  dataFile: string;
}

/** Contender name → how it connects (throughput.ts lists the same names). */
const NODE_CONTENDERS = {
  'node-noble': { crypto: 'noble', via: 'proxy' },
  'node-auto': { crypto: 'auto', via: 'proxy' },
  'node-noble-tcp': { crypto: 'noble', via: 'tcp' },
} as const;

const config = JSON.parse(process.argv[2] ?? '{}') as ContenderConfig;
const data = await readFile(config.dataFile);
const hash = createHash('sha256').update(data).digest('hex');

const sessions = new Map<string, { client: SSHClient; sftp: SFTPClient }>();
for (const [who, { crypto, via }] of Object.entries(NODE_CONTENDERS)) {
  const stream =
    via === 'proxy'
      ? await connectWebSocket(proxyUrl(config.proxyUrl, '127.0.0.1', config.port), {
          token: config.token,
          WebSocket: WebSocket as unknown as WebSocketConstructor,
        })
      : undefined;
  const client = new SSHClient({ knownHosts: KnownHosts.parse(config.knownHosts) });
  await client.connect({
    host: '127.0.0.1',
    port: config.port,
    username: config.user,
    ...(stream ? { stream } : {}),
    privateKey: config.key,
    agent: false,
    lookForKeys: false,
    crypto,
  });
  sessions.set(who, { client, sftp: await client.openSftp() });
}
const ciphers = Object.fromEntries(
  [...sessions].map(([who, { client }]) => [who, client.transport.negotiated.cipher[0]]),
);
process.stdout.write(`${JSON.stringify({ ready: true, ciphers })}\n`);

async function put(sftp: SFTPClient, remote: string): Promise<number> {
  const blob = new Blob([data as BlobPart]);
  const t0 = performance.now();
  await sftp.upload(blob.stream() as ReadableStream<Uint8Array>, remote, { onProgress: () => {} });
  return performance.now() - t0;
}

async function get(sftp: SFTPClient, remote: string): Promise<number> {
  const t0 = performance.now();
  await sftp.stat(remote);
  const parts: Uint8Array[] = [];
  const reader = sftp.createReadStream(remote).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
  }
  const blob = new Blob(parts as BlobPart[]);
  const ms = performance.now() - t0;
  const got = new Uint8Array(await blob.arrayBuffer());
  if (createHash('sha256').update(got).digest('hex') !== hash)
    throw new Error(`download of ${remote} corrupt`);
  return ms;
}

for await (const line of createInterface({ input: process.stdin })) {
  const command = JSON.parse(line) as { who: string; op: 'put' | 'get'; remote: string };
  const session = sessions.get(command.who);
  if (!session) throw new Error(`no contender ${command.who}`);
  const ms = await (command.op === 'put' ? put : get)(session.sftp, command.remote);
  process.stdout.write(`${JSON.stringify({ ms })}\n`);
}
for (const { client, sftp } of sessions.values()) {
  await sftp.close();
  await client.close();
}
