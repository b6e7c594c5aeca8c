// sshts proxy (issue 8): refuses to start as an open relay or without a token decision; serves
// until interrupted, relaying a WebSocket client to an allowed target (here an sshts SSHServer) and
// refusing a target it was not told to allow.
import { generatePrivateKey } from '@sshts/keys';
import { CloseCode, connectWebSocket, proxyUrl, type WebSocketConstructor } from '@sshts/websocket';
import { KnownHosts, SSHClient, SSHServer } from 'sshts';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { runCli } from '../src/main.js';
import { fakeIo, waitFor } from './fake-io.js';
import { runInProcess, tempHome } from './helpers.js';

const WS = WebSocket as unknown as WebSocketConstructor;

describe('sshts proxy', () => {
  it('needs an allow-list and a token decision', async () => {
    const home = await tempHome('proxy-usage');
    const none = await runInProcess(['proxy', '-p', '0'], { home: home.dir });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/--allow/);
    const noToken = await runInProcess(['proxy', '-p', '0', '--allow', '127.0.0.1:22'], { home: home.dir });
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toMatch(/--token/);
    const bad = await runInProcess(['proxy', '-p', '0', '--allow', 'nonsense', '--no-token'], {
      home: home.dir,
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/bad proxy target/);
  });

  it('relays an SSH client to an allowed server, refuses another target, stops when interrupted', async () => {
    const home = await tempHome('proxy-run');
    const hostKey = await generatePrivateKey('ed25519');
    const server = new SSHServer({
      hostKeys: [hostKey],
      auth: { password: (_u, p) => p === 'pw' },
      exec: async (command, session) => {
        await session.write(`via proxy: ${command}\n`);
        await session.exit(0);
      },
    });
    const { port } = await server.listen(0);
    let interrupt!: () => void;
    const io = {
      ...fakeIo({ home: home.dir }),
      interrupted: () => new Promise<void>((resolve) => (interrupt = resolve)),
    };
    io.stdin.end();
    const running = runCli(['proxy', '-p', '0', '--allow', `127.0.0.1:${port}`, '--token', 't0k'], io);
    try {
      const banner = await waitFor(
        () => io.stderr.text(),
        (t) => /listening on ws:/.test(t),
      );
      const url = /listening on (ws:\S+)/.exec(banner)![1]!;
      const client = new SSHClient({ knownHosts: KnownHosts.parse(`* ${hostKey.publicKey}\n`) });
      await client.connect({
        host: '127.0.0.1',
        username: 'u',
        password: 'pw',
        lookForKeys: false,
        agent: false,
        stream: await connectWebSocket(proxyUrl(url, '127.0.0.1', port), { token: 't0k', WebSocket: WS }),
      });
      expect((await client.exec('hello')).stdout).toBe('via proxy: hello\n');
      await client.close();
      // The first --allow is the default target.
      const defaultStream = await connectWebSocket(url, { token: 't0k', WebSocket: WS });
      const reader = defaultStream.readable.getReader();
      const { value } = await reader.read();
      expect(new TextDecoder().decode(value).startsWith('SSH-2.0-')).toBe(true);
      await reader.cancel();
      const other = await connectWebSocket(proxyUrl(url, '127.0.0.1', 22), { token: 't0k', WebSocket: WS });
      await expect(other.readable.getReader().read()).rejects.toMatchObject({
        closeCode: CloseCode.TARGET_NOT_ALLOWED,
      });
    } finally {
      interrupt?.();
      expect(await running).toBe(0);
      await server.close();
    }
  });
});
