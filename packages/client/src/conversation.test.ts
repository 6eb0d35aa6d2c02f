import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SequencedEvent, TimelineEvent } from '@visavis/protocol';
import { Conversation, type ConversationOptions } from './conversation.js';
import { visiblePending } from './conversation-timeline.js';
import { VisavisError } from './errors.js';
import { FakeError, FakeServer, waitFor } from './testing/fake-server.js';
import { closeAll, connectTo, sleep, type Observed } from './testing/harness.js';
import { fakeClock } from './testing/fake-clock.js';

let server: FakeServer;
let o: Observed;
const made: Conversation[] = [];
beforeEach(async () => {
  server = await FakeServer.start();
  o = connectTo(server, { reconnectPolicy: () => 20 });
  await o.open();
});
afterEach(async () => {
  for (const c of made.splice(0)) c.close();
  closeAll();
  await server.close();
});

function open(opts: Partial<ConversationOptions> = {}, id = 'c1'): Conversation {
  const c = new Conversation(o.c, id, { me: 'visitor', ...opts });
  made.push(c);
  return c;
}

const agentMessage = (text: string): TimelineEvent => ({
  type: 'message', messageId: `m-${text}`, clientMsgId: null, author: { kind: 'agent', id: 'a1', name: 'Ann' },
  kind: 'text', text, attachment: null,
});
const seqs = (c: Conversation) => c.timeline.events.map((e) => e.seq);
const subscribed = () => waitFor(() => server.last.subs.has('c1'), 'the subscription');

describe('Conversation: timeline and resume', () => {
  it('subscribes, holds the backlog and live events, and tells listeners each new event once', async () => {
    server.append('c1');
    server.append('c1', agentMessage('hello'));
    const c = open();
    const seen: number[] = [];
    c.on('event', (ev) => seen.push(ev.seq));
    await waitFor(() => c.timeline.events.length === 2, 'the backlog');
    server.append('c1', agentMessage('again'));
    await waitFor(() => c.timeline.events.length === 3, 'the live event');
    expect(seqs(c)).toEqual([1, 2, 3]);
    expect(seen).toEqual([1, 2, 3]);
    // The same event by another path (a history page) changes nothing.
    expect(c.apply(c.timeline.events[0]!)).toBe(false);
    expect(seen).toEqual([1, 2, 3]);
  });

  it('after a reconnect, resumes without duplicates and misses nothing', async () => {
    const c = open();
    server.append('c1');
    server.append('c1');
    await waitFor(() => c.timeline.events.length === 2, 'two events');
    server.dropAll();
    await waitFor(() => o.c.status === 'reconnecting', 'reconnecting');
    server.append('c1', agentMessage('while away'));
    server.append('c1');
    await waitFor(() => c.timeline.events.length === 4 && o.c.status === 'open', 'the resume');
    await sleep(50);
    expect(seqs(c)).toEqual([1, 2, 3, 4]);
    const resubscribe = server.connections[1]!.frames.find((f) => f.type === 'conversation.subscribe');
    expect(resubscribe).toMatchObject({ conversationId: 'c1', afterSeq: 2 });
  });

  it('starts from a timeline it is given and from afterSeq', async () => {
    for (let i = 0; i < 3; i++) server.append('c1');
    const first = open();
    await waitFor(() => first.timeline.events.length === 3, 'three events');
    const held = first.timeline;
    first.close();
    const c = open({ timeline: held, subscribe: { afterSeq: 3 } });
    server.append('c1');
    await waitFor(() => c.timeline.events.length === 4, 'the fourth');
    expect(seqs(c)).toEqual([1, 2, 3, 4]);
  });
});

describe('Conversation: sending', () => {
  it('shows the message at once, and the server event with its clientMsgId replaces it (ack and push: one message)', async () => {
    const c = open();
    await subscribed();
    const id = c.send('hi');
    expect(c.timeline.pending).toMatchObject([{ clientMsgId: id, text: 'hi', state: 'sending' }]);
    await waitFor(() => c.timeline.pending.length === 0, 'the confirmation');
    await sleep(50); // the push of the same event arrives too
    expect(c.timeline.events.filter((e) => e.event.type === 'message')).toHaveLength(1);
    expect(c.timeline.events[0]!.event).toMatchObject({ type: 'message', clientMsgId: id, text: 'hi' });
    expect(server.received('message.send')).toHaveLength(1);
  });

  it('marks a refused message failed with its code; retry sends it again with the same id and it is stored once', async () => {
    const c = open();
    await subscribed();
    server.handlers['message.send'] = () => {
      throw new FakeError('RATE_LIMITED');
    };
    const failures: string[] = [];
    c.on('failed', (f) => failures.push(`${f.clientMsgId}:${f.error.code}`));
    const id = c.send('hello');
    await waitFor(() => c.timeline.pending[0]?.state === 'failed', 'the failure');
    expect(c.timeline.pending[0]).toMatchObject({ clientMsgId: id, state: 'failed', error: 'RATE_LIMITED' });
    expect(failures).toEqual([`${id}:RATE_LIMITED`]);
    delete server.handlers['message.send'];
    expect(c.retry(id)).toBe(true);
    expect(c.timeline.pending[0]).toMatchObject({ state: 'sending' });
    expect(c.timeline.pending[0]!.error).toBeUndefined();
    await waitFor(() => c.timeline.pending.length === 0, 'the retry');
    const sends = server.received('message.send');
    expect(sends.map((s) => s.clientMsgId)).toEqual([id, id]);
    expect(c.timeline.events.filter((e) => e.event.type === 'message')).toHaveLength(1);
    expect(c.retry(id)).toBe(false); // nothing to retry any more
  });

  it('uploads an attachment first, and a retry after a failed upload uploads again before sending', async () => {
    const c = open();
    await subscribed();
    let uploads = 0;
    const upload = async () => {
      uploads++;
      if (uploads === 1) throw new VisavisError('NETWORK', 'offline');
      return 'blob-1';
    };
    const id = c.send('', { upload, file: { name: 'a.png', mime: 'image/png', size: 3 } });
    expect(c.timeline.pending[0]).toMatchObject({ state: 'uploading', file: { name: 'a.png' } });
    await waitFor(() => c.timeline.pending[0]?.state === 'failed', 'the failed upload');
    expect(server.received('message.send')).toHaveLength(0);
    c.retry(id);
    await waitFor(() => c.timeline.pending.length === 0, 'the message');
    expect(uploads).toBe(2);
    expect(server.received('message.send')[0]).toMatchObject({ clientMsgId: id, blobId: 'blob-1' });
  });

  it('sends with the id the UI gave, once however often it is asked', async () => {
    const c = open();
    await subscribed();
    server.unanswered.add('message.send');
    expect(c.send('early', { clientMsgId: 'cm-1' })).toBe('cm-1');
    expect(c.send('early', { clientMsgId: 'cm-1' })).toBe('cm-1');
    expect(c.timeline.pending.map((p) => p.clientMsgId)).toEqual(['cm-1']);
    await waitFor(() => server.received('message.send').length === 1, 'the send');
    await sleep(20);
    expect(server.received('message.send').map((s) => s.clientMsgId)).toEqual(['cm-1']);
  });

  it('a pending message added after the server already has it is not shown (late retry)', async () => {
    const c = open();
    await subscribed();
    const id = c.send('once');
    await waitFor(() => c.timeline.pending.length === 0, 'the confirmation');
    expect(visiblePending(c.timeline)).toEqual([]);
    expect(c.retry(id)).toBe(false);
  });
});

describe('Conversation: receipts', () => {
  it('marks read once for the other side\'s messages, and delivered only for what is not marked yet', async () => {
    const c = open();
    server.append('c1', agentMessage('one'));
    await waitFor(() => c.timeline.events.length === 1, 'the message');
    expect(c.markDelivered()).toEqual({ state: 'delivered', upToSeq: 1 });
    expect(c.markDelivered()).toBeNull();
    expect(c.markRead()).toEqual({ state: 'read', upToSeq: 1 });
    await waitFor(() => server.received('receipt.mark').length === 2, 'two receipts');
    expect(c.markRead()).toBeNull();
    // Our own message owes nothing.
    c.send('mine');
    await waitFor(() => c.timeline.events.length === 2, 'our message');
    expect(c.markRead()).toBeNull();
    expect(server.received('receipt.mark').map((r) => [r.state, r.upToSeq])).toEqual([['delivered', 1], ['read', 1]]);
    expect(c.readUpTo).toBe(1);
  });

  it('owes nothing for what the server says was read elsewhere, and a refused mark is owed again', async () => {
    const c = open({ me: 'agent', confirmedBy: null });
    server.append('c1', { type: 'message', messageId: 'v1', clientMsgId: null, author: { kind: 'visitor', id: 'v', name: null }, kind: 'text', text: 'q', attachment: null });
    server.append('c1', { type: 'receipt', by: 'agent', state: 'read', upToSeq: 1 });
    await waitFor(() => c.timeline.events.length === 2, 'the events');
    expect(c.markRead(1)).toBeNull();
    server.append('c1', { type: 'message', messageId: 'v2', clientMsgId: null, author: { kind: 'visitor', id: 'v', name: null }, kind: 'text', text: 'q2', attachment: null });
    await waitFor(() => c.timeline.events.length === 3, 'the second message');
    server.handlers['receipt.mark'] = () => {
      throw new FakeError('FORBIDDEN');
    };
    expect(c.markRead(3)).toEqual({ state: 'read', upToSeq: 3 });
    await waitFor(() => c.readUpTo === 1, 'the refused mark forgotten');
    delete server.handlers['receipt.mark'];
    expect(c.markRead(3)).toEqual({ state: 'read', upToSeq: 3 });
  });
});

describe('Conversation: typing', () => {
  it('sends its own typing throttled, and "stopped" when a message is sent', async () => {
    const { clock, advance } = fakeClock();
    const c = open({ typing: { clock } });
    c.typing(true);
    advance(1000);
    c.typing(true);
    advance(2500);
    c.typing(true);
    c.send('done');
    await waitFor(() => server.received('typing.set').length === 3, 'three typing frames');
    expect(server.received('typing.set').map((f) => f.typing)).toEqual([true, true, false]);
  });

  it('shows the other side typing, ignores its own echo, and expires a lost "stopped"', async () => {
    const { clock, advance } = fakeClock();
    const c = open({ typing: { clock, peerTtlMs: 6000 } });
    const changes: boolean[] = [];
    c.on('peer-typing', (t) => changes.push(t));
    server.last.send({ type: 'typing', conversationId: 'c1', by: 'visitor', typing: true });
    server.last.send({ type: 'typing', conversationId: 'other', by: 'agent', typing: true });
    server.last.send({ type: 'typing', conversationId: 'c1', by: 'agent', typing: true });
    await waitFor(() => c.peerTyping, 'the agent typing');
    advance(5999);
    expect(c.peerTyping).toBe(true);
    advance(1);
    expect(c.peerTyping).toBe(false);
    expect(changes).toEqual([true, false]);
    // The agent's message ends the indicator at once.
    server.last.send({ type: 'typing', conversationId: 'c1', by: 'agent', typing: true });
    await waitFor(() => c.peerTyping, 'typing again');
    server.append('c1', agentMessage('there'));
    await waitFor(() => !c.peerTyping, 'the indicator off');
    expect(changes).toEqual([true, false, true, false]);
  });
});

describe('Conversation: close', () => {
  it('stops listening, unsubscribes, and throws a clear error when used afterwards', async () => {
    const c = open();
    await subscribed();
    let changed = 0;
    c.on('changed', () => changed++);
    c.close();
    await waitFor(() => server.received('conversation.unsubscribe').length === 1, 'the unsubscribe');
    server.append('c1');
    server.last.send({ type: 'conversation.event', ...({ conversationId: 'c1', seq: 1, at: '', event: { type: 'conversation.created' } } as SequencedEvent) });
    await sleep(50);
    expect(changed).toBe(0);
    expect(c.timeline.events).toEqual([]);
    expect(() => c.send('late')).toThrow(/used after close/);
    expect(() => c.markRead()).toThrowError(expect.objectContaining({ code: 'CLOSED' }));
    c.close(); // twice is fine
  });

  it('with a subscription the caller owns, close() leaves it alone but hears nothing more', async () => {
    o.c.subscribe('c1');
    const c = open({ subscribe: false });
    await subscribed();
    server.append('c1');
    await waitFor(() => c.timeline.events.length === 1, 'the first event');
    c.close();
    server.append('c1');
    await waitFor(() => o.events.length === 2, 'the second event on the connection');
    await sleep(20);
    expect(seqs(c)).toEqual([1]);
    expect(server.received('conversation.unsubscribe')).toHaveLength(0);
  });

  it('says when the server dropped the subscription, and close() then sends no unsubscribe', async () => {
    const c = open();
    await subscribed();
    const dropped: string[] = [];
    c.on('unsubscribed', (u) => dropped.push(u.reason));
    server.last.subs.delete('c1');
    server.last.send({ type: 'conversation.unsubscribed', conversationId: 'c1', reason: 'access_lost' });
    await waitFor(() => dropped.length === 1, 'the unsubscribed event');
    expect(dropped).toEqual(['access_lost']);
    c.close();
    await sleep(20);
    expect(server.received('conversation.unsubscribe')).toHaveLength(0);
  });

  it('a failure that lands after close() changes nothing', async () => {
    server.unanswered.add('message.send');
    const c = open();
    await subscribed();
    c.send('in flight');
    await waitFor(() => server.received('message.send').length === 1, 'the send');
    c.close();
    const before = c.timeline;
    o.c.close(); // rejects the send with DISCONNECTED
    await sleep(20);
    expect(c.timeline).toBe(before);
  });
});
