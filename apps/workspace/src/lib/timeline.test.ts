import { describe, expect, it } from 'vitest';
import {
  addPending,
  applyEvent,
  applyEvents,
  displayItems,
  emptyTimeline,
  tickFor,
  unreadCount,
  updatePending,
  waitingSince,
  type PendingMessage,
} from './timeline.js';
import { ev, msg, receipt } from './testEvents.js';

const pending = (clientMsgId: string, text = 'hello'): PendingMessage => ({
  clientMsgId,
  text,
  createdAt: '2025-01-01T10:00:00Z',
  state: 'sending',
});

const texts = (tl: ReturnType<typeof emptyTimeline>) =>
  displayItems(tl).map((i) =>
    i.kind === 'pending' ? `~${i.p.text}` : i.ev.event.type === 'message' ? i.ev.event.text : i.ev.event.type,
  );

describe('timeline merge', () => {
  // Sorting by seq, dropping duplicates and keeping the same object for an event already held are
  // the SDK's merge: packages/client/src/conversation-timeline.test.ts.

  it('replaces the optimistic message by the server event with the same clientMsgId', () => {
    let tl = applyEvent(emptyTimeline(), msg(1, 'visitor', 'hi'));
    tl = addPending(tl, pending('k1', 'hello'));
    expect(texts(tl)).toEqual(['hi', '~hello']);
    tl = applyEvent(tl, msg(2, 'agent', 'hello', 'k1'));
    expect(texts(tl)).toEqual(['hi', 'hello']);
    expect(tl.pending).toHaveLength(0);
  });

  it('shows a message once when the ack and the push both deliver it', () => {
    let tl = addPending(emptyTimeline(), pending('k1'));
    const stored = msg(5, 'agent', 'hello', 'k1');
    tl = applyEvent(tl, stored); // from the ack
    tl = applyEvent(tl, stored); // from the subscription push
    expect(displayItems(tl)).toHaveLength(1);
  });

  it('does not re-add a pending message the server already confirmed (late retry)', () => {
    let tl = applyEvent(emptyTimeline(), msg(1, 'agent', 'hello', 'k1'));
    tl = addPending(tl, pending('k1'));
    expect(displayItems(tl)).toHaveLength(1);
    expect(tl.pending).toHaveLength(0);
  });

  it('keeps other pending messages in send order after the server events', () => {
    let tl = addPending(emptyTimeline(), pending('k1', 'one'));
    tl = addPending(tl, pending('k2', 'two'));
    tl = applyEvent(tl, msg(1, 'visitor', 'v'));
    tl = applyEvent(tl, msg(2, 'agent', 'two', 'k2'));
    expect(texts(tl)).toEqual(['v', 'two', '~one']);
  });

  it('marks a pending message failed without losing it', () => {
    let tl = addPending(emptyTimeline(), pending('k1'));
    tl = updatePending(tl, 'k1', { state: 'failed', error: 'TIMEOUT' });
    expect(tl.pending[0]).toMatchObject({ state: 'failed', error: 'TIMEOUT' });
    tl = applyEvent(tl, msg(1, 'agent', 'hello', 'k1')); // the first attempt did get through
    expect(tl.pending).toHaveLength(0);
  });

  it('hides receipts from the display but tracks them', () => {
    const tl = applyEvents(emptyTimeline(), [
      msg(1, 'agent', 'a'),
      receipt(2, 'visitor', 'delivered', 1),
      receipt(3, 'visitor', 'read', 1),
    ]);
    expect(displayItems(tl)).toHaveLength(1);
    expect(tl.receipts).toMatchObject({ visitorDelivered: 1, visitorRead: 1 });
  });
});

describe('ticks, unread, waiting', () => {
  it('derives ticks from the visitor receipts', () => {
    const r = { visitorDelivered: 4, visitorRead: 2, agentDelivered: 0, agentRead: 0 };
    expect(tickFor(1, r)).toBe('read');
    expect(tickFor(3, r)).toBe('delivered');
    expect(tickFor(5, r)).toBe('sent');
  });

  it('counts visitor messages after the agent read receipt', () => {
    let tl = applyEvents(emptyTimeline(), [
      msg(1, 'visitor', 'a'),
      msg(2, 'visitor', 'b'),
      msg(3, 'agent', 'c'),
    ]);
    expect(unreadCount(tl)).toBe(2);
    tl = applyEvent(tl, receipt(4, 'agent', 'read', 2));
    expect(unreadCount(tl)).toBe(0);
    tl = applyEvents(tl, [msg(5, 'visitor', 'd'), msg(6, 'system', 'note')]);
    expect(unreadCount(tl)).toBe(1);
  });

  it('waits from the first unanswered visitor message; an agent reply stops the clock', () => {
    let tl = applyEvents(emptyTimeline(), [
      msg(1, 'visitor', 'a', null, 't1'),
      msg(2, 'visitor', 'b', null, 't2'),
    ]);
    expect(waitingSince(tl)).toBe('t1');
    tl = applyEvent(tl, msg(3, 'agent', 'hi'));
    expect(waitingSince(tl)).toBeNull();
    tl = applyEvent(tl, msg(4, 'visitor', 'c', null, 't4'));
    expect(waitingSince(tl)).toBe('t4');
    tl = applyEvent(tl, ev(5, { type: 'conversation.closed', by: 'visitor' }));
    expect(waitingSince(tl)).toBeNull();
  });

  it('does not count a pending (unsent) reply as an answer', () => {
    let tl = applyEvent(emptyTimeline(), msg(1, 'visitor', 'a', null, 't1'));
    tl = addPending(tl, pending('k1'));
    expect(waitingSince(tl)).toBe('t1');
  });
});
