import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';

export interface StaticDeps {
  /** Site key of the demo organisation, written into the demo page. */
  demoSiteKey: () => Promise<string | null>;
}

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const WIDGET_DIST = path.join(ROOT, 'widget/dist');
const WORKSPACE_DIST = path.join(ROOT, 'workspace/dist');

const NOT_BUILT = (what: string) =>
  `<!doctype html><meta charset="utf-8"><title>Visavis</title><p>The ${what} is not built yet: run <code>npm run build</code>.</p>`;

/** The built UIs: workspace at /app/, widget loader at /widget.js, chat app at /w/, demo at /demo. */
export async function registerStaticRoutes(app: FastifyInstance, d: StaticDeps): Promise<void> {
  app.get('/', async (_req, reply) => reply.redirect('/app/'));

  if (existsSync(WORKSPACE_DIST)) {
    await app.register(fastifyStatic, { root: WORKSPACE_DIST, prefix: '/app/', decorateReply: false });
  } else {
    app.get('/app/', async (_req, reply) => reply.type('text/html').send(NOT_BUILT('workspace')));
  }

  const appDir = path.join(WIDGET_DIST, 'app');
  if (existsSync(appDir)) {
    await app.register(fastifyStatic, { root: appDir, prefix: '/w/', decorateReply: false });
  } else {
    app.get('/w/', async (_req, reply) => reply.type('text/html').send(NOT_BUILT('widget')));
  }

  app.get('/widget.js', async (_req, reply) => {
    const file = path.join(WIDGET_DIST, 'widget.js');
    if (!existsSync(file)) return reply.code(404).type('text/plain').send('widget not built');
    return reply
      .type('application/javascript; charset=utf-8')
      .header('cache-control', 'public, max-age=300')
      .header('access-control-allow-origin', '*')
      .send(await readFile(file));
  });

  app.get('/demo', async (_req, reply) => {
    const file = path.join(WIDGET_DIST, 'demo.html');
    if (!existsSync(file)) return reply.type('text/html').send(NOT_BUILT('demo page'));
    const siteKey = (await d.demoSiteKey()) ?? '';
    const html = (await readFile(file, 'utf8')).replaceAll('__SITE_KEY__', siteKey.replace(/[^A-Za-z0-9_-]/g, ''));
    return reply.type('text/html; charset=utf-8').send(html);
  });
}
