/**
 * Compares two byte arrays in time that depends only on their lengths, so a forger learns nothing
 * from how long a MAC or tag check takes.
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
