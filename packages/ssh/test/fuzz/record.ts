// Records the replay fuzzer's transcripts (issue 11) from real peers; run again when the scripts
// change: `cd packages/ssh && npx tsx --conditions=sshts-source test/fuzz/record.ts`.
// - client-openssh / client-dropbear: our client running clientScript against sshd / Dropbear
//   (test-peers, throwaway keys); what the server sent is what the replay mutates.
// - server-openssh-ssh / server-openssh-sftp: OpenSSH's ssh (exec) and sftp (a batch) against our
//   server with fuzzServerOptions; what the client sent is what the replay mutates.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generatePrivateKey, writeOpenSSHPrivateKey } from '@sshts/keys';
import { type PeerName, startPeer } from '@sshts/test-peers';
import { KnownHosts, SSHClient, SSHServer } from '../../src/node/index.js';
import { knownHostsFor, peerStream } from '../client-helpers.js';
import { clientScript, fuzzServerOptions } from './scripts.js';
import { recordNextConnection, saveTranscript, TRANSCRIPT_DIR } from './transcript.js';

async function recordClient(peerName: PeerName): Promise<void> {
  const key = await generatePrivateKey('ed25519');
  const peer = await startPeer(peerName, { authorizedKeys: [key.publicKey.toString()] });
  const recording = recordNextConnection();
  const client = new SSHClient({ knownHosts: KnownHosts.parse(knownHostsFor(peer)) });
  try {
    const stream = await peerStream(peer);
    await client.connect({
      host: '127.0.0.1',
      username: peer.user,
      stream,
      privateKey: key,
      agent: false,
      lookForKeys: false,
    });
    const result = await clientScript(client);
    console.log(`${peerName}: ${JSON.stringify(result)}`);
    await client.close();
  } finally {
    recording.stop();
    await peer.close();
  }
  const file = join(TRANSCRIPT_DIR, `client-${peerName}.json`);
  saveTranscript(file, {
    target: 'client',
    peer: peer.version,
    script: 'clientScript',
    userKey: writeOpenSSHPrivateKey(key),
    events: recording.events,
  });
  console.log(`${file}: ${recording.events.length} messages`);
}

function run(command: string, args: string[], input = ''): Promise<string> {
  // Any exit status: the exec script exits 3 on purpose.
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => resolve(`exit ${code}: ${out}`));
    child.stdin.end(input);
  });
}

async function recordServer(
  name: string,
  command: 'ssh' | 'sftp',
  extra: string[],
  input: (local: string) => string = () => '',
): Promise<void> {
  const hostKey = await generatePrivateKey('ed25519');
  const dir = mkdtempSync(join(tmpdir(), 'sshts-record-'));
  const server = new SSHServer({ hostKeys: [hostKey], ...fuzzServerOptions() });
  const { port } = await server.listen(0, '127.0.0.1');
  writeFileSync(join(dir, 'known_hosts'), `[127.0.0.1]:${port} ${hostKey.publicKey}\n`);
  mkdirSync(join(dir, 'local'));
  writeFileSync(join(dir, 'local', 'up.txt'), 'uploaded by sftp\n');
  const options = [
    '-F',
    '/dev/null',
    '-o',
    `UserKnownHostsFile=${join(dir, 'known_hosts')}`,
    '-o',
    'BatchMode=yes',
  ];
  options.push('-o', 'IdentityAgent=none', '-o', 'IdentitiesOnly=yes', '-o', 'ControlPath=none');
  const recording = recordNextConnection();
  try {
    const portFlag = command === 'ssh' ? '-p' : '-P';
    const out = await run(command, [...options, portFlag, String(port), ...extra], input(join(dir, 'local')));
    console.log(`${name}: ${JSON.stringify(out)}`);
  } finally {
    recording.stop();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const file = join(TRANSCRIPT_DIR, `${name}.json`);
  saveTranscript(file, {
    target: 'server',
    peer: `${command} (OpenSSH)`,
    script: 'fuzzServerOptions',
    events: recording.events,
  });
  console.log(`${file}: ${recording.events.length} messages`);
}

mkdirSync(TRANSCRIPT_DIR, { recursive: true });
await recordClient('openssh');
await recordClient('dropbear');
await recordServer('server-openssh-ssh', 'ssh', ['fuzz@127.0.0.1', 'echo from ssh']);
const batch = (local: string) =>
  [
    'pwd',
    'ls -l /',
    `get /readme.txt ${join(local, 'got.txt')}`,
    `put ${join(local, 'up.txt')} /up.txt`,
    'mkdir /made',
    'rename /up.txt /made/up.txt',
    'ls /made',
    'rm /made/up.txt',
    'rmdir /made',
    'df /',
    'ln -s /readme.txt /link',
    'chmod 600 /readme.txt',
    'bye',
  ].join('\n');
await recordServer('server-openssh-sftp', 'sftp', ['-b', '-', 'fuzz@127.0.0.1'], batch);
