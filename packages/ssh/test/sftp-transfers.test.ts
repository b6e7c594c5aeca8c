// Issue 6 over SSH: 256 MiB keep their SHA-256 through get/put and through the streams (sshd's
// internal-sftp), a transfer aborted by its AbortSignal leaves no partial destination file, and a
// server whose SFTP process dies mid-transfer (Dropbear's sftp-server child) fails every pending
// operation with one typed error, without a hang.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { generatePrivateKey, type PrivateKey } from '@sshts/keys';
import { type Peer, peerAvailability, startPeer } from '@sshts/test-peers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SFTPClient } from '../src/node/index.js';
import {
  type Connected,
  connectTo,
  MiB,
  processesNamed,
  randomBlock,
  signalAll,
  stampedChunk,
} from './channel-data-helpers.js';

const openssh = await peerAvailability('openssh');
const dropbear = await peerAvailability('dropbear');

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 4 * MiB })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** `mib` MiB of reproducible incompressible data in a local file; returns its SHA-256. */
function writeTestFile(path: string, mib: number): string {
  const block = randomBlock(0x5f7e);
  const hash = createHash('sha256');
  const out: Uint8Array[] = [];
  for (let i = 0; i < mib; i++) {
    const chunk = stampedChunk(block, 0, i);
    hash.update(chunk);
    out.push(chunk);
  }
  writeFileSync(path, Buffer.concat(out));
  return hash.digest('hex');
}

describe.skipIf(!openssh.available)('SFTP transfers × OpenSSH internal-sftp', () => {
  let key: PrivateKey;
  let peer: Peer;
  let connected: Connected;
  let sftp: SFTPClient;
  let scratch: string;
  beforeAll(async () => {
    key = await generatePrivateKey('ed25519');
    peer = await startPeer('openssh', { authorizedKeys: [key.publicKey.toString()] });
    connected = await connectTo(peer, key);
    sftp = await connected.client.openSftp();
    scratch = mkdtempSync(join(tmpdir(), 'sshts-sftp-'));
  }, 60_000);
  afterAll(async () => {
    await sftp?.close();
    await connected?.close();
    await peer?.close();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('256 MiB through put and get, then through createWriteStream and createReadStream, SHA-256 kept', async () => {
    const home = peer.sftp!.localPath;
    const source = join(scratch, 'source');
    const expected = writeTestFile(source, 256);
    const timings: string[] = [];
    const timed = async (label: string, run: () => Promise<unknown>) => {
      const t = Date.now();
      await run();
      timings.push(`${label} ${Date.now() - t} ms`);
    };
    await timed('put', () => sftp.put(source, 'big'));
    expect(await sha256File(join(home, 'big'))).toBe(expected);
    await timed('get', () => sftp.get('big', join(scratch, 'back')));
    expect(await sha256File(join(scratch, 'back'))).toBe(expected);
    rmSync(join(scratch, 'back'));

    await timed('createWriteStream', () =>
      (Readable.toWeb(createReadStream(source, { highWaterMark: MiB })) as ReadableStream<Uint8Array>).pipeTo(
        sftp.createWriteStream('streamed'),
      ),
    );
    expect(await sha256File(join(home, 'streamed'))).toBe(expected);
    await timed('createReadStream', () =>
      sftp
        .createReadStream('streamed')
        .pipeTo(Writable.toWeb(createWriteStream(join(scratch, 'streamed'))) as WritableStream<Uint8Array>),
    );
    expect(await sha256File(join(scratch, 'streamed'))).toBe(expected);
    console.log(
      `256 MiB (node provider, ${connected.client.transport.negotiated.cipher[0]}): ${timings.join(', ')}`,
    );
  }, 300_000);

  it('an aborted get or put rejects with the abort reason and removes the partial destination', async () => {
    const home = peer.sftp!.localPath;
    const source = join(scratch, 'abort-src');
    writeTestFile(source, 64);
    const reason = new Error('stop');
    const putAbort = new AbortController();
    const putting = sftp.put(source, 'aborted-put', {
      signal: putAbort.signal,
      onProgress: (done) => done > 8 * MiB && putAbort.abort(reason),
    });
    await expect(putting).rejects.toBe(reason);
    expect(existsSync(join(home, 'aborted-put'))).toBe(false);

    await sftp.put(source, 'whole');
    const getAbort = new AbortController();
    const getting = sftp.get('whole', join(scratch, 'aborted-get'), {
      signal: getAbort.signal,
      onProgress: (done) => done > 8 * MiB && getAbort.abort(reason),
    });
    await expect(getting).rejects.toBe(reason);
    expect(existsSync(join(scratch, 'aborted-get'))).toBe(false);

    // keepPartial keeps what arrived; resume finishes it.
    const keep = new AbortController();
    await expect(
      sftp.get('whole', join(scratch, 'partial'), {
        signal: keep.signal,
        keepPartial: true,
        onProgress: (done) => done > 8 * MiB && keep.abort(reason),
      }),
    ).rejects.toBe(reason);
    expect(existsSync(join(scratch, 'partial'))).toBe(true);
    await sftp.get('whole', join(scratch, 'partial'), { resume: true });
    expect(await sha256File(join(scratch, 'partial'))).toBe(await sha256File(source));
    // The session is still good.
    expect(await sftp.realpath('.')).toBe(peer.sftp!.remotePath);
  }, 120_000);
});

describe.skipIf(!dropbear.available)('SFTP × Dropbear: the server-side sftp-server dies mid-transfer', () => {
  it('every pending operation rejects with one typed error; the SSH connection lives on', async () => {
    const key = await generatePrivateKey('ed25519');
    const peer = await startPeer('dropbear', { authorizedKeys: [key.publicKey.toString()] });
    const connected = await connectTo(peer, key);
    try {
      writeFileSync(join(peer.sftp!.localPath, 'big'), new Uint8Array(256 * MiB));
      const sftp = await connected.client.openSftp();
      const reading = sftp.readFile('big');
      const stat = sftp.stat('big').then(() => sftp.readFile('big'));
      await new Promise((resolve) => setTimeout(resolve, 50));
      const servers = processesNamed(peer, 'sftp-server');
      expect(servers.length).toBe(1);
      const started = Date.now();
      signalAll(servers, 'SIGKILL');
      const results = await Promise.allSettled([reading, stat]);
      console.log(`sftp-server killed: both operations settled after ${Date.now() - started} ms`);
      for (const r of results) {
        expect(r.status).toBe('rejected');
        expect((r as PromiseRejectedResult).reason).toMatchObject({
          name: 'SFTPError',
          status: 7,
          code: 'ECONNRESET',
        });
      }
      await expect(sftp.stat('big')).rejects.toMatchObject({ code: 'ECONNRESET' });
      // Only the SFTP channel ended: the connection still runs commands.
      expect((await connected.client.exec('echo alive')).stdout).toBe('alive\n');
    } finally {
      await connected.close();
      await peer.close();
    }
  }, 120_000);
});
