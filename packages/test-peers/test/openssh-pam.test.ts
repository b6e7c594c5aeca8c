// PeerOptions.keyboardInteractive for OpenSSH, checked with the reference client: ssh(1) answers
// keyboard-interactive prompts through SSH_ASKPASS (one invocation per prompt, the prompt in argv),
// so the askpass script records the prompts and answers each from its text.
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Peer, peerAvailability, startPeer, toolAvailability } from '../src/index.js';
import { bridge, runAsync } from './helpers.js';

const PASSWORD = 'pam-first-answer';
const SECOND = 'pam second answer';
const openssh = await peerAvailability('openssh');
const sshTool = await toolAvailability('ssh');

// Only when sshd or ssh is missing outside CI (under CI=true the availability checks throw).
describe.skipIf(!openssh.available || !sshTool.available)(
  'openssh keyboardInteractive: { pam: true }',
  () => {
    let peer: Peer;
    let scratch: string;
    let port: number;
    let closeBridge: () => Promise<void>;
    let knownHosts: string;

    beforeAll(async () => {
      scratch = await mkdtemp(join(tmpdir(), 'sshts-pam-'));
      peer = await startPeer('openssh', {
        password: PASSWORD,
        keyboardInteractive: { pam: true, secondAnswer: SECOND },
      });
      const b = await bridge(peer);
      port = b.port;
      closeBridge = b.close;
      knownHosts = join(scratch, 'known_hosts');
      writeFileSync(knownHosts, peer.hostKeys.map((k) => `[127.0.0.1]:${port} ${k.publicKey}\n`).join(''));
    }, 60_000);
    afterAll(async () => {
      await closeBridge?.();
      await peer?.close();
      if (scratch) await rm(scratch, { recursive: true, force: true });
    });

    /** Runs `ssh … echo kbd-ok` answering the STRESS prompt with `second`; returns the result and the prompts seen. */
    async function login(second: string) {
      const prompts = join(scratch, `prompts-${Math.random().toString(36).slice(2)}`);
      const askpass = join(scratch, 'askpass.sh');
      writeFileSync(
        askpass,
        [
          '#!/bin/sh',
          `printf '%s\\n' "$1" >> '${prompts}'`,
          `case "$1" in *STRESS*) printf '%s\\n' '${second}' ;; *) printf '%s\\n' '${PASSWORD}' ;; esac`,
          '',
        ].join('\n'),
        { mode: 0o755 },
      );
      writeFileSync(prompts, '');
      const r = await runAsync(
        sshTool.available ? sshTool.path : 'ssh',
        [
          '-F',
          '/dev/null',
          '-p',
          String(port),
          '-o',
          `UserKnownHostsFile=${knownHosts}`,
          '-o',
          'GlobalKnownHostsFile=/dev/null',
          '-o',
          'StrictHostKeyChecking=yes',
          '-o',
          'PubkeyAuthentication=no',
          '-o',
          'PreferredAuthentications=keyboard-interactive',
          '-o',
          'NumberOfPasswordPrompts=1',
          `${peer.user}@127.0.0.1`,
          'echo kbd-ok',
        ],
        { env: { SSH_ASKPASS: askpass, SSH_ASKPASS_REQUIRE: 'force', DISPLAY: ':0' } },
      );
      return { ...r, prompts: readFileSync(prompts, 'utf8').trim().split('\n') };
    }

    it('asks two prompts (pam_unix, then pam_stress) and accepts the right answers', async () => {
      const r = await login(SECOND);
      expect(r.status, `${r.stderr}\n${peer.log().slice(-2000)}`).toBe(0);
      expect(r.stdout).toBe('kbd-ok\n');
      // ssh prefixes the prompt with `(user@host) `.
      expect(r.prompts.map((p) => p.replace(/^\(\S+\) /, '').trim())).toEqual([
        'Password:',
        'STRESS Password:',
      ]);
      expect(peer.log()).toContain(`Accepted keyboard-interactive/pam for ${peer.user}`);
    });

    it('refuses a wrong second answer', async () => {
      const r = await login('wrong');
      expect(r.status).not.toBe(0);
      expect(r.stdout).toBe('');
    });
  },
);
