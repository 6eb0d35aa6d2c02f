import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { SequencedEvent } from '@visavis/protocol';
import { describeEachDatabase, type TestDatabase } from '../test-support/databases.js';
import { MemoryEventBus } from '../adapters/memory/memory-event-bus.js';
import { UnitOfWork } from '../platform/outbox/unit-of-work.js';
import { systemClock } from '../ports/clock.js';
import type { Database } from '../ports/database.js';
import type { BusTopics } from '../ports/event-bus.js';
import { AgentStore, OrgStore, VisitorStore, type Principal } from '../identity/index.js';
import { ConversationService } from './conversation-service.js';
import type { MessageWriterOptions } from './message-writer.js';
import { ConversationStore } from './conversation-store.js';
import { EventStore } from './event-store.js';

/** Counts the transactions the service runs: group commit shows as fewer transactions than messages. */
function countingTransactions(db: Database): { db: Database; count: () => number } {
  let n = 0;
  const counted: Database = {
    kind: db.kind,
    query: (sql, params) => db.query(sql, params),
    transaction: (fn) => {
      n++;
      return db.transaction(fn);
    },
    close: () => db.close(),
  };
  return { db: counted, count: () => n };
}

describeEachDatabase('message writer (group commit of chat messages)', (open) => {
  let t: TestDatabase;
  let bus: MemoryEventBus;
  let pushed: { events: SequencedEvent[]; inbox: BusTopics['inbox.updated'][] };
  let orgId: string;
  let agent: Principal;

  beforeEach(async () => {
    t = await open();
    bus = new MemoryEventBus();
    pushed = { events: [], inbox: [] };
    bus.subscribe('conversation.event', (e) => pushed.events.push(e));
    bus.subscribe('inbox.updated', (m) => pushed.inbox.push(m));
    const org = await OrgStore.create(t.db, { name: 'Org', site_key: randomUUID(), identity_secret: 's' });
    orgId = org.id;
    const a = await AgentStore.create(t.db, { orgId, email: `${randomUUID()}@x.io`, name: 'Agent A', role: 'agent', passwordHash: 'h', capacity: 5 });
    agent = { kind: 'agent', orgId, agentId: a.id, role: 'agent', name: 'Agent A', sessionId: randomUUID() };
  });
  afterEach(async () => {
    await bus.close();
    await t.drop();
  });

  /** A visitor with a conversation assigned to `agent`. */
  async function visitorWithConversation(name: string, assigned = true) {
    const v = await VisitorStore.create(t.db, orgId, null, { name });
    const c = await ConversationStore.create(t.db, { orgId, visitorId: v.id, pageUrl: null, language: null, now: new Date() });
    if (assigned) await ConversationStore.setStatus(t.db, c.id, { status: 'assigned', agentId: agent.kind === 'agent' ? agent.agentId : null, now: new Date() });
    const p: Principal = { kind: 'visitor', orgId, visitorId: v.id, sessionId: randomUUID() };
    return { p, conversationId: c.id };
  }

  function service(batches: MessageWriterOptions = { concurrency: 1, maxBatch: 100, maxQueueMs: 60_000 }) {
    const counted = countingTransactions(t.db);
    const svc = new ConversationService(counted.db, new UnitOfWork(counted.db, bus), bus, systemClock, batches);
    return { svc, transactions: counted.count };
  }

  const send = (svc: ConversationService, p: Principal, conversationId: string, clientMsgId: string, text = clientMsgId) =>
    svc.sendMessage(p, { conversationId, clientMsgId, text });

  it('writes messages sent at once in few transactions, each conversation gap-free in the order sent', async () => {
    const a = await visitorWithConversation('Ann');
    const b = await visitorWithConversation('Bob');
    const { svc, transactions } = service();
    const sends = [
      send(svc, a.p, a.conversationId, 'a1'), send(svc, b.p, b.conversationId, 'b1'), send(svc, a.p, a.conversationId, 'a2'),
      send(svc, agent, a.conversationId, 'x1', 'hello Ann'), send(svc, b.p, b.conversationId, 'b2'), send(svc, a.p, a.conversationId, 'a3'),
    ];
    const events = await Promise.all(sends);
    // The first message starts a batch alone; the five sent while it ran go together.
    expect(transactions()).toBe(2);
    expect(events.map((e) => [e.conversationId === a.conversationId ? 'a' : 'b', e.seq])).toEqual([
      ['a', 1], ['b', 1], ['a', 2], ['a', 3], ['b', 2], ['a', 4],
    ]);
    const storedA = await EventStore.after(t.db, a.conversationId, 0, 50);
    expect(storedA.map((e) => (e.event.type === 'message' ? [e.seq, e.event.clientMsgId, e.event.author.name] : null))).toEqual([
      [1, 'a1', 'Ann'], [2, 'a2', 'Ann'], [3, 'x1', 'Agent A'], [4, 'a3', 'Ann'],
    ]);
    expect(storedA.map((e) => (e.event.type === 'message' ? e.event.messageId : ''))).toEqual([1, 2, 3, 4].map((s) => `${a.conversationId}:${s}`));
    // Every entry pushed once, after its commit.
    expect(pushed.events.map((e) => `${e.conversationId}:${e.seq}`).sort()).toEqual(events.map((e) => `${e.conversationId}:${e.seq}`).sort());
    const row = await ConversationStore.byId(t.db, a.conversationId);
    expect([row?.last_seq, row?.last_message_text]).toEqual([4, 'a3']);
  });

  it('pushes the inbox line as it stands after the batch, unread counting the visitor’s new messages', async () => {
    const a = await visitorWithConversation('Ann');
    const { svc } = service();
    await send(svc, a.p, a.conversationId, 'a1');
    await Promise.all([send(svc, a.p, a.conversationId, 'a2'), send(svc, a.p, a.conversationId, 'a3'), send(svc, agent, a.conversationId, 'x1', 'reply')]);
    const last = pushed.inbox.at(-1)!;
    const fresh = await ConversationStore.summary(t.db, a.conversationId, 'agent');
    // As clients receive it (timestamps as ISO strings whatever the driver returns).
    const wire = (x: unknown) => JSON.parse(JSON.stringify(x)) as unknown;
    expect(wire(last.conversation)).toEqual(wire(fresh));
    expect(last.conversation.unread).toBe(3);
    expect(last.agentId).toBe(agent.kind === 'agent' ? agent.agentId : null);
  });

  it('answers a resend with the stored event, within a batch and after it, and stores it once', async () => {
    const a = await visitorWithConversation('Ann');
    const { svc } = service();
    await send(svc, a.p, a.conversationId, 'first');
    const [again, twin1, twin2] = await Promise.all([
      send(svc, a.p, a.conversationId, 'first', 'changed text is ignored'),
      send(svc, a.p, a.conversationId, 'twin'),
      send(svc, a.p, a.conversationId, 'twin'),
    ]);
    expect(again.seq).toBe(1);
    expect(again.event.type === 'message' && again.event.text).toBe('first');
    expect(twin1).toEqual(twin2);
    const later = await send(svc, a.p, a.conversationId, 'twin');
    expect(later.seq).toBe(twin1.seq);
    expect((await EventStore.after(t.db, a.conversationId, 0, 50)).length).toBe(2);
  });

  it('refuses what one sender may not do without failing the others in its batch', async () => {
    const a = await visitorWithConversation('Ann');
    const b = await visitorWithConversation('Bob');
    const closed = await visitorWithConversation('Cid');
    const unassigned = await visitorWithConversation('Dee', false);
    await ConversationStore.setStatus(t.db, closed.conversationId, { status: 'closed', now: new Date(), closedBy: 'agent' });
    const { svc } = service();
    const blocker = send(svc, a.p, a.conversationId, 'starts the first batch');
    const results = await Promise.allSettled([
      send(svc, b.p, a.conversationId, 'not Bob’s'),
      send(svc, closed.p, closed.conversationId, 'too late'),
      send(svc, agent, unassigned.conversationId, 'not assigned to this agent'),
      send(svc, b.p, randomUUID(), 'no such conversation'),
      send(svc, b.p, b.conversationId, 'fine'),
    ]);
    await blocker;
    const codes = results.map((r) => (r.status === 'rejected' ? (r.reason as { code?: string }).code : 'stored'));
    // The agent's case goes through the one-message path, which answers as before the batching.
    expect(codes).toEqual(['NOT_FOUND', 'CONVERSATION_CLOSED', 'NOT_FOUND', 'NOT_FOUND', 'stored']);
    expect((await EventStore.after(t.db, a.conversationId, 0, 50)).length).toBe(1);
    expect((await EventStore.after(t.db, unassigned.conversationId, 0, 50)).length).toBe(0);
  });

  it('keeps one sender’s order across batches running at once', async () => {
    const a = await visitorWithConversation('Ann');
    const b = await visitorWithConversation('Bob');
    const { svc } = service({ concurrency: 3, maxBatch: 1, maxQueueMs: 60_000 });
    const ids = Array.from({ length: 12 }, (_, i) => `m${i}`);
    const events = await Promise.all(ids.flatMap((id) => [send(svc, a.p, a.conversationId, id), send(svc, b.p, b.conversationId, id)]));
    const inA = events.filter((e) => e.conversationId === a.conversationId);
    expect(inA.map((e) => (e.event.type === 'message' ? e.event.clientMsgId : ''))).toEqual(ids);
    expect(inA.map((e) => e.seq)).toEqual(ids.map((_, i) => i + 1));
  });

  it('refuses a message at once, with nothing stored, when the queue holds more work than it may', async () => {
    const a = await visitorWithConversation('Ann');
    const { svc } = service({ concurrency: 1, maxBatch: 100, maxQueueMs: 0 });
    // The first starts a batch, the second finds the queue empty; the third would wait behind it.
    const results = await Promise.allSettled(['m1', 'm2', 'm3'].map((id) => send(svc, a.p, a.conversationId, id)));
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value.seq : (r.reason as { code?: string }).code))).toEqual([1, 2, 'OVERLOADED']);
    const refusal = (results[2] as PromiseRejectedResult).reason as { details?: { retryAfterMs?: number } };
    expect(refusal.details?.retryAfterMs).toBeGreaterThanOrEqual(250);
    expect((await EventStore.after(t.db, a.conversationId, 0, 50)).length).toBe(2);
  });

  it.each([
    ['rolled back', 'before'],
    ['committed, but its answer was lost', 'after'],
  ] as const)('writes every message of a batch whose transaction failed (%s) one by one, exactly once', async (_, when) => {
    const a = await visitorWithConversation('Ann');
    const b = await visitorWithConversation('Bob');
    const counted = countingTransactions(t.db);
    let failNext = false;
    const failing: Database = {
      ...counted.db,
      transaction: (fn) => {
        if (!failNext) return counted.db.transaction(fn);
        failNext = false;
        if (when === 'before') return counted.db.transaction(async (tx) => (await fn(tx), Promise.reject(new Error('connection lost'))));
        return counted.db.transaction(fn).then(() => Promise.reject(new Error('connection lost after COMMIT')));
      },
    };
    const svc = new ConversationService(failing, new UnitOfWork(failing, bus), bus, systemClock, { concurrency: 1, maxBatch: 100, maxQueueMs: 60_000 });
    const first = send(svc, a.p, a.conversationId, 'alone first');
    failNext = true;
    const batch = await Promise.all([send(svc, a.p, a.conversationId, 'x'), send(svc, b.p, b.conversationId, 'y'), send(svc, a.p, a.conversationId, 'z')]);
    await first;
    expect(batch.map((e) => [e.conversationId === a.conversationId ? 'a' : 'b', e.seq])).toEqual([['a', 2], ['b', 1], ['a', 3]]);
    expect((await EventStore.after(t.db, a.conversationId, 0, 50)).map((e) => (e.event.type === 'message' ? e.event.clientMsgId : ''))).toEqual(['alone first', 'x', 'z']);
    expect((await EventStore.after(t.db, b.conversationId, 0, 50)).length).toBe(1);
  });
});
