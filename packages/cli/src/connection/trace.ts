// -v: the connection traced on stderr in ssh's "debug1:" style, from ConnectOptions.logger's events
// (which carry names, sizes and algorithms, never key material or passwords) and the CLI's own
// steps. -v prints the steps and the negotiation; -vv also every message sent and received.
import type { TransportLogEvent } from 'sshts';

export type Trace = (level: 1 | 2, message: string) => void;

/** A trace writing `debugN: …` lines for levels up to `verbosity` (0: none). */
export function makeTrace(verbosity: number, write: (line: string) => void): Trace {
  return (level, message) => {
    if (level <= verbosity) write(`debug${level}: ${message}`);
  };
}

/** ConnectOptions.logger for a trace. */
export function transportLogger(trace: Trace): (event: TransportLogEvent) => void {
  return (event) => {
    switch (event.kind) {
      case 'identification':
        trace(1, `Local version string ${event.local}`);
        trace(1, `Remote software version ${event.remote}`);
        return;
      case 'negotiated': {
        const n = event.negotiated;
        const what = event.initial ? 'kex' : 'rekey';
        trace(1, `${what}: algorithm: ${n.kex}`);
        trace(1, `${what}: host key algorithm: ${n.hostKey}`);
        trace(
          1,
          `${what}: server->client cipher: ${n.cipher[1]} MAC: ${n.mac[1]} compression: ${n.compression[1]}`,
        );
        trace(
          1,
          `${what}: client->server cipher: ${n.cipher[0]} MAC: ${n.mac[0]} compression: ${n.compression[0]}`,
        );
        if (event.initial) trace(1, `strict kex: ${n.strictKex ? 'on' : 'off'}`);
        return;
      }
      case 'kex-done':
        trace(1, `key exchange ${event.count} done`);
        return;
      case 'send':
      case 'receive':
        trace(2, `${event.kind} ${event.message} (${event.size} bytes)`);
        return;
      case 'disconnect':
        trace(
          1,
          `disconnect ${event.fromPeer ? 'from peer' : 'sent'}: reason ${event.reason}: ${oneLine(event.description)}`,
        );
        return;
    }
  };
}

/** A peer's text on one line, without control characters. */
function oneLine(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it removes
  return text.replace(/[\u0000-\u001f\u007f]+/g, ' ').slice(0, 200);
}
