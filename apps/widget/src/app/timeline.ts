import type { Attachment, CloseReason, ConversationStatus, SequencedEvent } from '@visavis/protocol';
import {
  addPendingMessage,
  applyTimelineEvent,
  emptyConversationTimeline,
  findPending,
  lastMessageSeqBy,
  lastTimelineSeq,
  receiptMark,
  unreadMessageCount,
  updatePendingMessage,
  type ConversationTimeline,
} from '@visavis/client';
import type { CallNoticeData } from './call-state.js';
import type { SnapshotNotice } from './view/snapshot-view.js';

/**
 * The visitor's view of one conversation: the SDK's `ConversationTimeline` (events merged by seq,
 * optimistic messages keyed by clientMsgId, receipts) folded into the items the widget draws —
 * messages, notices, one line per call — plus status, agent name and CSAT (the live call is the
 * SDK's `Call`, which the chat controller holds).
 * Pure data and logic, no DOM, so it is unit-tested.
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

/** An optimistic message: one of the visitor's, not confirmed yet (`seq` null). */
export type PendingItem = MessageItem & { clientMsgId: string };

export class Timeline {
  /** Only the visitor's own messages confirm a pending one (the workspace matches any author). */
  private core: ConversationTimeline<PendingItem> = emptyConversationTimeline<PendingItem>('visitor');
  /** Confirmed items, by seq; the pending ones (the core's, in send order) follow them in `items`. */
  private confirmed: (MessageItem | SystemItem)[] = [];
  status: ConversationStatus | null = null;
  agentName: string | null = null;
  csatScore: number | null = null;

  /** A new conversation's timeline may start with the visitor's unsent messages from the last one. */
  constructor(pending: readonly PendingItem[] = []) {
    for (const p of pending) this.core = addPendingMessage(this.core, p);
  }

  get items(): readonly TimelineItem[] {
    return this.core.pending.length ? [...this.confirmed, ...this.core.pending] : this.confirmed;
  }

  get lastSeq(): number {
    return lastTimelineSeq(this.core);
  }

  /** Highest seq the agent has acknowledged, by receipt state (read implies delivered). */
  get agentDeliveredUpTo(): number {
    return this.core.receipts.agentDelivered;
  }

  get agentReadUpTo(): number {
    return this.core.receipts.agentRead;
  }

  /** Highest seq the visitor has marked read (from the server's own receipts, so it survives reloads). */
  get visitorReadUpTo(): number {
    return this.core.receipts.visitorRead;
  }

  /** Show a message the visitor just sent, before the server confirms it. */
  addPending(input: PendingInput): MessageItem {
    const existing = this.findByClientMsgId(input.clientMsgId);
    if (existing) return existing;
    const item: PendingItem = {
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
    this.core = addPendingMessage(this.core, item);
    return item;
  }

  /** Mark an optimistic message failed (or pending again, for a retry). No-op once confirmed. */
  setPendingState(clientMsgId: string, state: 'pending' | 'failed'): boolean {
    if (!findPending(this.core, clientMsgId)) return false;
    this.core = updatePendingMessage(this.core, clientMsgId, { state });
    return true;
  }

  /** Update an optimistic message's attachment after its upload finished. */
  setPendingAttachment(clientMsgId: string, attachment: Attachment): void {
    this.core = updatePendingMessage(this.core, clientMsgId, { attachment });
  }

  findByClientMsgId(clientMsgId: string): MessageItem | undefined {
    for (const item of this.confirmed) if (item.type === 'message' && item.clientMsgId === clientMsgId) return item;
    return findPending(this.core, clientMsgId);
  }

  /** Apply one server event. Returns false when it was a duplicate (already applied). */
  apply(ev: SequencedEvent): boolean {
    const before = this.core;
    this.core = applyTimelineEvent(before, ev);
    if (this.core === before) return false;
    const e = ev.event;
    switch (e.type) {
      case 'message': {
        const author = e.author.kind;
        if (author === 'system') {
          // The protocol allows system-authored messages; they read as centred notices.
          this.insert({ type: 'system', key: `s${ev.seq}`, seq: ev.seq, at: ev.at, notice: { notice: 'text', text: e.text } });
          return true;
        }
        const confirmed = this.messageFrom(ev, e, author);
        if (e.clientMsgId && author === 'visitor') {
          // Same clientMsgId already confirmed: ignore.
          if (this.confirmed.some((i) => i.type === 'message' && i.clientMsgId === e.clientMsgId)) return true;
          const pending = findPending(before, e.clientMsgId);
          if (pending) {
            confirmed.key = pending.key; // keep the DOM node
            if (!confirmed.attachment?.url && pending.localPreviewUrl) confirmed.localPreviewUrl = pending.localPreviewUrl;
          }
        }
        this.insert(confirmed);
        return true;
      }
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
    const mark = receiptMark(item.seq, 'visitor', this.core.receipts);
    return mark === 'sent' ? 'none' : mark;
  }

  /** Agent messages the visitor has not marked read yet. */
  unreadCount(): number {
    return unreadMessageCount(this.core, 'visitor');
  }

  /** Highest seq of an agent message, the natural upper bound for a read receipt. */
  lastAgentMessageSeq(): number {
    return lastMessageSeqBy(this.core, 'agent');
  }

  pendingItems(): PendingItem[] {
    return this.core.pending.slice();
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
    const i = this.confirmed.findIndex((it) => it.type === 'system' && it.key === `call-${callId}`);
    const item = this.confirmed[i];
    if (!item || item.type !== 'system' || item.notice.notice !== 'call') return;
    this.confirmed[i] = { ...item, notice: { ...item.notice, ...patch } };
  }

  /** Insert a confirmed item by seq (the optimistic ones stay after all of them). */
  private insert(item: MessageItem | SystemItem): void {
    const seq = item.seq!;
    let i = this.confirmed.length;
    while (i > 0 && this.confirmed[i - 1]!.seq! >= seq) i--;
    this.confirmed.splice(i, 0, item);
  }
}
