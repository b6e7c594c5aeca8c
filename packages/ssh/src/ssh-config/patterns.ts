// ssh_config(5) PATTERNS, as OpenSSH's match.c implements them: '*' matches any run of
// characters, '?' exactly one, everything else itself (case-sensitively). A pattern-list is
// comma-separated and an entry may be negated with '!'.
import { asciiLower } from './lexer.js';

/**
 * match_pattern(): does `s` match the whole of `pattern`? match.c recurses on every '*', which is
 * exponential on hostile patterns; this is the usual greedy scan with one backtrack point (the last
 * '*'), which accepts exactly the same strings for a language of only '*' and '?'.
 */
export function matchPattern(s: string, pattern: string): boolean {
  let si = 0;
  let pi = 0;
  let starP = -1;
  let starS = 0;
  while (si < s.length) {
    const pc = pattern[pi];
    if (pc === '*') {
      starP = pi++;
      starS = si;
    } else if (pc !== undefined && (pc === '?' || pc === s[si])) {
      si++;
      pi++;
    } else if (starP >= 0) {
      pi = starP + 1;
      si = ++starS;
    } else {
      return false;
    }
  }
  while (pattern[pi] === '*') pi++;
  return pi === pattern.length;
}

/** match.c copies each list entry into a 1024-byte buffer and gives up (no match) when it overflows. */
const MAX_SUBPATTERN = 1023;

/**
 * match_pattern_list(): 1 when some positive entry matches and no negated entry does, -1 when a
 * negated entry matches, 0 otherwise. `lower` lower-cases the patterns (not `s`), as dolower does.
 */
export function matchPatternList(s: string, patternList: string, lower: boolean): -1 | 0 | 1 {
  let positive = false;
  for (let i = 0; i < patternList.length; ) {
    let negated = false;
    if (patternList[i] === '!') {
      negated = true;
      i++;
    }
    let end = patternList.indexOf(',', i);
    if (end < 0) end = patternList.length;
    let sub = patternList.slice(i, end);
    if (sub.length > MAX_SUBPATTERN) return 0;
    if (lower) sub = asciiLower(sub);
    i = end < patternList.length ? end + 1 : end;
    if (matchPattern(s, sub)) {
      if (negated) return -1;
      positive = true;
    }
  }
  return positive ? 1 : 0;
}

/** match_hostname(): a pattern-list match of a lower-cased host name against lower-cased patterns. */
export function matchHostname(host: string, patternList: string): -1 | 0 | 1 {
  return matchPatternList(asciiLower(host), patternList, true);
}

/** match_filter_allowlist(): the names of the comma-list `names` that `filter` accepts, in order. */
export function filterAllow(names: readonly string[], filter: string): string[] {
  return names.filter((n) => matchPatternList(n, filter, false) === 1);
}

/** match_filter_denylist(): the names of `names` that `filter` does not accept. */
export function filterDeny(names: readonly string[], filter: string): string[] {
  return names.filter((n) => matchPatternList(n, filter, false) !== 1);
}
