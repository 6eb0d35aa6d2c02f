import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { hostileValue } from './frame-corpus.js';

export interface Route {
  method: string;
  /** Fastify pattern, e.g. /api/calls/:id/marks */
  url: string;
}

export interface RestCase {
  label: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/** Every route the app serves, read from Fastify's own route tree (so new routes are fuzzed too). */
export function listRoutes(app: FastifyInstance): Route[] {
  const routes: Route[] = [];
  const stack: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^([│├└─\s]*)(\S.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!m) continue;
    const level = Math.floor(m[1]!.length / 4);
    stack.length = level;
    stack[level] = m[2]!;
    const url = stack.join('');
    for (const method of (m[3] ?? '').split(', ').filter(Boolean)) {
      if (method !== 'HEAD' && method !== 'OPTIONS') routes.push({ method, url });
    }
  }
  return routes;
}

/** Path parameters as a client could send them: non-UUIDs, broken percent-encodings, NUL. */
const hostileParam = fc.oneof(
  fc.constantFrom('x', '1', '-1', '%', '%E0%A4%A', '%00', '%ED%A0%80', '%F0%9F%98%80', '..%2F..%2Fetc%2Fpasswd', 'null', '__proto__', 'constructor',
    '00000000-0000-0000-0000-000000000000', '00000000-0000-4000-8000-000000000000', 'x'.repeat(300), '%E2%80%AE', '2147483648', '1e308'),
  fc.string({ maxLength: 40 }).map(encodeURIComponent),
);

const hostileQuery = fc.oneof(
  fc.constantFrom('', '?', '?%', '?a=%E0%A4%A', '?__proto__[x]=1', '?constructor=1', '?conversationId=x', '?conversationId=%00',
    '?scope=%ED%A0%80', '?status=done&status=open', '?exp=1e400&sig=x', '?exp=-1&sig=%00', '?requestId=x&requestId=y', '?mode=play&exp=a',
    '?limit=99999999999&after=-1', '?entryPoint=' + 'e'.repeat(3000), '?from=9999-99-99&to=x', '?q=%F0%9F%98%80'),
  fc.dictionary(fc.constantFrom('id', 'scope', 'status', 'exp', 'sig', 'entryPoint', 'requestId', 'mode', 'after', 'limit', 'conversationId'),
    fc.string({ maxLength: 20 }), { maxKeys: 3 }).map((d) => `?${new URLSearchParams(d as Record<string, string>).toString()}`),
);

type BodyKind = { headers: Record<string, string>; body?: string };
const hostileBody: fc.Arbitrary<BodyKind> = fc.oneof(
  { weight: 4, arbitrary: fc.dictionary(fc.constantFrom('siteKey', 'email', 'password', 'text', 'name', 'pageUrl', 'contact', 'groupId', 'agentId',
    'conversationId', 'at', 'offsetMs', 'label', 'step', 'days', 'presence', 'identity', 'visitorToken', 'refreshToken', 'memberIds', 'policy',
    '__proto__', 'constructor', 'mode', 'script', 'capacity', 'vip', 'attributes', 'token', 'code', 'role'), hostileValue, { maxKeys: 5 })
    .map((o) => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(o) })) },
  { weight: 1, arbitrary: fc.constantFrom<BodyKind>(
    { headers: { 'content-type': 'application/json' }, body: '{"a":' },
    { headers: { 'content-type': 'application/json' }, body: '' },
    { headers: { 'content-type': 'application/json' }, body: '[' .repeat(10_000) + ']'.repeat(10_000) },
    { headers: { 'content-type': 'application/json' }, body: `${'{"a":'.repeat(40)}1${'}'.repeat(40)}` },
    { headers: { 'content-type': 'application/json' }, body: '{"__proto__":{"isAdmin":true}}' },
    { headers: { 'content-type': 'application/json' }, body: '{"text":"\\u0000","name":"\\ud800"}' },
    { headers: { 'content-type': 'application/json' }, body: 'null' },
    { headers: { 'content-type': 'application/json' }, body: '"just a string"' },
    { headers: { 'content-type': 'application/json; charset=utf-16' }, body: '{}' },
    { headers: { 'content-type': 'text/plain' }, body: 'hello' },
    { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=1&b=%' },
    { headers: { 'content-type': 'multipart/form-data' }, body: 'no boundary here' },
    { headers: { 'content-type': 'multipart/form-data; boundary=zz' }, body: '--zz\r\nContent-Disposition: form-data; name="file"; filename="\u202egnp.exe"\r\n\r\nx\r\n--zz' },
    { headers: { 'content-type': 'multipart/form-data; boundary=' }, body: '' },
    { headers: { 'content-type': '' }, body: '{}' },
    { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pad: 'x'.repeat(70_000) }) },
  ) },
);

type Auth = { label: string; headers: Record<string, string> };

/**
 * A REST corpus: every route with hostile path parameters, query strings, bodies, content types
 * and credentials (none, broken cookies and Authorization headers, a real admin or visitor).
 */
export function restCorpus(routes: Route[], creds: { adminCookie: string; visitorToken: string }, seed: number, perRoute = 24): RestCase[] {
  const auths: Auth[] = [
    { label: 'anonymous', headers: {} },
    { label: 'admin', headers: { cookie: creds.adminCookie } },
    { label: 'visitor', headers: { authorization: `Bearer ${creds.visitorToken}` } },
    { label: 'broken cookie', headers: { cookie: 'vv_session=%; vv_session=%E0%A4%A; =%' } },
    { label: 'broken bearer', headers: { authorization: 'Bearer %00\u00ff' } },
    { label: 'basic auth', headers: { authorization: 'Basic Og==' } },
    { label: 'huge bearer', headers: { authorization: `Bearer ${'x'.repeat(8000)}` } },
  ];
  const caseArb = fc.record({ params: fc.array(hostileParam, { minLength: 4, maxLength: 4 }), query: hostileQuery, body: hostileBody, auth: fc.nat(auths.length - 1) });
  const cases: RestCase[] = [];
  routes.forEach((route, r) => {
    // Signing out the admin would turn the rest of the corpus into 401s.
    const safeAuths = route.url.includes('logout') ? auths.filter((a) => a.label !== 'admin') : auths;
    for (const c of fc.sample(caseArb, { numRuns: perRoute, seed: seed + r })) {
      let i = 0;
      const path = route.url.replace(/:[A-Za-z]+|\*/g, () => c.params[i++ % c.params.length]!) + c.query;
      const auth = safeAuths[c.auth % safeAuths.length]!;
      const withBody = route.method !== 'GET' && route.method !== 'DELETE';
      cases.push({
        label: `${route.method} ${path.slice(0, 120)} [${auth.label}]`,
        method: route.method,
        path,
        headers: { ...auth.headers, ...(withBody ? c.body.headers : {}) },
        ...(withBody && c.body.body !== undefined ? { body: c.body.body } : {}),
      });
    }
  });
  return cases;
}
