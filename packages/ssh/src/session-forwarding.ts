// The SessionHook SSHClient runs on each session before its exec/shell: X11 forwarding, then agent
// forwarding, in the order ssh.c ssh_session2_setup requests them. The forwarding objects are made
// on first use and live as long as the connection.
import { SSHError } from '@sshts/wire';
import { AgentForwarding, agentSocketToForward } from './agent-forwarding.js';
import type { ClientPlatform } from './platform.js';
import type { SessionHook } from './session.js';
import type { TransportCore } from './transport-core.js';
import { X11Forwarding } from './x11-forwarding.js';

export interface ForwardingDefaults {
  /** ConnectOptions.forwardAgent, else ssh_config's ForwardAgent: forward by default, and which agent. */
  forwardAgent: boolean | string | undefined;
  /** The agent the client authenticates with (ConnectOptions.agent, IdentityAgent). */
  agent: string | false | undefined;
}

export function sessionForwarding(
  transport: TransportCore,
  platform: ClientPlatform,
  defaults: ForwardingDefaults,
): SessionHook {
  let agent: AgentForwarding | undefined;
  let x11: X11Forwarding | undefined;
  return async (channel, options) => {
    if (options.x11) {
      x11 ??= new X11Forwarding(transport.channels);
      await x11.request(channel, options.x11);
    }
    const asked = options.agentForwarding;
    const forwardAgent = defaults.forwardAgent;
    if (!(asked ?? (forwardAgent !== undefined && forwardAgent !== false))) return;
    const socket = agentSocketToForward(forwardAgent, defaults.agent, (name) => platform.env?.(name));
    const connectUnix = platform.connectUnix;
    if (socket === undefined || !connectUnix) {
      // As ssh.c check_agent_present: forwarding that is only the connection's default is
      // dropped when there is no agent; a session that asks for it explicitly is told.
      if (asked === undefined) return;
      throw new SSHError(
        'ERR_NO_AGENT',
        connectUnix
          ? 'agent forwarding needs an agent: set ConnectOptions.forwardAgent to its socket, or SSH_AUTH_SOCK'
          : 'agent forwarding needs Unix sockets (Node.js)',
      );
    }
    agent ??= new AgentForwarding(
      transport.channels,
      socket,
      (path) => connectUnix.call(platform, path),
      transport.connection,
    );
    await agent.request(channel);
  };
}
