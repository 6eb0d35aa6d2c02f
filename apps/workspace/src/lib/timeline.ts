import type { Attachment, SequencedEvent } from '@visavis/protocol';
import { emptyConversationTimeline, lastMessageSeqBy, receiptMark, unreadMessageCount, visiblePending } from '@visavis/client';
import type { ConversationTimeline, OutgoingMessage, TimelineReceipts } from '@visavis/client';

/** The merge, under the workspace's names (generic: they keep `Timeline`'s pending type). */
export {
  addPendingMessage as addPending,
  applyTimelineEvent as applyEvent,
  applyTimelineEvents as applyEvents,
  removePendingMessage as removePending,
  updatePendingMessage as updatePending,
} from '@visavis/client';

/**
 * One conversation's timeline as the workspace sees it: the SDK's `ConversationTimeline` (the
 * server's sequenced events, merged by seq, plus the agent's own messages still on their way,
 * keyed by clientMsgId, and the receipts) with the workspace's pending message shape and what the
 * chat pane and the list derive from it. All functions are pure and return new objects, so React
 * can compare by reference.
 *
 * Invariants:
 * - `events` is sorted by seq with no duplicates, whichever path an event came by (subscription
 *   replay, live push, or the ack of our own message.send).
 * - A pending message disappears the moment an event with its clientMsgId arrives, so a message
 *   is never shown twice.
 */
/** The agent's own message on its way: the SDK's `Conversation` sends it (`OutgoingMessage`). */
export type PendingMessage = OutgoingMessage;

/** Receipts and the merge are the SDK's (`@visavis/client` conversation-timeline). */
export type Receipts = TimelineReceipts;
export type Timeline = ConversationTimeline<PendingMessage>;

/** Any author's message confirms a pending one here (the widget only takes the visitor's). */
export function emptyTimeline(): Timeline {
  return emptyConversationTimeline<PendingMessage>(null);
}

/**
 * The timeline with the agents' read receipt raised to `upTo`, what this agent has marked read
 * (the SDK's `Conversation.readUpTo`): the unread badge clears before the server's receipt event.
 */
export function withReadUpTo(tl: Timeline, upTo: number): Timeline {
  const r = tl.receipts;
  if (upTo <= r.agentRead) return tl;
  return { ...tl, receipts: { ...r, agentRead: upTo, agentDelivered: Math.max(r.agentDelivered, upTo) } };
}

export type DisplayItem =
  { kind: 'event'; key: string; ev: SequencedEvent } | { kind: 'pending'; key: string; p: PendingMessage };

/** What the chat pane renders: events in seq order (receipts hidden), then pending messages. */
export function displayItems(tl: Timeline): DisplayItem[] {
  const items: DisplayItem[] = [];
  for (const ev of tl.events) {
    if (ev.event.type === 'receipt') continue;
    items.push({ kind: 'event', key: `s${ev.seq}`, ev });
  }
  for (const p of visiblePending(tl)) items.push({ kind: 'pending', key: `p${p.clientMsgId}`, p });
  return items;
}

export type Tick = 'sent' | 'delivered' | 'read';

/** Tick state of one of our (agent) messages, from the visitor's receipts. */
export function tickFor(seq: number, r: Receipts): Tick {
  return receiptMark(seq, 'agent', r);
}

/** Messages from the visitor after the agents' last read receipt (same rule as the server). */
export function unreadCount(tl: Timeline): number {
  return unreadMessageCount(tl, 'agent');
}

export function lastVisitorSeq(tl: Timeline): number {
  return lastMessageSeqBy(tl, 'visitor');
}

/**
 * When the visitor started waiting: the first visitor message after the last agent message, or
 * null when the agent has replied to everything. Pending agent messages do not count as a reply
 * until the server has them, so a failed send keeps the clock running.
 */
export function waitingSince(tl: Timeline): string | null {
  let since: string | null = null;
  for (const e of tl.events) {
    if (e.event.type === 'conversation.closed') since = null;
    if (e.event.type !== 'message') continue;
    if (e.event.author.kind === 'agent') since = null;
    else if (e.event.author.kind === 'visitor' && since === null) since = e.at;
  }
  return since;
}

/** Short preview for the list: the text, or the attachment's name for images and files. */
export function previewOf(ev: SequencedEvent['event']): string | null {
  if (ev.type !== 'message') return null;
  if (ev.text.trim()) return ev.text;
  const a: Attachment | null = ev.attachment;
  return a ? `📎 ${a.name}` : '';
}
