import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachDatabase, type TestDatabase } from '../test-support/databases.js';
import { AgentStore, OrgStore, VisitorStore } from '../identity/index.js';
import { ConversationStore } from '../conversations/index.js';
import { Capacity, type HoldKind } from './capacity.js';

/**
 * "An agent's load is the sum of their holds, never above capacity": random sequences of holds,
 * releases and accepted offers against a real database, checked after every step against the
 * table itself (and against a model of which holds must exist).
 */
type Op =
  | { op: 'hold'; agent: number; conv: number; kind: HoldKind; weight: number }
  | { op: 'holdUpTo'; agent: number; conv: number; weight: number }
  | { op: 'release'; conv: number; kind: HoldKind }
  | { op: 'accept'; conv: number }
  | { op: 'presence'; agent: number; online: boolean };

const AGENTS = 3;
const CONVERSATIONS = 5;
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('hold' as const), agent: fc.nat(AGENTS - 1), conv: fc.nat(CONVERSATIONS - 1), kind: fc.constantFrom<HoldKind>('offer', 'conversation'), weight: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ op: fc.constant('holdUpTo' as const), agent: fc.nat(AGENTS - 1), conv: fc.nat(CONVERSATIONS - 1), weight: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ op: fc.constant('release' as const), conv: fc.nat(CONVERSATIONS - 1), kind: fc.constantFrom<HoldKind>('offer', 'conversation', 'call') }),
  fc.record({ op: fc.constant('accept' as const), conv: fc.nat(CONVERSATIONS - 1) }),
  fc.record({ op: fc.constant('presence' as const), agent: fc.nat(AGENTS - 1), online: fc.boolean() }),
);

describeEachDatabase('Capacity (load holds)', (open) => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await open();
  });
  afterEach(async () => t.drop());

  it('keeps every agent at the sum of their holds and never above capacity, whatever the sequence', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 25 }), async (ops) => {
        const org = await OrgStore.create(t.db, { name: 'Org', site_key: randomUUID(), identity_secret: 's' });
        const agents: { id: string }[] = [];
        for (let i = 0; i < AGENTS; i++) {
          const a = await AgentStore.create(t.db, { orgId: org.id, email: `${randomUUID()}@x.io`, name: `A${i}`, role: 'agent', passwordHash: 'h', capacity: 3 + i });
          await AgentStore.setPresence(t.db, a.id, 'online');
          agents.push(a);
        }
        const visitor = await VisitorStore.create(t.db, org.id, null, {});
        const convs: { id: string }[] = [];
        for (let i = 0; i < CONVERSATIONS; i++) {
          convs.push(await ConversationStore.create(t.db, { orgId: org.id, visitorId: visitor.id, pageUrl: null, language: null, now: new Date() }));
        }
        const callOf = new Map<number, string>();
        for (const o of ops) {
          const now = new Date();
          await t.db.transaction(async (tx) => {
            const base = { orgId: org.id, now };
            if (o.op === 'hold') {
              const exists = await tx.query('select 1 from load_holds where conversation_id = $1 and kind = $2', [convs[o.conv]!.id, o.kind]);
              if (exists.length > 0) return; // one hold of a kind per conversation: the callers never ask twice
              await Capacity.hold(tx, { ...base, agentId: agents[o.agent]!.id, conversationId: convs[o.conv]!.id, kind: o.kind, weight: o.weight, reason: 'offer' });
            } else if (o.op === 'holdUpTo') {
              const callId = randomUUID();
              if ((await Capacity.holdUpTo(tx, { ...base, agentId: agents[o.agent]!.id, conversationId: convs[o.conv]!.id, callId, kind: 'call', weight: o.weight, reason: 'call-take' })) > 0) {
                // Only the latest call of a conversation is released by this model.
                callOf.set(o.conv, callId);
              }
            } else if (o.op === 'release') {
              await Capacity.release(tx, { ...base, conversationId: convs[o.conv]!.id, kind: o.kind, callId: o.kind === 'call' ? callOf.get(o.conv) ?? null : null, reason: 'release' });
            } else if (o.op === 'accept') {
              const taken = await tx.query('select 1 from load_holds where conversation_id = $1 and kind = $2', [convs[o.conv]!.id, 'conversation']);
              if (taken.length === 0) await Capacity.offerAccepted(tx, convs[o.conv]!.id);
            } else {
              await tx.query('update agents set presence = $2 where id = $1', [agents[o.agent]!.id, o.online ? 'online' : 'offline']);
            }
          });
          const rows = await t.db.query<{ id: string; load: number; capacity: number; held: number }>(
            `select a.id, a.load, a.capacity, coalesce((select sum(h.weight) from load_holds h where h.agent_id = a.id), 0)::int as held
             from agents a where a.org_id = $1`,
            [org.id],
          );
          for (const r of rows) {
            expect(r.load).toBe(r.held);
            expect(r.load).toBeLessThanOrEqual(r.capacity);
            expect(r.load).toBeGreaterThanOrEqual(0);
          }
        }
      }),
      { numRuns: 25 },
    );
  }, 120_000);

  it('refuses a hold when the agent is offline, in wrap-up or full, and writes no hold then', async () => {
    const org = await OrgStore.create(t.db, { name: 'Org', site_key: 'k', identity_secret: 's' });
    const a = await AgentStore.create(t.db, { orgId: org.id, email: 'a@x.io', name: 'A', role: 'agent', passwordHash: 'h', capacity: 2 });
    const v = await VisitorStore.create(t.db, org.id, null, {});
    const c = await ConversationStore.create(t.db, { orgId: org.id, visitorId: v.id, pageUrl: null, language: null, now: new Date() });
    const hold = (weight: number, now = new Date()) =>
      t.db.transaction((tx) => Capacity.hold(tx, { orgId: org.id, agentId: a.id, conversationId: c.id, kind: 'conversation', weight, now, reason: 'offer' }));
    expect(await hold(1)).toBeUndefined(); // offline
    await AgentStore.setPresence(t.db, a.id, 'online');
    expect(await hold(3)).toBeUndefined(); // above capacity
    await t.db.query('update agents set wrap_up_until = $2 where id = $1', [a.id, new Date(Date.now() + 60_000).toISOString()]);
    expect(await hold(1)).toBeUndefined(); // in wrap-up
    expect(await t.db.query('select * from load_holds')).toEqual([]);
    expect(await hold(2, new Date(Date.now() + 61_000))).toMatchObject({ load: 2 });
    // The accepted offer keeps its units: the hold changes kind, the load does not move.
    await t.db.query(`update load_holds set kind = 'offer'`);
    expect(await t.db.transaction((tx) => Capacity.offerAccepted(tx, c.id))).toBe(true);
    expect((await t.db.query<{ kind: string }>('select kind from load_holds'))[0]!.kind).toBe('conversation');
    expect((await AgentStore.byId(t.db, a.id))!.load).toBe(2);
    const released = await t.db.transaction((tx) => Capacity.release(tx, { orgId: org.id, conversationId: c.id, kind: 'conversation', now: new Date(), reason: 'release' }));
    expect(released).toMatchObject({ agentId: a.id, weight: 2, row: { load: 0 } });
    expect(await t.db.transaction((tx) => Capacity.release(tx, { orgId: org.id, conversationId: c.id, kind: 'conversation', now: new Date(), reason: 'release' }))).toBeNull();
  });
});
