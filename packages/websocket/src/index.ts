// @sshts/websocket (browser-safe): a ByteStream over a WebSocket for ConnectOptions.stream, and the
// conventions the Node proxy (`@sshts/websocket/node`) follows.
export {
  connectWebSocket,
  type WebSocketConnectOptions,
  type WebSocketConstructor,
  type WebSocketLike,
} from './connect-websocket.js';
export {
  CloseCode,
  proxyUrl,
  SUBPROTOCOL,
  tokenFromSubprotocol,
  tokenSubprotocol,
} from './proxy-protocol.js';
export { WebSocketError } from './websocket-error.js';
