// The MAC registry, in our order of preference: encrypt-then-MAC first (checklist §9).
import type { MacAlgorithm } from '../mac.js';
import { hmacSha1, hmacSha1Etm, hmacSha256, hmacSha256Etm, hmacSha512, hmacSha512Etm } from './hmac.js';

export { hmacSha1, hmacSha1Etm, hmacSha256, hmacSha256Etm, hmacSha512, hmacSha512Etm } from './hmac.js';
export { noneMac } from './none.js';

export const macAlgorithms: readonly MacAlgorithm[] = [
  hmacSha256Etm,
  hmacSha512Etm,
  hmacSha256,
  hmacSha512,
  hmacSha1Etm,
  hmacSha1,
];
