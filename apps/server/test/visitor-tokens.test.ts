import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createHmac } from 'node:crypto';
import {
  IdentitySecretAnswer, RotatedSecretAnswer, SiteSettings, VisitorSessionResponse, VisitorSessionsRevokedAnswer, VisitorSiteAnswer,
} from '@visavis/protocol';
import { loadConfig } from '../src/platform/config.js';
import { startServer, type RunningServer } from '../src/server.js';
import { DEMO_SITE_KEY } from '../src/seed.js';
import { signIdentity, TokenSigner } from '../src/identity/tokens.js';
import { VisitorSessionStore } from '../src/identity/visitor-session-store.js';
import { agentLogin, DEMO_PASSWORD, visitorConnection, waitFor, type Recorder, type TestServer } from './support.js';

/** A clock the test moves forward: token lifetimes and the reuse grace are real durations. */
const clock = { offsetMs: 0, now: () => new Date(Date.now() + clock.offsetMs) };
const SESSION_SECRET = 'visitor-tokens-test-secret-0123456789abcdef';

/** Authorization of visitor tokens (issue 10, "token revocation" and "framing origin"). */
describe('visitor tokens, signed identity and framing', () => {
  let server: RunningServer;
  let dataDir: string;
  let t: TestServer;
  /** Signed in afresh by each test: the tests move the clock past the agent session's idle timeout. */
  let admin = '';
  let secret: string;
  const conns: Recorder[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'vv-visitor-tokens-'));
    const config = loadConfig({ PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'silent', DEMO_PASSWORD, JANUS_BIN: 'off', SESSION_SECRET });
    server = await startServer(config, clock);
    t = { server, url: server.url, wsUrl: server.url.replace(/^http/, 'ws') + '/ws', dataDir } as TestServer;
    secret = (await server.db.query<{ identity_secret: string }>('select identity_secret from orgs where site_key = $1', [DEMO_SITE_KEY]))[0]!.identity_secret;
  }, 60_000);
  afterAll(async () => {
    for (const c of conns) c.conn.close();
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  }, 30_000);

  const post = async (p: string, body: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${t.url}${p}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> & { error?: { code: string } } };
  };
  const session = async (extra: object = {}) => {
    const r = await post('/api/visitor/session', { siteKey: DEMO_SITE_KEY, ...extra });
    if (r.status !== 200) throw Object.assign(new Error(`session ${r.status}`), { code: r.body.error?.code });
    // Parsed with the protocol's schema: a drift between server and schema fails these tests.
    return VisitorSessionResponse.parse(r.body);
  };
  const refresh = (refreshToken: string) => post('/api/visitor/refresh', { refreshToken });
  const asVisitor = (token: string) => fetch(`${t.url}/api/visitor/conversations`, { headers: { authorization: `Bearer ${token}` } });
  const nowSeconds = () => Math.floor(clock.now().getTime() / 1000);
  const identity = (userId: string, extra: { name?: string; email?: string; ts?: number } = {}) => {
    const ts = extra.ts ?? nowSeconds();
    return { userId, ts, ...extra, hash: signIdentity(secret, { userId, ts, name: extra.name, email: extra.email }) };
  };
  const connect = async (token: string) => {
    const r = visitorConnection(t, token);
    conns.push(r);
    await waitFor(() => r.conn.status === 'open', 'visitor socket open');
    const closes: number[] = [];
    r.conn.on('auth-failed', () => closes.push(1));
    return { r, closes };
  };

  it('issues short-lived access tokens bound to a session, renewed by a rotating refresh token', async () => {
    const s = await session();
    expect(new Date(s.expiresAt).getTime() - clock.now().getTime()).toBeLessThanOrEqual(60 * 60_000);
    expect((await asVisitor(s.visitorToken)).status).toBe(200);
    const r1 = await refresh(s.refreshToken);
    expect(r1.status).toBe(200);
    expect(r1.body.visitorId).toBe(s.visitorId);
    expect(r1.body.refreshToken).not.toBe(s.refreshToken);
    // An hour later the access token is refused, the refresh token still renews it.
    clock.offsetMs += 61 * 60_000;
    expect((await asVisitor(r1.body.visitorToken as string)).status).toBe(401);
    const r2 = await refresh(r1.body.refreshToken as string);
    expect(r2.status).toBe(200);
    expect((await asVisitor(r2.body.visitorToken as string)).status).toBe(200);
    // A returning anonymous browser presenting its refresh token keeps its visitor.
    const back = await session({ refreshToken: r2.body.refreshToken });
    expect(back.visitorId).toBe(s.visitorId);
  });

  it('detects a reused refresh token and ends the whole session, closing its sockets', async () => {
    const s = await session();
    const stolen = s.refreshToken;
    const owner = await refresh(stolen);
    const ownerToken = owner.body.visitorToken as string;
    const { r, closes } = await connect(ownerToken);
    // Within the grace window a second use is two tabs racing: renewed, not revoked.
    expect((await refresh(stolen)).status).toBe(200);
    clock.offsetMs += 31_000;
    const replay = await refresh(stolen);
    expect(replay.status).toBe(401);
    expect(replay.body.error?.code).toBe('REFRESH_TOKEN_REUSED');
    expect((await asVisitor(ownerToken)).status).toBe(401);
    expect((await refresh(owner.body.refreshToken as string)).body.error?.code).toBe('INVALID_TOKEN');
    await waitFor(() => closes.length > 0, 'the revoked session socket closed');
    r.conn.close();
  });

  it('revokes an identified session when the same browser starts an anonymous one', async () => {
    const known = await session({ identity: identity('customer-7', { name: 'Zhang San' }) });
    expect(known.identified).toBe(true);
    const { r, closes } = await connect(known.visitorToken);
    const anon = await session({ refreshToken: known.refreshToken, visitorToken: known.visitorToken });
    expect(anon.identified).toBe(false);
    expect(anon.visitorId).not.toBe(known.visitorId);
    expect((await asVisitor(known.visitorToken)).status).toBe(401);
    expect((await asVisitor(anon.visitorToken)).status).toBe(200);
    await waitFor(() => closes.length > 0, 'the identified socket closed');
    r.conn.close();
    // The identity comes back only with a fresh signature, not with anything this browser kept.
    expect((await refresh(known.refreshToken)).status).toBe(401);
    const again = await session({ identity: identity('customer-7', { name: 'Zhang San' }) });
    expect(again.visitorId).toBe(known.visitorId);
  });

  it('refuses expired, future-dated, tampered, v1 and cross-domain identity signatures', async () => {
    const code = (extra: object) => session(extra).then(() => 'OK', (e: { code?: string }) => e.code);
    expect(await code({ identity: identity('customer-8', { ts: nowSeconds() - 601 }) })).toBe('IDENTITY_EXPIRED');
    expect(await code({ identity: identity('customer-8', { ts: nowSeconds() + 120 }) })).toBe('IDENTITY_EXPIRED');
    expect(await code({ identity: identity('customer-8', { ts: nowSeconds() - 590 }) })).toBe('OK');
    // The name is signed: renaming a signed identity breaks it.
    expect(await code({ identity: { ...identity('customer-8', { name: 'A' }), name: 'B' } })).toBe('INVALID_IDENTITY');
    // The retired v1 hash (user id only, never expires) is refused with its own code.
    const v1 = createHmac('sha256', secret).update('customer-8').digest('hex');
    expect(await code({ identity: { userId: 'customer-8', hash: v1 } })).toBe('IDENTITY_SCHEME_OUTDATED');
    // Domain separation: a facts MAC made like an identity MAC does not verify, a proper one does.
    const facts = Buffer.from(JSON.stringify({ vip: true })).toString('base64url');
    const id = identity('customer-8');
    const wrongDomain = createHmac('sha256', secret).update(`customer-8.${facts}`).digest('hex');
    expect(await code({ identity: { ...id, facts, factsHash: wrongDomain } })).toBe('INVALID_IDENTITY');
    const factsHash = createHmac('sha256', secret).update(`visavis-facts-v2\ncustomer-8\n${facts}`).digest('hex');
    expect(await code({ identity: { ...id, facts, factsHash } })).toBe('OK');
  });

  it('does not accept pre-session (v1, 180-day) tokens as credentials, but resumes their anonymous visitor', async () => {
    const first = await session();
    const [org] = await server.db.query<{ id: string }>('select id from orgs where site_key = $1', [DEMO_SITE_KEY]);
    const legacy = new TokenSigner(SESSION_SECRET).sign('v', { org: org!.id, vis: first.visitorId, exp: clock.now().getTime() + 86_400_000 });
    expect((await asVisitor(legacy)).status).toBe(401);
    expect((await session({ visitorToken: legacy })).visitorId).toBe(first.visitorId);
  });

  it('lets an admin revoke a visitor’s sessions (audited), closing their sockets at once', async () => {
    admin = await agentLogin(t, 'admin@demo.visavis.local');
    const s = await session();
    const { r, closes } = await connect(s.visitorToken);
    const res = await post(`/api/admin/visitors/${s.visitorId}/revoke-sessions`, {}, { cookie: admin });
    expect(res.status).toBe(200);
    expect(VisitorSessionsRevokedAnswer.parse(res.body).revoked).toBe(1);
    await waitFor(() => closes.length > 0, 'the visitor socket closed');
    r.conn.close();
    expect((await asVisitor(s.visitorToken)).status).toBe(401);
    const agent = await agentLogin(t, 'agent1@demo.visavis.local');
    expect((await post(`/api/admin/visitors/${s.visitorId}/revoke-sessions`, {}, { cookie: agent })).status).toBe(403);
    const audit = await server.db.query<{ action: string }>("select action from audit_log where action = 'visitor.sessions_revoked'");
    expect(audit.length).toBe(1);
  });

  it('rotates the identity secret with an overlap, and reveals it only to admins, audited', async () => {
    admin = await agentLogin(t, 'admin@demo.visavis.local');
    const get = await fetch(`${t.url}/api/admin/site`, { headers: { cookie: admin } });
    const site = SiteSettings.parse(await get.json());
    expect(site.siteKey).toBe(DEMO_SITE_KEY);
    expect(site.identitySecretMasked).not.toContain(secret);
    const revealed = await post('/api/admin/site/identity-secret/reveal', {}, { cookie: admin });
    expect(IdentitySecretAnswer.parse(revealed.body).identitySecret).toBe(secret);
    const supervisor = await agentLogin(t, 'supervisor@demo.visavis.local');
    expect((await post('/api/admin/site/identity-secret/reveal', {}, { cookie: supervisor })).status).toBe(403);

    const old = secret;
    const rotated = await post('/api/admin/site/identity-secret/rotate', { overlapHours: 1 }, { cookie: admin });
    const rotation = RotatedSecretAnswer.parse(rotated.body);
    secret = rotation.identitySecret;
    expect(secret).not.toBe(old);
    expect(rotation.settings.previousSecretValidUntil).toBeTruthy();
    const signedWith = (key: string) => {
      const ts = nowSeconds();
      return { userId: 'customer-9', ts, hash: signIdentity(key, { userId: 'customer-9', ts }) };
    };
    expect((await session({ identity: signedWith(old) })).identified).toBe(true);
    expect((await session({ identity: signedWith(secret) })).identified).toBe(true);
    clock.offsetMs += 61 * 60_000;
    await expect(session({ identity: signedWith(old) })).rejects.toMatchObject({ code: 'INVALID_IDENTITY' });
    const actions = (await server.db.query<{ action: string }>("select action from audit_log where action like 'site.%' order by seq")).map((a) => a.action);
    expect(actions).toEqual(['site.identity_secret_revealed', 'site.identity_secret_rotated']);
  });

  it('serves /w/ with frame-ancestors limited to the organisation’s allowed sites', async () => {
    admin = await agentLogin(t, 'admin@demo.visavis.local');
    const ancestors = async (siteKey: string) => {
      const res = await fetch(`${t.url}/w/?siteKey=${siteKey}&embed=1`);
      const csp = res.headers.get('content-security-policy') ?? '';
      return csp.split(/[;,]\s*/).find((d) => d.startsWith('frame-ancestors')) ?? '';
    };
    expect(await ancestors(DEMO_SITE_KEY)).toBe("frame-ancestors 'self'");
    const bad = await fetch(`${t.url}/api/admin/site/allowed-origins`, {
      method: 'PUT', headers: { 'content-type': 'application/json', cookie: admin }, body: JSON.stringify({ allowedOrigins: ["https://shop.example 'unsafe-inline'"] }),
    });
    expect(bad.status).toBe(422);
    const ok = await fetch(`${t.url}/api/admin/site/allowed-origins`, {
      method: 'PUT', headers: { 'content-type': 'application/json', cookie: admin }, body: JSON.stringify({ allowedOrigins: ['https://shop.example', 'http://localhost:5173'] }),
    });
    expect(ok.status).toBe(200);
    expect(SiteSettings.parse(await ok.json()).allowedOrigins).toEqual(['https://shop.example', 'http://localhost:5173']);
    expect(await ancestors(DEMO_SITE_KEY)).toBe("frame-ancestors 'self' https://shop.example http://localhost:5173");
    // Another organisation's page is not framable by the demo's sites; an unknown key by nobody else.
    await server.db.query(`insert into orgs (id, name, site_key, identity_secret) values (gen_random_uuid(), 'Other', 'other-site', 'x')`);
    expect(await ancestors('other-site')).toBe("frame-ancestors 'self'");
    expect(await ancestors('no-such-site')).toBe("frame-ancestors 'self'");
    // The iframe's own check list (postMessage partners) is the same set.
    const list = VisitorSiteAnswer.parse(await (await fetch(`${t.url}/api/visitor/site?siteKey=${DEMO_SITE_KEY}`)).json());
    expect(list.allowedOrigins).toEqual(['https://shop.example', 'http://localhost:5173']);
  });

  it('forgets ended sessions and their refresh tokens in the sweep', async () => {
    const live = await session();
    const stale = await session();
    await post(`/api/admin/visitors/${stale.visitorId}/revoke-sessions`, {}, { cookie: await agentLogin(t, 'admin@demo.visavis.local') });
    clock.offsetMs += 2 * 60 * 60_000;
    await refresh(live.refreshToken).then((r) => expect(r.status).toBe(200));
    const now = clock.now().getTime();
    const count = async (id: string) => (await server.db.query('select 1 from visitor_refresh_tokens t join visitor_sessions s on s.id = t.session_id where s.visitor_id = $1', [id])).length;
    expect(await count(stale.visitorId)).toBe(1);
    // The live session keeps its new token and the used one (a reuse of it must still be caught).
    const liveTokens = await count(live.visitorId);
    expect(liveTokens).toBe(2);
    await VisitorSessionStore.sweep(server.db, new Date(now - 61 * 60_000), new Date(now - 30 * 86_400_000));
    expect(await count(stale.visitorId)).toBe(0);
    expect(await count(live.visitorId)).toBe(liveTokens);
  });
});
