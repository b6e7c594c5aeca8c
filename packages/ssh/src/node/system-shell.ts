// The default exec / shell handlers for SSHServer in Node (issue 7): commands run as the server's
// own user through the system shell, as sshd runs `$SHELL -c command` (session.c do_child). With a
// pty the program runs inside `script(1)` from util-linux, which allocates a pseudo-terminal
// without any native addon; the terminal size is set with `stty` on the program's tty, which is also
// how a window-change reaches it (the kernel then sends SIGWINCH). Only LANG and LC_* from the
// client's `env` requests are passed on, as Debian's sshd_config AcceptEnv does.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, readlink } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { ServerSession } from '../server/server-session.js';

export interface SystemShellOptions {
  /** The shell (default $SHELL, else /bin/sh). */
  shell?: string;
  /** Working directory (default the server process's). */
  cwd?: string;
  /** Client `env` names passed on (default: LANG and LC_*). */
  acceptEnv?: (name: string) => boolean;
  /** The script(1) binary for pty sessions (default /usr/bin/script, when present). */
  script?: string;
}

const defaultAcceptEnv = (name: string) => name === 'LANG' || name.startsWith('LC_');

/** SIG names without "SIG", as RFC 4254 §6.10 wants them. */
const signalName = (signal: NodeJS.Signals) => signal.replace(/^SIG/, '');

/** `exec` and `shell` for SSHServer options. */
export function systemShell(options: SystemShellOptions = {}) {
  const shell = options.shell ?? process.env.SHELL ?? '/bin/sh';
  const acceptEnv = options.acceptEnv ?? defaultAcceptEnv;
  const script = options.script ?? '/usr/bin/script';
  const run = (session: ServerSession, command: string | undefined) => {
    const env: Record<string, string> = { ...(process.env as Record<string, string>) };
    for (const [name, value] of Object.entries(session.env)) if (acceptEnv(name)) env[name] = value;
    if (session.pty) env.TERM = session.pty.term;
    let child: ChildProcess;
    if (session.pty) {
      if (!existsSync(script)) throw new Error(`a pty needs ${script} (util-linux)`);
      const { cols, rows } = session.pty;
      const program = command === undefined ? `exec ${shell} -l` : `exec ${shell} -c ${quote(command)}`;
      // script -q (quiet) -f (flush) -e (child's exit status) -c CMD, no typescript file.
      child = spawn(
        script,
        ['-qfec', `stty cols ${cols} rows ${rows} 2>/dev/null; ${program}`, '/dev/null'],
        {
          cwd: options.cwd,
          env,
          stdio: ['pipe', 'pipe', 'pipe'],
        },
      );
      session.onResize = (c, r) => void resize(child, c, r);
    } else {
      child = spawn(shell, command === undefined ? [] : ['-c', command], {
        cwd: options.cwd,
        env,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
    }
    session.onSignal = (name) => {
      const signal = `SIG${name}` as NodeJS.Signals;
      // With a pty the child is script(1), which does not pass signals on (a TERM made script end
      // with status 0 after 2 s, a USR1 or HUP never reached the program: found by AsyncSSH's
      // send_signal); signal the program inside it, as sshd signals the session's own child
      // (session.c session_signal_req). script(1) itself only if the program is not found.
      void (session.pty ? programOf(child.pid) : Promise.resolve(undefined)).then((program) => {
        try {
          if (program) process.kill(program.pid, signal);
          else child.kill(signal);
        } catch {
          // An unknown name, or the child is gone: nothing to do (sshd ignores these too).
        }
      });
    };
    return supervise(session, child);
  };
  return {
    exec: (command: string, session: ServerSession) => run(session, command),
    shell: (session: ServerSession) => run(session, undefined),
  };
}

/** Pipes the session and the child both ways, then reports how the child ended. */
async function supervise(session: ServerSession, child: ChildProcess): Promise<void> {
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  // The client's data to the child's stdin, EOF included; a child that stops reading is fine.
  void (async () => {
    try {
      for await (const chunk of session.stdin) {
        if (!child.stdin!.write(chunk)) await new Promise((r) => child.stdin!.once('drain', r));
      }
    } catch {
      // The channel closed under us: the child gets EOF below.
    }
    child.stdin!.end();
  })();
  child.stdin!.on('error', () => {});
  const out = forward(child.stdout!, (d) => session.write(d));
  const err = forward(child.stderr!, (d) => session.writeStderr(d));
  const { code, signal } = await exited;
  // Output the child wrote before exiting still goes first (its pipes drain after 'exit').
  await Promise.all([out, err]);
  if (signal) await session.exitSignal(signalName(signal));
  else await session.exit(code ?? 0);
}

/** Copies a child's output into the channel, pausing the pipe while the client's window is full. */
async function forward(stream: Readable, write: (data: Uint8Array) => Promise<void>): Promise<void> {
  try {
    for await (const chunk of stream) await write(chunk as Uint8Array);
  } catch {
    // The channel closed: the rest is dropped, the child sees EPIPE.
  }
}

/** The window-change: `stty` on the tty the program inside script(1) holds as its stdin. */
async function resize(child: ChildProcess, cols: number, rows: number): Promise<void> {
  const tty = (await programOf(child.pid))?.tty;
  if (!tty) return;
  await new Promise<void>((resolve) =>
    execFile('stty', ['-F', tty, 'cols', String(cols), 'rows', String(rows)], () => resolve()),
  );
}

/** script(1)'s child and its pts device: /proc/PID/task/PID/children, then its fd 0. */
async function programOf(pid: number | undefined): Promise<{ pid: number; tty: string } | undefined> {
  if (pid === undefined) return undefined;
  try {
    const children = (await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8')).trim().split(/\s+/);
    for (const c of children) {
      const target = await readlink(`/proc/${c}/fd/0`).catch(() => '');
      if (target.startsWith('/dev/pts/')) return { pid: Number(c), tty: target };
    }
  } catch {
    // Not Linux, or the process is gone.
  }
  return undefined;
}

/** A single-quoted shell word. */
function quote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
