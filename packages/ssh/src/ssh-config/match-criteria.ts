// A Match line's criteria (readconf.c match_cfg_line()). The words are cut with strdelim(), not
// argv_split(): "Match exec "cmd arg"" keeps its quoted command, and "host=a" is two words.
import { type ConfigSourcePosition, SSHConfigError } from './errors.js';
import { asciiLower, type Cursor, strdelim } from './lexer.js';

export type MatchAttribute =
  | 'all'
  | 'canonical'
  | 'final'
  | 'host'
  | 'originalhost'
  | 'user'
  | 'localuser'
  | 'exec';

export interface MatchCriterion {
  readonly attribute: MatchAttribute;
  readonly negate: boolean;
  /** The pattern-list (or command, for exec); absent for all, canonical and final. */
  readonly argument?: string;
}

const WITH_ARGUMENT = new Set<string>(['host', 'originalhost', 'user', 'localuser', 'exec']);

function bad(detail: string, pos: ConfigSourcePosition): SSHConfigError {
  return new SSHConfigError(`Bad Match condition: ${detail}`, pos);
}

/** Parses the text after "Match"; throws SSHConfigError where OpenSSH reports "Bad Match condition". */
export function parseMatchCriteria(rest: string, pos: ConfigSourcePosition): MatchCriterion[] {
  const cur: Cursor = { text: rest, pos: 0 };
  const out: MatchCriterion[] = [];
  let attributes = 0;
  let sawAll = false;
  for (;;) {
    const word = strdelim(cur);
    if (word === null || word === '') break;
    if (word.startsWith('#')) {
      cur.pos = null; // a comment ends the line
      break;
    }
    const negate = word.startsWith('!');
    const name = asciiLower(negate ? word.slice(1) : word);
    if (name === 'all') {
      // "all" must stand alone, or follow only canonical/final.
      const next = strdelim(cur);
      if (attributes > 1 || (next !== null && next !== '' && !next.startsWith('#'))) {
        throw bad(`'${word}' cannot be combined with other Match attributes`, pos);
      }
      if (next?.startsWith('#')) cur.pos = null;
      out.push({ attribute: 'all', negate });
      sawAll = true;
      break;
    }
    attributes++;
    if (name === 'canonical' || name === 'final') {
      out.push({ attribute: name, negate });
      continue;
    }
    const argument = strdelim(cur);
    if (argument === null || argument === '' || argument.startsWith('#')) {
      throw bad(`Missing Match criteria for ${negate ? word.slice(1) : word}`, pos);
    }
    if (!WITH_ARGUMENT.has(name))
      throw bad(`Unsupported Match attribute ${negate ? word.slice(1) : word}`, pos);
    out.push({ attribute: name as MatchAttribute, negate, argument });
  }
  if (!sawAll && attributes === 0) throw bad('One or more attributes required for Match', pos);
  if (cur.pos !== null && cur.pos < rest.length) {
    throw new SSHConfigError('keyword match extra arguments at end of line', pos);
  }
  return out;
}
