// What the recorded conversations do, shared by the recorder (record.ts) and the replay
// (replay.ts) so a replay asks exactly what the recording asked: our client's session against a
// real server, and the server we put in front of real clients.
import { MemoryFileSystem } from '@sshts/sftp';
import type { SSHClient, SSHServerOptions } from '../../src/node/index.js';

/** What clientScript saw; the unmutated replay must see the same. */
export type ClientScriptResult = Record<string, unknown>;

const describeError = (e: unknown) => (e as { code?: string; name?: string }).code ?? (e as Error).name;

/**
 * A session touching each layer: exec with both streams and an exit code, SFTP (realpath, write,
 * stat, read, readdir, rename, remove, a missing file), and a refused direct-tcpip open.
 */
export async function clientScript(client: SSHClient): Promise<ClientScriptResult> {
  const exec = await client.exec('echo out; echo err >&2; exit 3');
  const sftp = await client.openSftp();
  const home = await sftp.realpath('.');
  await sftp.writeFile('fuzz-file.txt', 'hello fuzz\n');
  const size = (await sftp.stat('fuzz-file.txt')).size;
  const content = new TextDecoder().decode(await sftp.readFile('fuzz-file.txt'));
  const listed = (await sftp.readdir('.')).map((e) => e.filename).filter((n) => n.startsWith('fuzz-'));
  await sftp.rename('fuzz-file.txt', 'fuzz-renamed.txt');
  await sftp.remove('fuzz-renamed.txt');
  const missing = await sftp.stat('fuzz-missing').then(() => 'exists', describeError);
  await sftp.close();
  // Port 1 on loopback: nothing listens there, so the server answers OPEN_FAILURE.
  const forward = await client.forwardOut('127.0.0.1', 1).then((c) => {
    c.close();
    return 'opened';
  }, describeError);
  return { exec, home, size, content, listed: listed.sort(), missing, forward };
}

/** The server real clients were recorded against: `none` auth, an in-process exec, SFTP in memory. */
export function fuzzServerOptions(): Omit<SSHServerOptions, 'hostKeys'> {
  const fs = new MemoryFileSystem();
  fs.writeFile('/readme.txt', 'a file to get\n');
  fs.mkdirp('/dir');
  fs.writeFile('/dir/inner.txt', 'inner\n');
  return {
    auth: { none: true },
    exec: async (command, session) => {
      await session.write(`ran ${command}\n`);
      await session.writeStderr('to stderr\n');
      await session.exit(3);
    },
    sftp: fs,
  };
}
