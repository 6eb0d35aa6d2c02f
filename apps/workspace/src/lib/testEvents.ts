import type { SequencedEvent, TimelineEvent } from '@visavis/protocol';

/** Builders for unit tests: terse sequenced events with sensible defaults. */
export const CONV = 'c1';

export function ev(
  seq: number,
  event: TimelineEvent,
  at = `2025-01-01T10:00:${String(seq).padStart(2, '0')}Z`,
): SequencedEvent {
  return { conversationId: CONV, seq, at, event };
}

export function msg(
  seq: number,
  kind: 'visitor' | 'agent' | 'system',
  text: string,
  clientMsgId: string | null = null,
  at?: string,
): SequencedEvent {
  return ev(
    seq,
    {
      type: 'message',
      messageId: `m${seq}`,
      clientMsgId,
      author: { kind, id: kind === 'system' ? null : `${kind}-1`, name: kind === 'agent' ? 'Ann' : null },
      kind: 'text',
      text,
      attachment: null,
    },
    at,
  );
}

export function receipt(
  seq: number,
  by: 'visitor' | 'agent',
  state: 'delivered' | 'read',
  upToSeq: number,
): SequencedEvent {
  return ev(seq, { type: 'receipt', by, state, upToSeq });
}
