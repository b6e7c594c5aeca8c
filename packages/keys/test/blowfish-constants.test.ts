// The Blowfish tables computed from π (src/blowfish-constants.ts) against the published ones.
import { describe, expect, it } from 'vitest';
import { blowfishInitState } from '../src/blowfish.js';
import { blowfishConstants } from '../src/blowfish-constants.js';
import { BLOWFISH_P, BLOWFISH_S } from './blowfish-published.js';

describe('Blowfish constants from π', () => {
  it('equal the published P-array and S-boxes, word for word', () => {
    const { p, s } = blowfishConstants();
    expect(Array.from(p)).toEqual(BLOWFISH_P);
    expect(Array.from(s)).toEqual(BLOWFISH_S);
  });

  it('are copied into each initial state, which may be changed freely', () => {
    const a = blowfishInitState();
    a.p[0] = 0;
    a.s[0] = 0;
    const b = blowfishInitState();
    expect(b.p[0]).toBe(0x243f6a88);
    expect(b.s[0]).toBe(0xd1310ba6 | 0);
    expect(b.s[1023]).toBe(0x3ac372e6);
  });
});
