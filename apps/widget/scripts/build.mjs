// Builds apps/widget/dist: the chat app (Vite, base /w/), the loader widget.js (one small IIFE
// via esbuild) and demo.html. Run with `npm run build` from apps/widget.
import { build as viteBuild } from 'vite';
import { build as esbuild } from 'esbuild';
import { copyFile, mkdir, rm, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = `${root}dist`;

await rm(dist, { recursive: true, force: true });
await mkdir(dist, { recursive: true });

await viteBuild({ configFile: `${root}vite.config.ts`, logLevel: 'warn' });

await esbuild({
  entryPoints: [`${root}src/loader/index.ts`],
  outfile: `${dist}/widget.js`,
  bundle: true,
  format: 'iife',
  minify: true,
  // Host pages are visited by every browser their customers use; keep the syntax conservative.
  target: ['es2017'],
  legalComments: 'none',
  sourcemap: false,
  logLevel: 'warning',
});

await copyFile(`${root}src/demo/demo.html`, `${dist}/demo.html`);

const size = (await stat(`${dist}/widget.js`)).size;
console.log(`widget: dist/app (chat app), dist/widget.js (${(size / 1024).toFixed(1)} KiB), dist/demo.html`);
