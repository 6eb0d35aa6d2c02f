import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newClientMsgId } from '@visavis/client';
import { ErrorLog } from './fuzz/error-log.js';
import { frameCorpus, type CorpusIds } from './fuzz/frame-corpus.js';
import { FuzzSocket } from './fuzz/fuzz-socket.js';
import { rawHttp, upgradeRequest } from './fuzz/raw-http.js';
import { restCorpus, listRoutes, type RestCase } from './fuzz/rest-corpus.js';
import { agentLogin, assignedConversation, MemoryRooms, startTestServer, visitorSession, type TestServer } from './support.js';

/**
 * The bad-input suite (issue 10): raw upgrades, a generated WebSocket frame corpus and a REST
 * corpus against a real server. After every batch: the process answers /healthz, no response is
 * a 5xx or an INTERNAL error, the server logged no error line, and an honest visitor/agent pair
 * chatting all along has lost nothing.
 */
const FRAME_CASES = Number(process.env.VV_FUZZ_FRAMES ?? 10_000);
const SEED = Number(process.env.VV_FUZZ_SEED ?? 20261207);

describe('bad input at every boundary', () => {
  let t: TestServer;
  const errors = new ErrorLog();
  let honest: Awaited<ReturnType<typeof assignedConversation>>;
  const sentByVisitor: string[] = [];
  const sentByAgent: string[] = [];
  let port = 0;

  beforeAll(async () => {
    t = await startTestServer(
      {
        LOG_LEVEL: 'warn',
        // Test-only: high enough that the corpus is processed, not answered RATE_LIMITED.
        WS_MESSAGES_PER_SECOND: '10000',
        VISITOR_SESSION_RATE_PER_MINUTE: '100000',
        LOGIN_RATE_PER_MINUTE: '1000',
        LOGIN_RATE_PER_ADDRESS_PER_MINUTE: '1000',
        UPLOAD_RATE_PER_MINUTE: '100000',
      },
      { callRooms: new MemoryRooms(), logStream: errors },
    );
    port = Number(new URL(t.url).port);
    honest = await assignedConversation(t);
  }, 60_000);
  afterAll(async () => {
    honest?.visitor.conn.close();
    honest?.agent.conn.close();
    await t?.stop();
  }, 30_000);

  /** One message each way on the honest conversation. */
  async function honestRound(tag: string): Promise<void> {
    const conversationId = honest.conversation.id;
    const v = `visitor ${tag}`;
    const a = `agent ${tag}`;
    sentByVisitor.push(v);
    sentByAgent.push(a);
    await honest.visitor.conn.request({ type: 'message.send', conversationId, clientMsgId: newClientMsgId(), text: v });
    await honest.agent.conn.request({ type: 'message.send', conversationId, clientMsgId: newClientMsgId(), text: a });
  }

  /** The invariants checked after every batch. */
  async function assertHealthy(what: string, logMark: number): Promise<void> {
    const health = await fetch(`${t.url}/healthz`);
    expect(health.status, `${what}: /healthz`).toBe(200);
    expect(errors.since(logMark), `${what}: error lines in the server log`).toEqual([]);
    await honestRound(what);
  }

  it('answers broken upgrade requests with a 4xx and a catalog code, and keeps running', async () => {
    const mark = errors.lines.length;
    // Targets that do not parse (or name no WebSocket endpoint); the upgrade listener used to throw on them.
    const targets = ['http://[', 'http://x:99999/ws', '//[/ws', '/%ws', 'http://[::1/ws', '//x:-1/ws', 'http://a b/ws', '/wss'];
    for (const target of targets) {
      const res = await rawHttp(port, upgradeRequest(target, []));
      expect(res.status, target).not.toBeNull();
      expect(res.status!, target).toBeGreaterThanOrEqual(400);
      expect(res.status!, target).toBeLessThan(500);
      expect(res.head + res.body, target).toMatch(/BAD_REQUEST|NOT_FOUND|"code"/);
    }
    // Origins a sandboxed iframe, a file:// page or a broken client sends: accepted as
    // cross-site (no cookie auth, the auth frame still works), never a crash.
    const cookie = await agentLogin(t, 'agent2@demo.visavis.local');
    const origins = ['null', 'foo', '*', 'http://', 'http://[', '', 'http://127.0.0.1:1, http://evil', 'ｈttp://例え.jp', 'http://x:99999'];
    for (const origin of origins) {
      const res = await rawHttp(port, upgradeRequest('/ws', [`Origin: ${origin}`, `Cookie: ${cookie}`]));
      expect(res.status, `Origin: ${origin}`).toBe(101);
    }
    const { visitorToken } = await visitorSession(t);
    const sandboxed = await FuzzSocket.open(t.wsUrl, { origin: 'null', cookie }, visitorToken);
    expect(sandboxed.principalId).not.toBe('');
    const sandboxedAgent = await FuzzSocket.open(t.wsUrl, { origin: 'null', cookie }).then(
      () => 'authenticated',
      () => 'refused',
    );
    expect(sandboxedAgent, 'a cross-site cookie must not authenticate').toBe('refused');
    sandboxed.close();
    // Cookies with broken percent-encoding are no cookie at all.
    for (const c of ['vv_session=%', 'vv_session=%E0%A4%A', 'vv_session=%00', 'vv_session', '=;;=;vv_session==%%']) {
      const res = await rawHttp(port, upgradeRequest('/ws', [`Cookie: ${c}`]));
      expect(res.status, c).toBe(101);
    }
    // Headers: huge, duplicated, non-ASCII, missing Host, bad key or version.
    const headerCases: [string[], { host?: string | null }][] = [
      [[`X-Big: ${'a'.repeat(20_000)}`], {}],
      [[`Cookie: ${'vv_session=x; '.repeat(3000)}`], {}],
      [['Origin: http://a', 'Origin: http://b', 'Cookie: a=1', 'Cookie: vv_session=%'], {}],
      [['Origin: http://例え.jp', 'X-Name: 李娜'], {}],
      [[], { host: null }],
      [[], { host: '' }],
      [['Sec-WebSocket-Key: short'], {}],
      [['Sec-WebSocket-Version: 99'], {}],
      [['Sec-WebSocket-Version: 13', 'Sec-WebSocket-Version: 13'], {}],
      [['Upgrade: h2c'], {}],
      [['Sec-WebSocket-Protocol: \u0000'], {}],
    ];
    for (const [lines, opts] of headerCases) {
      const res = await rawHttp(port, Buffer.from(upgradeRequest('/ws', lines, opts), 'utf8'));
      expect(res.status === null || res.status < 500, `${lines.join('|').slice(0, 80)} → ${res.status}`).toBe(true);
    }
    // Plain requests Node's parser refuses, and bad URLs Fastify refuses, carry a code too.
    for (const req of ['GET /%%% HTTP/1.1\r\nHost: x\r\n\r\n', 'GET /api/calls/%E0%A4%A HTTP/1.1\r\nHost: x\r\n\r\n', 'BLAH\r\n\r\n', 'GET / HTTP/1.1\r\nHost: x\r\nX: \u0001\r\n\r\n']) {
      const res = await rawHttp(port, req);
      expect(res.status, JSON.stringify(req)).toBeGreaterThanOrEqual(400);
      expect(res.status!, JSON.stringify(req)).toBeLessThan(500);
      expect(res.body, JSON.stringify(req)).toContain('"code":"BAD_REQUEST"');
    }
    await assertHealthy('raw upgrades', mark);
  }, 60_000);

  it('answers the known crash and 500 inputs over HTTP with their catalog codes', async () => {
    const mark = errors.lines.length;
    const { visitorToken } = await visitorSession(t);
    const json = (path: string, body: string, headers: Record<string, string> = {}) =>
      fetch(`${t.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    const expectCode = async (res: Response, status: number, code: string, what: string) => {
      expect(res.status, what).toBe(status);
      expect(((await res.json()) as { error: { code: string } }).error.code, what).toBe(code);
    };
    await expectCode(await json('/api/visitor/session', '{"siteKey":"demo-bank","pageUrl":"https://x/\\u0000"}'), 422, 'INVALID_TEXT', 'NUL in page URL');
    await expectCode(await json('/api/visitor/session', '{"siteKey":"demo\\ud800"}'), 422, 'INVALID_TEXT', 'lone surrogate in site key');
    await expectCode(await json('/api/visitor/session', `${'{"a":'.repeat(33)}1${'}'.repeat(33)}`), 400, 'JSON_TOO_DEEP', 'deep JSON');
    await expectCode(await json('/api/visitor/session', '['.repeat(60_000)), 400, 'JSON_TOO_DEEP', 'very deep JSON');
    await expectCode(await json('/api/visitor/session', '{"__proto__":{"admin":true},"siteKey":"demo-bank"}'), 400, 'BAD_REQUEST', 'prototype key');
    await expectCode(await json('/api/visitor/offline-messages', '{"text":"hi\\u0000"}', { authorization: `Bearer ${visitorToken}` }), 422, 'INVALID_TEXT', 'NUL in offline message');
    await expectCode(await fetch(`${t.url}/api/me`, { headers: { cookie: 'vv_session=%E0%A4%A' } }), 401, 'UNAUTHENTICATED', 'broken cookie');
    await expectCode(await fetch(`${t.url}/api/calls/not-a-uuid/marks`, { headers: { cookie: await agentLogin(t, 'agent2@demo.visavis.local') } }), 422, 'VALIDATION_FAILED', 'non-UUID id');
    await expectCode(await fetch(`${t.url}/api/calls/%00/marks`), 422, 'INVALID_TEXT', 'NUL in a path parameter');
    await expectCode(await fetch(`${t.url}/api/agent/conversations?__proto__=1`), 400, 'BAD_REQUEST', 'prototype key in the query');
    const noBoundary = await fetch(`${t.url}/api/uploads?conversationId=${honest.conversation.id}`, {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data', authorization: `Bearer ${visitorToken}` },
      body: 'no boundary',
    });
    expect(noBoundary.status, 'multipart without a boundary').toBe(400);
    expect(((await noBoundary.json()) as { error: { code: string } }).error.code).toMatch(/^(MALFORMED_MULTIPART|BAD_REQUEST)$/);
    await assertHealthy('HTTP known inputs', mark);
  }, 60_000);

  it(`processes a generated corpus of ${FRAME_CASES} WebSocket frames from visitors and an agent without a crash or INTERNAL`, async () => {
    const started = Date.now();
    const cookie = await agentLogin(t, 'agent2@demo.visavis.local');
    const visitors: FuzzSocket[] = [];
    const visitorConversations: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { visitorToken } = await visitorSession(t);
      const s = await FuzzSocket.open(t.wsUrl, {}, visitorToken);
      const started = await s.request({ type: 'conversation.start' });
      visitorConversations.push((started.result as { conversation: { id: string } }).conversation.id);
      visitors.push(s);
    }
    const agents = [await FuzzSocket.open(t.wsUrl, { cookie }), await FuzzSocket.open(t.wsUrl, { cookie })];
    await agents[0]!.request({ type: 'presence.set', presence: 'online' });
    const ids = async (own: string[]): Promise<CorpusIds> => ({
      conversationIds: own,
      agentIds: (await t.server.db.query<{ id: string }>('select id from agents')).map((r) => r.id),
      groupIds: (await t.server.db.query<{ id: string }>('select id from skill_groups')).map((r) => r.id),
      callIds: (await t.server.db.query<{ id: string }>('select id from calls where conversation_id = any($1)', [visitorConversations])).map((r) => r.id),
    });

    const batches = 20;
    const perBatch = Math.ceil(FRAME_CASES / batches);
    let sent = 0;
    for (let b = 0; b < batches && sent < FRAME_CASES; b++) {
      const mark = errors.lines.length;
      const half = Math.ceil(perBatch / 2);
      const visitorFrames = frameCorpus(half, await ids(visitorConversations), SEED + 2 * b, sent);
      const agentFrames = frameCorpus(perBatch - half, await ids(visitorConversations), SEED + 2 * b + 1, sent + half);
      visitorFrames.forEach((f, i) => visitors[i % visitors.length]!.send(f));
      agentFrames.forEach((f, i) => agents[i % agents.length]!.send(f));
      sent += visitorFrames.length + agentFrames.length;
      await Promise.all([...visitors, ...agents].map((s) => s.sync()));
      for (const s of [...visitors, ...agents]) {
        expect(s.closedWith, `batch ${b}: a corpus socket was closed`).toBeNull();
        const internal = s.received.filter((m) => m.type === 'error' && m.code === 'INTERNAL');
        expect(internal, `batch ${b}: INTERNAL error frames`).toEqual([]);
      }
      await assertHealthy(`frame batch ${b}`, mark);
    }
    const codes = new Map<string, number>();
    for (const s of [...visitors, ...agents]) {
      for (const m of s.received) {
        const key = m.type === 'error' ? `error:${m.code}` : String(m.type);
        codes.set(key, (codes.get(key) ?? 0) + 1);
      }
    }
    console.log(`[bad-input] ${sent} WebSocket frames in ${((Date.now() - started) / 1000).toFixed(1)} s; answers:`, Object.fromEntries([...codes].sort((x, y) => y[1] - x[1])));
    expect(sent).toBeGreaterThanOrEqual(FRAME_CASES);
    // The corpus reached real handlers, not only the parser.
    expect(codes.get('ack') ?? 0).toBeGreaterThan(FRAME_CASES / 50);
    for (const s of [...visitors, ...agents]) s.close();
  }, 240_000);

  it('answers a generated REST corpus over every route with 4xx catalog codes, never a 5xx', async () => {
    const started = Date.now();
    const routes = listRoutes(t.server.app);
    expect(routes.length).toBeGreaterThan(20);
    const admin = await agentLogin(t, 'admin@demo.visavis.local');
    const { visitorToken } = await visitorSession(t);
    const cases = restCorpus(routes, { adminCookie: admin, visitorToken }, SEED);
    const failures: string[] = [];
    const batch = 200;
    for (let i = 0; i < cases.length; i += batch) {
      const mark = errors.lines.length;
      await runConcurrently(cases.slice(i, i + batch), 6, async (c) => {
        const problem = await sendRestCase(t.url, c);
        if (problem) failures.push(problem);
      });
      expect(failures, `REST cases ${i}..${i + batch}`).toEqual([]);
      await assertHealthy(`REST batch ${i / batch}`, mark);
    }
    console.log(`[bad-input] ${cases.length} REST requests over ${routes.length} routes in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }, 240_000);

  it('lost nothing of the honest conversation meanwhile: every message once, in order, on both sides', async () => {
    await honestRound('final');
    const expected = sentByVisitor.flatMap((v, i) => [v, sentByAgent[i]!]);
    const conversationId = honest.conversation.id;
    const settled = async (r: typeof honest.visitor) => {
      const end = Date.now() + 10_000;
      while (r.texts(conversationId).length < expected.length && Date.now() < end) await new Promise((x) => setTimeout(x, 20));
      return r.texts(conversationId);
    };
    expect(await settled(honest.visitor)).toEqual(expected);
    expect(await settled(honest.agent)).toEqual(expected);
    expect(expected.length).toBeGreaterThan(20);
  }, 30_000);
});

/** Sends one REST case; answers a description of what went wrong, or null. */
async function sendRestCase(base: string, c: RestCase): Promise<string | null> {
  let res: Response;
  try {
    res = await fetch(`${base}${c.path}`, { method: c.method, headers: c.headers, body: c.body, redirect: 'manual' });
  } catch (e) {
    return `${c.label}: request failed (${(e as Error).message})`;
  }
  const text = await res.text();
  if (res.status >= 500) return `${c.label}: HTTP ${res.status} ${text.slice(0, 200)}`;
  if (text.includes('"INTERNAL"')) return `${c.label}: INTERNAL in ${text.slice(0, 200)}`;
  if (res.status >= 400 && (res.headers.get('content-type') ?? '').includes('json') && !/"code":"[A-Z_]+"/.test(text)) {
    return `${c.label}: HTTP ${res.status} without a catalog code: ${text.slice(0, 200)}`;
  }
  return null;
}

async function runConcurrently<T>(items: T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}
