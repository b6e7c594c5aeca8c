// Joining byte parts into one buffer, for code that gathers data as views of several chunks (the
// channel layer's packets, the SFTP reader's messages) and then needs it contiguous.

/**
 * Joins `parts`, whose lengths sum to `length`, into one buffer. A single part is returned as it
 * is, not copied, so the common case costs no allocation; a caller that needs its own copy makes it.
 */
export function concatBytes(parts: readonly Uint8Array[], length: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
