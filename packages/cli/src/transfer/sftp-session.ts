// The SFTP session get, put and ls work in: log in (as sftp(1): no forwardings), open the "sftp"
// subsystem, run the body, close both whatever happens.

import type { SFTPClient } from 'sshts';
import type { Destination } from '../args/destination.js';
import type { OptionValue } from '../args/options.js';
import { type Connection, openConnection } from '../connection/connect.js';
import { sessionFailure } from '../connection/failure.js';
import { connectionFlags } from '../connection/options.js';
import type { CliIo } from '../io.js';

export async function withSftp<T>(
  values: Readonly<Record<string, OptionValue>>,
  destination: Destination,
  io: CliIo,
  command: string,
  body: (sftp: SFTPClient, conn: Connection) => Promise<T>,
): Promise<T> {
  const conn = await openConnection(connectionFlags(values, command), destination, io, command);
  try {
    let sftp: SFTPClient;
    try {
      sftp = await conn.client.openSftp();
    } catch (error) {
      throw sessionFailure(error);
    }
    try {
      return await body(sftp, conn);
    } finally {
      await sftp.close().catch(() => {});
    }
  } finally {
    await conn.close();
  }
}
