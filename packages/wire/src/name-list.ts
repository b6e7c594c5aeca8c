// name-list validation shared by SSHReader and SSHWriter. RFC 4251 §5: "A string containing a
// comma-separated list of names. [...] Terminating null characters MUST NOT be used [...]. A name
// MUST have a non-zero length, and it MUST NOT contain a comma". Names are US-ASCII; RFC 4251 §6
// restricts algorithm names further to printable characters without whitespace, so we accept only
// bytes 0x21..0x7E (this also rejects NUL, which Dropbear treats as fatal — checklist §2).

/** ASCII ','. */
export const COMMA = 0x2c;

/** True for a byte allowed inside a name: printable US-ASCII other than space (0x21..0x7E). */
export function isNameByte(b: number): boolean {
  return b >= 0x21 && b <= 0x7e && b !== COMMA;
}

/** Why `name` cannot be a member of a name-list, or undefined when it can. */
export function nameProblem(name: string): string | undefined {
  if (name.length === 0) return 'empty name';
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c === COMMA) return `name ${JSON.stringify(name)} contains a comma`;
    if (!isNameByte(c)) {
      return `name ${JSON.stringify(name)} contains character 0x${c.toString(16)} (not printable US-ASCII)`;
    }
  }
  return undefined;
}
