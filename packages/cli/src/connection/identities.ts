// What ssh(1) says about -i files before it connects: a file it cannot read is named ("Warning:
// Identity file … not accessible"). SSHClient skips such files, and also encrypted keys it has no
// passphrase for; sshts has no passphrase prompt, so that case is named too.
import { readFile } from 'node:fs/promises';
import { PassphraseRequiredError, parsePrivateKey } from 'sshts';

/** The warnings for -i files (already ~-expanded paths); none for usable keys. */
export async function identityWarnings(files: readonly { given: string; path: string }[]): Promise<string[]> {
  const warnings: string[] = [];
  for (const { given, path } of files) {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      const reason =
        (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'No such file or directory' : String(error);
      warnings.push(`Warning: Identity file ${given} not accessible: ${reason}.`);
      continue;
    }
    try {
      parsePrivateKey(text);
    } catch (error) {
      if (error instanceof PassphraseRequiredError) {
        warnings.push(
          `Warning: Identity file ${given} is encrypted and sshts cannot ask for its passphrase; add it to ssh-agent instead.`,
        );
      } else
        warnings.push(
          `Warning: Identity file ${given} is not a usable private key: ${(error as Error).message}`,
        );
    }
  }
  return warnings;
}
