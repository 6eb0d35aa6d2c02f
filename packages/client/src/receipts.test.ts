import { describe, expect, it } from 'vitest';
import type { SequencedEvent, TimelineEvent } from '@visavis/protocol';
import { applyTimelineEvents, emptyConversationTimeline, type ConversationTimeline } from './conversation-timeline.js';
import { ReceiptTracker } from './receipts.js';

const msg = (kind: 'agent' | 'visitor'): TimelineEvent => ({
  type: 'message', messageId: 'm', clientMsgId: null, author: { kind, id: null, name: null }, kind: 'text', text: 't', attachment: null,
});
const receipt = (by: 'agent' | 'visitor', state: 'read' | 'delivered', upToSeq: number): TimelineEvent => ({ type: 'receipt', by, state, upToSeq });

/** A timeline of these events, numbered from 1. */
function tl(...events: TimelineEvent[]): ConversationTimeline {
  const seq: SequencedEvent[] = events.map((event, i) => ({ conversationId: 'c1', seq: i + 1, at: '', event }));
  return applyTimelineEvents(emptyConversationTimeline(), seq);
}
const created: TimelineEvent = { type: 'conversation.created' };

describe('ReceiptTracker', () => {
  it('marks read once while visible, and not again for our own receipt event', () => {
    const r = new ReceiptTracker('visitor');
    expect(r.read(tl(created, created, msg('agent'), created))).toEqual({ state: 'read', upToSeq: 4 });
    // seq 5 is our own receipt coming back
    expect(r.read(tl(created, created, msg('agent'), created, receipt('visitor', 'read', 4)))).toBeNull();
    expect(r.read(tl(created, created, msg('agent'), created, created, msg('agent')))).toEqual({ state: 'read', upToSeq: 6 });
  });

  it('marks delivered while hidden, then read when seen', () => {
    const r = new ReceiptTracker('visitor');
    expect(r.delivered(tl(created, msg('agent')))).toEqual({ state: 'delivered', upToSeq: 2 });
    expect(r.delivered(tl(created, msg('agent'), created))).toBeNull();
    expect(r.read(tl(created, msg('agent'), created))).toEqual({ state: 'read', upToSeq: 3 });
    expect(r.delivered(tl(created, msg('agent'), created))).toBeNull(); // read implies delivered
  });

  it('owes nothing for messages already read (e.g. in another tab), nor for our own messages', () => {
    const r = new ReceiptTracker('visitor');
    const readElsewhere = tl(created, created, created, msg('agent'), receipt('visitor', 'read', 5));
    expect(r.read(readElsewhere)).toBeNull();
    expect(r.delivered(readElsewhere)).toBeNull();
    expect(r.read(tl(created, msg('visitor')))).toBeNull();
    expect(r.delivered(tl(created, msg('visitor')))).toBeNull();
  });

  it('for an agent: read up to what is on screen, only when it covers a visitor message not marked yet', () => {
    const r = new ReceiptTracker('agent');
    const t = tl(msg('visitor'), msg('agent'), msg('visitor'));
    expect(r.read(t, 1)).toEqual({ state: 'read', upToSeq: 1 });
    expect(r.read(t, 1)).toBeNull();
    expect(r.read(t, 2)).toEqual({ state: 'read', upToSeq: 2 }); // covers more, and seq 3 is unmarked
    expect(r.read(t, 3)).toEqual({ state: 'read', upToSeq: 3 });
    expect(r.read(tl(msg('visitor'), receipt('agent', 'delivered', 1)), 0)).toBeNull();
    expect(new ReceiptTracker('agent').delivered(tl(msg('visitor'), receipt('agent', 'delivered', 1)))).toBeNull();
  });

  it('a mark that failed is owed again; reset forgets what was sent', () => {
    const r = new ReceiptTracker('agent');
    const t = tl(msg('visitor'), msg('visitor'));
    const read = r.read(t, 2)!;
    r.failed(read);
    expect(r.readUpTo(t)).toBe(0);
    expect(r.read(t, 2)).toEqual({ state: 'read', upToSeq: 2 });
    const r2 = new ReceiptTracker('agent');
    const delivered = r2.delivered(t)!;
    r2.failed(delivered);
    expect(r2.delivered(t)).toEqual({ state: 'delivered', upToSeq: 2 });
    r2.reset();
    expect(r2.delivered(t)).toEqual({ state: 'delivered', upToSeq: 2 });
  });
});
