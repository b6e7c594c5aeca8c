// Node: an AgentClient over the agent's unix-domain socket ($SSH_AUTH_SOCK, as ssh-agent(1) and
// ssh-add(1) use it).
import { createConnection } from 'node:net';
import { nodeStreamsToByteStream } from '@sshts/transport/node';
import { AgentClient, type AgentClientOptions } from '../agent/agent-client.js';
import { AgentError } from '../errors.js';

/** Connects to the agent socket at `path` (default: the SSH_AUTH_SOCK environment variable). */
export async function connectAgent(
  path: string | undefined = process.env.SSH_AUTH_SOCK,
  options: AgentClientOptions = {},
): Promise<AgentClient> {
  if (!path) throw new AgentError('ERR_AGENT_NO_SOCKET', 'no agent socket: SSH_AUTH_SOCK is not set');
  const socket = createConnection({ path });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', (cause) =>
      reject(
        new AgentError('ERR_AGENT_NO_SOCKET', `cannot connect to the agent at ${path}: ${cause.message}`, {
          cause,
        }),
      ),
    );
  });
  // After connecting, socket errors surface through the stream (reads fail with ERR_AGENT_CLOSED).
  socket.on('error', () => {});
  return new AgentClient(nodeStreamsToByteStream(socket, socket), options);
}
