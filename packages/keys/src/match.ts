// OpenSSH pattern lists (ssh_config(5) PATTERNS; match.c match_pattern / match_pattern_list /
// match_hostname), used by known_hosts host fields, authorized_keys `from=` and certificate checks.
// A pattern is a glob with `*` (any run of characters) and `?` (one character); a pattern list is
// comma-separated patterns, each optionally negated with a leading `!`.

/**
 * match.c copies each sub-pattern into `char sub[1024]` and gives up (no match) once 1023
 * characters are copied, so 1022 is the longest usable sub-pattern.
 */
const MAX_SUBPATTERN_LENGTH = 1022;

/**
 * True when `text` matches the glob `pattern` (`*` and `?` wildcards; everything else literal and
 * case-sensitive), as match.c match_pattern. Iterative with one backtrack point, so the cost is
 * O(|text|·|pattern|) whatever the pattern (match.c's recursion is exponential on `*a*a*a…b`).
 */
export function matchPattern(text: string, pattern: string): boolean {
  let t = 0;
  let p = 0;
  let starP = -1;
  let starT = 0;
  while (t < text.length) {
    const c = pattern[p];
    if (c === '*') {
      starP = p++;
      starT = t;
    } else if (c !== undefined && (c === '?' || c === text[t])) {
      t++;
      p++;
    } else if (starP >= 0) {
      // Let the last `*` absorb one more character and retry from there.
      p = starP + 1;
      t = ++starT;
    } else {
      return false;
    }
  }
  while (pattern[p] === '*') p++;
  return p === pattern.length;
}

/** ASCII-only lowercase, as OpenSSH's tolower() in the C locale (non-ASCII bytes unchanged). */
export function asciiLowercase(text: string): string {
  return text.replace(/[A-Z]+/g, (s) => s.toLowerCase());
}

/**
 * Matches `name` against a comma-separated pattern list (match.c match_pattern_list): 1 when some
 * pattern matches and no negated one does, -1 when a negated pattern (`!pattern`) matches (a
 * negated match wins over every positive one), 0 otherwise. `ignoreCase` lowercases the patterns
 * (ASCII), as match.c does for host names; the caller lowercases `name` (see matchHostname). A
 * sub-pattern of 1023 or more characters makes the list fail to match (0), as in match.c.
 */
export function matchPatternList(
  name: string,
  patterns: string,
  options: { readonly ignoreCase?: boolean } = {},
): -1 | 0 | 1 {
  let positive = false;
  const items = patterns.split(',');
  // match.c starts a sub-pattern only at an index inside the string: none after a trailing comma.
  if (items[items.length - 1] === '') items.pop();
  for (let item of items) {
    const negated = item.startsWith('!');
    if (negated) item = item.slice(1);
    if (item.length > MAX_SUBPATTERN_LENGTH) return 0;
    if (options.ignoreCase === true) item = asciiLowercase(item);
    if (matchPattern(name, item)) {
      if (negated) return -1;
      positive = true;
    }
  }
  return positive ? 1 : 0;
}

/** match.c match_hostname: matchPatternList with host name and patterns compared case-insensitively. */
export function matchHostname(host: string, patterns: string): -1 | 0 | 1 {
  return matchPatternList(asciiLowercase(host), patterns, { ignoreCase: true });
}
