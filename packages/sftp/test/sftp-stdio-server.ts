// SFTPServer over this process's stdin and stdout, for OpenSSH's `sftp -D <this command>` (which
// spawns its server with the SFTP pipe as stdio, no SSH at all). Run as
//   node --conditions=sshts-source --import <tsx loader> sftp-stdio-server.ts ARGS
// with ARGS:
//   --root DIR                    a NodeFileSystem on DIR, or
//   --memory SEED.json            a MemoryFileSystem filled from SEED ({ dirs: [...], files: { path: base64 } })
//   --dump OUT.json               at the end, the filesystem's tree (walkTree) written to OUT
//   --home PATH  --user NAME      SFTPServerOptions
// Diagnostics go to stderr, which sftp passes through.
import { readFileSync, writeFileSync } from 'node:fs';
import { Readable, Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { MemoryFileSystem, NodeFileSystem, type SFTPFileSystem, SFTPServer } from '../src/node/index.js';
import { walkTree } from './server-helpers.js';

const { values } = parseArgs({
  options: {
    root: { type: 'string' },
    memory: { type: 'string' },
    dump: { type: 'string' },
    home: { type: 'string' },
    user: { type: 'string' },
  },
});

let fs: SFTPFileSystem;
if (values.root) {
  fs = new NodeFileSystem(values.root);
} else {
  const memory = new MemoryFileSystem({ uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 });
  const seed = values.memory ? JSON.parse(readFileSync(values.memory, 'utf8')) : {};
  for (const dir of seed.dirs ?? []) memory.mkdirp(dir);
  for (const [path, data] of Object.entries<string>(seed.files ?? {})) {
    memory.writeFile(path, Uint8Array.from(Buffer.from(data, 'base64')));
  }
  fs = memory;
}

const server = new SFTPServer(fs, { home: values.home, user: values.user });
try {
  await server.serve({
    readable: Readable.toWeb(process.stdin) as ReadableStream<Uint8Array>,
    writable: Writable.toWeb(process.stdout) as WritableStream<Uint8Array>,
  });
} catch (error) {
  process.stderr.write(`sftp-stdio-server: ${String(error)}\n`);
  process.exitCode = 1;
}
if (values.dump) writeFileSync(values.dump, JSON.stringify(await walkTree(fs)));
