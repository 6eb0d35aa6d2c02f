import { PeriodicJob } from '../platform/jobs/periodic-job.js';
import type { Database } from '../ports/database.js';
import type { Clock } from '../ports/clock.js';
import { ConversationStore } from './conversation-store.js';
import type { ConversationService } from './conversation-service.js';

/** Closes conversations nobody has written in for `inactivityMs` (closed_by = inactivity). */
export class InactivitySweeper extends PeriodicJob {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly conversations: ConversationService,
    private readonly inactivityMs: number,
    onError: (e: unknown) => void,
  ) {
    super(onError);
  }

  start(everyMs = 60_000): void {
    this.startEvery(everyMs);
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
