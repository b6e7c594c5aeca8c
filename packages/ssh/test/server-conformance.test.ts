// The server conformance matrix (TARGETS.md), the mirror image of conformance-client.test.ts: real
// clients — OpenSSH ssh, Dropbear dbclient, PuTTY plink, paramiko and AsyncSSH (through
// python/<lib>_client.py) — against OUR SSHServer, for every kex, host-key, cipher and MAC
// algorithm each client shares with it, with both of our crypto providers ('node' and 'noble').
// A cell narrows ONE slot of our server's offer to one algorithm (the MAC cells also pin the
// ciphers to the CTR ones: with an AEAD cipher no MAC is negotiated), the rest default, while
// the client keeps its defaults, widened where it can be told (ssh's `+` lists, the python
// scripts' `only`). Each cell then: connects with the host key verified (known_hosts, or plink's
// -hostkey fingerprint), logs in with the ed25519 user key, runs `cat; echo err >&2; exit 3`
// with 64 KiB on stdin and checks stdout byte-exact, stderr and the exit status 3, and reads from
// our server's logger that exactly the narrowed algorithm was negotiated (and, for ssh, which
// rekeys every 32 KiB, in every key exchange of the connection). Per client also: a session with
// both sides' defaults (what it picks is printed), and a host key it does not know refused (the
// verification the cells rely on is real). About a minute for the file on 2 idle cores.
// What a client supports: ssh -Q, the python scripts' `supported` op; for dbclient and plink,
// which cannot be asked, a documented list for the Debian 12 builds (below, each entry
// justified), checked against the KEXINIT the client sends to a listener that reads just that;
// and every other algorithm of ours is run too and must be refused with the client's "no
// matching algorithm" error, so the list cannot drift from the binary.
// The matrix is printed at the end.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generatePrivateKey, writeOpenSSHPrivateKey } from '@sshts/keys';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  describeRun,
  keyTypeFor,
  missingReason,
  OUR_ALGORITHMS,
  opensshOptions,
  pythonWith,
  runClient,
  type ServerFixture,
  spawnClient,
  startPythonClient,
  startServer,
  testKeys,
  tool,
  USER,
} from './server-helpers.js';

type Slot = 'kex' | 'hostKey' | 'cipher' | 'mac';
const SLOTS: Slot[] = ['kex', 'hostKey', 'cipher', 'mac'];
type Provider = 'node' | 'noble';
const PROVIDERS: Provider[] = ['node', 'noble'];
type ClientName = 'ssh' | 'dbclient' | 'plink' | 'paramiko' | 'asyncssh';
const CLIENTS: ClientName[] = ['ssh', 'dbclient', 'plink', 'paramiko', 'asyncssh'];

const COMMAND = 'cat; echo err >&2; exit 3';
/** 64 KiB of text (the python scripts pass stdin and stdout as JSON strings): several packets, several window updates. */
const STDIN = (() => {
  const lines: string[] = [];
  for (let i = 0; lines.join('').length < 64 * 1024; i++)
    lines.push(`${String(i).padStart(5, '0')} ${randomBytes(45).toString('base64')}\n`);
  return `${lines.join('').slice(0, 64 * 1024 - 1)}\n`;
})();
/** The MAC cells' ciphers: a MAC is only negotiated with a non-AEAD cipher. */
const CTR_CIPHERS = OUR_ALGORITHMS.cipher.filter((c) => c.endsWith('-ctr'));

/**
 * Dropbear 2022.83's dbclient as Debian 12 builds it (dropbear-bin): the algorithm tables of
 * common-algo.c under upstream's default_options.h, which Debian does not change. The client uses
 * the same tables as the server, so this is test-peers' DROPBEAR_SUPPORTED (checked against the
 * Dropbear server's KEXINIT there); the cipher and MAC lists are also what `dbclient -c help` and
 * `-m help` print. A test below compares it with dbclient's own KEXINIT.
 */
const DBCLIENT_SUPPORTED: Record<Slot, string[]> = {
  kex: [
    // DROPBEAR_CURVE25519: both names of the same method.
    'curve25519-sha256',
    'curve25519-sha256@libssh.org',
    // DROPBEAR_ECDH: all three NIST curves.
    'ecdh-sha2-nistp521',
    'ecdh-sha2-nistp384',
    'ecdh-sha2-nistp256',
    // DROPBEAR_DH_GROUP14_SHA256 and _SHA1 are on by default; GROUP1 and GROUP16 are off, and
    // Dropbear has no group exchange (nor group18) at all.
    'diffie-hellman-group14-sha256',
    'diffie-hellman-group14-sha1',
  ],
  hostKey: [
    // DROPBEAR_ED25519, DROPBEAR_ECDSA (the three curves), DROPBEAR_RSA with DROPBEAR_RSA_SHA256
    // and DROPBEAR_RSA_SHA1 (ssh-rsa); 2022.83 has no rsa-sha2-512.
    'ssh-ed25519',
    'ecdsa-sha2-nistp521',
    'ecdsa-sha2-nistp384',
    'ecdsa-sha2-nistp256',
    'rsa-sha2-256',
    'ssh-rsa',
  ],
  // DROPBEAR_CHACHA20POLY1305, DROPBEAR_AES128/AES256 with DROPBEAR_ENABLE_CTR_MODE; GCM mode
  // (DROPBEAR_ENABLE_GCM_MODE) is off and there is no aes192.
  cipher: ['chacha20-poly1305@openssh.com', 'aes128-ctr', 'aes256-ctr'],
  // DROPBEAR_SHA1_HMAC and DROPBEAR_SHA2_256_HMAC; DROPBEAR_SHA2_512_HMAC is off; no ETM MACs.
  mac: ['hmac-sha1', 'hmac-sha2-256'],
};

/**
 * PuTTY 0.78's plink (Debian 12 putty-tools): the algorithm tables of ssh/transport2.c and the
 * default configuration (settings.c), in which only dh-group1-sha1 (not ours) sits below the
 * "WARN" line; names as they appear in the binary (the way OpenSSH's regress/putty-*.sh pick the
 * algorithms to test against PuTTY: `strings plink`). A test below compares it with plink's own
 * KEXINIT.
 */
const PLINK_SUPPORTED: Record<Slot, string[]> = {
  kex: [
    // "ntru-curve25519" (new in 0.78, first in its KEXINIT); ours once packages/kex has it.
    'sntrup761x25519-sha512@openssh.com',
    // "ecdh": Curve25519 under both names and the three NIST curves.
    'curve25519-sha256',
    'curve25519-sha256@libssh.org',
    'ecdh-sha2-nistp256',
    'ecdh-sha2-nistp384',
    'ecdh-sha2-nistp521',
    // "dh-gex-sha1": group exchange with SHA-256 and with SHA-1.
    'diffie-hellman-group-exchange-sha256',
    'diffie-hellman-group-exchange-sha1',
    // The fixed groups 18 and 16 (SHA-512, new in 0.78) and 14 (SHA-256 and SHA-1).
    'diffie-hellman-group18-sha512',
    'diffie-hellman-group16-sha512',
    'diffie-hellman-group14-sha256',
    'diffie-hellman-group14-sha1',
  ],
  hostKey: [
    // ed25519, ecdsa (three curves), rsa with SHA-512 / SHA-256 signatures (0.75+) and SHA-1.
    'ssh-ed25519',
    'ecdsa-sha2-nistp256',
    'ecdsa-sha2-nistp384',
    'ecdsa-sha2-nistp521',
    'rsa-sha2-512',
    'rsa-sha2-256',
    'ssh-rsa',
  ],
  // "aes" (CTR, all three key sizes), "chacha20", "aesgcm" (0.76+).
  cipher: [
    'aes256-ctr',
    'aes192-ctr',
    'aes128-ctr',
    'chacha20-poly1305@openssh.com',
    'aes256-gcm@openssh.com',
    'aes128-gcm@openssh.com',
  ],
  // HMAC-SHA-256 and HMAC-SHA-1, plain and ETM; 0.78 has no hmac-sha2-512 (the binary has no such string).
  mac: ['hmac-sha2-256', 'hmac-sha2-256-etm@openssh.com', 'hmac-sha1', 'hmac-sha1-etm@openssh.com'],
};

/** What a run of a client produced, whichever way it runs. */
interface CellRun {
  ok: boolean;
  stdout: string;
  stderr: string;
  exit: number | null;
  /** Everything it said, for failure messages and for recognising a refusal. */
  log: string;
  /** What the client itself says was negotiated (the python scripts), checked against our log. */
  clientSide?: Partial<Record<Slot, string>>;
}

interface Client {
  name: ClientName;
  /** The identification string our server must see. */
  identification: RegExp;
  /** What the client says when no algorithm of a slot is common. */
  refusal: RegExp;
  /** The client's own lists (ssh -Q, `supported`) or the documented ones (dbclient, plink). */
  supported: Record<Slot, string[]>;
  /** Run our algorithms outside `supported` too (they must be refused): the documented lists. */
  probeOthers: boolean;
  /** The client signals strict kex (Terrapin countermeasure; Debian 12 backported it to all but paramiko). */
  strictKex: boolean;
  /** A cell: `narrow` is the slot our server offers one algorithm in (none: the defaults row). */
  run(fx: ServerFixture, narrow: Narrow | undefined, wrongHostKey?: boolean): Promise<CellRun>;
}

interface Narrow {
  slot: Slot;
  algorithm: string;
}
type Result = 'ok' | 'not shared' | { fail: string };
/** results[slot][algorithm][client][provider] */
const results = new Map<string, Map<ClientName, Map<Provider, Result>>>();
const versions = new Map<ClientName, string>();
/** What each client negotiates with our defaults, per provider (the "defaults" lines). */
const defaults: string[] = [];
/** Per client that can list its algorithms: the ones we do not implement (for the printout). */
const theirsOnly = new Map<ClientName, string[]>();
const skipped = new Map<ClientName, string>();
const record = (slot: Slot, algorithm: string, client: ClientName, provider: Provider, r: Result) => {
  const key = `${slot} ${algorithm}`;
  const byClient = results.get(key) ?? new Map<ClientName, Map<Provider, Result>>();
  results.set(key, byClient);
  const byProvider = byClient.get(client) ?? new Map<Provider, Result>();
  byClient.set(client, byProvider);
  byProvider.set(provider, r);
};

function cellText(byProvider: Map<Provider, Result> | undefined, client: ClientName): string {
  if (skipped.has(client)) return 'skipped';
  if (!byProvider) return '-';
  const all = PROVIDERS.map((p) => byProvider.get(p));
  if (all.every((r) => r === 'ok')) return 'ok';
  if (all.every((r) => r === 'not shared')) return 'not shared';
  const failed = PROVIDERS.filter((_, i) => typeof all[i] === 'object');
  if (failed.length === PROVIDERS.length) return 'FAIL';
  if (failed.length > 0) return `FAIL ${failed.join(',')}`;
  // Not every provider ran (a failure stopped the test) or they disagree on "not shared".
  return PROVIDERS.map((p, i) => `${p}:${all[i] ?? '-'}`).join(' ');
}

afterAll(() => {
  if (results.size === 0) return;
  const width = 13;
  const lines = [
    '',
    `server conformance matrix (client × our server; host key verified, ed25519 key, 64 KiB through cat, stderr, exit 3; ok = both providers, node and noble):`,
    ...CLIENTS.map(
      (c) => `  ${c.padEnd(9)} ${skipped.has(c) ? `skipped: ${skipped.get(c)}` : (versions.get(c) ?? '?')}`,
    ),
    `${'slot'.padEnd(8)}${'algorithm'.padEnd(38)}${CLIENTS.map((c) => c.padEnd(width)).join('')}`,
  ];
  for (const slot of SLOTS)
    for (const algorithm of OUR_ALGORITHMS[slot]) {
      const byClient = results.get(`${slot} ${algorithm}`);
      lines.push(
        `${slot.padEnd(8)}${algorithm.padEnd(38)}${CLIENTS.map((c) => cellText(byClient?.get(c), c).padEnd(width)).join('')}`,
      );
    }
  const failures = [...results].flatMap(([key, byClient]) =>
    [...byClient].flatMap(([client, byProvider]) =>
      [...byProvider].flatMap(([provider, r]) =>
        typeof r === 'object' ? [`FAIL ${key} × ${client} (${provider}): ${r.fail.slice(0, 300)}`] : [],
      ),
    ),
  );
  if (defaults.length > 0)
    lines.push(
      `with the defaults (${SLOTS.join(', ')}; an AEAD cipher's MAC as our log names it):`,
      ...defaults,
    );
  const notOurs = [...theirsOnly].map(([c, names]) => `  ${c.padEnd(9)} ${names.join(', ')}`);
  console.log(
    [
      ...lines,
      ...(notOurs.length > 0
        ? ["clients' algorithms we do not implement (certificates and security keys left out):"]
        : []),
      ...notOurs,
      ...failures,
      '',
    ].join('\n'),
  );
});

/** Our server's offer for a cell: one slot narrowed, the rest default (MAC cells: CTR ciphers). */
function serverAlgorithms(narrow: Narrow | undefined) {
  if (!narrow) return undefined;
  const { slot, algorithm } = narrow;
  return slot === 'mac' ? { mac: [algorithm], cipher: CTR_CIPHERS } : { [slot]: [algorithm] };
}

/** The negotiated value of a slot (cipher and MAC: both directions must agree). */
function negotiatedIn(n: ServerFixture['connections'][number]['negotiated'][number], slot: Slot): string {
  if (slot === 'cipher' || slot === 'mac') {
    const [cs, sc] = n[slot];
    return cs === sc ? cs : `${cs} / ${sc}`;
  }
  return n[slot];
}

/** A fresh ed25519 key the server does not hold, for the host-key refusal checks. */
function strangerKey() {
  return generatePrivateKey('ed25519');
}

/**
 * Runs one cell (no `narrow`: everything default on both sides); returns 'not shared' for a
 * refusal the client is entitled to, throws otherwise.
 */
async function runCell(client: Client, narrow: Narrow | undefined, provider: Provider): Promise<Result> {
  const algorithms = serverAlgorithms(narrow);
  const fx = await startServer({ server: { ...(algorithms ? { algorithms } : {}), crypto: provider } });
  try {
    const r = await client.run(fx, narrow);
    const shared = !narrow || client.supported[narrow.slot].includes(narrow.algorithm);
    const context = `${client.name} × ${narrow ? `${narrow.slot} ${narrow.algorithm}` : 'defaults'} (${provider}): ${r.log.slice(-1200)}`;
    if (!shared) {
      // Outside the documented list: the client must refuse it in the negotiation, before any kex.
      expect(r.ok, `works but is not in ${client.name}'s documented list — update it: ${context}`).toBe(
        false,
      );
      expect(r.log, `not refused as "no matching algorithm": ${context}`).toMatch(client.refusal);
      expect(fx.connections.flatMap((c) => c.negotiated)).toEqual([]);
      return 'not shared';
    }
    expect(r.ok, `failed: ${context}`).toBe(true);
    expect(r.exit, `exit status: ${context}`).toBe(3);
    expect(r.stdout.length, `stdout length: ${context}`).toBe(STDIN.length);
    expect(r.stdout === STDIN, `stdout differs from stdin: ${context}`).toBe(true);
    // Nothing but the command's stderr: no client warning either (ssh-rsa, legacy kex…).
    expect(r.stderr, `stderr: ${context}`).toBe('err\n');
    // Our server's view: one connection from this client, logged in with the key, and every key
    // exchange on it (ssh rekeys) negotiated exactly the narrowed algorithm.
    expect(fx.connections.length, `connections: ${context}`).toBe(1);
    const conn = fx.lastConnection();
    expect(conn.remote, `identification: ${context}`).toMatch(client.identification);
    versions.set(client.name, conn.remote!.replace(/^SSH-2\.0-/, ''));
    expect(conn.negotiated.length, `key exchanges: ${context}`).toBeGreaterThanOrEqual(
      client.name === 'ssh' ? 2 : 1,
    );
    for (const n of conn.negotiated) {
      if (!narrow) {
        // The defaults: the same algorithms in every key exchange (the flags are the first one's only).
        const pick = (m: typeof n) => SLOTS.map((s) => negotiatedIn(m, s));
        expect(pick(n), `a rekey negotiated something else: ${context}`).toEqual(pick(conn.negotiated[0]!));
        continue;
      }
      expect(negotiatedIn(n, narrow.slot), `negotiated ${narrow.slot}: ${context}`).toBe(narrow.algorithm);
      if (narrow.slot === 'mac') expect(CTR_CIPHERS, `negotiated cipher: ${context}`).toContain(n.cipher[0]);
    }
    if (!narrow) {
      const n = conn.negotiated[0]!;
      defaults.push(
        `  ${client.name.padEnd(9)} ${provider.padEnd(6)} ${SLOTS.map((s) => negotiatedIn(n, s)).join('  ')}`,
      );
    }
    // Strict kex (Terrapin) is signalled in the first KEXINIT only.
    expect(conn.negotiated[0]!.strictKex, `strict kex: ${context}`).toBe(client.strictKex);
    // Logged in with the key: only publickey attempts (a query, then the signature), the last one accepted.
    expect(fx.authAttempts.length, `auth attempts: ${context}`).toBeGreaterThan(0);
    expect(new Set(fx.authAttempts.map((a) => `${a.method} ${a.user}`)), `auth attempts: ${context}`).toEqual(
      new Set([`publickey ${USER}`]),
    );
    expect(fx.authAttempts.at(-1)?.ok, `auth: ${context}`).toBe(true);
    for (const [s, value] of Object.entries(r.clientSide ?? {})) {
      const first = conn.negotiated[0]!;
      expect(value, `${client.name} reports ${s}: ${context}`).toBe(negotiatedIn(first, s as Slot));
    }
    return 'ok';
  } finally {
    await fx.close();
  }
}

/** ssh: OpenSSH's lists from `ssh -Q`, every one of them enabled (`+`), rekeying every 32 KiB. */
async function sshClient(ssh: string): Promise<Client> {
  const query = async (what: string) => {
    const r = await runClient(ssh, ['-Q', what], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
    expect(r.code, describeRun(r)).toBe(0);
    return r.stdout.split('\n').filter(Boolean);
  };
  const supported: Record<Slot, string[]> = {
    kex: await query('kex'),
    // The host-key signature algorithms (rsa-sha2-* included; `-Q key` lists key types).
    hostKey: await query('HostKeyAlgorithms'),
    cipher: await query('cipher'),
    mac: await query('mac'),
  };
  const widen = [
    `KexAlgorithms=+${supported.kex.join(',')}`,
    `HostKeyAlgorithms=+${supported.hostKey.join(',')}`,
    `Ciphers=+${supported.cipher.join(',')}`,
    `MACs=+${supported.mac.join(',')}`,
    // Several key exchanges per cell, each of which must negotiate the cell's algorithm again.
    'RekeyLimit=32K',
  ].flatMap((o) => ['-o', o]);
  return {
    name: 'ssh',
    identification: /^SSH-2\.0-OpenSSH_9\.2/,
    refusal: /no matching (key exchange method|host key type|cipher|MAC) found/,
    supported,
    probeOthers: false,
    strictKex: true,
    async run(fx, _narrow, wrongHostKey) {
      let knownHosts = fx.knownHostsFile;
      if (wrongHostKey) {
        knownHosts = join(fx.dir, 'known_hosts.wrong');
        const stranger = await strangerKey();
        await writeFile(knownHosts, `[127.0.0.1]:${fx.port} ${stranger.publicKey.toString()}\n`);
      }
      const r = await runClient(
        ssh,
        [
          ...opensshOptions(fx).map((o) => o.replace(fx.knownHostsFile, knownHosts)),
          ...widen,
          '127.0.0.1',
          COMMAND,
        ],
        { env: fx.env(), input: STDIN, timeoutMs: 60_000 },
      );
      return { ok: r.code === 3, stdout: r.stdout, stderr: r.stderr, exit: r.code, log: describeRun(r) };
    },
  };
}

/** dbclient: the key converted to Dropbear's format (it reads no openssh-key-v1 in 2022.83). */
function dbclientClient(dbclient: string, keyFile: string): Client {
  return {
    name: 'dbclient',
    identification: /^SSH-2\.0-dropbear_2022\.83$/,
    refusal: /No matching algo/,
    supported: DBCLIENT_SUPPORTED,
    probeOthers: true,
    strictKex: true,
    async run(fx, _narrow, wrongHostKey) {
      if (wrongHostKey) {
        // dbclient reads $HOME/.ssh/known_hosts only: replace it with a stranger's key of the same type.
        const stranger = await strangerKey();
        await writeFile(join(fx.home, '.ssh', 'known_hosts'), `127.0.0.1 ${stranger.publicKey.toString()}\n`);
      }
      // No -y: the host key must be in known_hosts (there is no tty to ask on: setsid).
      const r = await runClient(
        dbclient,
        ['-i', keyFile, '-p', String(fx.port), `${USER}@127.0.0.1`, COMMAND],
        {
          env: fx.env(),
          input: STDIN,
          timeoutMs: 60_000,
        },
      );
      return { ok: r.code === 3, stdout: r.stdout, stderr: r.stderr, exit: r.code, log: describeRun(r) };
    },
  };
}

/** plink: the host key pinned by -hostkey (the fingerprint of the key of the cell's type), batch mode. */
function plinkClient(plink: string): Client {
  return {
    name: 'plink',
    identification: /^SSH-2\.0-PuTTY_Release_0\.78$/,
    // 0.78 says "Couldn't agree a …" for kex, host key and cipher; for a MAC it names our first
    // one: 'Selected client-to-server MAC "…" does not correspond to any supported algorithm'.
    refusal: /Couldn't agree a|does not correspond to any supported algorithm/,
    supported: PLINK_SUPPORTED,
    probeOthers: true,
    strictKex: true,
    async run(fx, narrow, wrongHostKey) {
      // The key of the narrowed host-key algorithm's type; with our defaults PuTTY picks the
      // first of its own order that we offer (ed25519), but any of our keys would be accepted.
      const keys = wrongHostKey
        ? [(await strangerKey()).publicKey]
        : narrow?.slot === 'hostKey'
          ? [fx.hostKeys[keyTypeFor(narrow.algorithm)].publicKey]
          : narrow
            ? [fx.hostKeys.ed25519.publicKey]
            : Object.values(fx.hostKeys).map((k) => k.publicKey);
      const r = await runClient(
        plink,
        [
          '-batch',
          '-ssh',
          '-noagent',
          '-P',
          String(fx.port),
          '-l',
          USER,
          '-i',
          fx.userKeyPpk,
          ...keys.flatMap((k) => ['-hostkey', k.fingerprint()]),
          '127.0.0.1',
          COMMAND,
        ],
        { env: fx.env(), input: STDIN, timeoutMs: 60_000 },
      );
      return { ok: r.code === 3, stdout: r.stdout, stderr: r.stderr, exit: r.code, log: describeRun(r) };
    },
  };
}

/** paramiko / AsyncSSH: the script's `supported` lists; each cell pins its slot with `only`. */
async function pythonClient(python: string, lib: 'paramiko' | 'asyncssh'): Promise<Client> {
  const probe = await startServer();
  let supported: Record<Slot, string[]>;
  try {
    const p = await startPythonClient(python, lib, probe);
    try {
      const reply = await p.request({ op: 'supported' });
      expect(reply.ok, `${reply.error} ${p.stderr}`).toBe(true);
      supported = reply.supported;
    } finally {
      await p.close();
    }
  } finally {
    await probe.close();
  }
  return {
    name: lib,
    identification: lib === 'paramiko' ? /^SSH-2\.0-paramiko_2\.12\./ : /^SSH-2\.0-AsyncSSH_2\./,
    refusal: lib === 'paramiko' ? /Incompatible ssh (peer|server)/ : /No matching .*algorithm/i,
    supported,
    probeOthers: false,
    // paramiko has strict kex from 3.4 on; Debian 12's AsyncSSH 2.10.1 has it backported.
    strictKex: lib === 'asyncssh',
    async run(fx, narrow, wrongHostKey) {
      const p = await startPythonClient(python, lib, fx);
      try {
        let knownHosts: string | undefined;
        if (wrongHostKey) {
          knownHosts = join(fx.dir, 'known_hosts.wrong');
          const stranger = await strangerKey();
          await writeFile(knownHosts, `[127.0.0.1]:${fx.port} ${stranger.publicKey.toString()}\n`);
        }
        const reply = await p.request({
          op: 'exec',
          auth: 'key',
          key: 'ed25519',
          // AsyncSSH enables some algorithms only when asked (its defaults are a subset of
          // `supported`); paramiko's `only` disables the others: either way exactly this one.
          ...(narrow ? { only: { [narrow.slot]: narrow.algorithm } } : {}),
          command: COMMAND,
          stdin: STDIN,
          ...(knownHosts ? { knownHosts } : {}),
        });
        const log = `${JSON.stringify(reply).slice(0, 2500)} | ${p.stderr.slice(-1500)}`;
        if (!reply.ok) return { ok: false, stdout: '', stderr: '', exit: null, log };
        const c = reply.client ?? {};
        const clientSide: Partial<Record<Slot, string>> =
          lib === 'paramiko'
            ? {
                kex: c.kex,
                hostKey: c.hostKey,
                cipher: c.cipher,
                ...(narrow?.slot === 'mac' ? { mac: c.mac } : {}),
              }
            : { cipher: c.cipher, ...(narrow?.slot === 'mac' ? { mac: c.mac } : {}) };
        return { ok: true, stdout: reply.stdout, stderr: reply.stderr, exit: reply.exit, log, clientSide };
      } finally {
        await p.close();
      }
    },
  };
}

/**
 * The algorithms a client offers: the name-lists of the KEXINIT it sends (RFC 4253 §7.1, in the
 * clear) to a listener that only sends an identification line, then hangs up.
 */
async function offeredBy(command: string, args: (port: number) => string[]): Promise<Record<Slot, string[]>> {
  const listener = createServer();
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const kexinit = new Promise<string[]>((resolve, reject) => {
    listener.once('connection', (socket) => {
      socket.on('error', () => {});
      socket.write('SSH-2.0-sshts_kexinit_probe\r\n');
      let data = Buffer.alloc(0);
      socket.on('data', (chunk: Buffer) => {
        data = Buffer.concat([data, chunk]);
        const nl = data.indexOf('\n');
        const packet = nl < 0 ? Buffer.alloc(0) : data.subarray(nl + 1);
        if (packet.length < 5 || packet.length < 4 + packet.readUInt32BE(0)) return;
        const payload = packet.subarray(5, 4 + packet.readUInt32BE(0) - packet[4]!);
        socket.destroy();
        if (payload[0] !== 20) return reject(new Error(`${command}: message ${payload[0]} before KEXINIT`));
        const lists: string[] = [];
        let offset = 1 + 16;
        for (let i = 0; i < 10; i++) {
          const length = payload.readUInt32BE(offset);
          lists.push(payload.subarray(offset + 4, offset + 4 + length).toString());
          offset += 4 + length;
        }
        resolve(lists);
      });
    });
  });
  const port = (listener.address() as AddressInfo).port;
  const home = await mkdtemp(join(tmpdir(), 'sshts-kexinit-'));
  const client = spawnClient(command, args(port), {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, LANG: 'C' },
    timeoutMs: 20_000,
  });
  try {
    const lists = await Promise.race([
      kexinit,
      client.done.then((r) => Promise.reject(new Error(`${command} sent no KEXINIT: ${describeRun(r)}`))),
    ]);
    const [kex, hostKey, cipherCs, cipherSc, macCs, macSc] = lists.map((l) => l.split(','));
    expect(cipherSc, 'the same ciphers both ways').toEqual(cipherCs);
    expect(macSc, 'the same MACs both ways').toEqual(macCs);
    return { kex: kex!, hostKey: hostKey!, cipher: cipherCs!, mac: macCs! };
  } finally {
    client.kill();
    await client.done.catch(() => {});
    listener.close();
    await rm(home, { recursive: true, force: true });
  }
}

/** A client's expected refusal of a host key that known_hosts (or -hostkey) does not hold. */
const HOST_KEY_REFUSAL: Record<ClientName, RegExp> = {
  ssh: /REMOTE HOST IDENTIFICATION HAS CHANGED[\s\S]*Host key verification failed/,
  dbclient: /ssh-ed25519 host key mismatch for 127\.0\.0\.1/,
  plink: /FATAL ERROR: Host key not in manually configured list/,
  paramiko: /BadHostKeyException: Host key for server '127\.0\.0\.1' does not match/,
  asyncssh: /HostKeyNotVerifiable: Host key is not trusted/,
};

let scratch: string;
let dropbearKey: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'sshts-server-conformance-'));
}, 60_000);
afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

for (const name of CLIENTS) {
  describe(`${name} × our server: the conformance matrix`, async () => {
    const path = name === 'paramiko' || name === 'asyncssh' ? await pythonWith(name) : await tool(name);
    const converter = name === 'dbclient' ? await tool('dropbearconvert') : 'n/a';
    if (!path || !converter) {
      // Only outside CI (under CI=true tool() / pythonWith() throw instead); the title says why.
      const reason = await missingReason(!path ? name : 'dropbearconvert');
      skipped.set(name, reason);
      it.skip(`${name}: ${reason}`, () => {});
      return;
    }
    let client: Client;
    beforeAll(async () => {
      if (name === 'ssh') client = await sshClient(path);
      else if (name === 'dbclient') {
        // The user key in Dropbear's own format, converted by dropbearconvert from the openssh-key-v1 file.
        const keys = await testKeys();
        const openssh = join(scratch, 'id_ed25519');
        await writeFile(openssh, writeOpenSSHPrivateKey(keys.user.ed25519), { mode: 0o600 });
        dropbearKey = join(scratch, 'id_ed25519.dropbear');
        const r = await runClient(converter, ['openssh', 'dropbear', openssh, dropbearKey], {
          env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
        });
        expect(r.code, describeRun(r)).toBe(0);
        client = dbclientClient(path, dropbearKey);
      } else if (name === 'plink') client = plinkClient(path);
      else client = await pythonClient(path, name);
      if (!client.probeOthers)
        theirsOnly.set(
          name,
          SLOTS.flatMap((slot) =>
            client.supported[slot]
              .filter((a) => !OUR_ALGORITHMS[slot].includes(a) && !/-cert-|^sk-|webauthn|^gss-/.test(a))
              .map((a) => `${slot} ${a}`),
          ),
        );
    }, 60_000);

    if (name === 'dbclient' || name === 'plink')
      it('the documented list holds, of our algorithms, exactly those its KEXINIT offers', async () => {
        const offered = await offeredBy(path, (port) =>
          name === 'plink'
            ? ['-batch', '-ssh', '-noagent', '-P', String(port), '-l', USER, '127.0.0.1', 'true']
            : ['-p', String(port), `${USER}@127.0.0.1`, 'true'],
        );
        for (const slot of SLOTS) {
          const ours = (list: string[]) => list.filter((a) => OUR_ALGORITHMS[slot].includes(a)).sort();
          expect(ours(client.supported[slot]), `${slot}: offered ${offered[slot].join(',')}`).toEqual(
            ours(offered[slot]),
          );
        }
      });

    it('refuses a host key that its known hosts do not hold (the verification the cells rely on)', async () => {
      const fx = await startServer({ server: { algorithms: { hostKey: ['ssh-ed25519'] } } });
      try {
        const r = await client.run(fx, { slot: 'hostKey', algorithm: 'ssh-ed25519' }, true);
        expect(r.ok, r.log).toBe(false);
        expect(r.log).toMatch(HOST_KEY_REFUSAL[name]);
        // Nothing ran: the client never authenticated.
        expect(fx.authAttempts).toEqual([]);
      } finally {
        await fx.close();
      }
    });

    it("our server's defaults and the client's: a working session, the same choice in every key exchange", async () => {
      for (const provider of PROVIDERS) expect(await runCell(client, undefined, provider)).toBe('ok');
    }, 120_000);

    for (const slot of SLOTS) {
      it(`every ${slot} algorithm it shares with our server, with both crypto providers`, async () => {
        const failures: string[] = [];
        let shared = 0;
        for (const algorithm of OUR_ALGORITHMS[slot]) {
          const inList = client.supported[slot].includes(algorithm);
          if (inList) shared++;
          for (const provider of PROVIDERS) {
            if (!inList && !client.probeOthers) {
              record(slot, algorithm, name, provider, 'not shared');
              continue;
            }
            try {
              record(slot, algorithm, name, provider, await runCell(client, { slot, algorithm }, provider));
            } catch (error) {
              const message = (error as Error).message;
              record(slot, algorithm, name, provider, { fail: message });
              failures.push(`${slot} ${algorithm} (${provider}): ${message}`);
            }
          }
        }
        expect(shared, `no ${slot} algorithm shared with ${name}`).toBeGreaterThan(0);
        expect(failures).toEqual([]);
      }, 600_000);
    }
  });
}
