import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachDatabase, type TestDatabase } from '../../test-support/databases.js';
import { OrgStore } from '../../identity/org-store.js';
import { eventQueue } from '../events/domain-events.js';
import { commandQueue } from './commands.js';
import { OutboxDispatcher } from './outbox-dispatcher.js';

const settle = async (until: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!until()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describeEachDatabase('outbox dispatcher', (open) => {
  let t: TestDatabase;
  let orgId: string;
  let dispatcher: OutboxDispatcher | undefined;
  beforeEach(async () => {
    t = await open();
    orgId = (await OrgStore.create(t.db, { name: 'Org', site_key: 'k1', identity_secret: 's' })).id;
  });
  afterEach(async () => {
    // The pass in flight finishes before the database goes.
    await dispatcher?.stop();
    await t.drop();
  });

  it('delivers every due row in order in one kick, more than a batch, and marks them all delivered', async () => {
    for (let n = 0; n < 120; n++) await eventQueue.add(t.db, orgId, 'x.happened', { n });
    const seen: number[] = [];
    const clock = { now: () => new Date(Date.now() + 2) };
    const errors: unknown[] = [];
    dispatcher = new OutboxDispatcher(t.db, clock, eventQueue, async (_topic, p) => void seen.push((p as { n: number }).n), (e) => void errors.push(e));
    dispatcher.kick();
    await settle(() => seen.length === 120);
    expect(seen).toEqual([...Array(120).keys()]);
    await settle(() => false, 50).catch(() => {}); // let the last mark land
    expect(await eventQueue.pending(t.db)).toBe(0);
    expect(errors).toEqual([]);
  });

  it('retries a failed row after its back-off, without delivering the others again', async () => {
    for (const n of [1, 2, 3]) await eventQueue.add(t.db, orgId, 'x.happened', { n });
    const clock = { now: () => new Date(Date.now() + 2) };
    const seen: number[] = [];
    let failOnce = true;
    const errors: string[] = [];
    dispatcher = new OutboxDispatcher(
      t.db, clock, eventQueue,
      async (_topic, p) => {
        const n = (p as { n: number }).n;
        if (n === 2 && failOnce) {
          failOnce = false;
          throw new Error('listener down');
        }
        seen.push(n);
      },
      (e) => errors.push(String(e)),
    );
    dispatcher.kick();
    await settle(() => seen.length === 2 && errors.length === 1);
    expect(seen).toEqual([1, 3]);
    expect(await eventQueue.pending(t.db)).toBe(1);
    // The back-off (0.5 s after the first attempt) passes: no kick, the dispatcher wakes for it.
    await settle(() => seen.length === 3, 3000);
    expect(seen).toEqual([1, 3, 2]);
    await settle(() => false, 50).catch(() => {});
    expect(await eventQueue.pending(t.db)).toBe(0);
  });

  it('wakes for a command scheduled later, when it falls due', async () => {
    const seen: string[] = [];
    const errors: unknown[] = [];
    dispatcher = new OutboxDispatcher(t.db, { now: () => new Date() }, commandQueue, async (topic) => void seen.push(topic), (e) => void errors.push(e));
    await commandQueue.add(t.db, orgId, 'later.please', {}, new Date(Date.now() + 300));
    dispatcher.kick();
    await settle(() => false, 100).catch(() => {});
    expect(seen).toEqual([]); // not due yet
    await settle(() => seen.length === 1, 3000); // no kick: its own wake-up
    expect(seen).toEqual(['later.please']);
    expect(errors).toEqual([]);
  });
});
