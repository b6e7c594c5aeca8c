import { readFileSync } from 'node:fs';

/**
 * The version of a dependency of this package, from its package.json in packages/bench/node_modules
 * (sshts's exports map does not expose its package.json, so require() cannot load it).
 */
export function packageVersion(name: string): string {
  const url = new URL(`../node_modules/${name}/package.json`, import.meta.url);
  return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
}
