// The layer rule of ../shared/design/ARCHITECTURE.md, checked on every test run.
// A package may import only packages to its left in the layer diagram; browser-safe packages import
// no Node built-in outside their src/node/ folder.
const layers = {
  wire: [],
  keys: ['wire'],
  transport: ['wire', 'keys'],
  kex: ['wire', 'keys', 'transport'],
  auth: ['wire', 'keys', 'transport'],
  channel: ['wire', 'transport'],
  sftp: ['wire', 'channel'],
  websocket: ['wire', 'transport'],
  ssh: ['wire', 'keys', 'transport', 'kex', 'auth', 'channel', 'sftp', 'websocket'],
  cli: ['wire', 'keys', 'transport', 'kex', 'auth', 'channel', 'sftp', 'websocket', 'ssh'],
};
const all = Object.keys(layers);
const browserSafe = ['wire', 'keys', 'transport', 'kex', 'auth', 'channel', 'sftp', 'websocket', 'ssh'];

const layerRules = all.map((pkg) => {
  const allowed = [pkg, ...layers[pkg]];
  const forbidden = all.filter((p) => !allowed.includes(p));
  return {
    name: `layer-${pkg}`,
    comment: `@sshts/${pkg} may import only: ${allowed.join(', ')}`,
    severity: 'error',
    from: { path: `^packages/${pkg}/` },
    to: { path: `^packages/(${forbidden.join('|')})/` },
  };
});

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'browser-safe-no-node-builtins',
      comment: 'Browser-safe source imports no node: module; Node-only code lives under src/node/.',
      severity: 'error',
      from: { path: `^packages/(${browserSafe.join('|')})/src/`, pathNot: '/src/node/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'src-no-dev-dependencies',
      comment: 'Published source must not import devDependencies.',
      severity: 'error',
      // The private, never published bench package runs its devDependencies (ssh2, test-peers).
      from: { path: '^packages/[^/]+/src/', pathNot: '^packages/bench/' },
      to: { dependencyTypes: ['npm-dev'] },
    },
    {
      name: 'src-no-test-peers',
      comment: 'Published source never imports the test harness (a devDependency of every package).',
      severity: 'error',
      from: { path: '^packages/[^/]+/src/', pathNot: '^packages/(test-peers|bench)/' },
      to: { path: '^packages/test-peers/' },
    },
    {
      name: 'nothing-imports-bench',
      comment: 'packages/bench (@sshts/bench) is a leaf: benchmarks import the packages, never the reverse.',
      severity: 'error',
      from: { path: '^packages/', pathNot: '^packages/bench/' },
      to: { path: '^packages/bench/' },
    },
    {
      name: 'no-circular',
      comment: 'No runtime import cycles; type-only imports are erased and may refer back.',
      severity: 'error',
      from: { path: '^packages/[^/]+/src/' },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: { path: '^packages/' },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['sshts-source', 'import', 'types', 'default'],
      extensions: ['.ts', '.js', '.mjs', '.json'],
    },
  },
};
