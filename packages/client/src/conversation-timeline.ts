import type { SequencedEvent } from '@visavis/protocol';

/**
 * One conversation's timeline as a client holds it, for both UIs: the server's sequenced events
 * plus the user's own messages still on their way (optimistic, keyed by clientMsgId), and the
 * receipts both sides have sent. Pure functions returning new objects (an unchanged timeline is
 * returned as the same object), no framework and no DOM; each UI builds its view and words on it.
 *
 * Invariants:
 * - `events` is sorted by seq with no duplicates, whichever path an event came by (subscription
 *   replay, live push, or the ack of our own `message.send`);
 * - a pending message leaves `pending` the moment the server event with its clientMsgId arrives,
 *   and is never added once the server has it, so a message is never shown twice;
 * - receipts only move forward; a read receipt implies delivered.
 */
export type TimelineParty = 'visitor' | 'agent';

/** The least an optimistic message carries; each UI adds its own fields. */
export interface PendingLike {
  clientMsgId: string;
}

export interface TimelineReceipts {
  /** Highest seq the visitor marked delivered (read implies delivered). */
  visitorDelivered: number;
  visitorRead: number;
  /** Highest seq any agent marked delivered (read implies delivered) / read. */
  agentDelivered: number;
  agentRead: number;
}

export interface ConversationTimeline<P extends PendingLike = PendingLike> {
  events: SequencedEvent[];
  /** In the order they were sent. */
  pending: P[];
  receipts: TimelineReceipts;
  /**
   * Whose message events confirm a pending message: only this author's, or any author's (null).
   * The widget (the visitor's own messages) says 'visitor'; the workspace has always matched any
   * author, since more than one agent may write in a conversation.
   */
  confirmedBy: TimelineParty | null;
}

export function emptyConversationTimeline<P extends PendingLike = PendingLike>(
  confirmedBy: TimelineParty | null = null,
): ConversationTimeline<P> {
  return {
    events: [],
    pending: [],
    receipts: { visitorDelivered: 0, visitorRead: 0, agentDelivered: 0, agentRead: 0 },
    confirmedBy,
  };
}

function insertionIndex(events: readonly SequencedEvent[], seq: number): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (events[mid]!.seq < seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Whether the timeline already holds the event with this seq. */
export function hasTimelineSeq(tl: ConversationTimeline<PendingLike>, seq: number): boolean {
  return tl.events[insertionIndex(tl.events, seq)]?.seq === seq;
}

/** The highest seq held (0: none): where a resume or a history page continues from. */
export function lastTimelineSeq(tl: ConversationTimeline<PendingLike>): number {
  return tl.events.at(-1)?.seq ?? 0;
}

/** The clientMsgId a server event confirms, under the timeline's `confirmedBy` rule; null if none. */
export function confirmedClientMsgId(tl: ConversationTimeline<PendingLike>, ev: SequencedEvent): string | null {
  const e = ev.event;
  if (e.type !== 'message' || !e.clientMsgId) return null;
  if (tl.confirmedBy !== null && e.author.kind !== tl.confirmedBy) return null;
  return e.clientMsgId;
}

function confirmedIds(tl: ConversationTimeline<PendingLike>): Set<string> {
  const ids = new Set<string>();
  for (const ev of tl.events) {
    const id = confirmedClientMsgId(tl, ev);
    if (id) ids.add(id);
  }
  return ids;
}

function applyReceipt(r: TimelineReceipts, ev: SequencedEvent['event']): TimelineReceipts {
  if (ev.type !== 'receipt') return r;
  const up = ev.upToSeq;
  if (ev.by === 'visitor') {
    return {
      ...r,
      visitorDelivered: Math.max(r.visitorDelivered, up),
      visitorRead: ev.state === 'read' ? Math.max(r.visitorRead, up) : r.visitorRead,
    };
  }
  return {
    ...r,
    agentDelivered: Math.max(r.agentDelivered, up),
    agentRead: ev.state === 'read' ? Math.max(r.agentRead, up) : r.agentRead,
  };
}

/** Adds a server event; a seq already present leaves the timeline unchanged (the same object). */
export function applyTimelineEvent<P extends PendingLike>(tl: ConversationTimeline<P>, ev: SequencedEvent): ConversationTimeline<P> {
  const at = insertionIndex(tl.events, ev.seq);
  if (tl.events[at]?.seq === ev.seq) return tl;
  const events = tl.events.slice();
  events.splice(at, 0, ev);
  const cmid = confirmedClientMsgId(tl, ev);
  const pending = cmid ? tl.pending.filter((p) => p.clientMsgId !== cmid) : tl.pending;
  return { ...tl, events, pending, receipts: applyReceipt(tl.receipts, ev.event) };
}

export function applyTimelineEvents<P extends PendingLike>(
  tl: ConversationTimeline<P>,
  evs: readonly SequencedEvent[],
): ConversationTimeline<P> {
  let out = tl;
  for (const ev of evs) out = applyTimelineEvent(out, ev);
  return out;
}

export function findPending<P extends PendingLike>(tl: ConversationTimeline<P>, clientMsgId: string): P | undefined {
  return tl.pending.find((p) => p.clientMsgId === clientMsgId);
}

/** Adds an optimistic message unless it is pending already or the server has it (a late retry, a double click). */
export function addPendingMessage<P extends PendingLike>(tl: ConversationTimeline<P>, p: P): ConversationTimeline<P> {
  if (findPending(tl, p.clientMsgId)) return tl;
  if (confirmedIds(tl).has(p.clientMsgId)) return tl;
  return { ...tl, pending: [...tl.pending, p] };
}

export function updatePendingMessage<P extends PendingLike>(
  tl: ConversationTimeline<P>,
  clientMsgId: string,
  patch: Partial<P>,
): ConversationTimeline<P> {
  if (!findPending(tl, clientMsgId)) return tl;
  return { ...tl, pending: tl.pending.map((p) => (p.clientMsgId === clientMsgId ? { ...p, ...patch } : p)) };
}

export function removePendingMessage<P extends PendingLike>(tl: ConversationTimeline<P>, clientMsgId: string): ConversationTimeline<P> {
  if (!findPending(tl, clientMsgId)) return tl;
  return { ...tl, pending: tl.pending.filter((p) => p.clientMsgId !== clientMsgId) };
}

/**
 * The pending messages to show, in send order. `applyTimelineEvent` already drops confirmed
 * ones; this also hides one added after its confirmation (a racing retry), defensively.
 */
export function visiblePending<P extends PendingLike>(tl: ConversationTimeline<P>): P[] {
  if (tl.pending.length === 0) return tl.pending;
  const confirmed = confirmedIds(tl);
  return tl.pending.filter((p) => !confirmed.has(p.clientMsgId));
}

const other = (party: TimelineParty): TimelineParty => (party === 'visitor' ? 'agent' : 'visitor');

/**
 * How the other side has acknowledged a message `author` sent at `seq`: from the other side's
 * receipts (a visitor message from the agents', an agent message from the visitor's).
 */
export function receiptMark(seq: number, author: TimelineParty, r: TimelineReceipts): 'read' | 'delivered' | 'sent' {
  const reader = other(author);
  if (seq <= (reader === 'visitor' ? r.visitorRead : r.agentRead)) return 'read';
  if (seq <= (reader === 'visitor' ? r.visitorDelivered : r.agentDelivered)) return 'delivered';
  return 'sent';
}

/** Messages from the other side after `reader`'s last read receipt (the server's rule too). */
export function unreadMessageCount(tl: ConversationTimeline<PendingLike>, reader: TimelineParty): number {
  const readUpTo = reader === 'visitor' ? tl.receipts.visitorRead : tl.receipts.agentRead;
  const from = other(reader);
  let n = 0;
  for (const e of tl.events) {
    if (e.seq > readUpTo && e.event.type === 'message' && e.event.author.kind === from) n++;
  }
  return n;
}

/** Seq of the newest message `author` wrote (0: none): the natural bound for a read receipt. */
export function lastMessageSeqBy(tl: ConversationTimeline<PendingLike>, author: TimelineParty): number {
  for (let i = tl.events.length - 1; i >= 0; i--) {
    const e = tl.events[i]!;
    if (e.event.type === 'message' && e.event.author.kind === author) return e.seq;
  }
  return 0;
}
