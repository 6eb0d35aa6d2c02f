import { lastMessageSeqBy, type ConversationTimeline, type PendingLike, type TimelineParty } from './conversation-timeline.js';

/**
 * Which receipts one side owes the server for a conversation, for both UIs: `read` up to a seq
 * the reader has on screen, `delivered` for the other side's messages that arrived while it was
 * not looking. A mark is owed only when it covers a message of the other side not yet marked,
 * by this client or by the server's receipts (another tab, a reload), so our own receipt events
 * coming back never ask for another. A mark that failed to send is forgotten, to be owed again.
 */
export type ReceiptMark = { state: 'read' | 'delivered'; upToSeq: number };

export class ReceiptTracker {
  private sentRead = 0;
  private sentDelivered = 0;

  constructor(private readonly reader: TimelineParty) {}

  /** The highest seq this reader has marked read: sent by us, or recorded by the server. */
  readUpTo(tl: ConversationTimeline<PendingLike>): number {
    return Math.max(this.sentRead, this.reader === 'visitor' ? tl.receipts.visitorRead : tl.receipts.agentRead);
  }

  /** The `read` mark owed for seeing everything up to `upToSeq` (default: the last event), or null. */
  read(tl: ConversationTimeline<PendingLike>, upToSeq = tl.events.at(-1)?.seq ?? 0): ReceiptMark | null {
    const already = this.readUpTo(tl);
    if (upToSeq <= already) return null;
    if (lastMessageSeqBy(tl, this.otherSide) <= already) return null;
    this.sentRead = upToSeq;
    this.sentDelivered = Math.max(this.sentDelivered, upToSeq);
    return { state: 'read', upToSeq };
  }

  /** The `delivered` mark owed for the other side's newest message, or null. */
  delivered(tl: ConversationTimeline<PendingLike>): ReceiptMark | null {
    const newest = lastMessageSeqBy(tl, this.otherSide);
    const recorded = this.reader === 'visitor' ? tl.receipts.visitorDelivered : tl.receipts.agentDelivered;
    if (newest <= Math.max(this.sentDelivered, recorded)) return null;
    this.sentDelivered = newest;
    return { state: 'delivered', upToSeq: newest };
  }

  /** The server refused or never got `mark`: forget it, so the same mark is owed again. */
  failed(mark: ReceiptMark): void {
    if (mark.state === 'read' && this.sentRead === mark.upToSeq) this.sentRead = 0;
    if (this.sentDelivered === mark.upToSeq) this.sentDelivered = Math.min(this.sentDelivered, this.sentRead);
  }

  reset(): void {
    this.sentRead = 0;
    this.sentDelivered = 0;
  }

  private get otherSide(): TimelineParty {
    return this.reader === 'visitor' ? 'agent' : 'visitor';
  }
}
