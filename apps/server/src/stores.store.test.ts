import { afterEach, beforeEach, expect, it } from 'vitest';
import type { TimelineEvent } from '@visavis/protocol';
import { migrate } from './adapters/postgres/migrate.js';
import { describeEachDatabase, type TestDatabase } from './test-support/databases.js';
import { CapacityStore } from './routing/capacity-store.js';
import { AgentStore } from './identity/agent-store.js';
import { ConversationStore } from './conversations/conversation-store.js';
import { EventStore } from './conversations/event-store.js';
import { OrgStore, SettingsStore } from './identity/org-store.js';
import { OutboxStore } from './platform/outbox/outbox-store.js';
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
      t.db.transaction((tx) => CapacityStore.take(tx, { orgId, agentId: a.id, conversationId: c.id, weight, now, kind: 'offer' }));
    expect(await take(1)).toBeUndefined(); // offline
    await AgentStore.setPresence(t.db, a.id, 'online');
    // Five concurrent takers of 2 units on a capacity of 5: exactly two succeed.
    const claims = await Promise.all([1, 2, 3, 4, 5].map(() => take(2)));
    expect(claims.filter(Boolean)).toHaveLength(2);
    expect((await AgentStore.byId(t.db, a.id))!.load).toBe(4);
    expect(await take(2)).toBeUndefined();
    expect(await take(1)).toMatchObject({ load: 5, capacity: 5 });
    await t.db.query('update agents set wrap_up_until = $2 where id = $1', [a.id, new Date(Date.now() + 60_000).toISOString()]);
    await t.db.transaction((tx) => CapacityStore.release(tx, { orgId, agentId: a.id, conversationId: c.id, weight: 9, now: new Date(), kind: 'release' }));
    expect((await AgentStore.byId(t.db, a.id))!.load).toBe(0); // never below zero
    expect(await take(1)).toBeUndefined(); // in wrap-up
    expect(await take(1, new Date(Date.now() + 61_000))).toMatchObject({ load: 1 });
    const log = await t.db.query<{ delta: number; load_after: number }>(
      'select delta, load_after from routing_log where agent_id = $1 order by id',
      [a.id],
    );
    expect(log.map((l) => [l.delta, l.load_after])).toEqual([[2, 2], [2, 4], [1, 5], [-9, 0], [1, 1]]);
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

  it('hands each outbox row to one claimer, and back after its lease', async () => {
    await OutboxStore.add(t.db, orgId, 'routing.agent_available', { orgId, agentId: 'a' });
    await OutboxStore.add(t.db, orgId, 'routing.agent_available', { orgId, agentId: 'b' });
    // The database stores microseconds and JavaScript dates milliseconds: a row written in this
    // very millisecond would not yet be due at a truncated `now`.
    const now = new Date(Date.now() + 2);
    // Two claimers at once. PostgreSQL's LIMIT ... FOR UPDATE SKIP LOCKED may hand a claimer fewer
    // rows than asked for under contention (the row it locked was re-checked and no longer due), so
    // claim until nothing is due: what matters is that no row is ever handed out twice.
    const claimed = (await Promise.all([OutboxStore.claim(t.db, now, 1, 1000), OutboxStore.claim(t.db, now, 1, 1000)])).flat();
    for (let round = 0; round < 5; round++) claimed.push(...(await OutboxStore.claim(t.db, now, 1, 1000)));
    expect(claimed.map((r) => r.id)).toHaveLength(2);
    expect(new Set(claimed.map((r) => r.id)).size).toBe(2);
    expect(await OutboxStore.claim(t.db, now, 10, 1000)).toEqual([]);
    const [first, second] = claimed.sort((a, b) => a.id - b.id);
    await OutboxStore.done(t.db, first!.id, now);
    const later = await OutboxStore.claim(t.db, new Date(now.getTime() + 5000), 10, 1000);
    expect(later.map((r) => r.id)).toEqual([second!.id]);
    expect(later[0]!.attempts).toBe(2);
    expect(await OutboxStore.pending(t.db)).toBe(1);
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
