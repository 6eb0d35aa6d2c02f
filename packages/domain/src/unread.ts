import type { SequencedEvent } from '@visavis/protocol';

/**
 * Unread count for one side: messages written by the other side after the reader's last read
 * receipt. Pure so the server's SQL and the clients' local counters can be tested against it.
 */
export function unreadFor(reader: 'visitor' | 'agent', events: readonly SequencedEvent[]): number {
  let readUpTo = 0;
  for (const e of events) {
    if (e.event.type === 'receipt' && e.event.by === reader && e.event.state === 'read') {
      readUpTo = Math.max(readUpTo, e.event.upToSeq);
    }
  }
  let count = 0;
  for (const e of events) {
    if (e.event.type !== 'message' || e.seq <= readUpTo) continue;
    if (e.event.author.kind !== reader && e.event.author.kind !== 'system') count++;
  }
  return count;
}
