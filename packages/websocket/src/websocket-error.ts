// The typed errors of a WebSocket ByteStream: the connection could not open, the proxy refused it
// (a 44xx/45xx close code, CloseCode in proxy-protocol.ts), or it closed abnormally.
import { SSHError } from '@sshts/wire';

export class WebSocketError extends SSHError {
  /** The close code (RFC 6455 §7.4; 1006: closed with no close frame), when there was a close. */
  readonly closeCode: number | undefined;
  /** The close frame's reason text. */
  readonly closeReason: string;
  constructor(
    code:
      | 'ERR_WEBSOCKET_CONNECT'
      | 'ERR_WEBSOCKET_REFUSED'
      | 'ERR_WEBSOCKET_CLOSED'
      | 'ERR_WEBSOCKET_TIMEOUT',
    message: string,
    details: { closeCode?: number; closeReason?: string; cause?: unknown } = {},
  ) {
    super(code, message, details.cause === undefined ? undefined : { cause: details.cause });
    this.closeCode = details.closeCode;
    this.closeReason = details.closeReason ?? '';
  }
}
