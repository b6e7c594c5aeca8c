// The byte pipe a connection runs over (API.md): the shape of Deno.Conn, Cloudflare's connect(),
// WebSocketStream and Node's Duplex.toWeb. Adapters for TCP, WebSockets, child processes and SSH
// channels all produce one.
export interface ByteStream {
  readable: ReadableStream<Uint8Array>;
  writable: WritableStream<Uint8Array>;
  /**
   * Optional: the same pipe without Web Streams, for an adapter that has a cheaper way (Node's
   * socket events and writev). A driver that uses it touches neither `readable` nor `writable`.
   */
  readonly direct?: DirectByteStream;
}

/** A byte pipe driven by callbacks: what ByteStream.direct offers. */
export interface DirectByteStream {
  /**
   * Starts delivering: `data` for each chunk read (the receiver may keep it), then exactly one
   * `end`, with the error if the pipe failed. Call once.
   */
  start(receiver: { data(chunk: Uint8Array): void; end(error?: unknown): void }): void;
  /**
   * Writes `chunks` in order, as one vectored write where the pipe can. Returns a promise when the
   * pipe holds more than it should and the next write should wait for it; undefined otherwise.
   */
  write(chunks: readonly Uint8Array[]): Promise<void> | undefined;
  /** Ends our direction once everything written has gone; resolves when it has. */
  close(): Promise<void>;
  /** Drops the pipe at once, both directions; `end` follows if it has not come yet. */
  destroy(): void;
}
