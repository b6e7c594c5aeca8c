// Group sizes and group checks for Diffie-Hellman group exchange (RFC 4419 §3, RFC 8270).
import { bitLength } from '@sshts/wire';
import { kexFailed } from './errors.js';
import { type DhGroup, MODP_GROUP14, MODP_GROUP16, MODP_GROUP18 } from './modp-groups.js';

/** Modulus sizes in bits, as in KEX_DH_GEX_REQUEST: `uint32 min, uint32 n, uint32 max`. */
export interface GroupSizes {
  readonly min: number;
  readonly preferred: number;
  readonly max: number;
}

/** RFC 8270 §3: groups under 2048 bits MUST NOT be used (OpenSSH DH_GRP_MIN). */
export const GEX_MIN_BITS = 2048;
/** RFC 4419 §3 / OpenSSH DH_GRP_MAX: the largest group a server hands out. */
export const GEX_MAX_BITS = 8192;

/** What the client asks for when the transport gives no sizes (OpenSSH's request for AES-128). */
export const DEFAULT_GROUP_SIZES: GroupSizes = { min: 2048, preferred: 3072, max: 8192 };

/** Our own request must be sane: uint32 values with min ≤ preferred ≤ max (a bug otherwise). */
export function checkRequestSizes(sizes: GroupSizes): void {
  const ok = [sizes.min, sizes.preferred, sizes.max].every(
    (v) => Number.isInteger(v) && v >= 0 && v <= 0xffffffff,
  );
  if (!ok || sizes.min > sizes.preferred || sizes.preferred > sizes.max) {
    throw new RangeError(`bad group sizes ${JSON.stringify(sizes)}`);
  }
  if (sizes.max < GEX_MIN_BITS) throw new RangeError(`group size max ${sizes.max} is below ${GEX_MIN_BITS}`);
}

/**
 * Server side: the sizes the client asked for, clamped to what we hand out, as OpenSSH's kexgexs.c
 * does. A request with max < min, n outside [min, max] or max < 2048 is refused.
 */
export function clampRequestedSizes(asked: GroupSizes): GroupSizes {
  const { min, preferred, max } = asked;
  if (max < min || preferred < min || max < preferred || max < GEX_MIN_BITS) {
    throw kexFailed(`group exchange request out of range: min ${min}, n ${preferred}, max ${max}`);
  }
  const lo = Math.max(min, GEX_MIN_BITS);
  const hi = Math.min(max, GEX_MAX_BITS);
  if (lo > hi) throw kexFailed(`group exchange request out of range: min ${min}, n ${preferred}, max ${max}`);
  return { min: lo, preferred: Math.min(Math.max(preferred, lo), hi), max: hi };
}

const FALLBACK_GROUPS: readonly DhGroup[] = [MODP_GROUP14, MODP_GROUP16, MODP_GROUP18];

/**
 * Server side without a moduli source: the smallest RFC 3526 group (14, 16, 18) of at least the
 * preferred size within [min, max], else the largest within [min, max].
 */
export function fallbackGroup(sizes: GroupSizes): DhGroup | undefined {
  const fits = FALLBACK_GROUPS.filter((g) => {
    const bits = bitLength(g.p);
    return bits >= sizes.min && bits <= sizes.max;
  });
  return fits.find((g) => bitLength(g.p) >= sizes.preferred) ?? fits.at(-1);
}

/**
 * A group is usable if p has between `min` and `max` bits (and at least 2048, RFC 8270), p is odd
 * and 1 < g < p − 1. Primality is not tested (OpenSSH does not either); the server vouches for it.
 */
export function checkGroup(group: DhGroup, min: number, max: number): void {
  const bits = bitLength(group.p);
  if (bits < Math.max(min, GEX_MIN_BITS) || bits > max) {
    throw kexFailed(
      `group exchange modulus of ${bits} bits is outside [${Math.max(min, GEX_MIN_BITS)}, ${max}]`,
    );
  }
  if ((group.p & 1n) === 0n) throw kexFailed('group exchange modulus is even');
  if (group.g <= 1n || group.g >= group.p - 1n) throw kexFailed('group exchange generator is out of range');
}
