// Command-line options: one description per option serves both node:util parseArgs and the help
// text. `parseOptions` adds what ssh(1) users expect on top of parseArgs: options may come before
// and after the destination, and everything after the command's first word is the command itself
// (`sshts exec host ls -la` runs `ls -la`), as ssh parses its own command line.
import { parseArgs } from 'node:util';
import { UsageError } from '../errors.js';

export interface OptionSpec {
  /** The long name (`--name`) and the key of its value. */
  readonly name: string;
  /** One letter (`-p`). */
  readonly short?: string;
  readonly type: 'boolean' | 'string';
  /** Repeatable: the values are collected in order (`-o a -o b`, `-vv`). */
  readonly multiple?: boolean;
  /** The value's placeholder in help (`<port>`). */
  readonly value?: string;
  readonly description: string;
}

export type OptionValue = string | boolean | (string | boolean)[] | undefined;

export interface ParsedArgs {
  readonly values: Readonly<Record<string, OptionValue>>;
  readonly positionals: readonly string[];
}

export interface ParseOptionsSettings {
  /** The command, for the help pointer of a UsageError. */
  readonly command: string;
  /**
   * ssh-style: options are read among the first `leadingPositionals` positionals only; the next
   * positional and all that follows (options included) are positionals. Default: options anywhere,
   * `--` ends them.
   */
  readonly leadingPositionals?: number;
}

/** Parses `argv` against `specs`; a UsageError for an unknown option or a missing value. */
export function parseOptions(
  specs: readonly OptionSpec[],
  argv: readonly string[],
  settings: ParseOptionsSettings,
): ParsedArgs {
  const options = Object.fromEntries(
    specs.map((s) => [
      s.name,
      { type: s.type, ...(s.short ? { short: s.short } : {}), ...(s.multiple ? { multiple: true } : {}) },
    ]),
  );
  const split =
    settings.leadingPositionals === undefined
      ? undefined
      : splitOptions(specs, argv, settings.leadingPositionals);
  try {
    const parsed = parseArgs({
      args: split ? split.options : [...argv],
      options,
      strict: true,
      allowPositionals: split === undefined,
    });
    return {
      values: parsed.values as Record<string, OptionValue>,
      positionals: split ? split.positionals : parsed.positionals,
    };
  } catch (error) {
    throw new UsageError(describeParseError(error), settings.command);
  }
}

/** Separates the option words from the positionals, ssh's way (see ParseOptionsSettings). */
function splitOptions(
  specs: readonly OptionSpec[],
  argv: readonly string[],
  leading: number,
): { options: string[]; positionals: string[] } {
  const options: string[] = [];
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg.startsWith('-') && arg !== '-') {
      options.push(arg);
      if (takesNextWord(specs, arg) && i + 1 < argv.length) options.push(argv[++i] as string);
      continue;
    }
    if (positionals.length >= leading) {
      positionals.push(...argv.slice(i));
      break;
    }
    positionals.push(arg);
  }
  return { options, positionals };
}

/** Whether an option word leaves its value to the next word (`-p 22`, `--port 22`, `-vp 22`). */
function takesNextWord(specs: readonly OptionSpec[], arg: string): boolean {
  if (arg.startsWith('--')) {
    if (arg.includes('=')) return false;
    return specs.find((s) => s.name === arg.slice(2))?.type === 'string';
  }
  for (let j = 1; j < arg.length; j++) {
    const spec = specs.find((s) => s.short === arg[j]);
    if (spec === undefined) return false; // parseArgs reports it
    if (spec.type === 'string') return j === arg.length - 1;
  }
  return false;
}

function describeParseError(error: unknown): string {
  const e = error as { code?: string; message?: string };
  if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const option = /'([^']+)'/.exec(e.message ?? '')?.[1];
    return `unknown option ${option ?? ''}`.trim();
  }
  if (e.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    const word = /'([^']+)'/.exec(e.message ?? '')?.[1];
    return `unexpected argument ${word ?? ''}`.trim();
  }
  return e.message ?? String(error);
}

/** The values of a repeatable string option, in order. */
export function stringList(value: OptionValue): string[] {
  if (value === undefined) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.filter((v): v is string => typeof v === 'string');
}

/** A single string option (the last one given wins, as getopt-based tools do). */
export function stringValue(value: OptionValue): string | undefined {
  const list = stringList(value);
  return list[list.length - 1];
}

/** How many times a boolean option was given (`-vvv` is 3). */
export function count(value: OptionValue): number {
  if (value === undefined || value === false) return 0;
  return Array.isArray(value) ? value.filter((v) => v === true).length : 1;
}

/** The help lines for `specs`: `  -p, --port <port>  description`, aligned. */
export function formatOptions(specs: readonly OptionSpec[]): string[] {
  const heads = specs.map((s) => {
    const value = s.type === 'string' ? ` <${s.value ?? 'value'}>` : '';
    return `${s.short ? `-${s.short}, ` : '    '}--${s.name}${value}`;
  });
  const width = Math.max(0, ...heads.map((h) => h.length));
  return specs.map((s, i) => `  ${(heads[i] as string).padEnd(width)}  ${s.description}`);
}
