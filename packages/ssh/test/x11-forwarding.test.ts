// X11 forwarding (RFC 4254 §6.3) against OpenSSH sshd: x11-req makes sshd set $DISPLAY, listen on
// 127.0.0.1:6000+N and install our fake MIT-MAGIC-COOKIE-1 with xauth; an X client connecting
// there becomes an `x11` channel handed to onConnection, bytes flowing both ways. At the mux:
// x11 opens before any x11-req, after the session closed, or beyond a single connection are
// refused, and a malformed one too.
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Channel, ChannelMux } from '@sshts/channel';
import { type Peer, peerAvailability, startPeer, toolAvailability } from '@sshts/test-peers';
import { ChannelOpenFailureReason, MessageType, SSHReader, SSHWriter } from '@sshts/wire';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePrivateKey, KnownHosts, type PrivateKey, SSHClient } from '../src/node/index.js';
import { X11_CHANNEL, X11Forwarding, type X11Origin } from '../src/x11-forwarding.js';
import { knownHostsFor, peerStream, run, tempDir } from './client-helpers.js';
import { FakeLink, openFromPeer, openSession, replyToRequest, sent } from './mux-fakes.js';

const openssh = await peerAvailability('openssh');
const xauth = await toolAvailability('xauth');

/** Connects to the display sshd made ($DISPLAY is localhost:N.0 → TCP 6000+N), says hello, prints the reply. */
const X_CLIENT = [
  'echo "display=$DISPLAY"',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion, not a template
  'n=${DISPLAY#*:}; n=${n%%.*}',
  'exec 3<>/dev/tcp/127.0.0.1/$((6000+n))',
  "printf 'hello-x11' >&3",
  'echo "reply=$(head -c 8 <&3)"',
].join('; ');

async function readBytes(channel: Channel, count: number): Promise<string> {
  let text = '';
  while (text.length < count) {
    const chunk = await channel.stdout.read();
    if (chunk === undefined) break;
    text += new TextDecoder().decode(chunk);
  }
  return text;
}

describe.skipIf(!openssh.available || !xauth.available)('X11 forwarding × OpenSSH sshd', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let peer: Peer;
  let plainPeer: Peer;
  let xauthority: string;
  const clients: SSHClient[] = [];
  let key: PrivateKey;

  const connect = async (to: Peer): Promise<SSHClient> => {
    const client = new SSHClient({ knownHosts: KnownHosts.parse(knownHostsFor(to)) });
    clients.push(client);
    await client.connect({
      host: '127.0.0.1',
      username: to.user,
      stream: await peerStream(to),
      privateKey: key,
      agent: false,
      lookForKeys: false,
      timeout: 30_000,
    });
    return client;
  };

  beforeAll(async () => {
    tmp = await tempDir('x11');
    key = await generatePrivateKey('ed25519');
    // sshd installs the session's cookie with `xauth add` in the user's ~/.Xauthority; point it at
    // a throwaway file instead, through a wrapper as XAuthLocation.
    xauthority = join(tmp.dir, 'Xauthority');
    const wrapper = join(tmp.dir, 'xauth');
    await writeFile(
      wrapper,
      `#!/bin/sh\nXAUTHORITY='${xauthority}' exec '${xauth.available ? xauth.path : ''}' "$@"\n`,
    );
    await chmod(wrapper, 0o755);
    await writeFile(xauthority, '');
    peer = await startPeer('openssh', {
      authorizedKeys: [key.publicKey.toString()],
      hostKeyTypes: ['ed25519'],
      sshdConfig: ['X11Forwarding yes', 'X11UseLocalhost yes', `XAuthLocation ${wrapper}`],
    });
    plainPeer = await startPeer('openssh', {
      authorizedKeys: [key.publicKey.toString()],
      hostKeyTypes: ['ed25519'],
    });
  }, 60_000);

  afterAll(async () => {
    await Promise.allSettled(clients.map((c) => c.close()));
    await peer?.close();
    await plainPeer?.close();
    await tmp?.remove();
  });

  it('an X client on the forwarded display reaches onConnection as an x11 channel, both ways', async () => {
    const client = await connect(peer);
    const connections: { origin: X11Origin; received: Promise<string> }[] = [];
    let cookie = '';
    const result = await client.exec(`bash -c '${X_CLIENT}'`, {
      x11: {
        onConnection: (channel, origin, auth) => {
          cookie = auth.cookie;
          expect(auth.protocol).toBe('MIT-MAGIC-COOKIE-1');
          expect(channel.type).toBe('x11');
          const received = readBytes(channel, 9).then(async (text) => {
            await channel.write('from-x11');
            await channel.end();
            return text;
          });
          connections.push({ origin, received });
        },
      },
      timeout: 20_000,
    });
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^display=localhost:\d+\.0$/m);
    expect(result.stdout).toContain('reply=from-x11');
    expect(connections).toHaveLength(1);
    expect(connections[0]!.origin.host).toBe('127.0.0.1');
    expect(connections[0]!.origin.port).toBeGreaterThan(0);
    expect(await connections[0]!.received).toBe('hello-x11');
    // The fake cookie is a random 128-bit hex string, and sshd installed it for the display.
    expect(cookie).toMatch(/^[0-9a-f]{32}$/);
    const { stdout } = await run(xauth.available ? xauth.path : 'xauth', ['-f', xauthority, 'list']);
    expect(stdout).toMatch(new RegExp(`:\\d+\\s+MIT-MAGIC-COOKIE-1\\s+${cookie}$`, 'm'));
  });

  it('x11: true without onConnection sets $DISPLAY but refuses the X client', async () => {
    const client = await connect(peer);
    const result = await client.exec(`bash -c '${X_CLIENT}'`, { x11: true, timeout: 20_000 });
    expect(result.stdout).toMatch(/^display=localhost:\d+\.0$/m);
    expect(result.stdout).toContain('reply=\n');
    expect(peer.log()).toMatch(/open failed: connect failed: no local X display to forward to/);
  });

  it('without x11 there is no DISPLAY; a server with X11Forwarding no refuses x11-req', async () => {
    const client = await connect(peer);
    expect((await client.exec('echo "display=$DISPLAY"')).stdout).toBe('display=\n');
    const refusing = await connect(plainPeer);
    await expect(refusing.exec('true', { x11: true })).rejects.toMatchObject({
      code: 'ERR_CHANNEL_REQUEST',
      request: 'x11-req',
    });
    // The connection is still usable.
    expect((await refusing.exec('echo ok')).stdout).toBe('ok\n');
  });
});

describe('x11 opens at the mux (RFC 4254 §6.3.2)', () => {
  const origin = (host: string, port: number) => new SSHWriter().string(host).uint32(port).finish().slice();
  const failures = (link: FakeLink) => sent(link).filter((m) => m.type === MessageType.CHANNEL_OPEN_FAILURE);

  it('refused before x11-req, accepted after it, refused again once the session closed', async () => {
    const link = new FakeLink();
    const mux = new ChannelMux(link);
    const session = await openSession(mux, link);
    const forwarding = new X11Forwarding(mux);
    const seen: X11Origin[] = [];

    openFromPeer(mux, X11_CHANNEL, 1, origin('127.0.0.1', 40000));
    expect(failures(link)).toMatchObject([
      { recipient: 1, reason: ChannelOpenFailureReason.ADMINISTRATIVELY_PROHIBITED },
    ]);

    const requesting = forwarding.request(session, {
      singleConnection: true,
      screen: 2,
      onConnection: (_channel, o) => seen.push(o),
    });
    const request = sent(link).find((m) => m.type === MessageType.CHANNEL_REQUEST);
    expect(request).toMatchObject({ name: 'x11-req', wantReply: true });
    const r = new SSHReader(request!.rest!);
    expect(r.boolean()).toBe(true);
    expect(r.utf8()).toBe('MIT-MAGIC-COOKIE-1');
    expect(r.utf8()).toMatch(/^[0-9a-f]{32}$/);
    expect(r.uint32()).toBe(2);
    replyToRequest(mux, session.id, true);
    await requesting;

    openFromPeer(mux, X11_CHANNEL, 2, origin('127.0.0.1', 40001));
    expect(sent(link)).toMatchObject([{ type: MessageType.CHANNEL_OPEN_CONFIRMATION, recipient: 2 }]);
    expect(seen).toEqual([{ host: '127.0.0.1', port: 40001 }]);
    // single connection: a second X client is not forwarded.
    openFromPeer(mux, X11_CHANNEL, 3, origin('127.0.0.1', 40002));
    expect(failures(link)).toMatchObject([{ recipient: 3 }]);
    // A malformed open (no originator port) is refused, not thrown.
    openFromPeer(mux, X11_CHANNEL, 4, new SSHWriter().string('127.0.0.1').finish().slice());
    expect(failures(link)).toMatchObject([{ recipient: 4 }]);

    // The server closes the session: x11 opens are unrequested again.
    mux.handleMessage(new SSHWriter().byte(MessageType.CHANNEL_CLOSE).uint32(session.id).finish().slice());
    await session.closed;
    await new Promise((resolve) => setTimeout(resolve, 0));
    sent(link);
    openFromPeer(mux, X11_CHANNEL, 5, origin('127.0.0.1', 40003));
    expect(failures(link)).toMatchObject([
      { recipient: 5, reason: ChannelOpenFailureReason.ADMINISTRATIVELY_PROHIBITED },
    ]);
  });

  it('a refused x11-req rejects and leaves x11 opens refused', async () => {
    const link = new FakeLink();
    const mux = new ChannelMux(link);
    const session = await openSession(mux, link);
    const requesting = new X11Forwarding(mux).request(session, { onConnection: () => {} });
    replyToRequest(mux, session.id, false);
    await expect(requesting).rejects.toMatchObject({ code: 'ERR_CHANNEL_REQUEST' });
    sent(link);
    openFromPeer(mux, X11_CHANNEL, 9, origin('127.0.0.1', 1));
    expect(failures(link)).toMatchObject([{ reason: ChannelOpenFailureReason.ADMINISTRATIVELY_PROHIBITED }]);
  });
});
