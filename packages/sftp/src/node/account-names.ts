// User and group names for `ls -l` longnames and users-groups-by-id@openssh.com, as OpenSSH's
// sftp-server finds them (getpwuid / getgrgid): the host's /etc/passwd and /etc/group. Read
// lazily, kept for a minute; a host without them (or unreadable ones) just gives no names.
import { readFile } from 'node:fs/promises';

const TTL_MS = 60_000;

type Table = Map<number, string>;

async function parse(path: string): Promise<Table> {
  const table: Table = new Map();
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return table;
  }
  for (const line of text.split('\n')) {
    // name:password:id:…
    const fields = line.split(':');
    if (fields.length < 3 || fields[0] === '' || line.startsWith('#')) continue;
    const id = Number(fields[2]);
    if (Number.isInteger(id) && id >= 0 && !table.has(id)) table.set(id, fields[0]!);
  }
  return table;
}

export class AccountNames {
  private cache: { at: number; users: Promise<Table>; groups: Promise<Table> } | undefined;

  constructor(
    private readonly passwd = '/etc/passwd',
    private readonly group = '/etc/group',
  ) {}

  async user(uid: number): Promise<string | undefined> {
    return (await this.tables().users).get(uid);
  }

  async groupName(gid: number): Promise<string | undefined> {
    return (await this.tables().groups).get(gid);
  }

  private tables() {
    const now = Date.now();
    if (!this.cache || now - this.cache.at > TTL_MS) {
      this.cache = { at: now, users: parse(this.passwd), groups: parse(this.group) };
    }
    return this.cache;
  }
}
