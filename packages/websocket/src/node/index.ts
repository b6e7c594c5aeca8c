// @sshts/websocket for Node: the WebSocket-to-TCP proxy, with everything from the browser entry.
export * from '../index.js';
export { createProxy, type ProxyEvent, type ProxyOptions, type WebSocketProxy } from './proxy.js';
export { parseTarget, type Target, type TargetAllowList, targetPolicy } from './target-policy.js';
