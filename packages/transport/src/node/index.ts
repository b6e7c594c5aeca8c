// Node-only entry point (`@sshts/transport/node`).
export { nodeStreamsToByteStream } from './duplex-stream.js';
export { nodePrimitives, nodeProvider } from './node-provider.js';
export { nodePacketOffload, withPacketOffload } from './packet-worker.js';
export { connectTcp, type TcpOptions } from './tcp.js';
