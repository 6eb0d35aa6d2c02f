import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { DOMAIN_EVENT_TYPES, type CallView, type DomainEvent, type DomainEventType, type OfferView, type ServerMessage } from '@visavis/protocol';
import { newClientMsgId } from '@visavis/client';
import { agentConnection, agentLogin, MemoryRooms, startTestServer, visitorConnection, visitorSession, waitFor, type TestServer } from './support.js';

const ADMIN = 'admin@demo.visavis.local';
const AGENT1 = 'agent1@demo.visavis.local';

/**
 * The domain-event backbone, seen by a listener as webhooks and reports will see it: each fact of
 * a conversation's life is emitted once, in the envelope, by the transaction that made it, and
 * delivered after the commit; the timeline entry and the event say the same thing. Pushes that
 * come with them (offer.ringing, offer.ended, presence.changed) still reach the agent.
 */
describe('domain events written by the use cases', () => {
  let t: TestServer;
  const conns: { close(): void }[] = [];
  afterEach(async () => {
    for (const c of conns.splice(0)) c.close();
    await t?.stop();
  }, 30_000);

  /** Registers a listener of every event type; answers what it heard, in delivery order. */
  const observe = (): DomainEvent[] => {
    const heard: DomainEvent[] = [];
    for (const type of DOMAIN_EVENT_TYPES) t.server.listeners.on(type, 'test: record', async (e) => void heard.push(e));
    return heard;
  };
  const about = (heard: DomainEvent[], conversationId: string) =>
    heard.filter((e) => (e.data as { conversationId?: string }).conversationId === conversationId);

  it('emits every fact of a conversation, offer and call once, matching its timeline entry', async () => {
    t = await startTestServer({}, { callRooms: new MemoryRooms() });
    const heard = observe();
    const admin = await agentLogin(t, ADMIN);
    const headers = { cookie: admin, 'content-type': 'application/json' };
    const { agents } = (await (await fetch(`${t.url}/api/supervisor/agents`, { headers: { cookie: admin } })).json()) as { agents: { id: string; email: string }[] };
    const agentId = agents.find((a) => a.email === AGENT1)!.id;
    const put = await fetch(`${t.url}/api/admin/agents/${agentId}/routing`, { method: 'PUT', headers, body: JSON.stringify({ autoAccept: false }) });
    expect(put.ok).toBe(true);

    const agent = agentConnection(t, await agentLogin(t, AGENT1));
    conns.push(agent.conn);
    await agent.conn.request({ type: 'presence.set', presence: 'online' });
    await waitFor(() => agent.pushes.find((m) => m.type === 'presence.changed' && m.agentId === agentId && m.presence === 'online'), 'presence push');

    const session = await visitorSession(t);
    const visitor = visitorConnection(t, session.visitorToken);
    conns.push(visitor.conn);
    const { conversation } = await visitor.conn.request<{ conversation: { id: string } }>({ type: 'conversation.start' });
    const ringing = await waitFor(
      () => agent.pushes.find((m): m is Extract<ServerMessage, { type: 'offer.ringing' }> => m.type === 'offer.ringing')?.offer,
      'the offer rings (pushed after the routing commit)',
    );
    const offer: OfferView = ringing;
    await agent.conn.request({ type: 'offer.accept', offerId: offer.id });
    await waitFor(() => agent.pushes.find((m) => m.type === 'offer.ended' && m.offerId === offer.id), 'offer.ended push');
    visitor.conn.subscribe(conversation.id, 0);
    agent.conn.subscribe(conversation.id, 0);

    await visitor.conn.request({ type: 'message.send', conversationId: conversation.id, clientMsgId: newClientMsgId(), text: '你好' });
    await agent.conn.request({ type: 'message.send', conversationId: conversation.id, clientMsgId: newClientMsgId(), text: 'Hello' });
    await agent.conn.request({ type: 'receipt.mark', conversationId: conversation.id, state: 'read', upToSeq: 4 });
    const { call } = await visitor.conn.request<{ call: CallView }>({ type: 'call.start', conversationId: conversation.id, media: 'video' });
    await agent.conn.request({ type: 'call.accept', callId: call.id });
    await agent.conn.request({ type: 'call.hangup', callId: call.id });
    await visitor.conn.request({ type: 'conversation.close', conversationId: conversation.id });
    await visitor.conn.request({ type: 'csat.submit', conversationId: conversation.id, score: 5, comment: 'good' });

    await waitFor(() => about(heard, conversation.id).some((e) => e.type === 'csat.submitted'), 'the last fact delivered');
    const events = about(heard, conversation.id);
    const types = events.map((e) => e.type);
    const expected: DomainEventType[] = [
      'conversation.created', 'conversation.queued', 'offer.rang', 'conversation.assigned', 'offer.ended',
      'message.sent', 'message.sent', 'receipt.recorded', 'call.started', 'call.answered', 'call.ended',
      'conversation.closed', 'csat.submitted',
    ];
    expect(types.filter((x) => x !== 'receipt.recorded')).toEqual(expected.filter((x) => x !== 'receipt.recorded'));
    expect(types).toContain('receipt.recorded');
    for (const e of events) {
      expect(e).toMatchObject({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), orgId: expect.any(String), at: expect.any(String) });
    }
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);

    // The event and the timeline entry are one fact: same seq, author and text for messages.
    const timeline = (await (await fetch(`${t.url}/api/conversations/${conversation.id}/events`, { headers: { cookie: admin } })).json()) as {
      events: { seq: number; event: { type: string; text?: string } }[];
    };
    const sent = events.filter((e): e is DomainEvent<'message.sent'> => e.type === 'message.sent');
    for (const m of sent) {
      const entry = timeline.events.find((x) => x.seq === m.data.seq);
      expect(entry?.event).toMatchObject({ type: 'message', text: m.data.text });
    }
    expect(sent.map((m) => m.data.author.kind)).toEqual(['visitor', 'agent']);
    expect(events.find((e) => e.type === 'offer.ended')?.data).toMatchObject({ offerId: offer.id, agentId, status: 'accepted' });
    expect(events.find((e) => e.type === 'call.ended')?.data).toMatchObject({ callId: call.id, by: 'agent', reason: 'hangup' });
    expect(events.find((e) => e.type === 'csat.submitted')?.data).toMatchObject({ score: 5, comment: 'good' });
  });

  it('the architecture doc lists every event, and says which have listeners as the running server does', async () => {
    t = await startTestServer();
    const doc = await readFile(new URL('../../../docs/architecture.md', import.meta.url), 'utf8');
    const rows = new Map(
      [...doc.matchAll(/^\| `([a-z_]+\.[a-z_]+)` \| (.+?) \| (.+?) \|$/gm)].map((m) => [m[1]!, { emittedBy: m[2]!, listeners: m[3]! }]),
    );
    const registered = t.server.listeners.catalogue();
    for (const type of DOMAIN_EVENT_TYPES) {
      const row = rows.get(type);
      expect(row, `${type} in the catalogue`).toBeDefined();
      expect(row!.listeners === '—', `${type}: the doc says ${row!.listeners}; registered: ${registered[type]?.join(', ') ?? 'none'}`).toBe(
        (registered[type]?.length ?? 0) === 0,
      );
      expect(row!.emittedBy).not.toMatch(/not emitted/);
    }
  });
});
