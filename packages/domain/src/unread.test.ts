import { describe, expect, it } from 'vitest';
import type { SequencedEvent, TimelineEvent } from '@visavis/protocol';
import { unreadFor } from './unread.js';

/** Builds a timeline with seq 1..n from compact descriptions. */
function timeline(...events: TimelineEvent[]): SequencedEvent[] {
  return events.map((event, i) => ({
    conversationId: 'c1',
    seq: i + 1,
    at: '2025-01-01T00:00:00.000Z',
    event,
  }));
}

const msg = (kind: 'visitor' | 'agent' | 'system', text = 'x'): TimelineEvent => ({
  type: 'message',
  messageId: `m-${text}`,
  clientMsgId: null,
  author: { kind, id: kind === 'system' ? null : `${kind}-1`, name: null },
  kind: 'text',
  text,
  attachment: null,
});
const read = (by: 'visitor' | 'agent', upToSeq: number): TimelineEvent => ({
  type: 'receipt',
  by,
  state: 'read',
  upToSeq,
});
const delivered = (by: 'visitor' | 'agent', upToSeq: number): TimelineEvent => ({
  type: 'receipt',
  by,
  state: 'delivered',
  upToSeq,
});

describe('unreadFor', () => {
  it('is 0 for an empty timeline', () => {
    expect(unreadFor('agent', [])).toBe(0);
    expect(unreadFor('visitor', [])).toBe(0);
  });

  it("counts only the other side's messages", () => {
    const t = timeline(msg('visitor'), msg('visitor'), msg('agent'));
    expect(unreadFor('agent', t)).toBe(2);
    expect(unreadFor('visitor', t)).toBe(1);
  });

  it('never counts system messages or non-message events', () => {
    const t = timeline({ type: 'conversation.created' }, msg('system'), {
      type: 'conversation.closed',
      by: 'inactivity',
    });
    expect(unreadFor('agent', t)).toBe(0);
    expect(unreadFor('visitor', t)).toBe(0);
  });

  it("counts messages after the reader's own read receipt only", () => {
    // seq: 1 visitor, 2 visitor, 3 agent reads up to 2, 4 visitor
    const t = timeline(msg('visitor'), msg('visitor'), read('agent', 2), msg('visitor'));
    expect(unreadFor('agent', t)).toBe(1);
  });

  it("ignores the other side's receipts and delivered receipts", () => {
    const t = timeline(msg('visitor'), msg('visitor'), read('visitor', 2), delivered('agent', 2));
    expect(unreadFor('agent', t)).toBe(2);
  });

  it('uses the highest read receipt, even when receipts arrive out of order', () => {
    const t = timeline(msg('visitor'), msg('visitor'), msg('visitor'), read('agent', 3), read('agent', 1));
    expect(unreadFor('agent', t)).toBe(0);
  });

  it('counts messages inside the read range as read even if the receipt comes later in the list', () => {
    const t = timeline(msg('agent'), msg('agent'), read('visitor', 5));
    expect(unreadFor('visitor', t)).toBe(0);
  });

  it('gives the same answer for the same events in any order (it depends on seq, not position)', () => {
    const t = timeline(msg('visitor'), read('agent', 1), msg('visitor'), msg('agent'), msg('visitor'));
    expect(unreadFor('agent', [...t].reverse())).toBe(unreadFor('agent', t));
    expect(unreadFor('agent', t)).toBe(2);
  });
});
