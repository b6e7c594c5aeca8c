// The Node.js runtime services SSHClient uses (platform.ts): TCP with TCP_NODELAY, files under
// ~/.ssh, $SSH_AUTH_SOCK, ProxyCommand through a shell.
import { spawn } from 'node:child_process';
import { chmod, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir, userInfo } from 'node:os';
import { connectAgent } from '@sshts/auth/node';
import { connectTcp, nodeStreamsToByteStream } from '@sshts/transport/node';
import type { ClientPlatform } from '../platform.js';
import { connectUnix, listen } from './sockets.js';
import { loadSSHConfig } from './ssh-config-files.js';

export const nodePlatform: ClientPlatform = {
  connectTcp: (host, port, options) => connectTcp(host, port, options),
  async readTextFile(path) {
    try {
      return await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  },
  async writeTextFile(path, text, mode) {
    // Write beside the target and rename over it, so a crash never leaves half a known_hosts.
    const temp = `${path}.${process.pid}.tmp`;
    await writeFile(temp, text, { mode });
    await chmod(temp, mode);
    await rename(temp, path);
  },
  homeDir: () => homedir(),
  localUser: () => userInfo().username,
  env: (name) => process.env[name],
  async connectAgent(path, session) {
    const agent = await connectAgent(path);
    // As ssh(1) does before using agent keys; an agent without the extension says FAILURE.
    if (session) await agent.bindSession(session).catch(() => false);
    return { signers: () => agent.listKeys(), close: () => agent.close() };
  },
  loadSSHConfig: () => loadSSHConfig(),
  connectUnix,
  listen,
  async spawnProxyCommand(command) {
    // As ssh does (sshconnect.c ssh_proxy_connect): `exec` so the shell does not linger.
    const child = spawn('/bin/sh', ['-c', `exec ${command}`], { stdio: ['pipe', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    return nodeStreamsToByteStream(child.stdout, child.stdin);
  },
};
