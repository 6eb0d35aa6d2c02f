import { afterEach, describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import type { z } from 'zod';
import { factsSigningString, signIdentity } from '../src/identity/tokens.js';
import type { Connection } from '@visavis/client';
import {
  AgentDirectoryAnswer, ConversationDetails, ConversationRouting, EventsAnswer, OfflineMessageLeft, OfflineMessagesAnswer, RoutingConfigAnswer,
  SkillGroupAnswer, SupervisorAgentsAnswer, SupervisorQueueAnswer, VisitorRoutingFactsView,
} from '@visavis/protocol';
import type { ConversationSummary, OfferView, RoutingConfig, ServerMessage } from '@visavis/protocol';
import { agentConnection, agentLogin, startTestServer, visitorConnection, visitorSession, waitFor, type Recorder, type TestServer } from './support.js';

const ADMIN = 'admin@demo.visavis.local';
const AGENT1 = 'agent1@demo.visavis.local';
const AGENT2 = 'agent2@demo.visavis.local';

interface Ctx {
  t: TestServer;
  admin: string;
  ids: Record<string, string>;
}

async function boot(env: Record<string, string> = {}): Promise<Ctx> {
  const t = await startTestServer(env);
  const admin = await agentLogin(t, ADMIN);
  const { agents } = await apiAs(SupervisorAgentsAnswer, t, admin, 'GET', '/api/supervisor/agents');
  return { t, admin, ids: Object.fromEntries(agents.map((a) => [a.email, a.id])) };
}

/** JSON over HTTP with a cookie (agents) or bearer token (visitors); errors reject with { code }. */
async function http<T>(t: TestServer, headers: Record<string, string>, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(t.url + path, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const parsed = text ? (JSON.parse(text) as unknown) : undefined;
  if (!res.ok) throw Object.assign(new Error(text), (parsed as { error: object }).error);
  return parsed as T;
}

const api = <T>(t: TestServer, cookie: string, method: string, path: string, body?: unknown) => http<T>(t, { cookie }, method, path, body);
const asVisitor = <T>(t: TestServer, token: string, method: string, path: string, body?: unknown) =>
  http<T>(t, { authorization: `Bearer ${token}` }, method, path, body);

/**
 * An answer read with its protocol schema, so a drift between the server and packages/protocol
 * fails here: a field missing or retyped fails the parse, and a field the schema does not know
 * (which the parse strips) fails the comparison with what the server sent.
 */
function typed<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const parsed = schema.parse(raw);
  expect(parsed).toEqual(raw);
  return parsed;
}
const apiAs = async <S extends z.ZodType>(schema: S, t: TestServer, cookie: string, method: string, path: string, body?: unknown) =>
  typed(schema, await api(t, cookie, method, path, body));
const asVisitorAs = async <S extends z.ZodType>(schema: S, t: TestServer, token: string, method: string, path: string, body?: unknown) =>
  typed(schema, await asVisitor(t, token, method, path, body));

async function online(c: Ctx, email: string): Promise<{ rec: Recorder; id: string }> {
  const rec = agentConnection(c.t, await agentLogin(c.t, email));
  await rec.conn.request({ type: 'presence.set', presence: 'online' });
  return { rec, id: c.ids[email]! };
}

async function visitorStarts(c: Ctx, start: Record<string, unknown> = {}, session: object = {}) {
  const s = await visitorSession(c.t, session);
  const v = visitorConnection(c.t, s.visitorToken);
  const { conversation } = await v.conn.request<{ conversation: ConversationSummary }>({ type: 'conversation.start', ...start });
  return { v, conversation, token: s.visitorToken, visitorId: s.visitorId };
}

const assignedTo = (rec: Recorder, conversationId: string) =>
  waitFor(
    () => rec.pushes.find((m) => m.type === 'inbox.updated' && m.conversation.id === conversationId && m.conversation.status === 'assigned'),
    `assignment of ${conversationId}`,
  );

async function statusOf(c: Ctx, id: string): Promise<ConversationSummary> {
  return (await apiAs(ConversationDetails, c.t, c.admin, 'GET', `/api/conversations/${id}`)).conversation;
}

async function setConfig(c: Ctx, patch: (cfg: RoutingConfig) => RoutingConfig): Promise<void> {
  const { config } = await apiAs(RoutingConfigAnswer, c.t, c.admin, 'GET', '/api/admin/routing-config');
  await api(c.t, c.admin, 'PUT', '/api/admin/routing-config', patch(config));
}

describe('ACD routing through the real server', () => {
  let c: Ctx;
  const conns: Connection[] = [];
  afterEach(async () => {
    for (const x of conns.splice(0)) x.close();
    await c?.t.stop();
  }, 30_000);

  it('routes by skill-group rule on the entry point and explains the decision', async () => {
    c = await boot();
    const { group: sales } = await apiAs(SkillGroupAnswer, c.t, c.admin, 'POST', '/api/admin/skill-groups', { name: 'Sales', memberIds: [c.ids[AGENT1]] });
    const { group: support } = await apiAs(SkillGroupAnswer, c.t, c.admin, 'POST', '/api/admin/skill-groups', { name: 'Support', memberIds: [c.ids[AGENT2]] });
    await setConfig(c, (cfg) => ({
      ...cfg,
      policy: {
        ...cfg.policy,
        chain: [
          { kind: 'skill-rules', defaultGroupId: sales.id, rules: [{ id: 'r1', when: [{ field: 'entryPoint', oneOf: ['help'] }], groupId: support.id }] },
          { kind: 'least-loaded' },
        ],
      },
    }));
    const a1 = await online(c, AGENT1);
    const a2 = await online(c, AGENT2);
    conns.push(a1.rec.conn, a2.rec.conn);
    const helpV = await visitorStarts(c, { entryPoint: 'help' });
    const buyV = await visitorStarts(c, { entryPoint: 'buy' });
    conns.push(helpV.v.conn, buyV.v.conn);
    await assignedTo(a2.rec, helpV.conversation.id);
    await assignedTo(a1.rec, buyV.conversation.id);
    const why = await apiAs(ConversationRouting, c.t, c.admin, 'GET', `/api/conversations/${helpV.conversation.id}/routing`);
    // The typed explanation, camelCase: the engine's decision as stored, and every load change.
    expect(Object.keys(why).sort()).toEqual(['decision', 'groupId', 'log']);
    expect(why.decision).toMatchObject({ kind: 'offer', agentId: a2.id, strategy: 'least-loaded', groupId: support.id });
    expect(Object.keys(why.decision!).sort()).toEqual(['agentId', 'candidates', 'groupId', 'kind', 'reasons', 'strategy']);
    expect(why.decision!.reasons.some((r) => r.step === 'skill-rules' && r.note.includes('r1'))).toBe(true);
    expect(why.decision!.candidates).toContainEqual({ agentId: a2.id, kept: true, why: expect.any(String) });
    expect(why.groupId).toBe(support.id);
    expect(why.log.map((l) => l.kind)).toEqual(['offer', 'assign']);
    for (const l of why.log) {
      expect(Object.keys(l).sort()).toEqual(['agentId', 'at', 'capacity', 'delta', 'detail', 'kind', 'loadAfter']);
      expect(new Date(l.at).toISOString()).toBe(l.at);
    }
    expect(why.log[0]).toMatchObject({ kind: 'offer', agentId: a2.id, delta: 1, loadAfter: 1, capacity: expect.any(Number), detail: null });
    expect(why.log[1]).toMatchObject({ kind: 'assign', agentId: a2.id, delta: 0, loadAfter: null, detail: { auto: true } });
    // A decision stored before the explanation was typed (the old explain() JSON, here with
    // fields missing) still reads, with empty values where fields are missing.
    await c.t.server.db.query('update conversations set routing = $2 where id = $1', [
      buyV.conversation.id,
      JSON.stringify({ kind: 'offer', agentId: a1.id, strategy: 'skill-rules', reasons: [{ step: 'skill-rules', note: 'default group' }, 3] }),
    ]);
    const old = await apiAs(ConversationRouting, c.t, c.admin, 'GET', `/api/conversations/${buyV.conversation.id}/routing`);
    expect(old.decision).toEqual({
      kind: 'offer', agentId: a1.id, strategy: 'skill-rules', groupId: null, reasons: [{ step: 'skill-rules', note: 'default group' }], candidates: [],
    });
    expect(old.groupId).toBe(sales.id);
    // A visitor cannot read the routing explanation.
    await expect(
      asVisitor(c.t, helpV.token, 'GET', `/api/conversations/${helpV.conversation.id}/routing`),
    ).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('rings an agent who does not auto-accept; decline and timeout re-offer, and repeated misses set them away', async () => {
    c = await boot();
    await setConfig(c, (cfg) => ({ ...cfg, ringTimeoutMs: 3000, maxMissedOffers: 1 }));
    for (const e of [AGENT1, AGENT2]) await api(c.t, c.admin, 'PUT', `/api/admin/agents/${c.ids[e]}/routing`, { autoAccept: false });
    const a1 = await online(c, AGENT1);
    conns.push(a1.rec.conn);
    const { v, conversation } = await visitorStarts(c);
    conns.push(v.conn);
    const ring = (rec: Recorder, n: number) =>
      waitFor(() => rec.pushes.filter((m): m is Extract<ServerMessage, { type: 'offer.ringing' }> => m.type === 'offer.ringing')[n]?.offer, 'an offer');
    const first: OfferView = await ring(a1.rec, 0);
    expect(first.conversationId).toBe(conversation.id);
    expect((await statusOf(c, conversation.id)).status).toBe('queued');
    const a2 = await online(c, AGENT2);
    conns.push(a2.rec.conn);
    await a1.rec.conn.request({ type: 'offer.decline', offerId: first.id });
    // Declined: the refusal cooldown keeps it from agent1, so agent2 rings.
    const second = await ring(a2.rec, 0);
    expect(second.conversationId).toBe(conversation.id);
    await expect(a1.rec.conn.request({ type: 'offer.accept', offerId: first.id })).rejects.toMatchObject({ code: 'OFFER_NOT_RINGING' });
    // agent2 lets it ring out: timeout, and with maxMissedOffers = 1 they are set away.
    await waitFor(() => a2.rec.pushes.some((m) => m.type === 'offer.ended' && m.offerId === second.id && m.status === 'timeout'), 'timeout', 10_000);
    const { agents } = await apiAs(SupervisorAgentsAnswer, c.t, c.admin, 'GET', '/api/supervisor/agents');
    expect(agents.find((a) => a.id === a2.id)).toMatchObject({ presence: 'away', load: 0 });
    // Cooldown over for nobody: agent1 declined within 5 min, agent2 is away -> it waits in the queue.
    expect((await statusOf(c, conversation.id)).status).toBe('queued');
    await setConfig(c, (cfg) => ({ ...cfg, policy: { ...cfg.policy, refusalCooldownMs: 0 } }));
    const third = await ring(a1.rec, 1);
    await a1.rec.conn.request({ type: 'offer.accept', offerId: third.id });
    await assignedTo(a1.rec, conversation.id);
    const log = await apiAs(ConversationRouting, c.t, c.admin, 'GET', `/api/conversations/${conversation.id}/routing`);
    expect(log.log.map((l) => l.kind)).toEqual(['offer', 'release', 'declined', 'offer', 'release', 'timeout', 'auto-away', 'offer', 'accept']);
    expect(log.log.map((l) => l.agentId)).toEqual([a1.id, a1.id, a1.id, a2.id, a2.id, a2.id, a2.id, a1.id, a1.id]);
    expect(log.log.find((l) => l.kind === 'auto-away')?.detail).toEqual({ missed: 1 });
    expect(log.decision).toMatchObject({ kind: 'offer', agentId: a1.id });
  });

  it('routes a returning visitor back to their last agent even when another is less loaded', async () => {
    c = await boot();
    const a1 = await online(c, AGENT1);
    const a2 = await online(c, AGENT2);
    conns.push(a1.rec.conn, a2.rec.conn);
    // The first conversation goes to agent2 by designation; it ends.
    const first = await visitorStarts(c, { designatedAgentId: a2.id });
    conns.push(first.v.conn);
    await assignedTo(a2.rec, first.conversation.id);
    await first.v.conn.request({ type: 'conversation.close', conversationId: first.conversation.id });
    // Load agent2 with someone else so that least-loaded alone would pick agent1.
    const filler = await visitorStarts(c, { designatedAgentId: a2.id });
    conns.push(filler.v.conn);
    await assignedTo(a2.rec, filler.conversation.id);
    const rec = a2;
    const other = a1;
    const again = await visitorSession(c.t, { visitorToken: first.token });
    expect(again.visitorId).toBe(first.visitorId);
    const v2 = visitorConnection(c.t, again.visitorToken);
    conns.push(v2.conn);
    const { conversation } = await v2.conn.request<{ conversation: ConversationSummary }>({ type: 'conversation.start' });
    await assignedTo(rec.rec, conversation.id);
    expect(other.rec.pushes.some((m) => m.type === 'inbox.updated' && m.conversation.id === conversation.id)).toBe(false);
    const why = await apiAs(ConversationRouting, c.t, c.admin, 'GET', `/api/conversations/${conversation.id}/routing`);
    expect(why.decision).toMatchObject({ kind: 'offer', strategy: 'returning' });
  });

  it('puts a signed VIP ahead of earlier visitors in the queue, and serves them first', async () => {
    c = await boot();
    await api(c.t, c.admin, 'PUT', `/api/admin/agents/${c.ids[AGENT1]}/routing`, { capacity: 1 });
    const a1 = await online(c, AGENT1);
    conns.push(a1.rec.conn);
    const busy = await visitorStarts(c);
    await assignedTo(a1.rec, busy.conversation.id);
    const plain = await visitorStarts(c);
    conns.push(busy.v.conn, plain.v.conn);
    await waitFor(() => plain.v.pushes.find((m) => m.type === 'queue.position' && m.position === 1), 'position 1 for the first waiter');
    // Unsigned VIP claims are refused; a signed one is accepted.
    const { identity_secret: secret } = (await c.t.server.db.query<{ identity_secret: string }>('select identity_secret from orgs'))[0]!;
    const facts = Buffer.from(JSON.stringify({ vip: true, tags: ['wealth'] })).toString('base64url');
    const userId = 'vip-42';
    const ts = Math.floor(Date.now() / 1000);
    const hash = signIdentity(secret, { userId, ts });
    await expect(visitorSession(c.t, { identity: { userId, ts, hash, facts, factsHash: hash } })).rejects.toMatchObject({ code: 'INVALID_IDENTITY' });
    const factsHash = createHmac('sha256', secret).update(factsSigningString(userId, facts)).digest('hex');
    const vip = await visitorStarts(c, {}, { identity: { userId, ts, hash, facts, factsHash } });
    conns.push(vip.v.conn);
    await waitFor(() => vip.v.pushes.find((m) => m.type === 'queue.position' && m.position === 1), 'VIP at position 1');
    await waitFor(() => plain.v.pushes.find((m) => m.type === 'queue.position' && m.position === 2), 'the earlier visitor moves to 2');
    await busy.v.conn.request({ type: 'conversation.close', conversationId: busy.conversation.id });
    await assignedTo(a1.rec, vip.conversation.id);
    expect((await statusOf(c, plain.conversation.id)).status).toBe('queued');
  });

  it('transfers to an agent with room and to a skill group, keeping one timeline', async () => {
    c = await boot();
    const { group } = await apiAs(SkillGroupAnswer, c.t, c.admin, 'POST', '/api/admin/skill-groups', { name: 'Loans', memberIds: [c.ids[AGENT1]] });
    const a1 = await online(c, AGENT1);
    conns.push(a1.rec.conn);
    const { v, conversation, token } = await visitorStarts(c);
    conns.push(v.conn);
    await assignedTo(a1.rec, conversation.id);
    // agent2 is offline: a transfer to them is refused with a stable code.
    await expect(
      a1.rec.conn.request({ type: 'conversation.transfer', conversationId: conversation.id, agentId: c.ids[AGENT2], note: 'x' }),
    ).rejects.toMatchObject({ code: 'AGENT_UNAVAILABLE' });
    const a2 = await online(c, AGENT2);
    conns.push(a2.rec.conn);
    await a1.rec.conn.request({ type: 'conversation.transfer', conversationId: conversation.id, agentId: a2.id, note: 'mortgage question' });
    await assignedTo(a2.rec, conversation.id);
    await a2.rec.conn.request({ type: 'conversation.transfer', conversationId: conversation.id, groupId: group.id, note: 'back to loans' });
    await waitFor(async () => (await statusOf(c, conversation.id)).agentId === a1.id, 'assignment within the Loans group');
    const { events } = await apiAs(EventsAnswer, c.t, c.admin, 'GET', `/api/conversations/${conversation.id}/events`);
    expect(events.map((e) => e.event.type).filter((x) => x !== 'receipt')).toEqual([
      'conversation.created', 'conversation.queued', 'conversation.assigned',
      'conversation.transferred', 'conversation.assigned',
      'conversation.transferred', 'conversation.queued', 'conversation.assigned',
    ]);
    // The notes are for colleagues: agents read them, the visitor gets the events without them.
    const notes = (evs: { event: { type: string; note?: string } }[]) => evs.filter((e) => e.event.type === 'conversation.transferred').map((e) => e.event.note);
    expect(notes(events as never)).toEqual(['mortgage question', 'back to loans']);
    const seen = await asVisitorAs(EventsAnswer, c.t, token, 'GET', `/api/conversations/${conversation.id}/events`);
    expect(notes(seen.events as never)).toEqual(['', '']);
    const { agents } = await apiAs(SupervisorAgentsAnswer, c.t, c.admin, 'GET', '/api/supervisor/agents');
    expect(agents.find((a) => a.id === a2.id)?.load).toBe(0);
    expect(agents.find((a) => a.id === a1.id)?.load).toBe(1);
  });

  it('tells visitors a closed group is closed, and takes an offline message the workspace lists', async () => {
    c = await boot();
    const allClosed = { timeZone: 'Asia/Shanghai', weekly: [], holidays: [] };
    const { group } = await apiAs(SkillGroupAnswer, c.t, c.admin, 'POST', '/api/admin/skill-groups', {
      name: 'Night', hours: allClosed, memberIds: [c.ids[AGENT1]],
    });
    await setConfig(c, (cfg) => ({ ...cfg, policy: { ...cfg.policy, chain: [{ kind: 'skill-rules', rules: [], defaultGroupId: group.id }, { kind: 'least-loaded' }] } }));
    const a1 = await online(c, AGENT1);
    conns.push(a1.rec.conn);
    const { v, conversation, token } = await visitorStarts(c);
    conns.push(v.conn);
    await waitFor(() => v.pushes.find((m) => m.type === 'queue.position' && m.closed), 'a closed notice');
    expect((await statusOf(c, conversation.id)).status).toBe('queued');
    await asVisitorAs(OfflineMessageLeft, c.t, token, 'POST', '/api/visitor/offline-messages', {
      name: 'Zhang <b>', contact: 'zhang@example.com', text: 'Please call me back', groupId: group.id,
    });
    const { messages } = await apiAs(OfflineMessagesAnswer, c.t, c.admin, 'GET', '/api/offline-messages');
    expect(messages).toEqual([expect.objectContaining({ text: 'Please call me back', name: 'Zhang <b>', groupId: group.id })]);
  });

  it('lists colleagues to any agent, and shows supervisors the routing facts they can set on a visitor', async () => {
    c = await boot();
    const agent1 = await agentLogin(c.t, AGENT1);
    const { agents } = await apiAs(AgentDirectoryAnswer, c.t, agent1, 'GET', '/api/agents/directory');
    expect(agents).toHaveLength(4);
    const a2 = agents.find((a) => a.id === c.ids[AGENT2]);
    expect(a2).toEqual({ id: c.ids[AGENT2], name: 'Chen Wei 陈伟', presence: 'offline', groupIds: [expect.any(String)] });
    // Only names, presence and groups: no emails, load or roles for plain agents.
    expect(Object.keys(agents[0]!).sort()).toEqual(['groupIds', 'id', 'name', 'presence']);
    // The supervisor-only list stays closed to them.
    await expect(api(c.t, agent1, 'GET', '/api/supervisor/agents')).rejects.toMatchObject({ code: 'FORBIDDEN' });

    const { visitorId } = await visitorSession(c.t);
    const path = `/api/admin/visitors/${visitorId}/routing`;
    expect(await apiAs(VisitorRoutingFactsView, c.t, c.admin, 'GET', path)).toEqual({ vip: false, tags: [], attributes: {} });
    await api(c.t, c.admin, 'PUT', path, { vip: true, tags: ['wealth'], attributes: { level: 'gold' } });
    const supervisor = await agentLogin(c.t, 'supervisor@demo.visavis.local');
    expect(await apiAs(VisitorRoutingFactsView, c.t, supervisor, 'GET', path)).toEqual({ vip: true, tags: ['wealth'], attributes: { level: 'gold' } });
    await expect(api(c.t, agent1, 'GET', path)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(api(c.t, c.admin, 'GET', '/api/admin/visitors/00000000-0000-4000-8000-000000000000/routing')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('tells a visitor their group is closed even when no agent is online or has room', async () => {
    c = await boot();
    const { group } = await apiAs(SkillGroupAnswer, c.t, c.admin, 'POST', '/api/admin/skill-groups', {
      name: 'Night', hours: { timeZone: 'UTC', weekly: [], holidays: [] }, memberIds: [c.ids[AGENT1]],
    });
    await setConfig(c, (cfg) => ({ ...cfg, policy: { ...cfg.policy, chain: [{ kind: 'skill-rules', rules: [], defaultGroupId: group.id }, { kind: 'least-loaded' }] } }));
    // Nobody is online: the typical night. The visitor must still learn that the team is closed.
    const { v, conversation } = await visitorStarts(c);
    conns.push(v.conn);
    await waitFor(() => v.pushes.find((m) => m.type === 'queue.position' && m.closed), 'a closed notice with nobody online');
    const why = await apiAs(ConversationRouting, c.t, c.admin, 'GET', `/api/conversations/${conversation.id}/routing`);
    expect(why).toMatchObject({ decision: { kind: 'queue', closed: true, groupId: group.id }, groupId: group.id });
    expect(Object.keys(why.decision!).sort()).toEqual(['candidates', 'closed', 'groupId', 'kind', 'reasons', 'recheckAt']);
    // The supervisor's queue carries the same typed explanation, camelCase throughout.
    const { queue } = await apiAs(SupervisorQueueAnswer, c.t, c.admin, 'GET', '/api/supervisor/queue');
    expect(queue).toHaveLength(1);
    expect(Object.keys(queue[0]!).sort()).toEqual([
      'conversationId', 'entryPoint', 'etaSeconds', 'groupId', 'media', 'pageUrl', 'position', 'ringing', 'routing', 'vip', 'visitorId',
      'visitorName', 'waitingMs',
    ]);
    expect(queue[0]).toMatchObject({ conversationId: conversation.id, groupId: group.id, media: 'chat', position: 1, ringing: false, routing: why.decision });
    const { agents } = await apiAs(SupervisorAgentsAnswer, c.t, c.admin, 'GET', '/api/supervisor/agents');
    for (const a of agents) {
      expect(Object.keys(a).sort()).toEqual([
        'activeConversations', 'autoAccept', 'capacity', 'email', 'groupIds', 'id', 'load', 'missedOffers', 'name', 'presence', 'role', 'wrapUpUntil',
      ]);
    }
    expect(agents.find((a) => a.id === c!.ids[AGENT1])).toMatchObject({ groupIds: expect.arrayContaining([group.id]), wrapUpUntil: null, autoAccept: true });
  });

  it('closes a waiting conversation whose visitor left, and moves the next visitor up', async () => {
    c = await boot({ ABANDON_SECONDS: '1' });
    const leaving = await visitorStarts(c);
    const staying = await visitorStarts(c);
    conns.push(staying.v.conn);
    await waitFor(() => staying.v.pushes.find((m) => m.type === 'queue.position' && m.position === 2), 'second in line');
    leaving.v.conn.close();
    await waitFor(async () => (await statusOf(c, leaving.conversation.id)).status === 'closed', 'abandoned conversation closed', 15_000);
    await waitFor(() => staying.v.pushes.find((m) => m.type === 'queue.position' && m.position === 1), 'moved up to first');
    expect((await statusOf(c, staying.conversation.id)).status).toBe('queued');
  });
});
