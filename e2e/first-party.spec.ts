// The widget remembers a visitor on a real third-party site although the browser blocks the chat
// iframe's storage: the loader keeps the refresh token in the host page's own (first-party)
// storage and hands it to the iframe over the verified postMessage channel. Also: a site the
// organisation has not allowed cannot frame the chat at all (frame-ancestors).
//
// How storage is blocked: Chromium's "block third-party cookies" setting (profile preference
// cookie_controls_mode = 1, in a persistent profile), which in Chromium also denies third-party
// frames localStorage (it throws SecurityError). The test checks that it does before relying on it.
import { createServer, type Server } from 'node:http';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { chromium, type BrowserContext, type Frame, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './harness/browser.js';
import { startServer, type RunningServer } from './harness/server.js';
import { createHmac } from 'node:crypto';
import { launchBrowser } from './harness/browser.js';
import { DEMO_PASSWORD, SITE_KEY, WAIT_MS, closeSide, expectTranscript, loginAgent, sendText, waitConnected, waitFor } from './harness/chat.js';

let server: RunningServer;
let shop: Server;
let shopPort: number;
let otherPort: number;
let other: Server;
let profile: string;
let context: BrowserContext;

/** A customer's page on another site (localhost vs the server's 127.0.0.1) embedding the widget. */
function shopPage(widgetOrigin: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title></head><body>
<h1>A shop</h1>
<script>window.Visavis=window.Visavis||function(){(Visavis.q=Visavis.q||[]).push(arguments)}</script>
<script async src="${widgetOrigin}/widget.js" data-site-key="${SITE_KEY}" data-lang="en"></script>
</body></html>`;
}

async function serve(html: () => string): Promise<{ srv: Server; port: number }> {
  const srv = createServer((_req, res) => {
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end(html());
  });
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  return { srv, port: (srv.address() as { port: number }).port };
}

beforeAll(async () => {
  server = await startServer();
  ({ srv: shop, port: shopPort } = await serve(() => shopPage(server.url)));
  ({ srv: other, port: otherPort } = await serve(() => shopPage(server.url)));
  // The admin allows the shop's site (and not the other one), as on the "Site & security" page.
  const login = await fetch(`${server.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'admin@demo.visavis.local', password: DEMO_PASSWORD }),
  });
  const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const put = await fetch(`${server.url}/api/admin/site/allowed-origins`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', cookie },
    body: JSON.stringify({ allowedOrigins: [`http://localhost:${shopPort}`] }),
  });
  expect(put.status).toBe(200);

  profile = await mkdtemp(path.join(tmpdir(), 'vv-first-party-'));
  await mkdir(path.join(profile, 'Default'));
  await writeFile(
    path.join(profile, 'Default', 'Preferences'),
    JSON.stringify({ profile: { cookie_controls_mode: 1, block_third_party_cookies: true } }),
  );
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
    headless: true,
    viewport: { width: 1280, height: 800 },
  });
});

afterAll(async () => {
  await context?.close();
  shop?.close();
  other?.close();
  await server?.stop();
  if (profile) await rm(profile, { recursive: true, force: true });
});

/** Loads the shop page, opens the launcher and answers the connected chat frame. */
async function openOnShop(page: Page, url: string): Promise<Frame> {
  await page.goto(url);
  await page.getByTestId('launcher').click();
  const frame = await (await page.getByTestId('chat-frame').elementHandle({ timeout: WAIT_MS }))?.contentFrame();
  if (!frame) throw new Error('the widget iframe has no frame');
  await waitConnected(frame);
  return frame;
}

/** The visitor id in the chat app's current access token (`v.<base64url {org, vis, sid, exp}>.<sig>`). */
async function visitorIdIn(frame: Frame): Promise<string> {
  const token = await waitFor(
    'the chat app to hold an access token',
    () => frame.evaluate(() => (window as unknown as { __visavisChat?: { accessToken: () => string | null } }).__visavisChat?.accessToken() ?? null),
    (v) => typeof v === 'string' && v.startsWith('v.'),
  );
  return (JSON.parse(Buffer.from(token!.split('.')[1]!, 'base64url').toString('utf8')) as { vis: string }).vis;
}

test('a reload on a third-party site with blocked iframe storage keeps the visitor and the chat', async () => {
  const page = await context.newPage();
  const shopUrl = `http://localhost:${shopPort}/`;
  const frame = await openOnShop(page, shopUrl);

  // The precondition: this browser denies the chat iframe its storage, the host page keeps its own.
  const frameStorage = await frame.evaluate(() => {
    try {
      localStorage.setItem('vv-probe', '1');
      return 'usable';
    } catch (e) {
      return (e as Error).name;
    }
  });
  expect(frameStorage).toBe('SecurityError');

  await sendText(frame, 'Please remember me');
  await expectTranscript(frame, ['visitor: Please remember me']);
  const visitorId = await visitorIdIn(frame);
  const kept = await page.evaluate((k) => localStorage.getItem(k), `visavis.session.${SITE_KEY}`);
  expect(kept).toMatch(/^[A-Za-z0-9_-]{16,}$/);

  const again = await openOnShop(page, shopUrl);
  await expectTranscript(again, ['visitor: Please remember me']);
  expect(await visitorIdIn(again)).toBe(visitorId);
  // Each use rotates the refresh token; the loader keeps the newest.
  const rotated = await page.evaluate((k) => localStorage.getItem(k), `visavis.session.${SITE_KEY}`);
  expect(rotated).not.toBe(kept);

  // Without the first-party copy the iframe alone cannot remember: a new, empty visitor.
  await page.evaluate((k) => localStorage.removeItem(k), `visavis.session.${SITE_KEY}`);
  const forgotten = await openOnShop(page, shopUrl);
  expect(await visitorIdIn(forgotten)).not.toBe(visitorId);
  await expectTranscript(forgotten, []);
  await page.close();
});

test('a site the organisation did not allow cannot frame the chat', async () => {
  const page = await context.newPage();
  const blocked: string[] = [];
  page.on('console', (m) => {
    if (/frame-ancestors/.test(m.text())) blocked.push(m.text());
  });
  // Same host name, other port: another origin, not on the list.
  await page.goto(`http://localhost:${otherPort}/`);
  await page.getByTestId('launcher').click();
  const frame = await (await page.getByTestId('chat-frame').elementHandle({ timeout: WAIT_MS }))?.contentFrame();
  await waitFor('the browser to refuse the frame', async () => blocked.length > 0, Boolean);
  // The policy names only the allowed shop, so this page (another origin) is refused.
  expect(blocked[0]).toContain(`frame-ancestors 'self' http://localhost:${shopPort}`);
  expect(blocked[0]).toMatch(/blocked/i);
  // Nothing of the chat app runs in it.
  const url = frame ? await frame.evaluate(() => location.href).catch(() => 'unreachable') : 'none';
  expect(url).not.toContain('/w/');
  await page.close();
});

test('an admin finds the site key and the identity secret, and the revealed secret signs a valid identity', async () => {
  const browser = await launchBrowser();
  const admin = await loginAgent(browser, server.url, { email: 'admin@demo.visavis.local' });
  try {
    const { page } = admin;
    await page.getByTestId('nav-admin').click();
    await page.getByTestId('admin-tab-site').click();
    await waitFor('the site key', () => page.getByTestId('site-key').textContent(), (v) => v === SITE_KEY);
    expect(await page.getByTestId('site-snippet').textContent()).toContain(`data-site-key="${SITE_KEY}"`);
    expect(await page.getByTestId('allowed-origins').inputValue()).toBe(`http://localhost:${shopPort}`);
    expect(await page.getByTestId('identity-secret').textContent()).toContain('•');
    await page.getByTestId('reveal-secret').click();
    const secret = await waitFor('the revealed secret', () => page.getByTestId('identity-secret').textContent(), (v) => /^[0-9a-f]{64}$/.test(v ?? ''));
    // What the integrator's backend then does (README "Identified visitors").
    const ts = Math.floor(Date.now() / 1000);
    const hash = createHmac('sha256', secret!).update(['visavis-identity-v2', 'customer-1', ts, '', ''].join('\n')).digest('hex');
    const res = await fetch(`${server.url}/api/visitor/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ siteKey: SITE_KEY, identity: { userId: 'customer-1', ts, hash } }),
    });
    expect(((await res.json()) as { identified?: boolean }).identified).toBe(true);
    expect(admin.errors).toEqual([]);
  } finally {
    await closeSide(admin);
    await browser.close();
  }
});
