// Browser security headers per surface (workspace, widget chat app, loader, demo page, API),
// HSTS only for an https PUBLIC_URL, and the session cookie's Secure flag behind a TLS proxy
// the server cannot see. Needs the built UIs (`npm run build`, done by scripts/setup.sh).
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEMO_PASSWORD, startTestServer, type TestServer } from './support.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const AGENT = 'agent1@demo.visavis.local';

/** The address the server really listens on (its `url` is PUBLIC_URL when one is set). */
function baseOf(t: TestServer): string {
  const addr = t.server.app.server.address();
  if (!addr || typeof addr === 'string') throw new Error('server has no TCP address');
  return `http://127.0.0.1:${addr.port}`;
}

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A raw GET, so that the Host header can be anything (fetch does not let a test set it). */
function get(base: string, pathAndQuery: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${base}${pathAndQuery}`, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
  });
}

/** Every CSP header of a response (a route's own policy and ours may both be sent). */
function policies(a: Answer): string[] {
  const v = a.headers['content-security-policy'];
  return v === undefined ? [] : Array.isArray(v) ? v : v.split(/,(?=\s*[a-z-]+ )/);
}

function directive(policy: string, name: string): string[] | undefined {
  const d = policy
    .split(';')
    .map((x) => x.trim().split(/\s+/))
    .find(([n]) => n === name);
  return d?.slice(1);
}

async function loginCookie(base: string): Promise<string> {
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: AGENT, password: DEMO_PASSWORD }),
  });
  expect(res.status).toBe(200);
  return res.headers.get('set-cookie') ?? '';
}

beforeAll(() => {
  for (const built of ['apps/workspace/dist/index.html', 'apps/widget/dist/app/index.html', 'apps/widget/dist/demo.html', 'apps/widget/dist/widget.js']) {
    if (!existsSync(path.join(ROOT, built))) throw new Error(`${built} is missing: run \`npm run build\` first`);
  }
});

describe('without PUBLIC_URL (plain http)', () => {
  let t: TestServer;
  let base: string;
  beforeAll(async () => {
    t = await startTestServer();
    base = baseOf(t);
  });
  afterAll(async () => t?.stop());

  test('workspace: strict CSP, not frameable, calls allowed, isolated opener', async () => {
    const a = await get(base, '/app/');
    expect(a.status).toBe(200);
    const [csp, ...more] = policies(a);
    expect(more).toEqual([]);
    expect(directive(csp!, 'default-src')).toEqual(["'self'"]);
    expect(directive(csp!, 'script-src')).toEqual(["'self'"]);
    expect(directive(csp!, 'style-src')).toEqual(["'self'"]);
    expect(directive(csp!, 'frame-ancestors')).toEqual(["'none'"]);
    expect(directive(csp!, 'base-uri')).toEqual(["'none'"]);
    expect(directive(csp!, 'form-action')).toEqual(["'self'"]);
    expect(directive(csp!, 'object-src')).toEqual(["'none'"]);
    expect(directive(csp!, 'img-src')).toEqual(["'self'", 'blob:', 'data:']);
    expect(directive(csp!, 'media-src')).toEqual(["'self'", 'blob:']);
    const host = new URL(base).host;
    expect(directive(csp!, 'connect-src')).toEqual(["'self'", `ws://${host}`, `wss://${host}`]);
    expect(a.headers['x-frame-options']).toBe('DENY');
    expect(a.headers['permissions-policy']).toContain('camera=(self)');
    expect(a.headers['permissions-policy']).toContain('microphone=(self)');
    expect(a.headers['permissions-policy']).toContain('geolocation=()');
    expect(a.headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(a.headers['x-content-type-options']).toBe('nosniff');
    expect(a.headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
    expect(a.headers['strict-transport-security']).toBeUndefined();
    // The built page really loads only same-origin scripts, so 'self' suffices.
    expect(a.body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  });

  test('a forged Host header is not echoed into the policy', async () => {
    const a = await get(base, '/app/', { host: "evil.test; script-src * 'unsafe-inline'" });
    const [csp] = policies(a);
    expect(directive(csp!, 'script-src')).toEqual(["'self'"]);
    expect(csp).not.toContain('evil');
    const b = await get(base, '/app/', { host: 'chat.bank.test:8443' });
    expect(directive(policies(b)[0]!, 'connect-src')).toEqual(["'self'", 'ws://chat.bank.test:8443', 'wss://chat.bank.test:8443']);
  });

  test('widget chat app /w/: a CSP but no framing ban, camera and microphone allowed', async () => {
    const a = await get(base, '/w/?siteKey=demo-bank&embed=1');
    expect(a.status).toBe(200);
    const all = policies(a);
    expect(all.length).toBeGreaterThanOrEqual(1);
    const ours = all.find((p) => directive(p, 'script-src') !== undefined)!;
    expect(directive(ours, 'script-src')).toEqual(["'self'"]);
    expect(directive(ours, 'connect-src')).toContain(`ws://${new URL(base).host}`);
    for (const p of all) expect(directive(p, 'frame-ancestors') ?? []).not.toContain("'none'");
    expect(a.headers['x-frame-options']).toBeUndefined();
    expect(a.headers['permissions-policy']).toContain('camera=(self)');
    expect(a.headers['permissions-policy']).toContain('microphone=(self)');
    expect(a.body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  });

  test('loader /widget.js: readable by other sites, inert as a document', async () => {
    const a = await get(base, '/widget.js');
    expect(a.status).toBe(200);
    expect(a.headers['content-type']).toMatch(/^application\/javascript/);
    expect(a.headers['cross-origin-resource-policy']).toBe('cross-origin');
    expect(a.headers['access-control-allow-origin']).toBe('*');
    expect(directive(policies(a)[0]!, 'default-src')).toEqual(["'none'"]);
    // The loader's iframe may use what a call needs.
    expect(a.body).toMatch(/camera; microphone;[^"']*display-capture/);
  });

  test('demo page: its own inline scripts by hash, nothing else inline', async () => {
    const a = await get(base, '/demo');
    expect(a.status).toBe(200);
    const [csp, ...more] = policies(a);
    expect(more).toEqual([]);
    const scriptSrc = directive(csp!, 'script-src')!;
    expect(scriptSrc).not.toContain("'unsafe-inline'");
    expect(scriptSrc).not.toContain("'unsafe-eval'");
    const inline = [...a.body.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
    expect(inline.length).toBeGreaterThanOrEqual(2);
    const hashes = inline.map((s) => `'sha256-${createHash('sha256').update(s).digest('base64')}'`);
    expect(scriptSrc.sort()).toEqual(["'self'", ...hashes].sort());
    expect(directive(csp!, 'frame-src')).toEqual(["'self'"]);
    expect(directive(csp!, 'frame-ancestors')).toEqual(["'none'"]);
    expect(a.headers['x-frame-options']).toBe('DENY');
    expect(a.headers['permissions-policy']).toContain('camera=(self)');
  });

  test('API and other responses: nothing renders, nothing frames, no 5xx', async () => {
    for (const p of ['/api/me', '/healthz', '/no-such-page', '/']) {
      const a = await get(base, p);
      expect(a.status).toBeLessThan(500);
      expect(directive(policies(a)[0]!, 'default-src')).toEqual(["'none'"]);
      expect(directive(policies(a)[0]!, 'frame-ancestors')).toEqual(["'none'"]);
      expect(a.headers['x-frame-options']).toBe('DENY');
      expect(a.headers['permissions-policy']).toContain('camera=()');
    }
  });

  test('the session cookie is not Secure over plain http without an https PUBLIC_URL', async () => {
    const cookie = await loginCookie(base);
    expect(cookie).toMatch(/^vv_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).not.toMatch(/;\s*Secure/i);
  });
});

describe('with an https PUBLIC_URL and TLS ending at a proxy the server cannot see', () => {
  let t: TestServer;
  let base: string;
  beforeAll(async () => {
    // No TRUST_PROXY and no TLS: every request reaches the server as plain http.
    t = await startTestServer({ PUBLIC_URL: 'https://chat.bank.test' });
    base = baseOf(t);
  });
  afterAll(async () => t?.stop());

  test('HSTS on every surface', async () => {
    for (const p of ['/app/', '/w/?siteKey=demo-bank', '/demo', '/widget.js', '/api/me']) {
      const a = await get(base, p);
      expect(a.headers['strict-transport-security'], p).toBe('max-age=15552000');
    }
  });

  test('the session cookie is Secure by default (COOKIE_SECURE=auto)', async () => {
    const cookie = await loginCookie(base);
    expect(cookie).toMatch(/^vv_session=/);
    expect(cookie).toMatch(/;\s*Secure/i);
  });

  test('the workspace may open its socket at the public host', async () => {
    const a = await get(base, '/app/');
    expect(directive(policies(a)[0]!, 'connect-src')).toContain('wss://chat.bank.test');
  });
});

describe('explicit settings win', () => {
  let t: TestServer;
  let base: string;
  beforeAll(async () => {
    t = await startTestServer({ PUBLIC_URL: 'https://chat.bank.test', HSTS_MAX_AGE_SECONDS: '0', COOKIE_SECURE: 'false' });
    base = baseOf(t);
  });
  afterAll(async () => t?.stop());

  test('HSTS_MAX_AGE_SECONDS=0 sends no HSTS; COOKIE_SECURE=false sends no Secure', async () => {
    expect((await get(base, '/app/')).headers['strict-transport-security']).toBeUndefined();
    expect(await loginCookie(base)).not.toMatch(/;\s*Secure/i);
  });
});
