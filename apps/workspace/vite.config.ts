import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The server serves dist/ at /app/, so every asset URL must carry that prefix.
// In dev, API and WebSocket calls go to the local server so cookies stay same-origin.
const backend = 'http://127.0.0.1:8080';

export default defineConfig({
  base: '/app/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    rolldownOptions: {
      // The workspace only needs constants and types from @visavis/protocol; its zod schemas are
      // pure declarations. Declaring the package (and zod) side-effect free lets the bundler
      // drop ~150 kB of validation code the browser never runs.
      treeshake: {
        moduleSideEffects: (id: string) => !/[\\/](packages[\\/]protocol|node_modules[\\/]zod)[\\/]/.test(id),
      },
    },
  },
  server: {
    port: 5174,
    proxy: {
      '/api': { target: backend, changeOrigin: false },
      '/ws': { target: backend, ws: true, changeOrigin: false },
    },
  },
});
