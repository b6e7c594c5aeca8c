// Encoded terminal modes of a pty-req (RFC 4254 §8): opcode/uint32 pairs ended by TTY_OP_END.
// Opcodes 1–159 carry a uint32; 160–255 are undefined and "cause parsing to stop" (§8), so a
// decoder keeps what it read up to there. IUTF8 (42) is RFC 8160.
import { MalformedMessageError, SSHReader, SSHWriter } from '@sshts/wire';

/** Opcode numbers of RFC 4254 §8 and RFC 8160, by the POSIX name they stand for. */
export const TerminalMode = {
  VINTR: 1,
  VQUIT: 2,
  VERASE: 3,
  VKILL: 4,
  VEOF: 5,
  VEOL: 6,
  VEOL2: 7,
  VSTART: 8,
  VSTOP: 9,
  VSUSP: 10,
  VDSUSP: 11,
  VREPRINT: 12,
  VWERASE: 13,
  VLNEXT: 14,
  VFLUSH: 15,
  VSWTCH: 16,
  VSTATUS: 17,
  VDISCARD: 18,
  IGNPAR: 30,
  PARMRK: 31,
  INPCK: 32,
  ISTRIP: 33,
  INLCR: 34,
  IGNCR: 35,
  ICRNL: 36,
  IUCLC: 37,
  IXON: 38,
  IXANY: 39,
  IXOFF: 40,
  IMAXBEL: 41,
  IUTF8: 42,
  ISIG: 50,
  ICANON: 51,
  XCASE: 52,
  ECHO: 53,
  ECHOE: 54,
  ECHOK: 55,
  ECHONL: 56,
  NOFLSH: 57,
  TOSTOP: 58,
  IEXTEN: 59,
  ECHOCTL: 60,
  ECHOKE: 61,
  PENDIN: 62,
  OPOST: 70,
  OLCUC: 71,
  ONLCR: 72,
  OCRNL: 73,
  ONOCR: 74,
  ONLRET: 75,
  CS7: 90,
  CS8: 91,
  PARENB: 92,
  PARODD: 93,
  TTY_OP_ISPEED: 128,
  TTY_OP_OSPEED: 129,
} as const;

export type TerminalModeName = keyof typeof TerminalMode;
/** Modes by name (e.g. `{ ECHO: 0, TTY_OP_ISPEED: 38400 }`) or by opcode number. */
export type TerminalModes = Partial<Record<TerminalModeName, number>> | Map<number, number>;

const TTY_OP_END = 0;
const FIRST_UNDEFINED_OPCODE = 160;

/** The `string encoded terminal modes` of pty-req, TTY_OP_END included. */
export function encodeTerminalModes(modes: TerminalModes = {}): Uint8Array {
  const w = new SSHWriter(64);
  const entries: [number, number][] =
    modes instanceof Map
      ? [...modes]
      : Object.entries(modes).map(([name, value]) => {
          const opcode = TerminalMode[name as TerminalModeName];
          if (opcode === undefined) throw new RangeError(`unknown terminal mode ${name}`);
          return [opcode, value as number];
        });
  for (const [opcode, value] of entries) {
    if (!Number.isInteger(opcode) || opcode <= TTY_OP_END || opcode >= FIRST_UNDEFINED_OPCODE) {
      throw new RangeError(`terminal mode opcode ${opcode} is not 1..159`);
    }
    w.byte(opcode).uint32(value);
  }
  return w.byte(TTY_OP_END).finish().slice();
}

/** Decodes encoded terminal modes; stops at TTY_OP_END, at the end of the data, or at opcode ≥ 160. */
export function decodeTerminalModes(encoded: Uint8Array): Map<number, number> {
  const modes = new Map<number, number>();
  const r = new SSHReader(encoded);
  while (r.remaining > 0) {
    const opcode = r.byte('terminal mode opcode');
    if (opcode === TTY_OP_END || opcode >= FIRST_UNDEFINED_OPCODE) break;
    if (r.remaining < 4) throw new MalformedMessageError('terminal modes', `opcode ${opcode} has no value`);
    modes.set(opcode, r.uint32('terminal mode value'));
  }
  return modes;
}
