// `vite` (dev server) reads the workspace packages' TypeScript sources through their `sshts-source`
// export condition, so no build is needed and library edits reload. `vite build` resolves sshts
// and @sshts/websocket as an npm user's project would: their package.json exports with Vite's
// browser conditions (never `node`), i.e. the browser-safe dist/ entries.
import { defaultClientConditions, defineConfig } from 'vite';

export default defineConfig(({ command }) => ({
  resolve: command === 'serve' ? { conditions: ['sshts-source', ...defaultClientConditions] } : {},
  build: { target: 'es2022', chunkSizeWarningLimit: 1024 },
}));
