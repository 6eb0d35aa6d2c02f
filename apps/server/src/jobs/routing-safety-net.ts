import type { Database } from '../ports/database.js';

/**
 * Routing is event-driven (outbox rows written by the change that frees or queues something).
 * This slow sweep only catches what an event could have missed, e.g. a node that crashed between
 * commit and dispatch with its outbox lease not yet expired: it drains every organisation that
 * has conversations waiting.
 */
export class RoutingSafetyNet {
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly db: Database,
    private readonly drain: (orgId: string) => Promise<number>,
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
    const orgs = await this.db.query<{ org_id: string }>(`select distinct org_id from conversations where status = 'queued'`);
    let handed = 0;
    for (const o of orgs) handed += await this.drain(o.org_id);
    return handed;
  }
}
