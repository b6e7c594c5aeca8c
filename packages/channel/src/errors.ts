// Channel-level failures, beside the connection-level ones of @sshts/wire.
import { SSHError } from '@sshts/wire';

/** An operation on a channel that is closed (by either side) or has sent EOF. */
export class ChannelClosedError extends SSHError {
  constructor(message = 'the channel is closed', code = 'ERR_CHANNEL_CLOSED') {
    super(code, message);
  }
}

/** A channel request (RFC 4254 §5.4) that the peer answered with CHANNEL_FAILURE. */
export class ChannelRequestError extends SSHError {
  readonly request: string;
  constructor(request: string, message = `the peer refused the "${request}" request`) {
    super('ERR_CHANNEL_REQUEST', message);
    this.request = request;
  }
}
