// @sshts/channel: the SSH connection protocol (RFC 4254) — channel multiplexing with window flow
// control, session requests, global requests, and the forwarding channel types.
export { type ByteChannel, channelStream } from './byte-channel.js';
export {
  Channel,
  type ChannelInit,
  type ChannelRequestHandler,
  type ChannelWriter,
  type ExitStatus,
} from './channel.js';
export * from './channel-messages.js';
export { ChannelClosedError, ChannelRequestError } from './errors.js';
export * from './forwarding-messages.js';
export * from './limits.js';
export {
  ChannelMux,
  type ChannelMuxOptions,
  type ChannelOpenHandler,
  type ChannelOptions,
  type ConnectionLink,
  type GlobalRequestAnswer,
  type GlobalRequestHandler,
  type IncomingChannelOpen,
} from './mux.js';
export { OrderedReplies } from './ordered-replies.js';
export { type ChannelReader, ReadQueue } from './read-queue.js';
export * from './session-requests.js';
export * from './terminal-modes.js';
