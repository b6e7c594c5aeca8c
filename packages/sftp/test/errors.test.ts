// SFTPError (API.md): status, the server's message, the path, and a Node-style code — refined
// from SSH_FX_FAILURE (which OpenSSH uses for EEXIST, EISDIR, ENOTEMPTY, …) by one more request.
import { SFTPError } from '@sshts/wire';
import { describe, expect, it } from 'vitest';
import { connectionLost, nodeCodeFor, StatusCode, statusError } from '../src/index.js';
import { FX, MemoryServer, msg, outcome, scriptedClient, T, text, within } from './scripted-server.js';

async function rejection(p: Promise<unknown>): Promise<SFTPError> {
  const r = await outcome(within(p));
  expect(r.ok).toBe(false);
  const error = (r as { error: unknown }).error;
  expect(error).toBeInstanceOf(SFTPError);
  return error as SFTPError;
}

const summary = (e: SFTPError) => ({
  status: e.status,
  code: e.code,
  serverMessage: e.serverMessage,
  path: e.path,
});

async function fixture() {
  const server = new MemoryServer();
  server.fs.mkdir('/d');
  server.fs.writeFile('/d/inside', 'x');
  server.fs.mkdir('/empty');
  server.fs.writeFile('/file', 'content');
  server.fs.symlink('/file', '/link');
  const client = await server.connect();
  return { server, client };
}

describe('refining SSH_FX_FAILURE', () => {
  it('mkdir on an existing name is EEXIST', async () => {
    const { client } = await fixture();
    for (const path of ['/d', '/file', '/link']) {
      expect(summary(await rejection(client.mkdir(path)))).toEqual({
        status: 4,
        code: 'EEXIST',
        serverMessage: 'File exists',
        path,
      });
    }
    await client.close();
  });

  it('readFile of a directory is EISDIR, whether OPEN succeeds (as open(2) O_RDONLY does) or fails', async () => {
    for (const openDirectories of [true, false]) {
      const server = new MemoryServer({ openDirectories });
      server.fs.mkdir('/dir');
      const client = await server.connect();
      const error = await rejection(client.readFile('/dir'));
      expect([error.status, error.code, error.path]).toEqual([4, 'EISDIR', '/dir']);
      expect(server.openHandles).toBe(0);
      expect(server.count(T.READ)).toBe(0);
      await client.close();
    }
  });

  it('rmdir of a non-empty directory is ENOTEMPTY; of a file, ENOTDIR', async () => {
    const { client } = await fixture();
    expect(summary(await rejection(client.rmdir('/d')))).toEqual({
      status: 4,
      code: 'ENOTEMPTY',
      serverMessage: 'Directory not empty',
      path: '/d',
    });
    expect((await rejection(client.rmdir('/file'))).code).toBe('ENOTDIR');
    await client.rmdir('/empty');
    await client.close();
  });

  it('remove of a directory is EISDIR; opendir of a file is ENOTDIR', async () => {
    const { client } = await fixture();
    expect(summary(await rejection(client.remove('/d')))).toEqual({
      status: 4,
      code: 'EISDIR',
      serverMessage: 'Is a directory',
      path: '/d',
    });
    expect((await rejection(client.unlink('/d'))).code).toBe('EISDIR');
    expect(summary(await rejection(client.readdir('/file')))).toEqual({
      status: 4,
      code: 'ENOTDIR',
      serverMessage: 'Not a directory',
      path: '/file',
    });
    await client.close();
  });

  it('RENAME onto an existing name is EEXIST; symlink onto one too', async () => {
    const { client } = await fixture();
    const e = await rejection(client.rename('/file', '/d'));
    expect([e.status, e.code, e.path]).toEqual([4, 'EEXIST', '/d']);
    const s = await rejection(client.symlink('/file', '/d'));
    expect([s.status, s.code, s.path]).toEqual([4, 'EEXIST', '/d']);
    await client.close();
  });

  it('FAILURE that one more request cannot explain stays EFAILURE with the server’s message', async () => {
    const server = new MemoryServer({
      intercept: (r) =>
        r.type === T.MKDIR ? msg.status(r.id, FX.FAILURE, 'quota exceeded', 'en') : undefined,
    });
    const client = await server.connect();
    // The name does not exist, so it is not EEXIST.
    expect(summary(await rejection(client.mkdir('/new')))).toEqual({
      status: 4,
      code: 'EFAILURE',
      serverMessage: 'quota exceeded',
      path: '/new',
    });
    expect(server.count(T.LSTAT)).toBe(1);
    await client.close();
  });

  it('only FAILURE is refined: other statuses send no extra request', async () => {
    const server = new MemoryServer({
      intercept: (r) =>
        r.type === T.MKDIR ? msg.status(r.id, FX.PERMISSION_DENIED, 'Permission denied', 'en') : undefined,
    });
    server.fs.mkdir('/x');
    const client = await server.connect();
    expect(summary(await rejection(client.mkdir('/x')))).toEqual({
      status: 3,
      code: 'EACCES',
      serverMessage: 'Permission denied',
      path: '/x',
    });
    expect(server.count(T.LSTAT) + server.count(T.STAT)).toBe(0);
    await client.close();
  });
});

describe('plain statuses', () => {
  it('NO_SUCH_FILE is ENOENT with the path, on every path-taking request', async () => {
    const { client } = await fixture();
    const ops: [string, () => Promise<unknown>][] = [
      ['stat', () => client.stat('/nope')],
      ['lstat', () => client.lstat('/nope')],
      ['open', () => client.open('/nope')],
      ['readFile', () => client.readFile('/nope')],
      ['readdir', () => client.readdir('/nope')],
      ['remove', () => client.remove('/nope')],
      ['rmdir', () => client.rmdir('/nope')],
      ['readlink', () => client.readlink('/nope')],
      ['setstat', () => client.setstat('/nope', { mode: 0o600 })],
      ['mkdir', () => client.mkdir('/nope/sub')],
    ];
    for (const [name, op] of ops) {
      const e = await rejection(op());
      expect([name, e.status, e.code, e.serverMessage]).toEqual([name, 2, 'ENOENT', 'No such file']);
      expect(e.path).toMatch(/^\/nope/);
    }
    expect(await client.exists('/nope')).toBe(false);
    expect(await client.exists('/file')).toBe(true);
    await client.close();
  });

  it('PERMISSION_DENIED is EACCES', async () => {
    const server = new MemoryServer({
      intercept: (r) =>
        r.type === T.OPEN ? msg.status(r.id, FX.PERMISSION_DENIED, 'Permission denied', 'en') : undefined,
    });
    const client = await server.connect();
    const e = await rejection(client.writeFile('/root-only', 'x'));
    expect(summary(e)).toEqual({
      status: 3,
      code: 'EACCES',
      serverMessage: 'Permission denied',
      path: '/root-only',
    });
    expect(e.message).toBe('EACCES: Permission denied, /root-only');
    expect(e.name).toBe('SFTPError');
    await client.close();
  });

  it('exists() rethrows anything but NO_SUCH_FILE', async () => {
    const { client, server } = await scriptedClient();
    const p = outcome(client.exists('/x'));
    const r = await server.next();
    expect(text(r.reader().string())).toBe('/x');
    server.send(msg.status(r.id, FX.PERMISSION_DENIED, 'denied'));
    expect(((await p) as { error: SFTPError }).error.code).toBe('EACCES');
    await client.close();
  });

  it('a failed refinement probe keeps the original error', async () => {
    const { client, server } = await scriptedClient();
    const p = outcome(within(client.mkdir('/m')));
    const mk = await server.next();
    server.send(msg.status(mk.id, FX.FAILURE, 'odd'));
    const probe = await server.next();
    expect(probe.type).toBe(T.LSTAT);
    server.send(msg.status(probe.id, FX.PERMISSION_DENIED, 'no'));
    expect(summary(((await p) as { error: SFTPError }).error)).toEqual({
      status: 4,
      code: 'EFAILURE',
      serverMessage: 'odd',
      path: '/m',
    });
    await client.close();
  });
});

describe('errors.ts', () => {
  it('maps every v3 status to its code, unknown ones to EFAILURE', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 100].map(nodeCodeFor)).toEqual([
      'EFAILURE',
      'EOF',
      'ENOENT',
      'EACCES',
      'EFAILURE',
      'EBADMSG',
      'ENOTCONN',
      'ECONNRESET',
      'ENOSYS',
      'EFAILURE',
      'EFAILURE',
    ]);
  });

  it('statusError and connectionLost build the documented errors', () => {
    const e = statusError(StatusCode.NO_SUCH_FILE, 'gone', '/p');
    expect(summary(e)).toEqual({ status: 2, code: 'ENOENT', serverMessage: 'gone', path: '/p' });
    expect(statusError(4, '', undefined, 'EEXIST').message).toBe('EEXIST: sftp error');
    const cause = new Error('x');
    const lost = connectionLost('bye', cause);
    expect(summary(lost)).toEqual({ status: 7, code: 'ECONNRESET', serverMessage: 'bye', path: undefined });
    expect(lost.cause).toBe(cause);
    expect(connectionLost().cause).toBeUndefined();
  });
});
