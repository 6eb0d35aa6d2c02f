// Builds the test page of the video benchmarks: bench/video/page/entry.ts and the client SDK it
// imports (packages/client, unchanged) bundled on the fly by esbuild into one inline script.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const ENTRY = fileURLToPath(new URL('./page/entry.ts', import.meta.url));

export async function buildTestPage(): Promise<string> {
  const out = await build({
    entryPoints: [ENTRY],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    write: false,
    logLevel: 'silent',
  });
  const js = out.outputFiles[0]!.text.replace(/<\/script/gi, '<\\/script');
  return `<!doctype html><html><head><meta charset="utf-8"><title>visavis video bench</title></head>
<body style="margin:0;background:#222"><script>${js}</script></body></html>`;
}
