// Known answers from independent implementations. Live: a real OpenSSH `ssh -tt` client talks to
// a paramiko server that records its session open, pty-req (terminal modes of a pseudo-terminal
// set up by Python's termios), env, exec and window-change; paramiko's and AsyncSSH's own
// Channel / Transport methods build requests and opens. Stored: the same outputs kept under
// test-vectors/channel/ (see its README for the commands), checked without Python.
import { peerAvailability, toolAvailability } from '@sshts/test-peers';
import { describe, expect, it } from 'vitest';
import { makeMux, openConfirmed } from './helpers.js';
import {
  checkLibraryVectors,
  checkOpenSshCapture,
  fromHex,
  type LibraryInput,
  type LibraryVectors,
  type OpenSshCapture,
  type OpenSshInput,
  readVector,
  runPython,
} from './vector-checks.js';

// Missing outside CI: skipped with the reason; under CI=true these throw instead (test-peers).
const ssh = await toolAvailability('ssh');
const paramiko = await peerAvailability('paramiko');
const asyncssh = await peerAvailability('asyncssh');

const storedOpenSsh = {
  input: readVector<OpenSshInput>('openssh-capture.input.json'),
  capture: readVector<OpenSshCapture>('openssh-capture.json'),
};
const storedLibrary = {
  input: readVector<LibraryInput>('library-vectors.input.json'),
  vectors: readVector<LibraryVectors>('library-vectors.json'),
};

describe('stored vectors (test-vectors/channel)', () => {
  it('OpenSSH 9.2 session open, pty-req, env, exec, window-change', () => {
    expect(storedOpenSsh.capture.version).toMatch(/^OpenSSH_9\.2p1/);
    checkOpenSshCapture(storedOpenSsh.input, storedOpenSsh.capture);
  });

  it('paramiko 2.12 and AsyncSSH 2.10 requests, opens and opcode table', () => {
    checkLibraryVectors(storedLibrary.input, storedLibrary.vectors);
  });

  it("AsyncSSH's exit-signal, fed to a channel, settles exit", async () => {
    const { link, mux } = makeMux();
    const channel = await openConfirmed(link, mux);
    const payload = fromHex(storedLibrary.vectors.payloads['asyncssh exit-signal']!);
    payload.set([0, 0, 0, 0], 1); // addressed to our channel 0 instead of 7
    mux.handleMessage(payload);
    expect(await channel.exit).toEqual({
      exitCode: null,
      signal: 'KILL',
      coreDumped: true,
      errorMessage: 'Killed',
    });
  });
});

const skipOpenSsh = !ssh.available || !paramiko.available;
describe.skipIf(skipOpenSsh)(
  `a live OpenSSH ssh client${skipOpenSsh ? ' (skipped: ssh or paramiko missing)' : ''}`,
  () => {
    it.each([1, 2])('sends what our encoders produce (terminal seed %i)', (seed) => {
      const input: OpenSshInput = {
        ...storedOpenSsh.input,
        seed: seed * 7919 + Date.now(),
        ssh: ssh.available ? ssh.path : '',
        term: seed === 1 ? 'xterm-256color' : 'vt220',
        envValue: `run ${seed}`,
        size: { cols: 80 + seed, rows: 24 + seed, widthPx: 0, heightPx: 0 },
        resize: { cols: 0xffff, rows: 1, widthPx: 7, heightPx: 9 },
      };
      checkOpenSshCapture(input, runPython<OpenSshCapture>('openssh_capture.py', input));
    });
  },
);

const skipLibraries = !paramiko.available || !asyncssh.available;
describe.skipIf(skipLibraries)(
  `live paramiko and AsyncSSH${skipLibraries ? ' (skipped: missing)' : ''}`,
  () => {
    it('build the same payloads as our encoders', () => {
      const input: LibraryInput = {
        ...storedLibrary.input,
        recipient: 0x01020304,
        command: 'echo "π ≈ 3.14159"',
        env: { name: 'LC_ALL', value: 'de_DE.UTF-8' },
        exitStatus: 254, // AsyncSSH sends `status & 0xff`
        exitSignal: { signal: 'SEGV', coreDumped: false, message: 'Speicherzugriffsfehler' },
        signal: 'USR1',
        breakMs: 0,
      };
      checkLibraryVectors(input, runPython<LibraryVectors>('library_vectors.py', input));
    });
  },
);
