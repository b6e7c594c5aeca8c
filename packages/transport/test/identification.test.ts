import { DisconnectReason, ProtocolError } from '@sshts/wire';
import { describe, expect, it } from 'vitest';
import { formatIdentification, IdentificationReader, MAX_PRE_BANNER_LINES } from '../src/identification.js';

const enc = new TextEncoder();

function feed(reader: IdentificationReader, text: string | Uint8Array, step = 0) {
  const bytes = typeof text === 'string' ? enc.encode(text) : text;
  if (step === 0) return reader.push(bytes);
  let result: ReturnType<IdentificationReader['push']>;
  for (let i = 0; i < bytes.length; i += step) {
    result = reader.push(bytes.slice(i, i + step));
    if (result) return result;
  }
  return undefined;
}

describe('identification exchange (RFC 4253 §4.2)', () => {
  it('reads a server version after other lines, byte by byte, and returns what follows', () => {
    const r = new IdentificationReader(true);
    const got = feed(
      r,
      'hello\r\nbanner line two\nSSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10\r\n\x00\x00\x01',
      1,
    );
    expect(got?.identification).toMatchObject({
      line: 'SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10',
      protoVersion: '2.0',
      software: 'OpenSSH_9.2p1 Debian-2+deb12u10',
      preamble: ['hello', 'banner line two'],
    });
    // fed a byte at a time, the line completes on its LF: nothing follows yet
    expect(got?.rest).toEqual(new Uint8Array(0));
    // in one chunk, the binary packet bytes after the line come back untouched
    const whole = feed(new IdentificationReader(true), 'x\r\nSSH-2.0-y\r\n\x00\x00\x01');
    expect(whole?.rest).toEqual(new Uint8Array([0, 0, 1]));
  });

  it('accepts SSH-1.99 and a bare LF ending', () => {
    expect(feed(new IdentificationReader(true), 'SSH-1.99-x\n')?.identification.protoVersion).toBe('1.99');
  });

  it('refuses other protocol versions with PROTOCOL_VERSION_NOT_SUPPORTED', () => {
    try {
      feed(new IdentificationReader(true), 'SSH-1.5-old\r\n');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ProtocolError);
      expect((error as ProtocolError).reason).toBe(DisconnectReason.PROTOCOL_VERSION_NOT_SUPPORTED);
    }
  });

  it.each([
    ['NUL in a line', 'SSH-2.0-a\x00b\r\n'],
    ['a bare CR', 'SSH-2.0-a\rb\r\n'],
    ['an empty software version', 'SSH-2.0-\r\n'],
    ['a line over 8192 bytes', `${'x'.repeat(9000)}\r\n`],
    ['no newline within 8192 bytes', 'x'.repeat(8200)],
    [`more than ${MAX_PRE_BANNER_LINES} lines first`, 'junk\r\n'.repeat(MAX_PRE_BANNER_LINES + 1)],
  ])('refuses %s', (_name, text) => {
    expect(() => feed(new IdentificationReader(true), text)).toThrow(ProtocolError);
  });

  it('a server accepts nothing before the client version line (as OpenSSH)', () => {
    expect(() => feed(new IdentificationReader(false), 'GET / HTTP/1.1\r\n')).toThrow(
      /invalid protocol identifier/,
    );
    expect(feed(new IdentificationReader(false), 'SSH-2.0-client\r\n')?.identification.software).toBe(
      'client',
    );
  });

  it('formats ours without impersonating anyone, and checks it', () => {
    expect(formatIdentification('sshts_0.1')).toBe('SSH-2.0-sshts_0.1');
    expect(() => formatIdentification('has space')).toThrow(TypeError);
    expect(() => formatIdentification('has-minus')).toThrow(TypeError);
  });
});
