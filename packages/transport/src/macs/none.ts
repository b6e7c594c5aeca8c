// The `none` MAC (RFC 4253 §6.4): only before the first NEWKEYS.
import type { MacAlgorithm } from '../mac.js';

export const noneMac: MacAlgorithm = {
  name: 'none',
  keyLength: 0,
  digestLength: 0,
  etm: false,
  legacy: true,
  create: () => () => {},
};
