// The destination operand of exec, shell and keyscan, checked: a UsageError names the command.
import { UsageError } from '../errors.js';
import { type Destination, parseDestination } from './destination.js';

export function destinationArgument(args: { positionals: readonly string[] }, command: string): Destination {
  const target = args.positionals[0];
  if (target === undefined) throw new UsageError('missing destination [user@]host[:port]', command);
  const destination = parseDestination(target);
  if (destination === undefined) throw new UsageError(`bad destination '${target}'`, command);
  return destination;
}
