// SFTPClient.fromTransport: opens a session channel, starts the "sftp" subsystem (RFC 4254 §6.5)
// with want-reply, and runs over the channel's stdout (stderr drained so it cannot stall the window).
import type { Channel } from '@sshts/channel';
import { SSHError } from '@sshts/wire';
import { describe, expect, it } from 'vitest';
import { SFTPClient } from '../src/index.js';
import { MemoryServer, outcome, S_IFLNK, T, text, tick, within } from './scripted-server.js';

/** A fake session Channel over a MemoryServer's byte channel: just what pipe.ts uses. */
function fakeChannel(server: MemoryServer, subsystemOk = true) {
  const reader = server.wire.channel.readable.getReader();
  const writer = server.wire.channel.writable.getWriter();
  const requests: [string, boolean, string][] = [];
  let stderrReads = 0;
  let closed = 0;
  const stderrChunks = [new TextEncoder().encode('debug1: hello\n'), undefined];
  const channel = {
    stdout: {
      read: async () => {
        const { done, value } = await reader.read();
        return done ? undefined : value;
      },
    },
    stderr: {
      read: async () => {
        stderrReads++;
        return stderrChunks.shift();
      },
    },
    write: (data: Uint8Array) => writer.write(data),
    close: async () => {
      closed++;
      await writer.close().catch(() => {});
      await reader.cancel().catch(() => {});
    },
    request: async (name: string, wantReply: boolean, data?: Uint8Array) => {
      // The subsystem name as an SSH string: uint32 length then the bytes.
      requests.push([name, wantReply, text(data!.subarray(4))]);
      expect(Array.from(data!.subarray(0, 4))).toEqual([0, 0, 0, 4]);
      return subsystemOk;
    },
  };
  return {
    channel: channel as unknown as Channel,
    requests,
    get stderrReads() {
      return stderrReads;
    },
    get closed() {
      return closed;
    },
  };
}

describe('fromTransport', () => {
  it('starts the sftp subsystem with want-reply, drains stderr, and picks the symlink order from the version', async () => {
    const server = new MemoryServer({ symlinkOrder: 'standard' });
    server.fs.writeFile('/t', 'x');
    const fake = fakeChannel(server);
    let opened = 0;
    const client = await within(
      SFTPClient.fromTransport({
        openSession: async () => {
          opened++;
          return fake.channel;
        },
        remoteVersion: 'SSH-2.0-AsyncSSH_2.10.1',
      }),
    );
    expect(opened).toBe(1);
    expect(fake.requests).toEqual([['subsystem', true, 'sftp']]);
    await tick();
    expect(fake.stderrReads).toBe(2);
    await client.symlink('/t', '/l');
    expect(server.fs.lookup('/l', false).node?.kind).toBe('symlink');
    expect((await client.lstat('/l')).mode! & 0o170000).toBe(S_IFLNK);
    expect(server.count(T.SYMLINK)).toBe(1);
    await client.close();
    // Channel.close() is idempotent; pipeFromChannel may call it more than once.
    expect(fake.closed).toBeGreaterThanOrEqual(1);
  });

  it('a refused subsystem is ERR_SFTP_SUBSYSTEM and the channel is closed', async () => {
    const server = new MemoryServer();
    const fake = fakeChannel(server, false);
    const r = await outcome(within(SFTPClient.fromTransport({ openSession: async () => fake.channel })));
    const error = (r as { error: SSHError }).error;
    expect(error).toBeInstanceOf(SSHError);
    expect(error.code).toBe('ERR_SFTP_SUBSYSTEM');
    expect(fake.closed).toBeGreaterThanOrEqual(1);
    expect(server.wire.received.length).toBe(0);
  });

  it('an explicit symlinkOrder wins over the server version', async () => {
    const server = new MemoryServer({ symlinkOrder: 'openssh' });
    server.fs.writeFile('/t', 'x');
    const fake = fakeChannel(server);
    const client = await SFTPClient.fromTransport(
      { openSession: async () => fake.channel, remoteVersion: 'SSH-2.0-AsyncSSH_2.10.1' },
      { symlinkOrder: 'openssh' },
    );
    await client.symlink('/t', '/l');
    expect(await client.readlink('/l')).toBe('/t');
    await client.close();
  });
});
