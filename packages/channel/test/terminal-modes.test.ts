// Encoded terminal modes (RFC 4254 §8): opcode numbers checked against the RFC's own table, the
// stream format, and the decoding rules (TTY_OP_END, opcodes 160–255 stop parsing, truncation).
import { MalformedMessageError, SSHReader, SSHWriter } from '@sshts/wire';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodePtyRequest, decodeTerminalModes, encodeTerminalModes, TerminalMode } from '../src/index.js';

// The opcode table of RFC 4254 §8 (repeated as the IANA registry in RFC 4250 §4.5.2), opcode and
// mnemonic columns as printed there, descriptions left out.
const RFC_4254_SECTION_8 = `
  0     TTY_OP_END
  1     VINTR
  2     VQUIT
  3     VERASE
  4     VKILL
  5     VEOF
  6     VEOL
  7     VEOL2
  8     VSTART
  9     VSTOP
  10    VSUSP
  11    VDSUSP
  12    VREPRINT
  13    VWERASE
  14    VLNEXT
  15    VFLUSH
  16    VSWTCH
  17    VSTATUS
  18    VDISCARD
  30    IGNPAR
  31    PARMRK
  32    INPCK
  33    ISTRIP
  34    INLCR
  35    IGNCR
  36    ICRNL
  37    IUCLC
  38    IXON
  39    IXANY
  40    IXOFF
  41    IMAXBEL
  50    ISIG
  51    ICANON
  52    XCASE
  53    ECHO
  54    ECHOE
  55    ECHOK
  56    ECHONL
  57    NOFLSH
  58    TOSTOP
  59    IEXTEN
  60    ECHOCTL
  61    ECHOKE
  62    PENDIN
  70    OPOST
  71    OLCUC
  72    ONLCR
  73    OCRNL
  74    ONOCR
  75    ONLRET
  90    CS7
  91    CS8
  92    PARENB
  93    PARODD
  128 TTY_OP_ISPEED
  129 TTY_OP_OSPEED
`;

// RFC 8160 §3: "42 IUTF8 Terminal input and output is assumed to be encoded in UTF-8."
const RFC_8160 = new Map([['IUTF8', 42]]);

const rfcTable = new Map(
  RFC_4254_SECTION_8.trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .map(([opcode, name]) => [name!, Number(opcode)] as const),
);

describe('opcode numbers', () => {
  it('match the table of RFC 4254 §8 and RFC 8160, name for name, with nothing extra', () => {
    const expected = new Map([...rfcTable, ...RFC_8160]);
    expected.delete('TTY_OP_END');
    expect(new Map(Object.entries(TerminalMode))).toEqual(expected);
    expect(expected.size).toBe(56);
  });
});

describe('encodeTerminalModes', () => {
  it('writes opcode / uint32 pairs in the given order, then TTY_OP_END', () => {
    const encoded = encodeTerminalModes({ VINTR: 3, ECHO: 1, IUTF8: 1, TTY_OP_ISPEED: 38400 });
    expect([...encoded]).toEqual([1, 0, 0, 0, 3, 53, 0, 0, 0, 1, 42, 0, 0, 0, 1, 128, 0, 0, 0x96, 0, 0]);
    expect([...encodeTerminalModes()]).toEqual([0]);
    expect([...encodeTerminalModes(new Map([[159, 0xffffffff]]))]).toEqual([159, 255, 255, 255, 255, 0]);
  });

  it('refuses opcodes outside 1..159, unknown names and values outside uint32', () => {
    for (const opcode of [0, 160, 255, 1.5, -1]) {
      expect(() => encodeTerminalModes(new Map([[opcode, 1]]))).toThrow(RangeError);
    }
    expect(() => encodeTerminalModes({ NOPE: 1 } as never)).toThrow(RangeError);
    expect(() => encodeTerminalModes({ ECHO: 2 ** 32 })).toThrow(RangeError);
    expect(() => encodeTerminalModes({ ECHO: -1 })).toThrow(RangeError);
  });
});

describe('decodeTerminalModes', () => {
  it('stops at TTY_OP_END and ignores what follows', () => {
    const bytes = new Uint8Array([53, 0, 0, 0, 1, 0, 54, 0, 0]);
    expect(decodeTerminalModes(bytes)).toEqual(new Map([[53, 1]]));
    expect(decodeTerminalModes(new Uint8Array(0))).toEqual(new Map());
  });

  it('accepts a stream that ends without TTY_OP_END', () => {
    expect(decodeTerminalModes(new Uint8Array([1, 0, 0, 0, 3]))).toEqual(new Map([[1, 3]]));
  });

  it.each([160, 200, 255])('stops parsing at opcode %i and keeps the modes before it', (opcode) => {
    // "Opcodes 160 to 255 are not yet defined, and cause parsing to stop" (§8): the bytes after
    // need not be opcode/argument pairs at all.
    const bytes = new Uint8Array([1, 0, 0, 0, 3, opcode, 7, 53, 0, 0, 0, 1, 0]);
    expect(decodeTerminalModes(bytes)).toEqual(new Map([[1, 3]]));
  });

  it.each([0, 1, 2, 3])('throws MalformedMessageError when an argument is cut to %i bytes', (kept) => {
    const bytes = new Uint8Array([53, 0, 0, 0, 1, 54, 0, 0, 0, 1].slice(0, 6 + kept));
    expect(() => decodeTerminalModes(bytes)).toThrow(MalformedMessageError);
  });

  it('round-trips any set of defined opcodes', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(fc.integer({ min: 1, max: 159 }), fc.nat({ max: 0xffffffff })), {
          selector: ([opcode]) => opcode,
          maxLength: 60,
        }),
        (pairs) => {
          const modes = new Map(pairs);
          const encoded = encodeTerminalModes(modes);
          expect(encoded.length).toBe(5 * pairs.length + 1);
          expect(decodeTerminalModes(encoded)).toEqual(modes);
        },
      ),
    );
  });
});

describe('terminal modes inside pty-req', () => {
  const ptyWith = (modes: Uint8Array) =>
    new SSHReader(
      new SSHWriter().string('xterm').uint32(80).uint32(24).uint32(0).uint32(0).string(modes).finish(),
    );

  it('stops at an opcode ≥ 160 in a pty-req', () => {
    const request = decodePtyRequest(ptyWith(new Uint8Array([128, 0, 0, 0x96, 0, 200, 1, 2, 3])));
    expect(request.modes).toEqual(new Map([[128, 38400]]));
  });

  it('throws MalformedMessageError on truncated modes in a pty-req', () => {
    expect(() => decodePtyRequest(ptyWith(new Uint8Array([128, 0, 0])))).toThrow(MalformedMessageError);
  });
});
