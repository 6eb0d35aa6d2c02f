import { describe, expect, it } from 'vitest';
import type { SequencedEvent, TimelineEvent } from '@visavis/protocol';
import { foldCallEvents } from '@visavis/client';
import { Timeline } from './timeline.js';

const ev = (seq: number, event: TimelineEvent): SequencedEvent => ({ conversationId: 'c-1', seq, at: '2025-01-01T00:00:00.000Z', event });

describe('snapshot events in the visitor timeline', () => {
  it('become one system line with the still’s size, once, in seq order', () => {
    const tl = new Timeline();
    const call = [
      ev(1, { type: 'call.ringing', callId: 'k-1', media: 'video', by: 'agent', profile: '1080p' }),
      ev(2, { type: 'call.answered', callId: 'k-1', by: 'visitor' }),
    ];
    for (const e of call) tl.apply(e);
    const snap = ev(3, { type: 'call.snapshot', callId: 'k-1', recordingId: 'r-1', width: 1920, height: 1080 });
    expect(tl.apply(snap)).toBe(true);
    expect(tl.apply(snap)).toBe(false);
    expect(tl.items.map((i) => (i.type === 'system' ? i.notice.notice : i.type))).toEqual(['call', 'snapshot']);
    expect(tl.items[1]).toMatchObject({ seq: 3, notice: { notice: 'snapshot', callId: 'k-1', recordingId: 'r-1', width: 1920, height: 1080 } });
    // The call is still live: a snapshot does not end or change it.
    expect(foldCallEvents([...call, snap])).toMatchObject({ callId: 'k-1', status: 'active' });
  });
});
