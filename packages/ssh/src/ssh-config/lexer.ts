// How OpenSSH cuts a configuration line into words. Two different tokenizers are involved and we
// keep both, because their differences are visible:
//  - strdelim() (misc.c) finds the keyword and splits Match criteria: it splits on whitespace, on a
//    double quote and on one '=' ("Port=22", "Port = 22"), and knows no escapes or single quotes.
//  - argv_split() (misc.c) splits every keyword's arguments: whitespace only, "double" and 'single'
//    quotes, backslash escapes, and '#' at the start of a word ends the line.
// process_config_line_depth() (readconf.c) first strips trailing whitespace (and a form feed).

/** Whitespace as misc.c's WHITESPACE: space, tab, CR, LF (not form feed or vertical tab). */
export function isConfigWhitespace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\r' || c === '\n';
}

function skipWhitespace(text: string, pos: number): number {
  let i = pos;
  while (i < text.length && isConfigWhitespace(text[i])) i++;
  return i;
}

/** A position in a line that strdelim() advances; `null` once the line is used up. */
export interface Cursor {
  readonly text: string;
  pos: number | null;
}

/**
 * strdelim(): the next word. Returns `null` for an unterminated double quote (OpenSSH returns NULL
 * there too) or when the cursor is exhausted; returns '' when the cursor sits on a delimiter.
 */
export function strdelim(cur: Cursor): string | null {
  const { text } = cur;
  if (cur.pos === null) return null;
  const start = cur.pos;
  let i = start;
  while (i < text.length && !isConfigWhitespace(text[i]) && text[i] !== '"' && text[i] !== '=') i++;
  if (i >= text.length) {
    cur.pos = null;
    return text.slice(start);
  }
  if (text[i] === '"') {
    // The opening quote is removed and the word runs to the next quote (misc.c memmove()s it away).
    const close = text.indexOf('"', i + 1);
    if (close < 0) {
      cur.pos = null;
      return null;
    }
    cur.pos = skipWhitespace(text, close + 1);
    return text.slice(start, i) + text.slice(i + 1, close);
  }
  const wasEquals = text[i] === '=';
  const word = text.slice(start, i);
  let next = skipWhitespace(text, i + 1);
  // "Keyword = value": after whitespace, one '=' (and the whitespace after it) is skipped as well.
  if (!wasEquals && text[next] === '=') next = skipWhitespace(text, next + 1);
  cur.pos = next;
  return word;
}

/** argv_split(s, &ac, &av, 1): the argument words, or `null` when a quote is left open. */
export function argvSplit(s: string): string[] | null {
  const out: string[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (c === ' ' || c === '\t') {
      i++;
      continue;
    }
    if (c === '#') break; // a comment only where a word would start
    let word = '';
    let quote = '';
    for (; i < s.length; i++) {
      const ch = s[i] as string;
      const next = s[i + 1];
      if (ch === '\\') {
        if (next === "'" || next === '"' || next === '\\' || (quote === '' && next === ' ')) {
          i++;
          word += next;
        } else {
          word += ch; // an unrecognised escape keeps its backslash
        }
      } else if (quote === '' && (ch === ' ' || ch === '\t')) {
        break;
      } else if (quote === '' && (ch === '"' || ch === "'")) {
        quote = ch;
      } else if (quote !== '' && ch === quote) {
        quote = '';
      } else {
        word += ch;
      }
    }
    if (quote !== '') return null;
    out.push(word);
  }
  return out;
}

/** One line as process_config_line_depth() sees it, before the keyword is interpreted. */
export type LexedLine =
  | { readonly kind: 'empty' }
  | { readonly kind: 'noArgument'; readonly keyword: string }
  | {
      readonly kind: 'directive';
      /** Lower-cased, as OpenSSH lowercase()s it before the table lookup. */
      readonly keyword: string;
      /** Everything after the keyword and the whitespace that follows it. */
      readonly rest: string;
    };

/** Splits a raw line (without its newline) into keyword and the rest of the line. */
export function lexLine(raw: string): LexedLine {
  // C strings end at NUL: getline() keeps the bytes, but every later step stops there.
  const nul = raw.indexOf('\0');
  let line = nul >= 0 ? raw.slice(0, nul) : raw;
  // Strip trailing whitespace, form feed allowed at the end only (never the first character).
  let end = line.length;
  while (end > 1 && (isConfigWhitespace(line[end - 1]) || line[end - 1] === '\f')) end--;
  line = line.slice(0, end);
  if (line.length === 0) return { kind: 'empty' };

  const cur: Cursor = { text: line, pos: 0 };
  let keyword = strdelim(cur);
  if (keyword === null) return { kind: 'empty' };
  if (keyword === '') keyword = strdelim(cur); // leading whitespace
  if (keyword === null || keyword === '' || keyword.startsWith('\n') || keyword.startsWith('#')) {
    return { kind: 'empty' };
  }
  keyword = asciiLower(keyword);
  const restStart = cur.pos === null ? null : skipWhitespace(line, cur.pos);
  if (restStart === null || restStart >= line.length) return { kind: 'noArgument', keyword };
  return { kind: 'directive', keyword, rest: line.slice(restStart) };
}

/** tolower() in the C locale: only A-Z change. */
export function asciiLower(s: string): string {
  return s.replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 32));
}

/** strspn(s, WHITESPACE "=") as parse_command() uses it before keeping the rest of the line. */
export function skipWhitespaceAndEquals(s: string): string {
  let i = 0;
  while (i < s.length && (isConfigWhitespace(s[i]) || s[i] === '=')) i++;
  return s.slice(i);
}
