import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import fastifyStatic from '@fastify/static';
import { demoPageCsp } from './security-headers.js';

export interface StaticDeps {
  /** Site key of the demo organisation, written into the demo page. */
  demoSiteKey: () => Promise<string | null>;
  /** Origins that may frame the chat app for this site key (the server's own, plus the org's allowed sites). */
  widgetFrameAncestors: (siteKey: string | null) => Promise<string[]>;
}

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const WIDGET_DIST = path.join(ROOT, 'widget/dist');
const WORKSPACE_DIST = path.join(ROOT, 'workspace/dist');

const NOT_BUILT = (what: string) =>
  `<!doctype html><meta charset="utf-8"><title>Visavis</title><p>The ${what} is not built yet: run <code>npm run build</code>.</p>`;

/** A separate CSP header: browsers enforce each one, so this adds to the surface's own policy. */
function addFrameAncestors(reply: FastifyReply, sources: string[]): void {
  const policy = `frame-ancestors ${[...new Set(sources)].join(' ')}`;
  const existing = reply.getHeader('content-security-policy');
  const list = existing === undefined ? [] : Array.isArray(existing) ? existing.map(String) : [String(existing)];
  reply.header('content-security-policy', [...list, policy]);
}

/** The built UIs: workspace at /app/, widget loader at /widget.js, chat app at /w/, demo at /demo. */
export async function registerStaticRoutes(app: FastifyInstance, d: StaticDeps): Promise<void> {
  app.get('/', async (_req, reply) => reply.redirect('/app/'));

  if (existsSync(WORKSPACE_DIST)) {
    await app.register(fastifyStatic, { root: WORKSPACE_DIST, prefix: '/app/', decorateReply: false });
  } else {
    app.get('/app/', async (_req, reply) => reply.type('text/html').send(NOT_BUILT('workspace')));
  }

  // The chat app's page may be framed only by its organisation's allowed sites: a foreign page
  // framing it could otherwise talk to it and watch the visitor's chat. The site key is in the URL.
  app.addHook('onSend', async (req, reply) => {
    const [pathname, search = ''] = req.url.split('?', 2);
    if (pathname !== '/w/' && pathname !== '/w/index.html') return;
    const siteKey = new URLSearchParams(search).get('siteKey');
    const origins = await d.widgetFrameAncestors(siteKey && siteKey.length <= 64 ? siteKey : null);
    addFrameAncestors(reply, ["'self'", ...origins]);
  });

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
    return reply.type('text/html; charset=utf-8').header('content-security-policy', demoPageCsp(html)).send(html);
  });
}
