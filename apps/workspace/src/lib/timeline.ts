import type { Attachment, SequencedEvent } from '@visavis/protocol';

/**
 * One conversation's timeline as the workspace sees it: the server's sequenced events plus the
 * agent's own messages that are still on their way (optimistic). All functions are pure and
 * return new objects, so React can compare by reference.
 *
 * Invariants:
 * - `events` is sorted by seq with no duplicates, whichever path an event came by (subscription
 *   replay, live push, or the ack of our own message.send).
 * - A pending message disappears the moment an event with its clientMsgId arrives, so a message
 *   is never shown twice.
 */
export interface PendingMessage {
  clientMsgId: string;
  text: string;
  createdAt: string;
  state: 'uploading' | 'sending' | 'failed';
  error?: string;
  /** Set once the upload finished, so a retry does not upload the file again. */
  blobId?: string;
  file?: { name: string; mime: string; size: number; previewUrl?: string };
}

export interface Receipts {
  /** Highest seq the visitor confirmed as delivered (implied by read as well). */
  visitorDelivered: number;
  visitorRead: number;
  /** Highest seq any agent marked delivered / read. */
  agentDelivered: number;
  agentRead: number;
}

export interface Timeline {
  events: SequencedEvent[];
  pending: PendingMessage[];
  receipts: Receipts;
}

export function emptyTimeline(): Timeline {
  return {
    events: [],
    pending: [],
    receipts: { visitorDelivered: 0, visitorRead: 0, agentDelivered: 0, agentRead: 0 },
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

function applyReceipt(r: Receipts, ev: SequencedEvent['event']): Receipts {
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

/** Adds a server event; a seq already present leaves the timeline unchanged (same object). */
export function applyEvent(tl: Timeline, ev: SequencedEvent): Timeline {
  const at = insertionIndex(tl.events, ev.seq);
  if (tl.events[at]?.seq === ev.seq) return tl;
  const events = tl.events.slice();
  events.splice(at, 0, ev);
  const cmid = ev.event.type === 'message' ? ev.event.clientMsgId : null;
  const pending = cmid ? tl.pending.filter((p) => p.clientMsgId !== cmid) : tl.pending;
  return { events, pending, receipts: applyReceipt(tl.receipts, ev.event) };
}

export function applyEvents(tl: Timeline, evs: readonly SequencedEvent[]): Timeline {
  return evs.reduce(applyEvent, tl);
}

function confirmedIds(tl: Timeline): Set<string> {
  const ids = new Set<string>();
  for (const e of tl.events)
    if (e.event.type === 'message' && e.event.clientMsgId) ids.add(e.event.clientMsgId);
  return ids;
}

/** Adds an optimistic message unless the server already has it (a late retry, a double click). */
export function addPending(tl: Timeline, p: PendingMessage): Timeline {
  if (tl.pending.some((x) => x.clientMsgId === p.clientMsgId)) return tl;
  if (confirmedIds(tl).has(p.clientMsgId)) return tl;
  return { ...tl, pending: [...tl.pending, p] };
}

export function updatePending(tl: Timeline, clientMsgId: string, patch: Partial<PendingMessage>): Timeline {
  if (!tl.pending.some((p) => p.clientMsgId === clientMsgId)) return tl;
  return { ...tl, pending: tl.pending.map((p) => (p.clientMsgId === clientMsgId ? { ...p, ...patch } : p)) };
}

export function removePending(tl: Timeline, clientMsgId: string): Timeline {
  if (!tl.pending.some((p) => p.clientMsgId === clientMsgId)) return tl;
  return { ...tl, pending: tl.pending.filter((p) => p.clientMsgId !== clientMsgId) };
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
  // Defensive: applyEvent already drops confirmed pending messages, but a pending added after
  // its confirmation (racing retry) must still not be shown.
  const confirmed = confirmedIds(tl);
  for (const p of tl.pending) {
    if (!confirmed.has(p.clientMsgId)) items.push({ kind: 'pending', key: `p${p.clientMsgId}`, p });
  }
  return items;
}

export type Tick = 'sent' | 'delivered' | 'read';

/** Tick state of one of our (agent) messages, from the visitor's receipts. */
export function tickFor(seq: number, r: Receipts): Tick {
  if (seq <= r.visitorRead) return 'read';
  if (seq <= r.visitorDelivered) return 'delivered';
  return 'sent';
}

/** Messages from the visitor after the agents' last read receipt (same rule as the server). */
export function unreadCount(tl: Timeline): number {
  let n = 0;
  for (const e of tl.events) {
    if (e.seq > tl.receipts.agentRead && e.event.type === 'message' && e.event.author.kind === 'visitor') n++;
  }
  return n;
}

export function lastVisitorSeq(tl: Timeline): number {
  for (let i = tl.events.length - 1; i >= 0; i--) {
    const e = tl.events[i]!;
    if (e.event.type === 'message' && e.event.author.kind === 'visitor') return e.seq;
  }
  return 0;
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
