import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultReconnectPolicy, type ReconnectContext } from './reconnect.js';
import { FakeServer, waitFor } from './testing/fake-server.js';
import { closeAll, connectTo, sleep } from './testing/harness.js';

let server: FakeServer;
beforeEach(async () => {
  server = await FakeServer.start();
});
afterEach(async () => {
  closeAll();
  await server.close();
});

const subscribesOn = (connIndex: number) =>
  server.connections[connIndex]!.frames.flatMap((f) =>
    f.type === 'conversation.subscribe' ? [{ id: f.conversationId, afterSeq: f.afterSeq }] : [],
  );

describe('Connection: subscriptions', () => {
  it('delivers the backlog, then live events, each once and in seq order', async () => {
    for (let i = 0; i < 3; i++) server.append('c1');
    const o = connectTo(server);
    o.c.subscribe('c1');
    await waitFor(() => o.events.length === 3, 'the backlog');
    server.append('c1');
    server.append('c1');
    await waitFor(() => o.events.length === 5, 'the live events');
    expect(o.seqs('c1')).toEqual([1, 2, 3, 4, 5]);
    expect(o.c.lastSeq('c1')).toBe(5);
    expect(subscribesOn(0)).toEqual([{ id: 'c1', afterSeq: 0 }]);
  });

  it('starts after the given seq', async () => {
    for (let i = 0; i < 4; i++) server.append('c1');
    const o = connectTo(server);
    await o.open();
    o.c.subscribe('c1', 2);
    await waitFor(() => o.events.length === 2, 'events 3 and 4');
    expect(o.seqs('c1')).toEqual([3, 4]);
    expect(subscribesOn(0)).toEqual([{ id: 'c1', afterSeq: 2 }]);
  });

  it('ignores repeated events and events of conversations it does not follow', async () => {
    const o = connectTo(server);
    o.c.subscribe('c1');
    await o.open();
    const first = server.append('c1');
    await waitFor(() => o.events.length === 1, 'event 1');
    server.push(server.last, first);
    server.push(server.last, { ...first, conversationId: 'elsewhere' });
    server.append('c1');
    await waitFor(() => o.events.length === 2, 'event 2');
    expect(o.seqs('c1')).toEqual([1, 2]);
    expect(o.events.some((e) => e.conversationId === 'elsewhere')).toBe(false);
    // The raw stream still shows everything, for list views of unfollowed conversations.
    expect(o.messages.filter((m) => m.type === 'conversation.event')).toHaveLength(4);
  });

  it('unsubscribe stops delivery, and a reconnect does not bring the subscription back', async () => {
    const o = connectTo(server);
    o.c.subscribe('c1');
    o.c.subscribe('c2');
    await o.open();
    await waitFor(() => server.last.subs.size === 2, 'both subscriptions');
    o.c.unsubscribe('c1');
    await waitFor(() => server.received('conversation.unsubscribe').length === 1, 'the unsubscribe');
    server.dropAll();
    await waitFor(() => server.connections.length === 2 && o.c.status === 'open', 'the reconnect');
    await waitFor(() => server.last.subs.size === 1, 'the resubscription');
    expect(subscribesOn(1)).toEqual([{ id: 'c2', afterSeq: 0 }]);
    server.append('c1');
    server.append('c2');
    await waitFor(() => o.events.length === 1, 'the c2 event');
    expect(o.events.map((e) => e.conversationId)).toEqual(['c2']);
  });

  it('a conversation.unsubscribed push (access lost) is reported, and a reconnect does not subscribe it again', async () => {
    const o = connectTo(server);
    const dropped: string[] = [];
    o.c.on('unsubscribed', (m) => dropped.push(m.conversationId));
    o.c.subscribe('c1');
    o.c.subscribe('c2');
    await o.open();
    await waitFor(() => server.last.subs.size === 2, 'both subscriptions');
    server.append('c1');
    await waitFor(() => o.events.length === 1, 'the c1 event');
    server.last.subs.delete('c1');
    server.last.send({ type: 'conversation.unsubscribed', conversationId: 'c1', reason: 'access_lost' });
    await waitFor(() => dropped.length === 1, 'the unsubscribed event');
    expect(dropped).toEqual(['c1']);
    expect(o.c.lastSeq('c1')).toBe(0);
    server.dropAll();
    await waitFor(() => server.connections.length === 2 && o.c.status === 'open', 'the reconnect');
    await waitFor(() => server.last.subs.size === 1, 'the resubscription');
    expect(subscribesOn(1)).toEqual([{ id: 'c2', afterSeq: 0 }]);
  });
});

describe('Connection: reconnect and resume', () => {
  it('resubscribes once per conversation from the last seq it delivered, and misses nothing', async () => {
    const o = connectTo(server, { reconnectPolicy: () => 120 });
    o.c.subscribe('c1');
    o.c.subscribe('c2');
    server.append('c1');
    server.append('c1');
    server.append('c2');
    await waitFor(() => o.events.length === 3, 'the backlogs');

    server.dropAll();
    await waitFor(() => o.c.status === 'reconnecting', 'reconnecting');
    server.append('c1'); // written while the client is away: nobody to push it to
    server.append('c1');
    server.append('c2');
    await waitFor(() => o.events.length === 6, 'what was missed');
    await sleep(50);

    expect(o.seqs('c1')).toEqual([1, 2, 3, 4]);
    expect(o.seqs('c2')).toEqual([1, 2]);
    expect(subscribesOn(1)).toEqual([
      { id: 'c1', afterSeq: 2 },
      { id: 'c2', afterSeq: 1 },
    ]);
    expect(o.statuses).toEqual(['open', 'reconnecting', 'open']);
  });

  it('survives several drops in a row without duplicates', async () => {
    const o = connectTo(server, { reconnectPolicy: () => 10 });
    o.c.subscribe('c1');
    await o.open();
    for (let round = 1; round <= 3; round++) {
      server.append('c1');
      server.dropAll();
      server.append('c1');
      await waitFor(() => o.events.length === round * 2 && o.c.status === 'open', `round ${round}`);
    }
    expect(o.seqs('c1')).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('asks for a replay from the last seq when it sees a gap, and delivers in order', async () => {
    const o = connectTo(server);
    o.c.subscribe('c1');
    await o.open();
    await waitFor(() => server.last.subs.has('c1'), 'the subscription');
    server.append('c1');
    await waitFor(() => o.events.length === 1, 'event 1');
    server.appendSilently('c1'); // seq 2: its push is lost
    server.append('c1'); // seq 3 arrives: a gap
    server.append('c1'); // seq 4 arrives while the replay is under way
    await waitFor(() => o.events.length === 4, 'the replay');
    await sleep(50);
    expect(o.seqs('c1')).toEqual([1, 2, 3, 4]);
    // One replay request for the gap, not one per out-of-order event.
    expect(subscribesOn(0)).toEqual([
      { id: 'c1', afterSeq: 0 },
      { id: 'c1', afterSeq: 1 },
    ]);
  });

  it('gives the policy a growing attempt count and starts again at 0 after a successful ready', async () => {
    const attempts: number[] = [];
    const policy = ({ attempt }: ReconnectContext) => {
      attempts.push(attempt);
      return 10;
    };
    server.refuse = true;
    const o = connectTo(server, { reconnectPolicy: policy });
    await waitFor(() => attempts.length >= 3, 'three refused attempts');
    server.refuse = false;
    await o.open();
    const before = attempts.length;
    server.dropAll();
    await waitFor(() => attempts.length > before, 'the next attempt');
    expect(attempts.slice(0, 3)).toEqual([0, 1, 2]);
    expect(attempts.slice(0, before)).toEqual([...Array(before).keys()]);
    expect(attempts[before]).toBe(0);
  });

  it('gives up when the policy answers null: closed, with pending requests rejected', async () => {
    server.unanswered.add('conversation.close');
    const o = connectTo(server, { reconnectPolicy: () => null });
    await o.open();
    const pending = o.c.request({ type: 'conversation.close', conversationId: 'c1' });
    await waitFor(() => server.received('conversation.close').length === 1, 'the command');
    server.dropAll();
    await expect(pending).rejects.toMatchObject({ code: 'DISCONNECTED' });
    expect(o.c.status).toBe('closed');
    await sleep(50);
    expect(server.connections).toHaveLength(1);
  });

  it('dropForTest drops the socket like a network failure, and the connection comes back', async () => {
    const o = connectTo(server);
    await o.open();
    o.c.dropForTest();
    await waitFor(() => server.connections.length === 2 && o.c.status === 'open', 'the reconnect');
    expect(o.statuses).toEqual(['open', 'reconnecting', 'open']);
  });
});

describe('defaultReconnectPolicy', () => {
  const base = (attempt: number) => Math.min(10_000, 250 * 2 ** Math.min(attempt, 6));

  it.each([0, 1, 2, 3, 5, 6, 7, 20, 1000])(
    'attempt %i waits between half and all of its base delay',
    (attempt) => {
      for (const r of [0, 0.25, 0.5, 0.999]) {
        const d = defaultReconnectPolicy({ attempt, random: () => r });
        expect(d).not.toBeNull();
        expect(d!).toBeGreaterThanOrEqual(base(attempt) / 2);
        expect(d!).toBeLessThanOrEqual(base(attempt));
      }
    },
  );

  it('starts fast, doubles, is capped at 10 s and never gives up', () => {
    const max = (attempt: number) => defaultReconnectPolicy({ attempt, random: () => 1 });
    expect(max(0)).toBe(250);
    expect(max(1)).toBe(500);
    expect(max(6)).toBe(10_000);
    expect(max(50)).toBe(10_000);
  });
});
