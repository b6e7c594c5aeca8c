// Type-specific data of session requests (RFC 4254 §6, RFC 4335) and forwarding channels /
// requests (§7, OpenSSH PROTOCOL §2.4): each encoder against the field layout written out from
// the RFC with SSHWriter, each decoder against truncation (always MalformedMessageError).
import { MalformedMessageError, SSHReader, SSHWriter } from '@sshts/wire';
import { describe, expect, it } from 'vitest';
import {
  decodeCommand,
  decodeDirectStreamLocal,
  decodeEnv,
  decodeForwardedStreamLocal,
  decodePtyRequest,
  decodeSignal,
  decodeTcpipChannel,
  decodeTcpipForward,
  decodeWindowChange,
  decodeX11Request,
  encodeBreak,
  encodeDirectStreamLocal,
  encodeEnv,
  encodeExitSignal,
  encodeExitStatus,
  encodeForwardedStreamLocal,
  encodePtyRequest,
  encodeSignal,
  encodeStreamLocalForward,
  encodeString,
  encodeTcpipChannel,
  encodeTcpipForward,
  encodeWindowChange,
  encodeX11Request,
} from '../src/index.js';

const w = () => new SSHWriter();

describe('encoders follow the RFC layouts', () => {
  it('pty-req (§6.2): TERM, cols, rows, width px, height px, modes', () => {
    expect(
      encodePtyRequest({
        term: 'xterm',
        cols: 80,
        rows: 24,
        widthPx: 640,
        heightPx: 480,
        modes: { ECHO: 0 },
      }),
    ).toEqual(
      w()
        .string('xterm')
        .uint32(80)
        .uint32(24)
        .uint32(640)
        .uint32(480)
        .string(new Uint8Array([53, 0, 0, 0, 0, 0]))
        .finish(),
    );
    expect(encodePtyRequest({ term: 'vt100', cols: 1, rows: 2 })).toEqual(
      w()
        .string('vt100')
        .uint32(1)
        .uint32(2)
        .uint32(0)
        .uint32(0)
        .string(new Uint8Array([0]))
        .finish(),
    );
  });

  it('x11-req (§6.3.1), env (§6.4), exec / subsystem (§6.5)', () => {
    const x11 = { singleConnection: true, protocol: 'MIT-MAGIC-COOKIE-1', cookie: 'deadbeef', screen: 2 };
    expect(encodeX11Request(x11)).toEqual(
      w().boolean(true).string('MIT-MAGIC-COOKIE-1').string('deadbeef').uint32(2).finish(),
    );
    expect(encodeEnv('LANG', 'C.UTF-8')).toEqual(w().string('LANG').string('C.UTF-8').finish());
    expect(encodeString('ls -l')).toEqual(w().string('ls -l').finish());
    expect(encodeString(new Uint8Array([0xff]))).toEqual(
      w()
        .string(new Uint8Array([0xff]))
        .finish(),
    );
  });

  it('window-change (§6.7) with values up to 2^32−1', () => {
    expect(encodeWindowChange(0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff)).toEqual(
      new Uint8Array(16).fill(0xff),
    );
    expect(encodeWindowChange(80, 24)).toEqual(w().uint32(80).uint32(24).uint32(0).uint32(0).finish());
  });

  it('signal (§6.9) without the SIG prefix, break (RFC 4335 §3)', () => {
    expect(encodeSignal('SIGINT')).toEqual(w().string('INT').finish());
    expect(encodeSignal('USR1')).toEqual(w().string('USR1').finish());
    expect(encodeBreak(500)).toEqual(w().uint32(500).finish());
  });

  it('exit-status and exit-signal (§6.10)', () => {
    expect(encodeExitStatus(255)).toEqual(w().uint32(255).finish());
    expect(encodeExitSignal('SIGSEGV', true, 'core dumped')).toEqual(
      w().string('SEGV').boolean(true).string('core dumped').string('').finish(),
    );
    expect(encodeExitSignal('HUP')).toEqual(w().string('HUP').boolean(false).string('').string('').finish());
  });

  it('direct-tcpip / forwarded-tcpip (§7.2), tcpip-forward (§7.1), streamlocal (PROTOCOL §2.4)', () => {
    expect(encodeTcpipChannel({ host: 'db', port: 5432 }, { host: '10.0.0.1', port: 60000 })).toEqual(
      w().string('db').uint32(5432).string('10.0.0.1').uint32(60000).finish(),
    );
    expect(encodeTcpipForward({ host: '', port: 0 })).toEqual(w().string('').uint32(0).finish());
    expect(encodeDirectStreamLocal('/run/app.sock')).toEqual(
      w().string('/run/app.sock').string('').uint32(0).finish(),
    );
    expect(encodeForwardedStreamLocal('/tmp/s')).toEqual(w().string('/tmp/s').string('').finish());
    expect(encodeStreamLocalForward('/tmp/s')).toEqual(w().string('/tmp/s').finish());
  });
});

/** Every strict prefix of `bytes` must make `decode` throw MalformedMessageError. */
function expectTruncationsRejected(bytes: Uint8Array, decode: (r: SSHReader) => unknown): void {
  for (let cut = 0; cut < bytes.length; cut++) {
    let error: unknown;
    try {
      decode(new SSHReader(bytes.subarray(0, cut)));
    } catch (e) {
      error = e;
    }
    expect(error, `cut at ${cut}`).toBeInstanceOf(MalformedMessageError);
  }
}

describe('decoders', () => {
  it('round-trip and reject every truncation', () => {
    const pty = encodePtyRequest({ term: 'xterm', cols: 80, rows: 24, modes: { VINTR: 3 } });
    expect(decodePtyRequest(new SSHReader(pty))).toEqual({
      term: 'xterm',
      cols: 80,
      rows: 24,
      widthPx: 0,
      heightPx: 0,
      modes: new Map([[1, 3]]),
    });
    expectTruncationsRejected(pty, decodePtyRequest);

    const x11 = { singleConnection: false, protocol: 'MIT-MAGIC-COOKIE-1', cookie: '0a1b', screen: 0 };
    expect(decodeX11Request(new SSHReader(encodeX11Request(x11)))).toEqual(x11);
    expectTruncationsRejected(encodeX11Request(x11), decodeX11Request);

    expect(decodeEnv(new SSHReader(encodeEnv('A', 'b')))).toEqual({ name: 'A', value: 'b' });
    expectTruncationsRejected(encodeEnv('A', 'b'), decodeEnv);
    expect(decodeCommand(new SSHReader(encodeString('uptime')))).toBe('uptime');
    expectTruncationsRejected(encodeString('uptime'), decodeCommand);
    expect(decodeSignal(new SSHReader(encodeSignal('SIGKILL')))).toBe('KILL');
    expectTruncationsRejected(encodeSignal('KILL'), decodeSignal);
    expectTruncationsRejected(encodeWindowChange(1, 2, 3, 4), decodeWindowChange);

    const tcp = { target: { host: 'h', port: 1 }, origin: { host: 'o', port: 2 } };
    expect(decodeTcpipChannel(new SSHReader(encodeTcpipChannel(tcp.target, tcp.origin)))).toEqual(tcp);
    expectTruncationsRejected(encodeTcpipChannel(tcp.target, tcp.origin), decodeTcpipChannel);
    expect(decodeTcpipForward(new SSHReader(encodeTcpipForward({ host: 'lo', port: 8 })))).toEqual({
      host: 'lo',
      port: 8,
    });
    expectTruncationsRejected(encodeTcpipForward({ host: 'lo', port: 8 }), decodeTcpipForward);
    expect(decodeDirectStreamLocal(new SSHReader(encodeDirectStreamLocal('/s')))).toBe('/s');
    expect(decodeForwardedStreamLocal(new SSHReader(encodeForwardedStreamLocal('/s')))).toBe('/s');
  });

  it('decodes window-change with huge values as uint32, without error', () => {
    const huge = new SSHReader(new Uint8Array(16).fill(0xff));
    expect(decodeWindowChange(huge)).toEqual({
      cols: 0xffffffff,
      rows: 0xffffffff,
      widthPx: 0xffffffff,
      heightPx: 0xffffffff,
    });
  });

  it('bounds string lengths before reading them', () => {
    // A TERM length of 2^32−1 with a few bytes behind it: refused on the length, not read.
    const bogus = w().uint32(0xffffffff).raw(new Uint8Array(20)).finish();
    expect(() => decodePtyRequest(new SSHReader(bogus))).toThrow(MalformedMessageError);
    const longTerm = w()
      .string('x'.repeat(257))
      .uint32(0)
      .uint32(0)
      .uint32(0)
      .uint32(0)
      .string(new Uint8Array([0]))
      .finish();
    expect(() => decodePtyRequest(new SSHReader(longTerm))).toThrow(MalformedMessageError);
    expect(() =>
      decodeEnv(
        new SSHReader(
          w()
            .string(new Uint8Array([0xc3]))
            .string('v')
            .finish(),
        ),
      ),
    ).toThrow(MalformedMessageError);
  });
});
