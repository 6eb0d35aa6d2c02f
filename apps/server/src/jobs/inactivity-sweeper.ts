import type { Database } from '../ports/database.js';
import type { Clock } from '../ports/clock.js';
import { ConversationStore } from '../stores/conversation-store.js';
import type { ConversationService } from '../services/conversation-service.js';

/** Closes conversations nobody has written in for `inactivityMs` (closed_by = inactivity). */
export class InactivitySweeper {
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly conversations: ConversationService,
    private readonly inactivityMs: number,
    private readonly onError: (e: unknown) => void,
  ) {}

  start(everyMs = 60_000): void {
    this.timer = setInterval(() => void this.sweep().catch(this.onError), everyMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  async sweep(): Promise<number> {
    const before = new Date(this.clock.now().getTime() - this.inactivityMs);
    let closed = 0;
    for (const c of await ConversationStore.inactiveSince(this.db, before)) {
      try {
        await this.conversations.closeAs(null, c.id, 'inactivity');
        closed++;
      } catch (e) {
        this.onError(e); // closed meanwhile by someone else: fine
      }
    }
    return closed;
  }
}
