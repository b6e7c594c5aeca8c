// SFTPServer over a real @sshts/channel session channel: two ChannelMuxes joined back to back
// (what one side sends, the other handles), the client opening "session" and asking for the
// "sftp" subsystem (RFC 4254 §6.5) as SFTPClient.fromTransport does, the server side accepting it
// and serving the channel with SFTPServer — window flow control and all.
import { type Channel, ChannelMux, type ConnectionLink } from '@sshts/channel';
import { describe, expect, it } from 'vitest';
import { MemoryFileSystem, SFTPServer } from '../src/index.js';
import { SFTPClient } from '../src/node/index.js';
import { sameBytes, within } from './scripted-server.js';

function linkedMuxes(): { client: ChannelMux; server: ChannelMux; cut(): void } {
  let cut!: () => void;
  const closed = new Promise<{ reason: string }>((resolve) => {
    cut = () => resolve({ reason: 'test over' });
  });
  let client!: ChannelMux;
  let server!: ChannelMux;
  const link = (peer: () => ChannelMux): ConnectionLink => ({
    // Delivered a turn later, as a transport would, so no call re-enters the sender.
    send: (payload) => {
      const copy = payload.slice();
      queueMicrotask(() => peer().handleMessage(copy));
    },
    globalRequest: () => undefined,
    closed,
  });
  client = new ChannelMux(link(() => server));
  server = new ChannelMux(link(() => client));
  return { client, server, cut };
}

describe('SFTPServer over a @sshts/channel session channel', () => {
  it('the sftp subsystem is served; transfers far over one window keep every byte', async () => {
    const { client, server, cut } = linkedMuxes();
    const fs = new MemoryFileSystem();
    const sftp = new SFTPServer(fs);
    const served: Promise<void>[] = [];
    let subsystem = '';
    server.openHandlers.set('session', (open) => {
      const channel: Channel = open.accept();
      channel.onRequest = (type, data) => {
        if (type !== 'subsystem') return false;
        subsystem = data.utf8();
        served.push(sftp.serve(channel));
        return true;
      };
    });
    const c = await SFTPClient.fromTransport({ openSession: () => client.open('session') });
    expect(subsystem).toBe('sftp');
    const data = new Uint8Array(6 * 1024 * 1024 + 5); // three 2 MiB windows
    for (let i = 0; i < data.length; i++) data[i] = (i * 7 + (i >>> 13)) & 0xff;
    await c.writeFile('/big', data);
    expect(sameBytes(fs.readFile('/big'), data)).toBeUndefined();
    expect(sameBytes(await c.readFile('/big'), data)).toBeUndefined();
    expect((await c.stat('/big')).size).toBe(data.length);
    await c.close();
    await within(Promise.all(served));
    cut();
  });
});
