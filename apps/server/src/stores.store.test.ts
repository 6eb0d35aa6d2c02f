import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { TimelineEvent } from '@visavis/protocol';
import { migrate } from './adapters/postgres/migrate.js';
import { describeEachDatabase, type TestDatabase } from './test-support/databases.js';
import { Capacity } from './routing/capacity.js';
import { AgentStore } from './identity/agent-store.js';
import { ConversationStore } from './conversations/conversation-store.js';
import { EventStore } from './conversations/event-store.js';
import { OrgStore, SettingsStore } from './identity/org-store.js';
import { commandQueue, Commands } from './platform/outbox/commands.js';
import { DispatchingDatabase } from './platform/outbox/dispatching-database.js';
import { emit, EventListeners, eventQueue } from './platform/events/domain-events.js';
import { VisitorStore } from './identity/visitor-store.js';

const message = (clientMsgId: string, text: string): TimelineEvent => ({
  type: 'message',
  messageId: clientMsgId,
  clientMsgId,
  author: { kind: 'visitor', id: null, name: null },
  kind: 'text',
  text,
  attachment: null,
});

describeEachDatabase('stores', (open) => {
  let t: TestDatabase;
  let orgId: string;
  let visitorId: string;
  beforeEach(async () => {
    t = await open();
    orgId = (await OrgStore.create(t.db, { name: 'Org', site_key: 'k1', identity_secret: 's' })).id;
    visitorId = (await VisitorStore.create(t.db, orgId, null, { name: 'V' })).id;
  });
  afterEach(async () => t.drop());

  const newConversation = () => ConversationStore.create(t.db, { orgId, visitorId, pageUrl: null, language: null, now: new Date() });

  it('migrations run again without changing anything', async () => {
    expect(await migrate(t.db)).toEqual([]);
  });

  it('appends events with gap-free sequence numbers under concurrent writers', async () => {
    const c = await newConversation();
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        t.db.transaction(async (tx) => {
          await ConversationStore.lock(tx, c.id);
          await EventStore.append(tx, { orgId, conversationId: c.id, now: new Date() }, message(`client-msg-${i}`, `m${i}`));
        }),
      ),
    );
    const events = await EventStore.after(t.db, c.id, 0, 100);
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect((await ConversationStore.byId(t.db, c.id))!.last_seq).toBe(20);
    expect((await EventStore.after(t.db, c.id, 15, 100)).map((e) => e.seq)).toEqual([16, 17, 18, 19, 20]);
  });

  it('refuses a second event with the same client message id on the same side', async () => {
    const c = await newConversation();
    const at = { orgId, conversationId: c.id, now: new Date() };
    await t.db.transaction((tx) => EventStore.append(tx, at, message('same-client-id', 'one')));
    await expect(t.db.transaction((tx) => EventStore.append(tx, at, message('same-client-id', 'two')))).rejects.toThrow();
    const found = await EventStore.byClientMsgId(t.db, c.id, 'visitor', 'same-client-id');
    expect(found?.event).toMatchObject({ text: 'one' });
    // The failed transaction rolled back its sequence number too.
    expect((await ConversationStore.byId(t.db, c.id))!.last_seq).toBe(1);
  });

  it('takes weighted agent capacity only while online, out of wrap-up and under capacity, and logs every change', async () => {
    const a = await AgentStore.create(t.db, { orgId, email: 'A@x.io', name: 'A', role: 'agent', passwordHash: 'h', capacity: 5 });
    const v = await VisitorStore.create(t.db, orgId, null, {});
    const c = await ConversationStore.create(t.db, { orgId, visitorId: v.id, pageUrl: null, language: null, now: new Date() });
    const take = (weight: number, now = new Date()) =>
      t.db.transaction((tx) => Capacity.hold(tx, { orgId, agentId: a.id, conversationId: c.id, callId: randomUUID(), weight, now, kind: 'call', reason: 'offer' }));
    expect(await take(1)).toBeUndefined(); // offline
    await AgentStore.setPresence(t.db, a.id, 'online');
    // Five concurrent takers of 2 units on a capacity of 5: exactly two succeed.
    const claims = await Promise.all([1, 2, 3, 4, 5].map(() => take(2)));
    expect(claims.filter(Boolean)).toHaveLength(2);
    expect((await AgentStore.byId(t.db, a.id))!.load).toBe(4);
    expect(await take(2)).toBeUndefined();
    expect(await take(1)).toMatchObject({ load: 5, capacity: 5 });
    await t.db.query('update agents set wrap_up_until = $2 where id = $1', [a.id, new Date(Date.now() + 60_000).toISOString()]);
    await t.db.query('update agents set load = 1 where id = $1', [a.id]); // a sum gone wrong: release must not go below zero
    const held = await t.db.query<{ call_id: string }>('select call_id from load_holds where agent_id = $1 order by id', [a.id]);
    expect(held).toHaveLength(3);
    await t.db.transaction((tx) => Capacity.release(tx, { orgId, conversationId: c.id, callId: held[0]!.call_id, kind: 'call', now: new Date(), reason: 'release' }));
    expect((await AgentStore.byId(t.db, a.id))!.load).toBe(0); // never below zero
    expect(await take(1)).toBeUndefined(); // in wrap-up
    expect(await take(1, new Date(Date.now() + 61_000))).toMatchObject({ load: 1 });
    const log = await t.db.query<{ delta: number; load_after: number }>(
      'select delta, load_after from routing_log where agent_id = $1 order by id',
      [a.id],
    );
    expect(log.map((l) => [l.delta, l.load_after])).toEqual([[2, 2], [2, 4], [1, 5], [-2, 0], [1, 1]]);
    expect((await AgentStore.byEmail(t.db, 'a@X.io'.toLowerCase()))?.id).toBe(a.id);
  });

  it('counts unread messages from the other side after the read cursor', async () => {
    const c = await newConversation();
    const at = { orgId, conversationId: c.id, now: new Date() };
    for (const i of [1, 2, 3]) {
      await t.db.transaction((tx) => EventStore.append(tx, at, message(`unread-msg-${i}`, `hello ${i}`)));
    }
    expect((await ConversationStore.summary(t.db, c.id, 'agent'))!.unread).toBe(3);
    expect(await ConversationStore.advanceReceipt(t.db, c.id, 'agent', 'read', 2)).toBe(true);
    expect(await ConversationStore.advanceReceipt(t.db, c.id, 'agent', 'read', 1)).toBe(false);
    expect(await ConversationStore.advanceReceipt(t.db, c.id, 'agent', 'read', 99)).toBe(false); // beyond last_seq
    const s = (await ConversationStore.summary(t.db, c.id, 'agent'))!;
    expect(s.unread).toBe(1);
    expect(s.lastMessageText).toBe('hello 3');
  });

  it.each([
    ['outbox (domain events)', eventQueue],
    ['commands', commandQueue],
  ])('hands each %s row to one claimer, and back after its lease', async (_name, queue) => {
    await queue.add(t.db, orgId, 'x.happened', { n: 'a' });
    await queue.add(t.db, orgId, 'x.happened', { n: 'b' });
    // The database stores microseconds and JavaScript dates milliseconds: a row written in this
    // very millisecond would not yet be due at a truncated `now`.
    const now = new Date(Date.now() + 2);
    // Two claimers at once. PostgreSQL's LIMIT ... FOR UPDATE SKIP LOCKED may hand a claimer fewer
    // rows than asked for under contention (the row it locked was re-checked and no longer due), so
    // claim until nothing is due: what matters is that no row is ever handed out twice.
    const claimed = (await Promise.all([queue.claim(t.db, now, 1, 1000), queue.claim(t.db, now, 1, 1000)])).flat();
    for (let round = 0; round < 5; round++) claimed.push(...(await queue.claim(t.db, now, 1, 1000)));
    expect(claimed.map((r) => r.id)).toHaveLength(2);
    expect(new Set(claimed.map((r) => r.id)).size).toBe(2);
    expect(await queue.claim(t.db, now, 10, 1000)).toEqual([]);
    const [first, second] = claimed.sort((a, b) => a.id - b.id);
    await queue.done(t.db, [first!.id], now);
    const later = await queue.claim(t.db, new Date(now.getTime() + 5000), 10, 1000);
    expect(later.map((r) => r.id)).toEqual([second!.id]);
    expect(later[0]!.attempts).toBe(2);
    expect(await queue.pending(t.db)).toBe(1);
  });

  it.each([
    ['outbox (domain events)', eventQueue],
    ['commands', commandQueue],
  ])('marks a batch of %s rows delivered at once and purges only rows delivered before the cut-off', async (_name, queue) => {
    for (const n of ['a', 'b', 'c']) await queue.add(t.db, orgId, 'x.happened', { n });
    const now = new Date(Date.now() + 2);
    const rows = await queue.claim(t.db, now, 10, 1000);
    expect(rows).toHaveLength(3);
    await queue.done(t.db, rows.slice(0, 2).map((r) => r.id), now);
    await queue.done(t.db, [], now); // nothing to mark: no statement, no error
    expect(await queue.pending(t.db)).toBe(1);
    // Delivered at `now`: kept by a cut-off at or before it, deleted by one after it.
    expect(await queue.purgeDelivered(t.db, now, 100)).toBe(0);
    expect(await queue.purgeDelivered(t.db, new Date(now.getTime() + 1000), 1)).toBe(1);
    expect(await queue.purgeDelivered(t.db, new Date(now.getTime() + 1000), 100)).toBe(1);
    expect(await queue.pending(t.db)).toBe(1); // the undelivered row is never purged
    const left = await t.db.query<{ n: number }>(`select count(*)::int as n from ${queue.table}`);
    expect(left[0]!.n).toBe(1);
  });

  it('writes a domain event in the envelope, committed or rolled back with the change, and wakes only after commit', async () => {
    const db = new DispatchingDatabase(t.db);
    const woken: string[][] = [];
    db.onQueueWritten((tables) => woken.push([...tables].sort()));
    const event = await db.transaction(async (tx) => {
      const e = await emit(tx, orgId, 'conversation.queued', { conversationId: 'c1', reason: 'waiting' }, new Date('2026-01-02T03:04:05Z'));
      await Commands.send(tx, orgId, 'routing.drain', { orgId });
      expect(woken).toEqual([]); // not before the commit
      return e;
    });
    expect(woken).toEqual([['commands', 'outbox']]);
    expect(event).toMatchObject({ type: 'conversation.queued', orgId, at: '2026-01-02T03:04:05.000Z', data: { conversationId: 'c1' } });
    expect(event.id).toMatch(/^[0-9a-f-]{36}$/);
    const [row] = await eventQueue.claim(t.db, new Date(Date.now() + 2), 10, 1000);
    expect(row).toMatchObject({ topic: 'conversation.queued', payload: event });

    await expect(db.transaction(async (tx) => {
      await emit(tx, orgId, 'conversation.queued', { conversationId: 'c2', reason: 'waiting' });
      throw new Error('the change failed');
    })).rejects.toThrow('the change failed');
    expect(woken).toHaveLength(1);
    expect(await eventQueue.pending(t.db)).toBe(1); // c1 only (claimed, not done); c2 never existed
    await db.transaction(async (tx) => tx.query('select 1'));
    expect(woken).toHaveLength(1); // a transaction writing no queue wakes nobody
  });

  it('does not write an event nobody listens to, and wakes nobody for it', async () => {
    const db = new DispatchingDatabase(t.db);
    const woken: string[][] = [];
    db.onQueueWritten((tables) => woken.push([...tables].sort()));
    const listeners = new EventListeners();
    listeners.on('conversation.queued', 'routing, say', async () => {});
    db.writeEventsOnlyFor((type) => listeners.has(type));
    const unheard = await db.transaction((tx) => emit(tx, orgId, 'attachment.expired', { conversationId: 'c1', blobId: 'b1' }));
    expect(unheard).toMatchObject({ type: 'attachment.expired', orgId }); // the envelope all the same
    expect(woken).toEqual([]);
    await db.transaction((tx) => emit(tx, orgId, 'conversation.queued', { conversationId: 'c1', reason: 'waiting' }));
    expect(woken).toEqual([['outbox']]);
    const rows = await t.db.query<{ topic: string }>(`select topic from outbox`);
    expect(rows.map((r) => r.topic)).toEqual(['conversation.queued']);
    // A listener registered later is heard from then on.
    listeners.on('attachment.expired', 'webhooks, say', async () => {});
    await db.transaction((tx) => emit(tx, orgId, 'attachment.expired', { conversationId: 'c1', blobId: 'b2' }));
    expect((await t.db.query<{ topic: string }>(`select topic from outbox order by id`)).map((r) => r.topic)).toEqual(['conversation.queued', 'attachment.expired']);
  });

  it('keeps the first value written for a setting', async () => {
    expect(await SettingsStore.getOrInit(t.db, 'k', 'one')).toBe('one');
    expect(await SettingsStore.getOrInit(t.db, 'k', 'two')).toBe('one');
  });

  it('finds identified visitors by external id within their organisation only', async () => {
    const other = (await OrgStore.create(t.db, { name: 'O2', site_key: 'k2', identity_secret: 's' })).id;
    const v = await VisitorStore.create(t.db, orgId, 'user-42', { name: 'Zhang' });
    expect((await VisitorStore.byExternalId(t.db, orgId, 'user-42'))?.id).toBe(v.id);
    expect(await VisitorStore.byExternalId(t.db, other, 'user-42')).toBeUndefined();
  });
});
