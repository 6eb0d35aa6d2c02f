import { describe, expect, it } from 'vitest';
import type { SequencedEvent, TimelineEvent } from '@visavis/protocol';
import {
  addPendingMessage,
  applyTimelineEvent,
  applyTimelineEvents,
  emptyConversationTimeline,
  findPending,
  hasTimelineSeq,
  lastMessageSeqBy,
  lastTimelineSeq,
  receiptMark,
  removePendingMessage,
  unreadMessageCount,
  updatePendingMessage,
  visiblePending,
  type ConversationTimeline,
  type TimelineParty,
} from './conversation-timeline.js';

interface Pending {
  clientMsgId: string;
  text: string;
  state: 'sending' | 'failed';
}
type Tl = ConversationTimeline<Pending>;

const ev = (seq: number, event: TimelineEvent): SequencedEvent => ({ conversationId: 'c1', seq, at: `t${seq}`, event });
const msg = (seq: number, kind: TimelineParty | 'system', text: string, clientMsgId: string | null = null): SequencedEvent =>
  ev(seq, {
    type: 'message',
    messageId: `m${seq}`,
    clientMsgId,
    author: { kind, id: kind === 'system' ? null : `${kind}-1`, name: null },
    kind: 'text',
    text,
    attachment: null,
  });
const receipt = (seq: number, by: TimelineParty, state: 'delivered' | 'read', upToSeq: number): SequencedEvent =>
  ev(seq, { type: 'receipt', by, state, upToSeq });
const pending = (clientMsgId: string, text = 'hello'): Pending => ({ clientMsgId, text, state: 'sending' });
const empty = (confirmedBy: TimelineParty | null = null): Tl => emptyConversationTimeline<Pending>(confirmedBy);
const seqs = (tl: Tl) => tl.events.map((e) => e.seq);
const pendingTexts = (tl: Tl) => visiblePending(tl).map((p) => p.text);

describe('conversation timeline: merge by seq', () => {
  it('keeps events sorted by seq whatever the arrival order, without duplicates', () => {
    const tl = applyTimelineEvents(empty(), [
      msg(3, 'visitor', 'c'),
      msg(1, 'visitor', 'a'),
      msg(2, 'agent', 'b'),
      msg(3, 'visitor', 'c'),
      msg(1, 'visitor', 'a'),
    ]);
    expect(seqs(tl)).toEqual([1, 2, 3]);
    expect(lastTimelineSeq(tl)).toBe(3);
    expect(hasTimelineSeq(tl, 2)).toBe(true);
    expect(hasTimelineSeq(tl, 4)).toBe(false);
    expect(lastTimelineSeq(empty())).toBe(0);
  });

  it('returns the same object for an event it already has (ack, push and replay of one event)', () => {
    const tl = applyTimelineEvent(empty(), msg(1, 'visitor', 'a'));
    expect(applyTimelineEvent(tl, msg(1, 'visitor', 'a'))).toBe(tl);
    expect(applyTimelineEvents(tl, [msg(1, 'visitor', 'a'), msg(1, 'visitor', 'a')])).toBe(tl);
  });
});

describe('conversation timeline: optimistic messages', () => {
  it('drops the pending message when the server event with its clientMsgId arrives', () => {
    let tl = applyTimelineEvent(empty(), msg(1, 'visitor', 'hi'));
    tl = addPendingMessage(tl, pending('k1', 'hello'));
    expect(pendingTexts(tl)).toEqual(['hello']);
    tl = applyTimelineEvent(tl, msg(2, 'agent', 'hello', 'k1'));
    expect(tl.pending).toEqual([]);
    expect(seqs(tl)).toEqual([1, 2]);
  });

  it('holds the message once when the ack and the push both deliver it', () => {
    let tl = addPendingMessage(empty(), pending('k1'));
    tl = applyTimelineEvent(tl, msg(5, 'agent', 'hello', 'k1')); // from the ack
    tl = applyTimelineEvent(tl, msg(5, 'agent', 'hello', 'k1')); // from the subscription push
    expect(seqs(tl)).toEqual([5]);
    expect(tl.pending).toEqual([]);
  });

  it('does not add a pending message the server already has (a late retry), nor one pending twice', () => {
    let tl = applyTimelineEvent(empty(), msg(1, 'agent', 'hello', 'k1'));
    expect(addPendingMessage(tl, pending('k1'))).toBe(tl);
    tl = addPendingMessage(tl, pending('k2', 'first'));
    expect(addPendingMessage(tl, pending('k2', 'double click'))).toBe(tl);
    expect(pendingTexts(tl)).toEqual(['first']);
  });

  it('keeps the other pending messages in send order', () => {
    let tl = addPendingMessage(empty(), pending('k1', 'one'));
    tl = addPendingMessage(tl, pending('k2', 'two'));
    tl = addPendingMessage(tl, pending('k3', 'three'));
    tl = applyTimelineEvents(tl, [msg(1, 'visitor', 'v'), msg(2, 'agent', 'two', 'k2')]);
    expect(pendingTexts(tl)).toEqual(['one', 'three']);
  });

  it('marks a pending message failed without losing it, and the server event still replaces it', () => {
    let tl = addPendingMessage(empty(), pending('k1'));
    tl = updatePendingMessage(tl, 'k1', { state: 'failed' });
    expect(findPending(tl, 'k1')).toMatchObject({ state: 'failed', text: 'hello' });
    expect(updatePendingMessage(tl, 'nope', { state: 'sending' })).toBe(tl);
    tl = applyTimelineEvent(tl, msg(1, 'agent', 'hello', 'k1')); // the first attempt did get through
    expect(tl.pending).toEqual([]);
    expect(updatePendingMessage(tl, 'k1', { state: 'failed' })).toBe(tl);
  });

  it('removes a pending message on request, and leaves the timeline alone for an unknown one', () => {
    let tl = addPendingMessage(empty(), pending('k1'));
    expect(removePendingMessage(tl, 'k2')).toBe(tl);
    tl = removePendingMessage(tl, 'k1');
    expect(tl.pending).toEqual([]);
  });

  it('treats a message with an unknown clientMsgId (another tab) as someone else’s', () => {
    let tl = addPendingMessage(empty('visitor'), pending('k1', 'mine'));
    tl = applyTimelineEvent(tl, msg(1, 'visitor', 'from the other tab', 'other-tab'));
    expect(pendingTexts(tl)).toEqual(['mine']);
  });

  it('with confirmedBy, only that author’s message confirms a pending one', () => {
    let tl = addPendingMessage(empty('visitor'), pending('k1', 'mine'));
    tl = applyTimelineEvent(tl, msg(1, 'agent', 'same id, other side', 'k1'));
    expect(pendingTexts(tl)).toEqual(['mine']);
    tl = applyTimelineEvent(tl, msg(2, 'visitor', 'mine', 'k1'));
    expect(tl.pending).toEqual([]);
    // Without it (the workspace), any author's message confirms.
    const any = applyTimelineEvent(addPendingMessage(empty(), pending('k1')), msg(1, 'system', 'x', 'k1'));
    expect(any.pending).toEqual([]);
  });

  it('never shows a pending message whose event is already held (racing retry)', () => {
    const tl: Tl = { ...applyTimelineEvent(empty(), msg(1, 'agent', 'hello', 'k1')), pending: [pending('k1'), pending('k2', 'other')] };
    expect(pendingTexts(tl)).toEqual(['other']);
  });
});

describe('conversation timeline: receipts, unread', () => {
  it('tracks both sides’ receipts, forward only, read implying delivered', () => {
    let tl = applyTimelineEvents(empty(), [
      msg(1, 'agent', 'a'),
      receipt(2, 'visitor', 'delivered', 1),
      receipt(3, 'visitor', 'read', 1),
      msg(4, 'visitor', 'b'),
      receipt(5, 'agent', 'read', 4),
    ]);
    expect(tl.receipts).toEqual({ visitorDelivered: 1, visitorRead: 1, agentDelivered: 4, agentRead: 4 });
    tl = applyTimelineEvents(tl, [receipt(6, 'agent', 'read', 0), receipt(7, 'visitor', 'delivered', 0)]);
    expect(tl.receipts).toEqual({ visitorDelivered: 1, visitorRead: 1, agentDelivered: 4, agentRead: 4 });
  });

  it('marks a message by the other side’s receipts', () => {
    const r = { visitorDelivered: 4, visitorRead: 2, agentDelivered: 3, agentRead: 1 };
    // An agent's message, from the visitor's receipts.
    expect([1, 3, 5].map((s) => receiptMark(s, 'agent', r))).toEqual(['read', 'delivered', 'sent']);
    // A visitor's message, from the agents' receipts.
    expect([1, 2, 4].map((s) => receiptMark(s, 'visitor', r))).toEqual(['read', 'delivered', 'sent']);
  });

  it('counts the other side’s messages after the reader’s last read receipt, never system ones', () => {
    let tl = applyTimelineEvents(empty(), [msg(1, 'visitor', 'a'), msg(2, 'visitor', 'b'), msg(3, 'agent', 'c')]);
    expect(unreadMessageCount(tl, 'agent')).toBe(2);
    expect(unreadMessageCount(tl, 'visitor')).toBe(1);
    tl = applyTimelineEvents(tl, [receipt(4, 'agent', 'read', 2), receipt(5, 'visitor', 'read', 3)]);
    expect(unreadMessageCount(tl, 'agent')).toBe(0);
    expect(unreadMessageCount(tl, 'visitor')).toBe(0);
    tl = applyTimelineEvents(tl, [msg(6, 'visitor', 'd'), msg(7, 'system', 'note'), msg(8, 'agent', 'e')]);
    expect(unreadMessageCount(tl, 'agent')).toBe(1);
    expect(unreadMessageCount(tl, 'visitor')).toBe(1);
  });

  it('finds the newest message of each author', () => {
    const tl = applyTimelineEvents(empty(), [msg(1, 'visitor', 'a'), msg(2, 'agent', 'b'), msg(3, 'visitor', 'c'), msg(4, 'system', 'd')]);
    expect(lastMessageSeqBy(tl, 'visitor')).toBe(3);
    expect(lastMessageSeqBy(tl, 'agent')).toBe(2);
    expect(lastMessageSeqBy(empty(), 'agent')).toBe(0);
  });
});
