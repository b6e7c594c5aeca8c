// Encoders for the connection-protocol messages of RFC 4254 §5 (channel open, confirmation,
// failure, window adjust, data, EOF, close, requests and their replies) and §4 (global request
// replies). Decoding happens where each message is handled (mux.ts, channel.ts), with SSHReader.
import { MessageType, SSHWriter } from '@sshts/wire';

/** The four uint32 of a channel's half of the open handshake. */
export interface ChannelParameters {
  id: number;
  window: number;
  maxPacket: number;
}

/** SSH_MSG_CHANNEL_OPEN (§5.1): `string type, uint32 sender, uint32 window, uint32 maxpacket, …`. */
export function encodeChannelOpen(type: string, local: ChannelParameters, extra?: Uint8Array): Uint8Array {
  const w = new SSHWriter(64 + (extra?.length ?? 0))
    .byte(MessageType.CHANNEL_OPEN)
    .string(type)
    .uint32(local.id)
    .uint32(local.window)
    .uint32(local.maxPacket);
  if (extra) w.raw(extra);
  return w.finish();
}

/** SSH_MSG_CHANNEL_OPEN_CONFIRMATION (§5.1). */
export function encodeOpenConfirmation(
  recipient: number,
  local: ChannelParameters,
  extra?: Uint8Array,
): Uint8Array {
  const w = new SSHWriter(32)
    .byte(MessageType.CHANNEL_OPEN_CONFIRMATION)
    .uint32(recipient)
    .uint32(local.id)
    .uint32(local.window)
    .uint32(local.maxPacket);
  if (extra) w.raw(extra);
  return w.finish();
}

/** SSH_MSG_CHANNEL_OPEN_FAILURE (§5.1): reason code, description, language tag. */
export function encodeOpenFailure(recipient: number, reason: number, description: string): Uint8Array {
  return new SSHWriter(64)
    .byte(MessageType.CHANNEL_OPEN_FAILURE)
    .uint32(recipient)
    .uint32(reason)
    .string(description)
    .string('')
    .finish();
}

export function encodeWindowAdjust(recipient: number, bytes: number): Uint8Array {
  return new SSHWriter(16).byte(MessageType.CHANNEL_WINDOW_ADJUST).uint32(recipient).uint32(bytes).finish();
}

/**
 * The bytes of SSH_MSG_CHANNEL_DATA (or EXTENDED_DATA) before the data itself, for sending the
 * data as a second part without joining the two (ConnectionLink.sendParts).
 */
export function encodeDataHeader(recipient: number, length: number, dataType?: number): Uint8Array {
  const w = new SSHWriter(16);
  if (dataType === undefined) w.byte(MessageType.CHANNEL_DATA).uint32(recipient);
  else w.byte(MessageType.CHANNEL_EXTENDED_DATA).uint32(recipient).uint32(dataType);
  return w.uint32(length).finish();
}

/** SSH_MSG_CHANNEL_DATA, or EXTENDED_DATA when `dataType` is given (§5.2). */
export function encodeData(recipient: number, data: Uint8Array, dataType?: number): Uint8Array {
  const w = new SSHWriter(data.length + 16);
  if (dataType === undefined) w.byte(MessageType.CHANNEL_DATA).uint32(recipient);
  else w.byte(MessageType.CHANNEL_EXTENDED_DATA).uint32(recipient).uint32(dataType);
  return w.string(data).finish();
}

/** SSH_MSG_CHANNEL_EOF, SSH_MSG_CHANNEL_CLOSE, SSH_MSG_CHANNEL_SUCCESS / FAILURE: just the recipient. */
export function encodeRecipientOnly(type: number, recipient: number): Uint8Array {
  return new SSHWriter(8).byte(type).uint32(recipient).finish();
}

/** SSH_MSG_CHANNEL_REQUEST (§5.4): `uint32 recipient, string type, boolean want_reply, …`. */
export function encodeChannelRequest(
  recipient: number,
  type: string,
  wantReply: boolean,
  data?: Uint8Array,
): Uint8Array {
  const w = new SSHWriter(64 + (data?.length ?? 0))
    .byte(MessageType.CHANNEL_REQUEST)
    .uint32(recipient)
    .string(type)
    .boolean(wantReply);
  if (data) w.raw(data);
  return w.finish();
}

/** SSH_MSG_REQUEST_SUCCESS (with request-specific data) or SSH_MSG_REQUEST_FAILURE (§4). */
export function encodeGlobalReply(success: boolean, data?: Uint8Array): Uint8Array {
  const w = new SSHWriter(16).byte(success ? MessageType.REQUEST_SUCCESS : MessageType.REQUEST_FAILURE);
  if (success && data) w.raw(data);
  return w.finish();
}
