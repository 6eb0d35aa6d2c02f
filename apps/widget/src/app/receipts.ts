/**
 * Decides which receipt the visitor's client owes the server: `read` up to the newest event
 * while the visitor can see the chat, `delivered` for agent messages that arrived while it was
 * hidden. Each mark is sent once; our own receipt events coming back never trigger another.
 */
export interface ReceiptView {
  lastAgentMessageSeq(): number;
  readonly visitorReadUpTo: number;
  readonly lastSeq: number;
}

export type ReceiptMark = { state: 'read' | 'delivered'; upToSeq: number };

export class ReceiptPolicy {
  private sentReadUpTo = 0;
  private sentDeliveredUpTo = 0;

  next(timeline: ReceiptView, seen: boolean): ReceiptMark | null {
    const newestAgent = timeline.lastAgentMessageSeq();
    if (seen) {
      if (newestAgent <= Math.max(this.sentReadUpTo, timeline.visitorReadUpTo)) return null;
      this.sentReadUpTo = timeline.lastSeq;
      this.sentDeliveredUpTo = Math.max(this.sentDeliveredUpTo, this.sentReadUpTo);
      return { state: 'read', upToSeq: this.sentReadUpTo };
    }
    if (newestAgent <= Math.max(this.sentDeliveredUpTo, timeline.visitorReadUpTo)) return null;
    this.sentDeliveredUpTo = newestAgent;
    return { state: 'delivered', upToSeq: newestAgent };
  }

  reset(): void {
    this.sentReadUpTo = 0;
    this.sentDeliveredUpTo = 0;
  }
}
