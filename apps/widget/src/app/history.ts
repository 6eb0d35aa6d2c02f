import { LIMITS, type ConversationSummary, type SequencedEvent } from '@visavis/protocol';
import { Timeline } from './timeline.js';

/** What the history needs of the visitor API (VisitorApi implements it; tests pass a fake). */
export interface HistorySource {
  conversations(): Promise<ConversationSummary[]>;
  events(conversationId: string, afterSeq: number): Promise<SequencedEvent[]>;
}

export type EarlierState =
  | { kind: 'closed' }
  | { kind: 'loading' }
  | { kind: 'ready'; timeline: Timeline }
  | { kind: 'failed' };

/** Pages of a long conversation read at most; a transcript beyond this is for the agent's side. */
const MAX_PAGES = 20;

/**
 * A returning visitor's earlier, closed conversations ("come back later to the same history").
 * The list comes with the session start; a conversation's events are read (over HTTP, read-only,
 * no subscription) only when the visitor opens it. Owns no DOM, like ChatController.
 */
export class EarlierConversations {
  /** Closed conversations, newest first, without the one on screen. */
  list: ConversationSummary[] = [];
  /** Whether the section is unfolded. */
  expanded = false;
  private readonly opened = new Map<string, EarlierState>();
  private generation = 0;

  constructor(private readonly source: HistorySource, private readonly onChange: () => void) {}

  /** Replace the list from the visitor's conversations (the session start already fetched them). */
  setFrom(all: readonly ConversationSummary[], currentId: string | null): void {
    this.list = pickEarlier(all, currentId);
    for (const id of [...this.opened.keys()]) if (!this.list.some((c) => c.id === id)) this.opened.delete(id);
    this.onChange();
  }

  /** Re-read the list (after a conversation closed and the visitor started a new one). */
  async refresh(currentId: string | null): Promise<void> {
    const gen = ++this.generation;
    try {
      const all = await this.source.conversations();
      if (gen === this.generation) this.setFrom(all, currentId);
    } catch {
      /* the list stays as it was; nothing the visitor must act on */
    }
  }

  /** A new session (identify, restart): forget everything of the previous visitor. */
  reset(): void {
    this.generation++;
    this.list = [];
    this.expanded = false;
    this.opened.clear();
  }

  toggleSection(): void {
    this.expanded = !this.expanded;
    this.onChange();
  }

  state(id: string): EarlierState {
    return this.opened.get(id) ?? { kind: 'closed' };
  }

  /** Open (loading its transcript the first time, or again after a failure) or fold one conversation. */
  toggle(id: string): void {
    const s = this.state(id);
    if (s.kind === 'ready') {
      this.opened.set(id, { kind: 'closed' });
      this.onChange();
      return;
    }
    if (s.kind === 'loading') return;
    void this.load(id);
  }

  private async load(id: string): Promise<void> {
    const gen = this.generation;
    this.opened.set(id, { kind: 'loading' });
    this.onChange();
    try {
      const timeline = new Timeline();
      let after = 0;
      for (let page = 0; page < MAX_PAGES; page++) {
        const events = await this.source.events(id, after);
        for (const e of events) timeline.apply(e);
        if (events.length < LIMITS.eventsPageSize) break;
        after = timeline.lastSeq;
      }
      if (gen === this.generation) this.opened.set(id, { kind: 'ready', timeline });
    } catch {
      if (gen === this.generation) this.opened.set(id, { kind: 'failed' });
    }
    this.onChange();
  }
}

/** Closed conversations other than the current one, newest first. */
export function pickEarlier(all: readonly ConversationSummary[], currentId: string | null): ConversationSummary[] {
  return all
    .filter((c) => c.status === 'closed' && c.id !== currentId)
    .sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
}
