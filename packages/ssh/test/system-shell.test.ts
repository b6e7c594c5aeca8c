// systemShell() (issue 7) with a fake ServerSession, no SSH at all: a `signal` request reaches the
// program, with and without a pty. With a pty the program runs under script(1), which does not pass
// signals on: they must go to script's child (sshd signals the session's own child).
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { systemShell } from '../src/node/index.js';
import type { PtyInfo, ServerSession } from '../src/server/server-session.js';

interface Ended {
  code?: number;
  signal?: string;
}

/** A session whose stdin stays open until the program ends; output collected as text. */
function fakeSession(pty?: Partial<PtyInfo>) {
  let output = '';
  let wake: (() => void) | undefined;
  let ended: (e: Ended) => void = () => {};
  const done = new Promise<Ended>((resolve) => {
    ended = resolve;
  });
  const decoder = new TextDecoder();
  const append = async (d: Uint8Array | string) => {
    output += typeof d === 'string' ? d : decoder.decode(d);
    wake?.();
  };
  const session = {
    user: 'tester',
    env: {},
    pty: pty && { term: 'xterm', cols: 80, rows: 24, widthPx: 0, heightPx: 0, modes: new Map(), ...pty },
    // No data, and EOF only once the program has ended.
    stdin: {
      [Symbol.asyncIterator]: () => ({
        next: async () => {
          await done;
          return { done: true, value: undefined };
        },
      }),
    },
    write: append,
    writeStderr: append,
    exit: async (code: number) => ended({ code }),
    exitSignal: async (signal: string) => ended({ signal }),
  } as unknown as ServerSession;
  return {
    session,
    done,
    get output() {
      return output;
    },
    /** Resolves once the output contains `text`. */
    waitFor: (text: string) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${text} in ${JSON.stringify(output)}`)), 10_000);
        const check = () => {
          if (output.includes(text)) {
            clearTimeout(timer);
            wake = undefined;
            resolve();
          }
        };
        wake = check;
        check();
      }),
  };
}

const TRAP = "trap 'echo got-USR1; exit 9' USR1; echo ready; while :; do sleep 0.05; done";

describe('systemShell signal requests', () => {
  const { exec } = systemShell({ shell: '/bin/sh' });

  it('without a pty: the command gets the signal; killed by it, it ends with exit-signal', async () => {
    const s = fakeSession();
    const running = exec('echo ready; exec sleep 30', s.session);
    await s.waitFor('ready');
    s.session.onSignal?.('TERM');
    expect(await s.done).toEqual({ signal: 'TERM' });
    await running;

    const t = fakeSession();
    const trapped = exec(TRAP, t.session);
    await t.waitFor('ready');
    t.session.onSignal?.('USR1');
    expect(await t.done).toEqual({ code: 9 });
    expect(t.output).toBe('ready\ngot-USR1\n');
    await trapped;
  });

  it('with a pty: the program inside script(1) gets the signal, not script', async () => {
    expect(existsSync('/usr/bin/script'), 'script(1) from util-linux (bsdutils)').toBe(true);
    const t = fakeSession({});
    const trapped = exec(TRAP, t.session);
    await t.waitFor('ready');
    t.session.onSignal?.('USR1');
    expect(await t.done).toEqual({ code: 9 });
    expect(t.output).toBe('ready\r\ngot-USR1\r\n');
    await trapped;

    // Killed by it: script -e reports 128 + the signal's number as the exit status.
    const s = fakeSession({});
    const started = Date.now();
    const running = exec('echo ready; exec sleep 30', s.session);
    await s.waitFor('ready');
    s.session.onSignal?.('TERM');
    expect(await s.done).toEqual({ code: 128 + 15 });
    expect(Date.now() - started).toBeLessThan(1500);
    await running;
  });
});
