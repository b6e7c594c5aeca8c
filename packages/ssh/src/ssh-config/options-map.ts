// HostConfig.options: every keyword the files set for the host, unexpanded, so that options this
// library does not interpret are still available. Single-valued keywords give the words of the
// line that won; accumulating ones give one entry per kept value (a forwarding as
// "listen target", as written).
import type { ObtainedOptions } from './evaluate.js';

export function optionsMap(o: ObtainedOptions): Record<string, readonly string[]> {
  const out: Record<string, readonly string[]> = {};
  const entries: [string, readonly string[]][] = [];
  for (const [keyword, obtained] of o.single) {
    if (obtained.pos.line === 0 && obtained.pos.file === '<lookup>') continue; // a lookup() preset
    entries.push([keyword, obtained.args]);
  }
  // A ProxyJump with hops sets ProxyCommand to "none" itself; that is not a value from the files.
  if (o.proxyCommand !== undefined && o.proxyJump?.value.kind !== 'hops')
    entries.push(['proxycommand', [o.proxyCommand.value]]);
  if (o.proxyJump !== undefined)
    entries.push(['proxyjump', o.proxyJump.args.length > 0 ? [o.proxyJump.args.join(' ')] : []]);
  if (o.identityFiles.length > 0) entries.push(['identityfile', o.identityFiles.map((e) => e.path)]);
  if (o.certificateFiles.length > 0) entries.push(['certificatefile', o.certificateFiles.map((e) => e.path)]);
  const forwards = (which: string, list: typeof o.localForwards) => {
    const picked = list.filter((e) => e.which === which);
    if (picked.length > 0) entries.push([`${which}forward`, picked.map((e) => e.words.join(' '))]);
  };
  forwards('local', o.localForwards);
  forwards('dynamic', o.localForwards);
  forwards('remote', o.remoteForwards);
  if (o.sendEnv.length > 0) entries.push(['sendenv', [...o.sendEnv]]);
  if (o.setEnv !== undefined) entries.push(['setenv', [...o.setEnv]]);
  if (o.forwardAgentPath !== undefined) entries.push(['forwardagent', [o.forwardAgentPath.value]]);
  else if (o.forwardAgent !== undefined) entries.push(['forwardagent', [o.forwardAgent ? 'yes' : 'no']]);
  for (const [keyword, obtained] of o.ignored) entries.push([keyword, obtained.args]);
  for (const [k, v] of entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) out[k] = v;
  return out;
}
