import type { SequencedEvent, TimelineEvent } from '@visavis/protocol';

/**
 * Test-only: sequenced call events of one conversation, numbered from 1 in the order they are
 * made (the SDK's call-state tests and the widget's share them).
 */
export function callEventFactory(conversationId = 'c1') {
  let seq = 0;
  const ev = (event: TimelineEvent, at = '2025-05-01T10:00:00.000Z'): SequencedEvent => ({ conversationId, seq: ++seq, at, event });
  return {
    ev,
    ringing: (by: 'visitor' | 'agent' = 'visitor', media: 'video' | 'audio' = 'video', callId = 'k1') =>
      ev({ type: 'call.ringing', callId, media, by, profile: '720p' }),
    answered: (callId = 'k1') => ev({ type: 'call.answered', callId, by: 'agent' }, '2025-05-01T10:00:05.000Z'),
    ended: (reason: string, by: 'visitor' | 'agent' | 'system', durationMs: number | null, callId = 'k1') =>
      ev({ type: 'call.ended', callId, by, reason, durationMs }),
  };
}
