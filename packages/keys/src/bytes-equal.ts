// Byte-array equality without an early exit, for comparing MACs and stored-vs-derived public keys
// (a MAC compared with an early exit leaks, through timing, how many leading bytes were right).

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
