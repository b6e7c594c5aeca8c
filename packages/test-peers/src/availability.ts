import { commandLabel, findCommand, oneLine, onOverrideChange, run } from './commands.js';
import { aptInstall, installBlocker } from './install.js';
import { DROPBEAR_SFTP_SERVER } from './peers/dropbear.js';
import type { Availability, PeerName } from './types.js';

type Requirement = { command: string; package: string } | { python: string; package: string };

const KEYGEN: Requirement = { command: 'ssh-keygen', package: 'openssh-client' };
const PYTHON: Requirement = { command: 'python3', package: 'python3' };

const PEER_REQUIREMENTS: Record<PeerName, Requirement[]> = {
  openssh: [
    { command: 'sshd', package: 'openssh-server' },
    { command: 'ssh', package: 'openssh-client' },
    KEYGEN,
  ],
  dropbear: [
    { command: 'dropbear', package: 'dropbear-bin' },
    { command: 'dropbearkey', package: 'dropbear-bin' },
    // What Debian's dropbear execs for the `sftp` subsystem (SFTPSERVER_PATH, peers/dropbear.ts).
    { command: DROPBEAR_SFTP_SERVER, package: 'openssh-sftp-server' },
    KEYGEN,
  ],
  tinysshd: [
    { command: 'tinysshd', package: 'tinysshd' },
    { command: 'tinysshd-makekey', package: 'tinysshd' },
    KEYGEN,
  ],
  paramiko: [PYTHON, { python: 'paramiko', package: 'python3-paramiko' }, KEYGEN],
  asyncssh: [PYTHON, { python: 'asyncssh', package: 'python3-asyncssh' }, KEYGEN],
};

/** Client-side tools other packages' tests spawn against our server. */
export type ToolName =
  | 'ssh'
  | 'sftp'
  | 'scp'
  | 'ssh-keygen'
  | 'ssh-keyscan'
  | 'ssh-agent'
  | 'ssh-add'
  | 'sftp-server'
  | 'dbclient'
  | 'dropbearkey'
  | 'dropbearconvert'
  | 'plink'
  | 'psftp'
  | 'pscp'
  | 'puttygen'
  | 'openssl'
  | 'xauth'
  | 'chromium';

const TOOL_PACKAGES: Record<ToolName, string> = {
  ssh: 'openssh-client',
  sftp: 'openssh-client',
  scp: 'openssh-client',
  'ssh-keygen': 'openssh-client',
  'ssh-keyscan': 'openssh-client',
  'ssh-agent': 'openssh-client',
  'ssh-add': 'openssh-client',
  'sftp-server': 'openssh-sftp-server',
  dbclient: 'dropbear-bin',
  dropbearkey: 'dropbear-bin',
  dropbearconvert: 'dropbear-bin',
  plink: 'putty-tools',
  psftp: 'putty-tools',
  pscp: 'putty-tools',
  puttygen: 'putty-tools',
  openssl: 'openssl',
  // sshd runs it (XAuthLocation) to install a session's X11 cookie; without it X11Forwarding fails.
  xauth: 'xauth',
  // Debian's Chromium, which the browser example's end-to-end tests drive with playwright-core.
  chromium: 'chromium',
};

async function pythonModuleMissing(module: string): Promise<string | undefined> {
  const python = findCommand('python3');
  if (!python) return `${module}: no python3`;
  try {
    const r = await run(python, ['-c', `import ${module}`], {
      env: { ...process.env, PYTHONWARNINGS: 'ignore' },
      timeoutMs: 30_000,
    });
    return r.code === 0 ? undefined : `${python} cannot import ${module}`;
  } catch (e) {
    return `${python} cannot import ${module}: ${oneLine(String(e))}`;
  }
}

/** One line per unmet requirement, and the packages that would meet them. */
async function missing(requirements: Requirement[]): Promise<{ problems: string[]; packages: string[] }> {
  const problems: string[] = [];
  const packages = new Set<string>();
  for (const req of requirements) {
    const problem =
      'command' in req
        ? findCommand(req.command)
          ? undefined
          : `${commandLabel(req.command)} not found`
        : await pythonModuleMissing(req.python);
    if (problem) {
      problems.push(problem);
      packages.add(req.package);
    }
  }
  return { problems, packages: [...packages] };
}

async function ensure(label: string, requirements: Requirement[]): Promise<Availability> {
  const first = await missing(requirements);
  if (first.problems.length === 0) return { available: true };
  const blocker = installBlocker();
  let installError: string | undefined;
  if (!blocker) {
    installError = await aptInstall(first.packages);
    const second = await missing(requirements);
    if (second.problems.length === 0) return { available: true };
    first.problems = second.problems;
  }
  const why = installError ?? blocker ?? 'still missing after apt-get install';
  const reason = `${label} unavailable: ${first.problems.join('; ')} (Debian: apt-get install ${first.packages.join(' ')}; ${why})`;
  return { available: false, reason: oneLine(reason, 400) };
}

const cache = new Map<string, Promise<Availability>>();
onOverrideChange(() => cache.clear());

function cached(key: string, compute: () => Promise<Availability>): Promise<Availability> {
  let p = cache.get(key);
  if (!p) {
    p = compute();
    cache.set(key, p);
  }
  return p;
}

function applyCiRule(result: Availability): Availability {
  if (!result.available && process.env.CI === 'true') {
    throw new Error(`${result.reason} [CI=true: a missing peer is a failure]`);
  }
  return result;
}

/** Installs the peer when missing (root + apt-get) and reports whether it can run. Throws under CI=true when not. */
export async function peerAvailability(name: PeerName): Promise<Availability> {
  const requirements = PEER_REQUIREMENTS[name];
  if (!requirements) throw new Error(`unknown peer ${String(name)}`);
  return applyCiRule(await cached(`peer:${name}`, () => ensure(name, requirements)));
}

/** Like peerAvailability, for a client tool; `path` is the absolute path to spawn. */
export async function toolAvailability(
  tool: ToolName,
): Promise<{ available: true; path: string } | { available: false; reason: string }> {
  const pkg = TOOL_PACKAGES[tool];
  if (!pkg) throw new Error(`unknown tool ${String(tool)}`);
  const result = applyCiRule(
    await cached(`tool:${tool}`, () => ensure(tool, [{ command: tool, package: pkg }])),
  );
  if (!result.available) return result;
  const path = findCommand(tool);
  if (!path) throw new Error(`${tool} vanished after the availability check`);
  return { available: true, path };
}
