// Issue 8: SSH and SFTP end to end over the WebSocket proxy, in Node (the Chromium run is in
// examples/web-terminal): our client's ByteStream from connectWebSocket (`ws`'s WebSocket class, the
// WHATWG API), the proxy relaying to a real sshd on loopback, the host key verified, a key login,
// exec, and SFTP put/get of 8 MiB keeping its SHA-256 — with the noble provider, the browser's.
import { createHash, randomBytes } from 'node:crypto';
import { generatePrivateKey, type PrivateKey } from '@sshts/keys';
import { type Peer, peerAvailability, startPeer } from '@sshts/test-peers';
import { connectWebSocket, type WebSocketConstructor } from '@sshts/websocket';
import { createProxy, proxyUrl, type WebSocketProxy } from '@sshts/websocket/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { KnownHosts, SSHClient } from '../src/node/index.js';

const openssh = await peerAvailability('openssh');
const TOKEN = 'proxy-token';

describe.skipIf(!openssh.available)('SSH over the WebSocket proxy to OpenSSH sshd', () => {
  let key: PrivateKey;
  let peer: Peer;
  let proxy: WebSocketProxy;
  beforeAll(async () => {
    key = await generatePrivateKey('ed25519');
    peer = await startPeer('openssh', {
      authorizedKeys: [key.publicKey.toString()],
      hostKeyTypes: ['ed25519'],
      listen: true,
    });
    proxy = await createProxy({ targets: [`127.0.0.1:${peer.port}`], token: TOKEN });
  }, 60_000);
  afterAll(async () => {
    await proxy?.close();
    await peer?.close();
  });

  it('connects, verifies the host key, logs in, runs a command and moves 8 MiB each way by SFTP', async () => {
    const stream = await connectWebSocket(proxyUrl(proxy.url, '127.0.0.1', peer.port!), {
      token: TOKEN,
      WebSocket: WebSocket as unknown as WebSocketConstructor,
    });
    const knownHosts = KnownHosts.parse(
      peer.hostKeys.map((k) => `[127.0.0.1]:${peer.port} ${k.publicKey}\n`).join(''),
    );
    const client = new SSHClient({ knownHosts });
    await client.connect({
      host: '127.0.0.1',
      port: peer.port,
      username: peer.user,
      stream,
      privateKey: key,
      agent: false,
      lookForKeys: false,
      crypto: 'noble',
    });
    try {
      expect(await client.exec('echo over-websocket; exit 4')).toMatchObject({
        stdout: 'over-websocket\n',
        exitCode: 4,
      });
      const sftp = await client.openSftp();
      const data = randomBytes(8 << 20);
      const home = peer.sftp!.remotePath;
      await sftp.writeFile(`${home}/ws-up.bin`, data);
      const back = await sftp.readFile(`${home}/ws-up.bin`);
      const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
      expect(sha(back)).toBe(sha(data));
      await sftp.close();
      expect(proxy.connections).toBe(1);
    } finally {
      await client.close();
    }
    for (let i = 0; i < 100 && proxy.connections > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(proxy.connections).toBe(0);
  });

  it('a host key that does not match fails the connection through the proxy too', async () => {
    const stream = await connectWebSocket(proxyUrl(proxy.url, '127.0.0.1', peer.port!), {
      token: TOKEN,
      WebSocket: WebSocket as unknown as WebSocketConstructor,
    });
    const other = await generatePrivateKey('ed25519');
    const client = new SSHClient({
      knownHosts: KnownHosts.parse(`[127.0.0.1]:${peer.port} ${other.publicKey}\n`),
    });
    await expect(
      client.connect({
        host: '127.0.0.1',
        port: peer.port,
        username: peer.user,
        stream,
        privateKey: key,
        agent: false,
        lookForKeys: false,
      }),
    ).rejects.toMatchObject({ name: 'BadHostKeyError' });
  });
});
