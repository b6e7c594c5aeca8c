// Node-only entry point (`@sshts/auth/node`): everything from the browser-safe entry plus the agent socket.
export * from '../index.js';
export { connectAgent } from './agent-socket.js';
