// The byte pipe a connection runs over (API.md): the shape of Deno.Conn, Cloudflare's connect(),
// WebSocketStream and Node's Duplex.toWeb. Adapters for TCP, WebSockets, child processes and SSH
// channels all produce one.
export interface ByteStream {
  readable: ReadableStream<Uint8Array>;
  writable: WritableStream<Uint8Array>;
}
