import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIdentity } from '../src/identity/tokens.js';
import { agentLogin, rawSocket, startTestServer, visitorSession, waitFor, type TestServer } from './support.js';

/** Bad input at both boundaries: a clear error with a stable code, never a crash. */
describe('HTTP and WebSocket boundaries', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ LOGIN_RATE_PER_MINUTE: '5' });
  }, 60_000);
  afterAll(async () => t.stop(), 30_000);

  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${t.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

  it('answers malformed JSON, wrong shapes and oversize bodies with catalog codes', async () => {
    const bad = await post('/api/visitor/session', '{"siteKey":');
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.code).toBe('MALFORMED_JSON');
    const shape = await post('/api/visitor/session', JSON.stringify({ siteKey: 42 }));
    expect(shape.status).toBe(422);
    expect((await shape.json()).error.code).toBe('VALIDATION_FAILED');
    const big = await post('/api/visitor/session', JSON.stringify({ siteKey: 'x'.repeat(200_000) }));
    expect(big.status).toBe(413);
    expect((await big.json()).error.code).toBe('PAYLOAD_TOO_LARGE');
    const unknownSite = await post('/api/visitor/session', JSON.stringify({ siteKey: 'nope' }));
    expect((await unknownSite.json()).error.code).toBe('UNKNOWN_SITE');
    const missing = await fetch(`${t.url}/api/nothing-here`);
    expect(missing.status).toBe(404);
    expect((await missing.json()).error.code).toBe('NOT_FOUND');
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
  });

  it('rejects wrong passwords and then rate-limits login attempts', async () => {
    const attempt = () => post('/api/auth/login', JSON.stringify({ email: 'agent1@demo.visavis.local', password: 'wrong' }));
    const first = await attempt();
    expect(first.status).toBe(401);
    expect((await first.json()).error.code).toBe('INVALID_CREDENTIALS');
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await attempt()).status);
    expect(statuses).toContain(429);
    const limited = await attempt();
    expect((await limited.json()).error.code).toBe('RATE_LIMITED');
    // A made-up X-Forwarded-For does not buy new attempts: no proxy is trusted by default.
    const spoofed = await fetch(`${t.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.77' },
      body: JSON.stringify({ email: 'agent1@demo.visavis.local', password: 'wrong' }),
    });
    expect(spoofed.status).toBe(429);
  });

  it('protects agent endpoints and sets an HttpOnly, SameSite session cookie', async () => {
    const me = await fetch(`${t.url}/api/me`);
    expect(me.status).toBe(401);
    expect((await me.json()).error.code).toBe('UNAUTHENTICATED');
    const res = await post('/api/auth/login', JSON.stringify({ email: 'AGENT2@demo.visavis.local', password: 'test-password-123' }));
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    const session = cookie.split(';')[0]!;
    expect((await fetch(`${t.url}/api/me`, { headers: { cookie: session } })).status).toBe(200);
    await fetch(`${t.url}/api/auth/logout`, { method: 'POST', headers: { cookie: session } });
    expect((await fetch(`${t.url}/api/me`, { headers: { cookie: session } })).status).toBe(401);
    // A visitor token is not an agent session.
    const visitor = await visitorSession(t);
    const asVisitor = await fetch(`${t.url}/api/agent/conversations`, { headers: { authorization: `Bearer ${visitor.visitorToken}` } });
    expect(asVisitor.status).toBe(401);
  });

  it('verifies identified visitors by HMAC and gives them one history', async () => {
    const [org] = await t.server.db.query<{ identity_secret: string }>('select identity_secret from orgs');
    const ts = Math.floor(Date.now() / 1000);
    const named = signIdentity(org!.identity_secret, { userId: 'customer-42', ts, name: 'Zhang San' });
    const hash = signIdentity(org!.identity_secret, { userId: 'customer-42', ts });
    const first = await visitorSession(t, { identity: { userId: 'customer-42', ts, hash: named, name: 'Zhang San' } });
    const second = await visitorSession(t, { identity: { userId: 'customer-42', ts, hash } });
    expect(first.identified).toBe(true);
    expect(second.visitorId).toBe(first.visitorId);
    const forged = await post('/api/visitor/session', JSON.stringify({ siteKey: 'demo-bank', identity: { userId: 'customer-43', ts, hash } }));
    expect(forged.status).toBe(401);
    expect((await forged.json()).error.code).toBe('INVALID_IDENTITY');
    // An anonymous token is kept on return visits, and a tampered one is replaced, not trusted.
    const anon = await visitorSession(t);
    expect((await visitorSession(t, { visitorToken: anon.visitorToken })).visitorId).toBe(anon.visitorId);
    const tampered = anon.visitorToken.slice(0, -2) + (anon.visitorToken.endsWith('A') ? 'BB' : 'AA');
    expect((await visitorSession(t, { visitorToken: tampered })).visitorId).not.toBe(anon.visitorId);
  });

  it('answers bad WebSocket frames with errors and keeps the connection', async () => {
    const visitor = await visitorSession(t);
    const s = await rawSocket(t);
    s.ws.send(JSON.stringify({ type: 'message.send', conversationId: 'x', clientMsgId: 'abcdefgh', text: 'hi' }));
    await waitFor(() => s.received.find((m) => m.code === 'UNAUTHENTICATED'), 'unauthenticated error');
    s.ws.send(JSON.stringify({ type: 'auth', token: visitor.visitorToken }));
    await waitFor(() => s.received.find((m) => m.type === 'ready'), 'ready');
    s.ws.send('{not json');
    s.ws.send(JSON.stringify({ type: 'launch.missiles', rid: 'u1' }));
    s.ws.send(JSON.stringify({ type: 'message.send', rid: 'v1', conversationId: 'x', clientMsgId: 'bad id!', text: 'hi' }));
    s.ws.send(JSON.stringify({ type: 'ping', rid: 'big', pad: 'x'.repeat(100_000) }));
    s.ws.send(JSON.stringify({ type: 'ping', rid: 'alive' }));
    await waitFor(() => s.received.find((m) => m.rid === 'alive'), 'pong after the bad frames');
    const codes = s.received.filter((m) => m.type === 'error').map((m) => m.code);
    expect(codes).toEqual(['UNAUTHENTICATED', 'MALFORMED_JSON', 'UNKNOWN_MESSAGE_TYPE', 'VALIDATION_FAILED', 'PAYLOAD_TOO_LARGE']);
    // A flood is refused with RATE_LIMITED, each refusal carrying its request id so clients can settle it.
    for (let i = 0; i < 100; i++) s.ws.send(JSON.stringify({ type: 'ping', rid: `f${i}` }));
    await waitFor(() => s.received.filter((m) => typeof m.rid === 'string' && m.rid.startsWith('f')).length === 100, 'an answer to every flood frame');
    const limited = s.received.filter((m) => m.code === 'RATE_LIMITED');
    expect(limited.length).toBeGreaterThan(0);
    expect(limited.every((m) => typeof m.rid === 'string' && m.rid.startsWith('f'))).toBe(true);
    s.ws.close();
  });

  it('closes a socket that authenticates with a wrong token', async () => {
    const s = await rawSocket(t);
    s.ws.send(JSON.stringify({ type: 'auth', token: 'v.eyJ4IjoxfQ.forged' }));
    expect(await s.closed).toBe(4401);
    expect(s.received.find((m) => m.type === 'error')?.code).toBe('INVALID_TOKEN');
  });

  it('does not accept an agent cookie from a cross-site WebSocket', async () => {
    const cookie = await agentLogin(t, 'admin@demo.visavis.local');
    const s = await rawSocket(t, { cookie, origin: 'https://evil.example' });
    s.ws.send(JSON.stringify({ type: 'ping', rid: 'p' }));
    await waitFor(() => s.received.find((m) => m.code === 'UNAUTHENTICATED'), 'cross-site socket not authenticated');
    expect(s.received.some((m) => m.type === 'ready')).toBe(false);
    s.ws.close();
  });
});
