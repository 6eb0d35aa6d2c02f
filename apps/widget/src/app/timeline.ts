import type { Attachment, CloseReason, ConversationStatus, SequencedEvent } from '@visavis/protocol';
import { applyCallEvent, type CallNoticeData, type LiveCall } from './call-state.js';
import type { SnapshotNotice } from './view/snapshot-view.js';

/**
 * The visitor's view of one conversation, built from server events plus the visitor's own
 * optimistic (not yet confirmed) messages. Pure data and logic, no DOM, so it is unit-tested.
 *
 * Invariants:
 * - a server event is applied at most once (by seq), whatever mix of subscribe replays,
 *   live pushes and `message.send` acks delivers it;
 * - an optimistic message is replaced in place by the server message with the same
 *   clientMsgId, so a message is never shown twice;
 * - confirmed items are ordered by seq; optimistic ones follow, in the order they were sent.
 */
export type Author = 'visitor' | 'agent' | 'system';
export type DeliveryState = 'pending' | 'failed' | 'sent';

export interface MessageItem {
  type: 'message';
  /** Stable key for the DOM: the clientMsgId when we have one, else `s<seq>`. */
  key: string;
  seq: number | null;
  clientMsgId: string | null;
  author: Exclude<Author, 'system'>;
  authorName: string | null;
  kind: 'text' | 'image' | 'file';
  text: string;
  attachment: Attachment | null;
  at: string;
  state: DeliveryState;
  /** A local object URL for an image being uploaded, shown until the server copy arrives. */
  localPreviewUrl?: string;
}

export type SystemNotice =
  | { notice: 'queued' }
  | { notice: 'assigned'; agentName: string }
  | { notice: 'closed'; by: CloseReason }
  /** Handed to another agent or to a team; the agents' note is not shown to the visitor. */
  | { notice: 'transferred'; to: 'agent' | 'group'; name: string }
  /** A message authored by the system itself (e.g. an automatic greeting). */
  | { notice: 'text'; text: string }
  /** One line per call, placed where it rang and updated as it is answered and ends. */
  | ({ notice: 'call' } & CallNoticeData)
  /** An HD snapshot of the visitor's camera was taken (call-snapshot.ts). */
  | SnapshotNotice;

export interface SystemItem {
  type: 'system';
  key: string;
  seq: number;
  at: string;
  notice: SystemNotice;
}

export type TimelineItem = MessageItem | SystemItem;

export interface PendingInput {
  clientMsgId: string;
  text: string;
  kind?: MessageItem['kind'];
  attachment?: Attachment | null;
  localPreviewUrl?: string;
  at?: string;
}

export class Timeline {
  items: TimelineItem[] = [];
  status: ConversationStatus | null = null;
  agentName: string | null = null;
  /** Highest seq the agent has acknowledged, by receipt state. */
  agentDeliveredUpTo = 0;
  agentReadUpTo = 0;
  /** Highest seq the visitor has marked read (from the server's own receipts, so it survives reloads). */
  visitorReadUpTo = 0;
  csatScore: number | null = null;
  /** The call ringing or live in this conversation now, from its call events. */
  call: LiveCall | null = null;
  lastSeq = 0;
  private readonly seen = new Set<number>();

  /** Show a message the visitor just sent, before the server confirms it. */
  addPending(input: PendingInput): MessageItem {
    const existing = this.findByClientMsgId(input.clientMsgId);
    if (existing) return existing;
    const item: MessageItem = {
      type: 'message',
      key: input.clientMsgId,
      seq: null,
      clientMsgId: input.clientMsgId,
      author: 'visitor',
      authorName: null,
      kind: input.kind ?? 'text',
      text: input.text,
      attachment: input.attachment ?? null,
      at: input.at ?? new Date().toISOString(),
      state: 'pending',
    };
    if (input.localPreviewUrl) item.localPreviewUrl = input.localPreviewUrl;
    this.items.push(item);
    return item;
  }

  /** Mark an optimistic message failed (or pending again, for a retry). No-op once confirmed. */
  setPendingState(clientMsgId: string, state: 'pending' | 'failed'): boolean {
    const item = this.findByClientMsgId(clientMsgId);
    if (!item || item.seq !== null) return false;
    item.state = state;
    return true;
  }

  /** Update an optimistic message's attachment after its upload finished. */
  setPendingAttachment(clientMsgId: string, attachment: Attachment): void {
    const item = this.findByClientMsgId(clientMsgId);
    if (item && item.seq === null) item.attachment = attachment;
  }

  findByClientMsgId(clientMsgId: string): MessageItem | undefined {
    for (const item of this.items) if (item.type === 'message' && item.clientMsgId === clientMsgId) return item;
    return undefined;
  }

  /** Apply one server event. Returns false when it was a duplicate (already applied). */
  apply(ev: SequencedEvent): boolean {
    if (this.seen.has(ev.seq)) return false;
    this.seen.add(ev.seq);
    if (ev.seq > this.lastSeq) this.lastSeq = ev.seq;
    const e = ev.event;
    this.call = applyCallEvent(this.call, ev);
    switch (e.type) {
      case 'message': {
        const author = e.author.kind;
        if (author === 'system') {
          // The protocol allows system-authored messages; they read as centred notices.
          this.insert({ type: 'system', key: `s${ev.seq}`, seq: ev.seq, at: ev.at, notice: { notice: 'text', text: e.text } });
          return true;
        }
        const confirmed = this.messageFrom(ev, e, author);
        const pending = e.clientMsgId && author === 'visitor' ? this.findByClientMsgId(e.clientMsgId) : undefined;
        if (pending) {
          if (pending.seq !== null) return true; // same clientMsgId already confirmed: ignore
          const at = this.items.indexOf(pending);
          this.items.splice(at, 1);
          confirmed.key = pending.key; // keep the DOM node
          if (!confirmed.attachment?.url && pending.localPreviewUrl) confirmed.localPreviewUrl = pending.localPreviewUrl;
        }
        this.insert(confirmed);
        return true;
      }
      case 'receipt':
        if (e.by === 'agent') {
          if (e.state === 'read') this.agentReadUpTo = Math.max(this.agentReadUpTo, e.upToSeq);
          // Read implies delivered.
          this.agentDeliveredUpTo = Math.max(this.agentDeliveredUpTo, e.upToSeq);
        } else if (e.state === 'read') {
          this.visitorReadUpTo = Math.max(this.visitorReadUpTo, e.upToSeq);
        }
        return true;
      case 'conversation.created':
        if (this.status === null) this.status = 'open';
        return true;
      case 'conversation.queued':
        if (this.status !== 'closed') this.status = 'queued';
        this.insert({ type: 'system', key: `s${ev.seq}`, seq: ev.seq, at: ev.at, notice: { notice: 'queued' } });
        return true;
      case 'conversation.assigned':
        if (this.status !== 'closed') this.status = 'assigned';
        this.agentName = e.agent.name;
        this.insert({
          type: 'system',
          key: `s${ev.seq}`,
          seq: ev.seq,
          at: ev.at,
          notice: { notice: 'assigned', agentName: e.agent.name },
        });
        return true;
      case 'conversation.closed':
        this.status = 'closed';
        this.insert({ type: 'system', key: `s${ev.seq}`, seq: ev.seq, at: ev.at, notice: { notice: 'closed', by: e.by } });
        return true;
      case 'conversation.transferred':
        this.insert({
          type: 'system',
          key: `s${ev.seq}`,
          seq: ev.seq,
          at: ev.at,
          notice: { notice: 'transferred', to: e.to.kind, name: e.to.name },
        });
        return true;
      case 'csat.submitted':
        this.csatScore = e.score;
        return true;
      case 'call.ringing':
        this.insert({
          type: 'system',
          key: `call-${e.callId}`,
          seq: ev.seq,
          at: ev.at,
          notice: { notice: 'call', callId: e.callId, media: e.media, startedBy: e.by, status: 'ringing' },
        });
        return true;
      case 'call.answered':
        this.updateCall(e.callId, { status: 'active' });
        return true;
      case 'call.ended':
        this.updateCall(e.callId, { status: 'ended', reason: e.reason, by: e.by, durationMs: e.durationMs });
        return true;
      case 'call.recording':
        // Still one line per call: it says whether the call is recorded (or its recording failed).
        if (e.state === 'running' || e.state === 'failed') this.updateCall(e.callId, { recording: e.state });
        return true;
      case 'call.snapshot':
        this.insert({ type: 'system', key: `s${ev.seq}`, seq: ev.seq, at: ev.at, notice: { notice: 'snapshot', callId: e.callId, recordingId: e.recordingId, width: e.width, height: e.height } });
        return true;
      default:
        return true;
    }
  }

  /** How the agent has acknowledged one of the visitor's confirmed messages. */
  receiptFor(item: MessageItem): 'none' | 'delivered' | 'read' {
    if (item.author !== 'visitor' || item.seq === null) return 'none';
    if (item.seq <= this.agentReadUpTo) return 'read';
    if (item.seq <= this.agentDeliveredUpTo) return 'delivered';
    return 'none';
  }

  /** Agent messages the visitor has not marked read yet. */
  unreadCount(): number {
    let n = 0;
    for (const item of this.items) {
      if (item.type === 'message' && item.author === 'agent' && item.seq !== null && item.seq > this.visitorReadUpTo) n++;
    }
    return n;
  }

  /** Highest seq of an agent message, the natural upper bound for a read receipt. */
  lastAgentMessageSeq(): number {
    for (let i = this.items.length - 1; i >= 0; i--) {
      const item = this.items[i]!;
      if (item.type === 'message' && item.author === 'agent' && item.seq !== null) return item.seq;
    }
    return 0;
  }

  pendingItems(): MessageItem[] {
    return this.items.filter((i): i is MessageItem => i.type === 'message' && i.seq === null);
  }

  private messageFrom(
    ev: SequencedEvent,
    e: Extract<SequencedEvent['event'], { type: 'message' }>,
    author: MessageItem['author'],
  ): MessageItem {
    return {
      type: 'message',
      key: e.clientMsgId && author === 'visitor' ? e.clientMsgId : `s${ev.seq}`,
      seq: ev.seq,
      clientMsgId: e.clientMsgId,
      author,
      authorName: e.author.name,
      kind: e.kind,
      text: e.text,
      attachment: e.attachment,
      at: ev.at,
      state: 'sent',
    };
  }

  /** A call's line changes in place (a new object, so the list sees it changed). */
  private updateCall(callId: string, patch: Partial<CallNoticeData>): void {
    const i = this.items.findIndex((it) => it.type === 'system' && it.key === `call-${callId}`);
    const item = this.items[i];
    if (!item || item.type !== 'system' || item.notice.notice !== 'call') return;
    this.items[i] = { ...item, notice: { ...item.notice, ...patch } };
  }

  /** Insert a confirmed item by seq, before every optimistic one. */
  private insert(item: MessageItem | SystemItem): void {
    const seq = item.seq ?? Number.MAX_SAFE_INTEGER;
    let i = this.items.length;
    while (i > 0) {
      const prev = this.items[i - 1]!;
      if (prev.seq !== null && prev.seq < seq) break;
      i--;
    }
    this.items.splice(i, 0, item);
  }
}
