// sshts keygen: make a key pair as ssh-keygen(1) does — the private key in openssh-key-v1 format
// (mode 0600, encrypted with -N), the public line in FILE.pub — or with -l show the fingerprint
// of the keys in a file, with -y print a private key's public line. It never prompts: without -N
// the key is not encrypted, and an existing file is left alone.
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { hostname, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import type { GeneratedKeyType } from '@sshts/keys';
import { generatePrivateKey, parsePrivateKey, writeOpenSSHPrivateKey } from 'sshts';
import { type ParsedArgs, stringValue } from '../args/options.js';
import { CliError, ExitCode, UsageError } from '../errors.js';
import { type CliIo, writeLines } from '../io.js';
import { type FingerprintHash, fingerprintLine } from '../keys/fingerprint-line.js';
import { readPublicKeys } from '../keys/read-public-keys.js';
import { localPath } from '../local-path.js';
import type { Command } from './command.js';

const KEY_TYPES: readonly GeneratedKeyType[] = ['ed25519', 'ecdsa', 'rsa'];

function defaultComment(): string {
  let user: string;
  try {
    user = userInfo().username;
  } catch {
    user = 'user';
  }
  return `${user}@${hostname()}`;
}

function requireFile(args: ParsedArgs, what: string): string {
  const file = stringValue(args.values.file);
  if (file === undefined) throw new UsageError(`${what} needs -f file`, 'keygen');
  return file;
}

function hashOption(args: ParsedArgs): FingerprintHash {
  const hash = (stringValue(args.values.hash) ?? 'sha256').toLowerCase();
  if (hash !== 'sha256' && hash !== 'md5') throw new UsageError(`Invalid hash algorithm "${hash}"`, 'keygen');
  return hash;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function showFingerprints(args: ParsedArgs, io: CliIo): Promise<number> {
  const hash = hashOption(args);
  const file = localPath(io, requireFile(args, '-l'));
  const keys = await readPublicKeys(file, stringValue(args.values.passphrase));
  await writeLines(
    io.stdout,
    keys.map((k) => fingerprintLine(k.key, k.comment, hash)),
  );
  return ExitCode.OK;
}

async function showPublicKey(args: ParsedArgs, io: CliIo): Promise<number> {
  const file = localPath(io, requireFile(args, '-y'));
  let key: ReturnType<typeof parsePrivateKey>;
  try {
    key = parsePrivateKey(await readFile(file, 'utf8'), stringValue(args.values.passphrase));
  } catch (error) {
    throw new CliError(`${file}: ${(error as Error).message}`, ExitCode.FAILURE, { cause: error });
  }
  await writeLines(io.stdout, [publicLine(key.publicKey.toString(), key.comment)]);
  return ExitCode.OK;
}

/** "type base64 comment" (the key's own text may carry no comment). */
function publicLine(keyText: string, comment: string): string {
  const [type, data] = keyText.split(' ');
  return comment === '' ? `${type} ${data}` : `${type} ${data} ${comment}`;
}

function bitsOption(args: ParsedArgs): number | undefined {
  const text = stringValue(args.values.bits);
  if (text === undefined) return undefined;
  if (!/^[0-9]+$/.test(text)) throw new UsageError(`Bits has bad value ${text}`, 'keygen');
  return Number(text);
}

async function generate(args: ParsedArgs, io: CliIo): Promise<number> {
  const typeName = (stringValue(args.values.type) ?? 'ed25519').toLowerCase();
  if (!(KEY_TYPES as readonly string[]).includes(typeName)) {
    throw new UsageError(`unknown key type ${typeName} (ed25519, ecdsa, rsa)`, 'keygen');
  }
  const type = typeName as GeneratedKeyType;
  const bits = bitsOption(args);
  const given = stringValue(args.values.file);
  const path = given === undefined ? join(io.homeDir, '.ssh', `id_${type}`) : localPath(io, given);
  const comment = stringValue(args.values.comment) ?? defaultComment();
  const passphrase = stringValue(args.values['new-passphrase']) ?? '';
  const quiet = args.values.quiet === true;
  const say = (lines: string[]) => (quiet ? Promise.resolve() : writeLines(io.stdout, lines));

  if (await exists(path)) throw new CliError(`${path} already exists.`, ExitCode.FAILURE);
  await say([`Generating public/private ${type} key pair.`]);
  let key: Awaited<ReturnType<typeof generatePrivateKey>>;
  try {
    key = await generatePrivateKey(type, { ...(bits === undefined ? {} : { bits }), comment });
  } catch (error) {
    if (error instanceof RangeError) throw new UsageError(error.message, 'keygen');
    throw error;
  }
  if (given === undefined) await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  // 'wx': never replace a file that appeared meanwhile; 0600 as ssh-keygen writes private keys.
  await writeFile(path, writeOpenSSHPrivateKey(key, { passphrase, comment }), { mode: 0o600, flag: 'wx' });
  await writeFile(`${path}.pub`, `${publicLine(key.publicKey.toString(), comment)}\n`, { mode: 0o644 });
  await say([
    `Your identification has been saved in ${path}`,
    `Your public key has been saved in ${path}.pub`,
    'The key fingerprint is:',
    `${key.publicKey.fingerprint()} ${comment}`,
  ]);
  return ExitCode.OK;
}

export const keygenCommand: Command = {
  name: 'keygen',
  summary: 'Generate a key pair, or show a key file’s fingerprint (ssh-keygen)',
  usage: [
    'sshts keygen [-q] [-t ed25519|ecdsa|rsa] [-b bits] [-N passphrase] [-C comment] [-f file]',
    'sshts keygen -l [-E sha256|md5] -f file',
    'sshts keygen -y [-P passphrase] -f file',
  ],
  options: [
    {
      name: 'type',
      short: 't',
      type: 'string',
      value: 'type',
      description: 'ed25519 (default), ecdsa or rsa',
    },
    {
      name: 'bits',
      short: 'b',
      type: 'string',
      value: 'bits',
      description: 'ecdsa: 256, 384, 521; rsa: 2048–16384 (3072)',
    },
    {
      name: 'file',
      short: 'f',
      type: 'string',
      value: 'file',
      description: 'Key file (default ~/.ssh/id_<type>)',
    },
    {
      name: 'new-passphrase',
      short: 'N',
      type: 'string',
      value: 'passphrase',
      description: 'Encrypt the new key ("" or none: not encrypted)',
    },
    {
      name: 'comment',
      short: 'C',
      type: 'string',
      value: 'comment',
      description: 'Comment (default user@host)',
    },
    {
      name: 'fingerprint',
      short: 'l',
      type: 'boolean',
      description: 'Show the fingerprint of the keys in -f file',
    },
    {
      name: 'hash',
      short: 'E',
      type: 'string',
      value: 'hash',
      description: 'Fingerprint hash: sha256 (default) or md5',
    },
    {
      name: 'print-public',
      short: 'y',
      type: 'boolean',
      description: 'Print the public key of private key -f file',
    },
    {
      name: 'passphrase',
      short: 'P',
      type: 'string',
      value: 'passphrase',
      description: 'Passphrase of an existing key (-l, -y)',
    },
    { name: 'quiet', short: 'q', type: 'boolean', description: 'Print nothing when generating' },
  ],
  async run(args, io) {
    if (args.positionals.length > 0)
      throw new UsageError(`unexpected argument '${args.positionals[0]}'`, 'keygen');
    if (args.values.fingerprint === true) return showFingerprints(args, io);
    if (args.values['print-public'] === true) return showPublicKey(args, io);
    return generate(args, io);
  },
};
