import { afterEach, describe, expect, it } from 'vitest';
import type { CallView, ConversationSummary, ServerMessage } from '@visavis/protocol';
import {
  agentConnection, agentLogin, assignedConversation, MemoryRooms, rawSocket, startTestServer, visitorConnection,
  visitorSession, waitFor, type Recorder, type TestServer,
} from './support.js';

/**
 * Every WebSocket push is re-authorised when access changes (issue 10, leak 1): after a transfer,
 * an unassignment, a close that ends an agent's service of the visitor, or a role change, the
 * reader who lost access receives nothing more — no message, typing or call push — and is told
 * `conversation.unsubscribed`. Each absence is asserted after a positive control showed that the
 * reader who kept (or gained) access did receive the same thing.
 */
describe('pushes re-authorised after access changes', () => {
  let t: TestServer;
  const conns: { close(): void }[] = [];
  afterEach(async () => {
    for (const c of conns.splice(0)) c.close();
    await t?.stop();
  }, 30_000);

  const track = <T extends { conn: { close(): void } }>(r: T): T => {
    conns.push(r.conn);
    return r;
  };
  const agentId = async (email: string) =>
    (await t.server.db.query<{ id: string }>('select id from agents where email = $1', [email]))[0]!.id;
  const login = async (email: string) => track(agentConnection(t, await agentLogin(t, `${email}@demo.visavis.local`)));
  const settle = () => new Promise((r) => setTimeout(r, 300));
  let msgNo = 0;
  const say = (r: Recorder, conversationId: string, text: string) =>
    r.conn.request({ type: 'message.send', conversationId, clientMsgId: `auth-test-${++msgNo}-${Date.now()}`, text });
  /** Pushes after `mark` that carry anything of this conversation beyond what the reader may still see. */
  const leaked = (r: Recorder, mark: number, needles: string[]) =>
    r.pushes.slice(mark).filter((m) => needles.some((n) => JSON.stringify(m).includes(n)));
  const told = (r: Recorder, conversationId: string) =>
    waitFor(
      () => r.pushes.find((m) => m.type === 'conversation.unsubscribed' && m.conversationId === conversationId),
      'conversation.unsubscribed',
    );
  const typingOrCall = (m: ServerMessage) => m.type === 'typing' || m.type.startsWith('call.');
  const hasEvent = (r: Recorder, conversationId: string, type: string) =>
    r.events.some((e) => e.conversationId === conversationId && e.event.type === type);
  /** A server, and agent1 (A) serving a new visitor's conversation, both subscribed to it. */
  async function setup(overrides: Parameters<typeof startTestServer>[1] = {}) {
    t = await startTestServer({}, overrides);
    const served = await assignedConversation(t);
    track(served.agent);
    track(served.visitor);
    return { ...served, a: served.agent, conv: served.conversation.id };
  }

  it('a supervisor transfers from agent A to agent B: A gets no further message, typing or call push; B does', async () => {
    const { a, visitor, conv } = await setup({ callRooms: new MemoryRooms() });
    const b = await login('agent2');
    await b.conn.request({ type: 'presence.set', presence: 'online' });
    const sup = await login('supervisor');
    const otherVisitor = track(visitorConnection(t, (await visitorSession(t)).visitorToken));
    await otherVisitor.conn.request({ type: 'conversation.start' });

    await say(visitor, conv, 'before the transfer');
    await waitFor(() => a.texts(conv).includes('before the transfer'), 'A receives while assigned');
    await visitor.conn.request({ type: 'typing.set', conversationId: conv, typing: true });
    await waitFor(() => a.pushes.find((m) => m.type === 'typing' && m.conversationId === conv), 'A sees typing while assigned');
    const mark = a.pushes.length;

    await sup.conn.request({ type: 'conversation.transfer', conversationId: conv, agentId: await agentId('agent2@demo.visavis.local'), note: '' });
    await told(a, conv);
    expect(a.conn.lastSeq(conv)).toBe(0); // the SDK forgot it and will not resubscribe

    b.conn.subscribe(conv, 0);
    await waitFor(() => hasEvent(b, conv, 'conversation.assigned'), 'B has the history');
    await visitor.conn.request({ type: 'typing.set', conversationId: conv, typing: true });
    await waitFor(() => b.pushes.find((m) => m.type === 'typing' && m.conversationId === conv), 'B sees typing');
    await say(visitor, conv, 'secret after the transfer');
    await say(b, conv, 'B answers after the transfer');
    await waitFor(() => b.texts(conv).includes('secret after the transfer'), 'B receives the message');
    const { call } = await b.conn.request<{ call: CallView }>({ type: 'call.start', conversationId: conv, media: 'audio' });
    await visitor.conn.request({ type: 'call.accept', callId: call.id });
    await waitFor(() => b.pushes.find((m) => m.type === 'call.join'), 'B gets the call join push');

    // A reconnects (as after a network drop): still nothing, since it lost access.
    a.conn.dropForTest();
    await waitFor(() => a.conn.status === 'open' && a.pushes.filter((m) => m.type === 'ready').length >= 2, 'A reconnected');
    await say(visitor, conv, 'secret after the reconnect');
    await waitFor(() => b.texts(conv).includes('secret after the reconnect'), 'B receives again');
    await settle();

    const after = a.pushes.slice(mark);
    expect(after.filter(typingOrCall)).toEqual([]);
    expect(leaked(a, mark, ['secret after the transfer', 'B answers after the transfer', 'secret after the reconnect', call.id])).toEqual([]);
    // Of the conversation's events A saw only the transfer itself, the change that ended its access.
    const transferredSeq = b.events.find((e) => e.conversationId === conv && e.event.type === 'conversation.transferred')!.seq;
    expect(a.events.filter((e) => e.conversationId === conv && e.seq >= transferredSeq).map((e) => e.event.type)).toEqual(['conversation.transferred']);

    // A visitor of another conversation never receives anything of it, and may not subscribe.
    await expect(otherVisitor.conn.request({ type: 'conversation.subscribe', conversationId: conv, afterSeq: 0 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(leaked(otherVisitor, 0, [conv, 'secret', 'before the transfer'])).toEqual([]);
  });

  it('an agent unassigns (transfers to a group): they lose the conversation, the supervisor keeps it', async () => {
    const { a, visitor, conv } = await setup();
    const sup = await login('supervisor');
    sup.conn.subscribe(conv, 0);
    await waitFor(() => hasEvent(sup, conv, 'conversation.assigned'), 'supervisor has the history');
    await waitFor(() => hasEvent(a, conv, 'conversation.assigned'), 'A has the history');
    // Away, so that routing does not offer it straight back to A.
    await a.conn.request({ type: 'presence.set', presence: 'away' });
    const [group] = await t.server.db.query<{ id: string }>(`select id from skill_groups where name like 'General%'`);
    const mark = a.pushes.length;
    const markEvents = a.events.length;

    await a.conn.request({ type: 'conversation.transfer', conversationId: conv, groupId: group!.id, note: '' });
    await told(a, conv);
    await waitFor(() => hasEvent(sup, conv, 'conversation.queued'), 'supervisor sees it queued');
    await visitor.conn.request({ type: 'typing.set', conversationId: conv, typing: true });
    await say(visitor, conv, 'secret while queued');
    await waitFor(() => sup.texts(conv).includes('secret while queued'), 'the supervisor receives it');
    await waitFor(() => sup.pushes.find((m) => m.type === 'typing' && m.conversationId === conv), 'the supervisor sees typing');
    await settle();

    expect(a.pushes.slice(mark).filter(typingOrCall)).toEqual([]);
    expect(leaked(a, mark, ['secret while queued'])).toEqual([]);
    // A saw the transfer itself, and not the re-queueing that followed it.
    expect(a.events.slice(markEvents).map((e) => e.event.type)).toEqual(['conversation.transferred']);
  });

  it('a close ends an agent’s access to the visitor’s earlier conversation; its assigned agent keeps it', async () => {
    const { a, visitor, conv: first } = await setup();
    const b = await login('agent2');
    await a.conn.request({ type: 'conversation.close', conversationId: first });
    await waitFor(() => hasEvent(a, first, 'conversation.closed'), 'A sees the close');
    await a.conn.request({ type: 'presence.set', presence: 'away' });
    await b.conn.request({ type: 'presence.set', presence: 'online' });

    // The visitor comes back; B serves them and reads their earlier conversation.
    const { conversation: second } = await visitor.conn.request<{ conversation: ConversationSummary }>({ type: 'conversation.start' });
    await waitFor(
      () => b.pushes.find((m) => m.type === 'inbox.updated' && m.conversation.id === second.id && m.conversation.status === 'assigned'),
      'B is assigned the second conversation',
    );
    b.conn.subscribe(first, 0);
    await waitFor(() => hasEvent(b, first, 'conversation.closed'), 'B reads the earlier conversation while serving');
    const mark = b.pushes.length;

    await b.conn.request({ type: 'conversation.close', conversationId: second.id });
    await told(b, first);
    await visitor.conn.request({ type: 'csat.submit', conversationId: first, score: 5, comment: 'secret rating' });
    await waitFor(() => hasEvent(a, first, 'csat.submitted'), 'A, its assigned agent, still receives it');
    await settle();

    expect(leaked(b, mark, ['secret rating'])).toEqual([]);
    expect(b.events.filter((e) => e.conversationId === first && e.event.type === 'csat.submitted')).toEqual([]);
  });

  it('a role change (agent.access_changed) closes every socket of that agent with 4003; the reconnect gets only the new role’s pushes', async () => {
    const { a, visitor, conv } = await setup();
    const supCookie = await agentLogin(t, 'supervisor@demo.visavis.local');
    const sup = track(agentConnection(t, supCookie));
    const supRaw = await rawSocket(t, { cookie: supCookie });
    const b = await login('agent2');
    sup.conn.subscribe(conv, 0);
    await say(visitor, conv, 'seen as supervisor');
    await waitFor(() => sup.texts(conv).includes('seen as supervisor'), 'the supervisor receives while supervisor');
    const supId = await agentId('supervisor@demo.visavis.local');

    await t.server.db.query(`update agents set role = 'agent' where id = $1`, [supId]);
    const readyBefore = sup.pushes.filter((m) => m.type === 'ready').length;
    await t.server.bus.publish('agent.access_changed', { agentId: supId });
    expect(await supRaw.closed).toBe(4003);
    await waitFor(() => sup.conn.status === 'open' && sup.pushes.filter((m) => m.type === 'ready').length > readyBefore, 'reconnected');
    const mark = sup.pushes.length;
    // Another agent's sockets are untouched.
    expect(b.conn.status).toBe('open');

    await say(visitor, conv, 'secret after the demotion');
    await visitor.conn.request({ type: 'typing.set', conversationId: conv, typing: true });
    await waitFor(() => a.texts(conv).includes('secret after the demotion'), 'the assigned agent receives it');
    await settle();
    expect(leaked(sup, mark, ['secret after the demotion', conv])).toEqual([]);
    expect(sup.pushes.slice(mark).filter(typingOrCall)).toEqual([]);
  });

  it('a deactivation (sessions ended, agent.access_changed) closes the agent’s open sockets at once: nothing more arrives', async () => {
    const { a, cookie, visitor, conv } = await setup();
    const aRaw = await rawSocket(t, { cookie });
    const b = await login('agent2');
    await b.conn.request({ type: 'presence.set', presence: 'online' });
    await waitFor(() => hasEvent(a, conv, 'conversation.assigned'), 'A has the history');
    const aId = await agentId('agent1@demo.visavis.local');
    // B's presence reaches A through the outbox, a moment after B's request was answered.
    await waitFor(() => a.pushes.some((m) => m.type === 'presence.changed' && m.agentId !== aId && m.presence === 'online'), 'B online, seen by A');

    // What deactivation does to the database (the account service also marks the agent inactive).
    await t.server.db.query('delete from agent_sessions where agent_id = $1', [aId]);
    const mark = a.pushes.length;
    await t.server.bus.publish('agent.access_changed', { agentId: aId });
    expect(await aRaw.closed).toBe(4003);
    await waitFor(() => a.conn.status !== 'open', 'the SDK socket closed too');

    const sup = await login('supervisor');
    sup.conn.subscribe(conv, 0);
    await say(visitor, conv, 'secret after the deactivation');
    await visitor.conn.request({ type: 'typing.set', conversationId: conv, typing: true });
    await waitFor(() => sup.texts(conv).includes('secret after the deactivation'), 'the supervisor receives it');
    await settle();
    // Its reconnects (same cookie, session gone) are never authenticated: not even a `ready`.
    expect(a.pushes.slice(mark)).toEqual([]);
    expect(b.conn.status).toBe('open');
  });
});
