import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachDatabase, type TestDatabase } from '../test-support/databases.js';
import { AgentStore, OrgStore, VisitorStore } from '../identity/index.js';
import { ConversationStore } from '../conversations/index.js';
import type { Clock } from '../ports/clock.js';
import { Capacity } from './capacity.js';
import { RoutingInputs } from './routing-inputs.js';
import { RoutingStore } from './routing-store.js';

/**
 * Routing's view of an organisation is a cache: it follows what it is told (an agent changed,
 * settings changed) at once and everything else by its periodic full read; the database stays the
 * authority, which a hold against a stale view shows.
 */
describeEachDatabase('RoutingInputs (routing view of an organisation)', (open) => {
  let t: TestDatabase;
  let nowMs: number;
  const clock: Clock = { now: () => new Date(nowMs) };
  beforeEach(async () => {
    t = await open();
    nowMs = Date.parse('2026-01-05T10:00:00Z');
  });
  afterEach(async () => t.drop());

  const setUp = async () => {
    const org = await OrgStore.create(t.db, { name: 'Org', site_key: randomUUID(), identity_secret: 's' });
    const agent = async (name: string) => {
      const a = await AgentStore.create(t.db, { orgId: org.id, email: `${randomUUID()}@x.io`, name, role: 'agent', passwordHash: 'h', capacity: 1 });
      await AgentStore.setPresence(t.db, a.id, 'online');
      return a.id;
    };
    return { orgId: org.id, a: await agent('A'), b: await agent('B') };
  };

  it('follows an agent it is told about at once, and everything else by its full read', async () => {
    const { orgId, a, b } = await setUp();
    const inputs = new RoutingInputs(t.db, clock, 10_000);
    const view = await inputs.forOrg(orgId);
    expect(view.board.agents().map((x) => x.id).sort()).toEqual([a, b].sort());

    await AgentStore.setPresence(t.db, a, 'away');
    await AgentStore.setPresence(t.db, b, 'away');
    await inputs.agentChanged(orgId, a);
    expect(view.board.get(a)?.state).toBe('away');
    expect(view.board.get(b)?.state).toBe('online'); // not told, and not read again yet

    nowMs += 10_000; // old enough: this use starts a full read behind it
    await inputs.forOrg(orgId);
    await expect.poll(() => view.board.get(b)?.state).toBe('away');
  });

  it('reads groups again after a settings change, and its configs on first use', async () => {
    const { orgId, a } = await setUp();
    const inputs = new RoutingInputs(t.db, clock);
    const view = await inputs.forOrg(orgId);
    expect(view.groups).toEqual([]);
    const groupId = randomUUID();
    await t.db.query('insert into skill_groups (id, org_id, name) values ($1, $2, $3)', [groupId, orgId, 'Loans']);
    await t.db.query('insert into skill_group_members (org_id, group_id, agent_id) values ($1, $2, $3)', [orgId, groupId, a]);
    inputs.settingsChanged(orgId);
    const again = await inputs.forOrg(orgId);
    expect(again.groups.map((g) => g.name)).toEqual(['Loans']);
    expect(again.board.get(a)?.groups).toEqual([groupId]);
    expect((await inputs.config(again, orgId, null)).policy.chain.length).toBeGreaterThan(0);
  });

  it('a stale view cannot over-assign: the hold is refused in SQL', async () => {
    const { orgId, a } = await setUp();
    const inputs = new RoutingInputs(t.db, clock);
    const view = await inputs.forOrg(orgId);
    const visitor = await VisitorStore.create(t.db, orgId, null, {});
    const [c1, c2] = [
      await ConversationStore.create(t.db, { orgId, visitorId: visitor.id, pageUrl: null, language: null, now: clock.now() }),
      await ConversationStore.create(t.db, { orgId, visitorId: visitor.id, pageUrl: null, language: null, now: clock.now() }),
    ];
    const hold = (conversationId: string) =>
      t.db.transaction((tx) => Capacity.hold(tx, { orgId, agentId: a, conversationId, kind: 'conversation', weight: 1, now: clock.now(), reason: 'offer' }));
    expect(await hold(c1!.id)).toBeDefined(); // taken behind the view's back (another node)
    expect(view.board.hasRoom(1, nowMs)).toBe(true); // the view still thinks A and B are free
    expect(await hold(c2!.id)).toBeUndefined();
    view.board.refused(a);
    await inputs.agentChanged(orgId, a);
    expect(view.board.get(a)?.load).toBe(1);
  });

  it('scopes the queue: arrivals with one conversation, or what some groups can serve', async () => {
    const { orgId, a } = await setUp();
    const visitor = await VisitorStore.create(t.db, orgId, null, {});
    const [loans, cards] = [randomUUID(), randomUUID()];
    for (const [id, name] of [[loans, 'Loans'], [cards, 'Cards']]) {
      await t.db.query('insert into skill_groups (id, org_id, name) values ($1, $2, $3)', [id, orgId, name]);
    }
    const queued = async (groupId: string | null, decided: boolean, designatedAgentId: string | null = null) => {
      const c = await ConversationStore.create(t.db, { orgId, visitorId: visitor.id, pageUrl: null, language: null, now: clock.now(), designatedAgentId });
      await t.db.query(`update conversations set status = 'queued', queued_at = $2, group_id = $3, routing = $4 where id = $1`, [
        c.id, clock.now().toISOString(), groupId, decided ? '{}' : null,
      ]);
      return c.id;
    };
    const fresh = await queued(null, false);
    const inLoans = await queued(loans, true);
    const inCards = await queued(cards, true);
    const designated = await queued(cards, true, a);
    const ids = (rows: { conversationId: string }[]) => rows.map((r) => r.conversationId).sort();

    expect(ids(await RoutingStore.queue(t.db, orgId, { arrivalsWith: inCards }))).toEqual([fresh, inCards].sort());
    expect(ids(await RoutingStore.queue(t.db, orgId, { groupIds: [loans], designatedAgentId: a }))).toEqual([fresh, inLoans, designated].sort());
    expect(ids(await RoutingStore.queue(t.db, orgId, { groupIds: [] }))).toEqual([fresh]);
    expect(await RoutingStore.queue(t.db, orgId)).toHaveLength(4);
  });
});
