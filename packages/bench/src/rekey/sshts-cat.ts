import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parsePrivateKey, parsePublicKey, SSHWriter, Transport } from 'sshts';
import type { SshdLogin } from '../sshd.js';
import type { CatRun } from './cat-run.js';
import { sampleMemory } from './memory-samples.js';
import type { PatternSource } from './source.js';

/**
 * Our client streams `source` through `cat` on the server and hashes what comes back. Transport,
 * not SSHClient, because SSHClient's ConnectOptions have no rekey limit; TransportOptions
 * .rekeyLimits.bytes makes our side start a key exchange after that many bytes either way under
 * one set of keys. The node:crypto provider; only the transfer is timed and sampled.
 */
export async function sshtsCat(
  login: SshdLogin,
  cipher: string,
  rekeyBytes: number,
  source: PatternSource,
  sampleEveryMs: number,
): Promise<CatRun> {
  const hostKeys = login.hostKeys.map((line) => parsePublicKey(line));
  const transport = await Transport.connect(login.host, login.port, {
    crypto: 'node',
    algorithms: { cipher: [cipher] },
    rekeyLimits: { bytes: rekeyBytes },
  });
  try {
    await transport.startClient({ verifyHostKey: (key) => hostKeys.some((k) => k.equals(key)) });
    await transport.authPublicKey(login.user, parsePrivateKey(await readFile(login.privateKeyPath, 'utf8')));
    const negotiated = transport.negotiated.cipher[0];
    if (negotiated !== cipher) throw new Error(`sshts negotiated ${negotiated}, not ${cipher}`);
    const channel = await transport.openSession();
    if (!(await channel.request('exec', true, new SSHWriter().string('cat').finish()))) {
      throw new Error('exec cat refused');
    }
    const sampler = sampleMemory(sampleEveryMs);
    const t0 = performance.now();
    const back = createHash('sha256');
    let bytesBack = 0;
    await Promise.all([
      (async () => {
        for await (const chunk of channel.stdout) {
          back.update(chunk);
          bytesBack += chunk.length;
        }
      })(),
      channel.stderr.bytes(),
      (async () => {
        for (const chunk of source.chunks()) await channel.write(chunk);
        await channel.end();
      })(),
    ]);
    const { exitCode } = await channel.exit;
    const ms = performance.now() - t0;
    const samples = sampler.stop();
    const { kexCount, peerInitiatedKexCount } = transport.connection;
    return {
      ms,
      bytesBack,
      sentSha256: source.digest(),
      receivedSha256: back.digest('hex'),
      exitCode,
      rekeys: kexCount - 1,
      serverRekeys: peerInitiatedKexCount,
      samples,
    };
  } finally {
    await transport.close().catch(() => {});
  }
}
