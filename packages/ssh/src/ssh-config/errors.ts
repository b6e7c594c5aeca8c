// The one error type of ssh_config handling. OpenSSH reports a bad line as "FILE line N: ..." and
// then exits (readconf.c read_config_file_depth: "terminating, N bad configuration options"); we
// throw instead, with the same wording and the place as fields.
import { SSHError } from '@sshts/wire';

/** Where a configuration line came from. */
export interface ConfigSourcePosition {
  /** The file name as given to the parser or loader (`<config>` for text without one). */
  readonly file: string;
  /** 1-based line number. */
  readonly line: number;
}

export type SSHConfigErrorCode =
  /** A line OpenSSH would reject: unknown keyword, bad value, bad quotes, bad Match, ... */
  | 'ERR_SSH_CONFIG'
  /** Include nested deeper than OpenSSH's READCONF_MAX_DEPTH (16): usually an Include loop. */
  | 'ERR_SSH_CONFIG_INCLUDE_DEPTH'
  /** A size limit of ours (file size, number of included files) was exceeded. */
  | 'ERR_SSH_CONFIG_LIMIT'
  /** A value could not be expanded at lookup time (%-token, ${ENV}, ~user). */
  | 'ERR_SSH_CONFIG_EXPANSION'
  /** A configuration file could not be read, or has unsafe ownership or permissions. */
  | 'ERR_SSH_CONFIG_FILE';

/** A configuration problem, with the file and line when there is one. */
export class SSHConfigError extends SSHError {
  override readonly code: SSHConfigErrorCode;
  readonly file: string | undefined;
  readonly line: number | undefined;
  /** The bare problem, without the "FILE line N: " prefix. */
  readonly detail: string;

  constructor(
    detail: string,
    where?: Partial<ConfigSourcePosition>,
    options?: { code?: SSHConfigErrorCode; cause?: unknown },
  ) {
    const code = options?.code ?? 'ERR_SSH_CONFIG';
    const prefix =
      where?.file !== undefined && where.line !== undefined
        ? `${where.file} line ${where.line}: `
        : where?.file !== undefined
          ? `${where.file}: `
          : '';
    super(code, prefix + detail, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.file = where?.file;
    this.line = where?.line;
    this.detail = detail;
  }
}
