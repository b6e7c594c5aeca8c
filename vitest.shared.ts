// The vitest settings every package shares; each package's vitest.config.ts re-exports this.
import { defineConfig } from 'vitest/config';

// Tests run on the TypeScript sources of every workspace package (the `sshts-source` export
// condition), so no build is needed first.
const conditions = ['sshts-source', 'module', 'node', 'development|production'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    // The JSON report feeds the one-line total that scripts/test.mjs prints at the end.
    reporters: ['default', 'json'],
    outputFile: { json: '.vitest-report.json' },
  },
});
