// Node-only entry point (`@sshts/transport/node`).
export { nodePrimitives, nodeProvider } from './node-provider.js';
