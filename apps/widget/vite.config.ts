import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The visitor chat app, served by the server under /w/. The loader (widget.js) and the demo
 * page are built by scripts/build.mjs, which also runs this config.
 * `npm run dev` proxies API and WebSocket calls to a running server (VISAVIS_SERVER, default
 * http://localhost:3000) so the app can be worked on with hot reload.
 */
const here = fileURLToPath(new URL('.', import.meta.url));
const server = process.env.VISAVIS_SERVER ?? 'http://localhost:3000';

export default defineConfig({
  root: `${here}src/app`,
  resolve: {
    alias: {
      // The app uses only LIMITS at run time from the protocol package (everything else is
      // types). Its index also builds every zod schema, which no bundler can drop, so point the
      // runtime import at the side-effect-free limits module: the bundle shrinks by ~100 KB.
      // A value import from elsewhere in the protocol then fails the build loudly.
      '@visavis/protocol': `${here}../../packages/protocol/src/limits.ts`,
    },
  },
  base: '/w/',
  publicDir: false,
  build: {
    outDir: `${here}dist/app`,
    emptyOutDir: true,
    // WeChat and in-app WebViews lag behind browsers; stay on widely supported syntax.
    target: ['es2020', 'safari14', 'chrome87'],
    sourcemap: true,
    assetsInlineLimit: 0,
  },
  server: {
    proxy: {
      '/api': server,
      '/ws': { target: server.replace(/^http/, 'ws'), ws: true },
    },
  },
});
