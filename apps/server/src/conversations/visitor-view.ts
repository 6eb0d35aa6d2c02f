import type { SequencedEvent } from '@visavis/protocol';
import type { Principal } from '../identity/index.js';

/**
 * What a visitor may see of a timeline event. Agents' internal words stay internal: the note of
 * a transfer is for colleagues, so visitors get the event without it.
 */
export function forReader(p: Principal, e: SequencedEvent): SequencedEvent {
  if (p.kind !== 'visitor') return e;
  if (e.event.type === 'conversation.transferred' && e.event.note) return { ...e, event: { ...e.event, note: '' } };
  return e;
}
