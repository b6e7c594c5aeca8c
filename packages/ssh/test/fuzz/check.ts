// The rule every replay must keep (issue 11): our side ends in success or a typed SSHError, never
// another exception, never a hang past its timeouts, and (server) never a connection left open.
import { SSHError } from '@sshts/wire';
import { applyMutations, type Mutation } from './mutate.js';
import { replayIntoClient, replayIntoServer } from './replay.js';
import type { Transcript } from './transcript.js';

/** Why a replay broke the rule, or undefined when it kept it. */
export async function replayViolation(
  t: Transcript,
  mutations: readonly Mutation[],
): Promise<string | undefined> {
  const events = applyMutations(t.events, mutations);
  if (t.target === 'client') {
    const outcome = await replayIntoClient(events, t.userKey);
    if (outcome.kind === 'hung') return `client hung: ${outcome.detail}`;
    if (outcome.kind === 'failed' && !(outcome.error instanceof SSHError)) {
      return `client failed with a non-SSHError: ${(outcome.error as Error)?.stack ?? String(outcome.error)}`;
    }
    return undefined;
  }
  const outcome = await replayIntoServer(events);
  if (outcome.kind === 'hung') return `server hung: ${outcome.detail}`;
  if (outcome.kind === 'failed' && !(outcome.error instanceof SSHError)) {
    return `server accept() rejected with a non-SSHError: ${(outcome.error as Error)?.stack ?? String(outcome.error)}`;
  }
  if (outcome.connectionsLeft !== 0)
    return `server kept ${outcome.connectionsLeft} connection(s) after close()`;
  return undefined;
}
