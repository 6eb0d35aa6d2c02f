import { describe, expect, it } from 'vitest';
import { LIMITS, type SequencedEvent, type ServerMessage } from '@visavis/protocol';
import { AppError } from '../errors.js';
import type { BlobUrls } from '../../conversations/blob-urls.js';
import type { ConversationService } from '../../conversations/conversation-service.js';
import type { Principal } from '../../identity/principal.js';
import { ClientConnection, type FlowLimits } from './client-connection.js';
import { Subscriptions } from './subscriptions.js';

const CONV = 'c1';
const agent: Principal = { kind: 'agent', orgId: 'o1', agentId: 'a1', role: 'agent', name: 'A', sessionId: 's1' };

const message = (seq: number, text = `m${seq}`): SequencedEvent => ({
  conversationId: CONV, seq, at: '2026-01-01T00:00:00Z',
  event: { type: 'message', messageId: `id${seq}`, clientMsgId: null, author: { kind: 'visitor', id: null, name: null }, kind: 'text', text, attachment: null },
});

/** A conversation store with a switch for the reader's access, counting reads. */
class FakeConversations {
  events: SequencedEvent[] = [];
  readable = true;
  reads = 0;
  async eventsAfter(_p: Principal, _id: string, afterSeq: number, limit: number) {
    this.reads++;
    await new Promise((r) => setImmediate(r));
    if (!this.readable) throw new AppError('NOT_FOUND');
    return this.events.filter((e) => e.seq > afterSeq).slice(0, limit);
  }
  async readableVisitorId() {
    if (!this.readable) throw new AppError('NOT_FOUND');
    return 'v1';
  }
  async visitorIdOf() {
    return 'v1';
  }
}

/** A socket whose peer reads only when the test says so. */
class FakeSocket {
  sent: ServerMessage[] = [];
  bufferedAmount = 0;
  closedWith: number | null = null;
  send(data: string) {
    this.sent.push(JSON.parse(data) as ServerMessage);
    this.bufferedAmount += data.length;
  }
  close(code: number) {
    this.closedWith = code;
  }
  seqs() {
    return this.sent.flatMap((m) => (m.type === 'conversation.event' ? [m.seq] : []));
  }
}

function setup(flow: Partial<FlowLimits> = {}) {
  const store = new FakeConversations();
  const socket = new FakeSocket();
  const limits: FlowLimits = { softBytes: 5_000, hardBytes: 1_000_000, drainTimeoutMs: 5_000, concurrentReplays: 2, ...flow };
  const conn = new ClientConnection(1, agent, socket, limits);
  const urls = { present: (e: SequencedEvent) => e } as unknown as BlobUrls;
  const errors: unknown[] = [];
  const subs = new Subscriptions(store as unknown as ConversationService, urls, (e) => errors.push(e));
  return { store, socket, conn, subs, errors };
}

const until = async (cond: () => boolean, what: string) => {
  const end = Date.now() + 5_000;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('Subscriptions: paged replays at the reader’s pace', () => {
  it('stops feeding history while the peer has not read, and continues once it has', async () => {
    const { store, socket, conn, subs } = setup();
    store.events = Array.from({ length: 250 }, (_, i) => message(i + 1));
    const done = subs.subscribe(conn, CONV, 0);
    await until(() => socket.sent.length > 0, 'the first page');
    await new Promise((r) => setTimeout(r, 100));
    // One page (100 events, ~30 KB) went out, then the peer's backlog was over the 5 KB soft limit.
    expect(socket.seqs()).toHaveLength(100);
    socket.bufferedAmount = 0; // the peer read it all
    await until(() => socket.seqs().length === 200, 'the second page');
    socket.bufferedAmount = 0;
    await done;
    expect(socket.seqs()).toEqual(Array.from({ length: 250 }, (_, i) => i + 1));
  });

  it('shares one replay among repeated subscribes and closes a peer that never reads (4008)', async () => {
    const { store, socket, conn, subs } = setup({ drainTimeoutMs: 200 });
    store.events = Array.from({ length: 600 }, (_, i) => message(i + 1));
    const all = Promise.all(Array.from({ length: 40 }, () => subs.subscribe(conn, CONV, 0)));
    await all;
    expect(socket.closedWith).toBe(4008);
    expect(conn.isClosed).toBe(true);
    // 40 subscribes of 600 events did not send 24,000: one page went out before the wait.
    expect(socket.seqs().length).toBeLessThanOrEqual(100);
    expect(store.reads).toBeLessThan(10);
  });

  it('closes a connection whose unread output passes the hard limit (live pushes keep coming)', async () => {
    const { store, socket, conn, subs } = setup({ hardBytes: 20_000 });
    store.events = [message(1)];
    await subs.subscribe(conn, CONV, 0);
    socket.bufferedAmount = 0;
    for (let seq = 2; seq < 200 && !conn.isClosed; seq++) subs.event(message(seq, 'x'.repeat(500)), 'o1');
    expect(socket.closedWith).toBe(4008);
    const sentBeforeClose = socket.sent.length;
    subs.event(message(500), 'o1');
    expect(socket.sent.length).toBe(sentBeforeClose);
  });

  it(`refuses more than ${LIMITS.wsSubscriptionsPerConnection} subscriptions on one connection`, async () => {
    const { conn, subs } = setup();
    for (let i = 0; i < LIMITS.wsSubscriptionsPerConnection; i++) await subs.subscribe(conn, `conv-${i}`, 0);
    await expect(subs.subscribe(conn, 'one-more', 0)).rejects.toMatchObject({ code: 'TOO_MANY_SUBSCRIPTIONS' });
    // Subscribing again to one it already follows is not a new subscription.
    await expect(subs.subscribe(conn, 'conv-0', 0)).resolves.toBeUndefined();
  });
});

describe('Subscriptions: access re-checked after an access-changing event', () => {
  const transferred = (seq: number): SequencedEvent => ({
    conversationId: CONV, seq, at: '2026-01-01T00:00:00Z',
    event: { type: 'conversation.transferred', from: { id: 'a1', name: 'A' }, to: { kind: 'agent', id: 'a2', name: 'B' }, note: '' },
  });

  it('holds live events and typing after a transfer until the check, then drops the subscription and says so', async () => {
    const { store, socket, conn, subs } = setup();
    store.events = [message(1)];
    await subs.subscribe(conn, CONV, 0);
    expect(subs.following(conn, CONV)).toBe(true);
    store.events.push(transferred(2), message(3, 'secret'));
    store.readable = false; // committed with the transfer
    subs.event(store.events[1]!, 'o1');
    subs.event(store.events[2]!, 'o1');
    expect(subs.following(conn, CONV)).toBe(false); // no typing while in question
    await until(() => socket.sent.some((m) => m.type === 'conversation.unsubscribed'), 'the unsubscribed push');
    expect(socket.seqs()).toEqual([1, 2]);
    expect(socket.sent.at(-1)).toEqual({ type: 'conversation.unsubscribed', conversationId: CONV, reason: 'access_lost' });
    expect(conn.subs.has(CONV)).toBe(false);
    subs.event(message(4), 'o1');
    expect(socket.seqs()).toEqual([1, 2]);
  });

  it('a replay stops at an access-changing event and checks access before anything after it', async () => {
    const { store, socket, conn, subs } = setup();
    store.events = [message(1), transferred(2), message(3, 'secret')];
    const reads: number[] = [];
    const original = store.eventsAfter.bind(store);
    store.eventsAfter = async (p, id, after, limit) => {
      reads.push(after);
      if (after >= 2) store.readable = false; // lost with the transfer the reader has just been sent
      return original(p, id, after, limit);
    };
    await subs.subscribe(conn, CONV, 0);
    expect(socket.seqs()).toEqual([1, 2]);
    expect(reads).toEqual([0, 2]);
    expect(socket.sent.at(-1)).toMatchObject({ type: 'conversation.unsubscribed' });
  });

  it('a subscribe refused for lost access also drops the subscription held from before', async () => {
    const { store, socket, conn, subs } = setup();
    store.events = [message(1)];
    await subs.subscribe(conn, CONV, 0);
    store.readable = false;
    await expect(subs.subscribe(conn, CONV, 1)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(conn.subs.has(CONV)).toBe(false);
    expect(socket.sent.at(-1)).toMatchObject({ type: 'conversation.unsubscribed', conversationId: CONV });
  });

  it('keeps a reader who still has access and delivers what waited, in order', async () => {
    const { store, socket, conn, subs } = setup();
    store.events = [message(1)];
    await subs.subscribe(conn, CONV, 0);
    store.events.push(transferred(2), message(3), message(4));
    for (const e of store.events.slice(1)) subs.event(e, 'o1');
    await until(() => socket.seqs().length === 4, 'all four');
    expect(socket.seqs()).toEqual([1, 2, 3, 4]);
    expect(subs.following(conn, CONV)).toBe(true);
  });
});
