// A configuration file as a list of lines, with its Include directives resolved into nested files.
// OpenSSH re-reads the files for every connection and checks each line as it goes; we read once
// and check what does not depend on the host here, so a bad file fails at load time. What does
// depend on it (an unknown keyword after an IgnoreUnknown line may or may not be covered by it,
// depending on which blocks match) is checked by the lookup (evaluate.ts).
import { type OptionValue, parseOptionValue } from './directives.js';
import { type ConfigSourcePosition, SSHConfigError } from './errors.js';
import { type KeywordKind, lookupKeyword } from './keywords.js';
import { argvSplit, lexLine } from './lexer.js';
import { type MatchCriterion, parseMatchCriteria } from './match-criteria.js';

/** Which file an Include is in decides how its relative paths resolve (and whether '~' is allowed). */
export type ConfigFileKind = 'user' | 'system';

export type ConfigLine =
  | { readonly type: 'host'; readonly patterns: readonly string[]; readonly pos: ConfigSourcePosition }
  | {
      readonly type: 'match';
      readonly criteria: readonly MatchCriterion[];
      readonly pos: ConfigSourcePosition;
    }
  | { readonly type: 'include'; readonly files: readonly ConfigFile[]; readonly pos: ConfigSourcePosition }
  | {
      readonly type: 'option';
      /** The keyword's canonical lower-case name (aliases resolved), as `ssh -G` prints it. */
      readonly keyword: string;
      /** The keyword as written, lower-cased, for messages. */
      readonly written: string;
      readonly kind: KeywordKind;
      readonly args: readonly string[];
      readonly value: OptionValue;
      readonly pos: ConfigSourcePosition;
    }
  | {
      readonly type: 'unknown';
      readonly keyword: string;
      readonly args: readonly string[];
      readonly pos: ConfigSourcePosition;
    };

export interface ConfigFile {
  readonly path: string;
  readonly kind: ConfigFileKind;
  readonly lines: readonly ConfigLine[];
}

/** What an Include directive asks the resolver for. */
export interface IncludeRequest {
  /**
   * The glob to expand: the argument anchored as OpenSSH anchors it — relative paths are put under
   * "~/.ssh/" (user configuration) or "/etc/ssh/" (system configuration). A leading '~' is left
   * for the resolver (OpenSSH expands it with glob(GLOB_TILDE), which uses $HOME).
   */
  readonly pattern: string;
  /** The argument as written. */
  readonly argument: string;
  readonly from: ConfigSourcePosition;
  readonly kind: ConfigFileKind;
}

/** One file an Include matched, in the order they are to be read (glob sorts them lexically). */
export interface IncludeSource {
  readonly path: string;
  readonly text: string;
}

/** Limits of ours; OpenSSH has none beyond READCONF_MAX_DEPTH but reads files lazily. */
export const READCONF_MAX_DEPTH = 16;
export const MAX_CONFIG_FILE_CHARS = 4 * 1024 * 1024;
export const MAX_INCLUDED_FILES = 1024;

/** Shared by one parse (all files of one configuration). */
export interface ParseBudget {
  /** Included files read so far. */
  includedFiles: number;
  /** Whether an IgnoreUnknown line has been read yet (before it, an unknown keyword is always an error). */
  ignoreUnknownSeen?: boolean;
}

/**
 * Parses `text` as the file `path`. Yields an IncludeRequest for each Include argument and expects
 * the matching files back; run it with parseConfigFile() or parseConfigFileAsync().
 */
export function* parseConfigFileSteps(
  text: string,
  path: string,
  kind: ConfigFileKind,
  depth: number,
  budget: ParseBudget,
): Generator<IncludeRequest, ConfigFile, readonly IncludeSource[]> {
  if (text.length > MAX_CONFIG_FILE_CHARS) {
    throw new SSHConfigError(
      `file larger than ${MAX_CONFIG_FILE_CHARS} characters`,
      { file: path },
      { code: 'ERR_SSH_CONFIG_LIMIT' },
    );
  }
  const lines: ConfigLine[] = [];
  const raw = text.split('\n');
  for (let n = 0; n < raw.length; n++) {
    const pos: ConfigSourcePosition = { file: path, line: n + 1 };
    const lexed = lexLine(raw[n] as string);
    if (lexed.kind === 'empty') continue;
    if (lexed.kind === 'noArgument')
      throw new SSHConfigError(`no argument after keyword "${lexed.keyword}"`, pos);
    const args = argvSplit(lexed.rest);
    if (args === null) throw new SSHConfigError('invalid quotes', pos);
    const spec = lookupKeyword(lexed.keyword);
    if (spec === undefined) {
      // Without an IgnoreUnknown before it, no lookup can accept the line: fail now, in file order.
      if (!budget.ignoreUnknownSeen)
        throw new SSHConfigError(`Bad configuration option: ${lexed.keyword}`, pos);
      lines.push({ type: 'unknown', keyword: lexed.keyword, args, pos });
      continue;
    }
    if (spec.name === 'ignoreunknown') budget.ignoreUnknownSeen = true;
    switch (spec.kind.t) {
      case 'host':
        for (const p of args)
          if (p === '') throw new SSHConfigError(`keyword ${lexed.keyword} empty argument`, pos);
        lines.push({ type: 'host', patterns: args, pos });
        break;
      case 'match':
        lines.push({ type: 'match', criteria: parseMatchCriteria(lexed.rest, pos), pos });
        break;
      case 'include': {
        const files: ConfigFile[] = [];
        for (const arg of args) {
          if (arg === '') throw new SSHConfigError(`keyword ${lexed.keyword} empty argument`, pos);
          if (arg.startsWith('~') && kind !== 'user')
            throw new SSHConfigError(`bad include path ${arg}.`, pos);
          const pattern =
            arg.startsWith('/') || arg.startsWith('~')
              ? arg
              : `${kind === 'user' ? '~/.ssh' : '/etc/ssh'}/${arg}`;
          const sources = yield { pattern, argument: arg, from: pos, kind };
          for (const source of sources) {
            if (depth + 1 > READCONF_MAX_DEPTH) {
              throw new SSHConfigError('Too many recursive configuration includes', pos, {
                code: 'ERR_SSH_CONFIG_INCLUDE_DEPTH',
              });
            }
            if (++budget.includedFiles > MAX_INCLUDED_FILES) {
              throw new SSHConfigError(`more than ${MAX_INCLUDED_FILES} included files`, pos, {
                code: 'ERR_SSH_CONFIG_LIMIT',
              });
            }
            files.push(yield* parseConfigFileSteps(source.text, source.path, kind, depth + 1, budget));
          }
        }
        lines.push({ type: 'include', files, pos });
        break;
      }
      default:
        lines.push({
          type: 'option',
          keyword: spec.name,
          written: lexed.keyword,
          kind: spec.kind,
          args,
          value: parseOptionValue(spec.kind, lexed.keyword, args, lexed.rest, pos),
          pos,
        });
    }
  }
  return { path, kind, lines };
}

/** Resolves Include patterns synchronously (e.g. from an in-memory map of files). */
export type IncludeResolver = (request: IncludeRequest) => readonly IncludeSource[];
export type AsyncIncludeResolver = (request: IncludeRequest) => Promise<readonly IncludeSource[]>;

/** Parses one file; Include directives are resolved with `resolve` (none resolve without it). */
export function parseConfigFile(
  text: string,
  path: string,
  kind: ConfigFileKind,
  resolve?: IncludeResolver,
  budget: ParseBudget = { includedFiles: 0 },
): ConfigFile {
  const steps = parseConfigFileSteps(text, path, kind, 0, budget);
  let step = steps.next();
  while (!step.done) step = steps.next(resolve ? resolve(step.value) : []);
  return step.value;
}

/** parseConfigFile() with an asynchronous resolver (file system access in Node). */
export async function parseConfigFileAsync(
  text: string,
  path: string,
  kind: ConfigFileKind,
  resolve: AsyncIncludeResolver,
  budget: ParseBudget = { includedFiles: 0 },
): Promise<ConfigFile> {
  const steps = parseConfigFileSteps(text, path, kind, 0, budget);
  let step = steps.next();
  while (!step.done) step = steps.next(await resolve(step.value));
  return step.value;
}
